"""Text shown to a person, made safe: nothing in it may forge a line of a report, move the
terminal's cursor or change its colours, or make a reader see text that is not there. Every
stage that prints what a manifest, a file name or a commit says (views, outputs, the command
line) uses `printable`."""
from __future__ import annotations

import re

# C0 and C1 controls and DEL (a newline forges a line, ESC starts a terminal sequence), the
# characters that break or reorder a line on screen without being a control character (the
# Unicode line and paragraph separators, the bidirectional overrides, isolates and marks of
# "Trojan source"), lone surrogates (the undecodable bytes of a non-UTF-8 file name, which
# Python's file-system decoding carries as U+DC80-U+DCFF) and the two noncharacters.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """`text` with every character that could forge a line or a terminal sequence shown as a
    visible escape: `\\n`, `\\r`, `\\t`, `\\x1b` for the other ASCII controls, `\\xff` for a
    byte of a file name that is not UTF-8, `\\u202e` for the rest. All else is unchanged."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:        # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def plural(count: int, word: str, plural: str | None = None) -> str:
    """`1 finding`, `2 findings`; `plural` for a word that does not just take an s."""
    return f"{count} {word if count == 1 else (plural or word + 's')}"
