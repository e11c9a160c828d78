"""Text from manifests, file names and git, made safe to print.

A manifest's author chooses its messages' contents (an entity name, a title, a field quoted in
a finding) and its file names; a commit's author chooses its trailers. None of it may forge a
line of a report, move the terminal's cursor or change its colours, or make a reader see text
that is not there. Every output that a person or a line-oriented tool reads (text, table,
annotations, JUnit, Markdown, error lines on stderr) passes such text through `printable`;
JSON and SARIF keep it as it is (JSON escapes control characters itself) except for what
JSON cannot hold at all: the undecodable bytes of a file name that is not UTF-8.
"""
from __future__ import annotations

import json
import re

# C0 and C1 controls and DEL (a newline forges a line, ESC starts a terminal sequence), the
# characters that break or reorder a line on screen without being a control character (the
# Unicode line and paragraph separators, the bidirectional overrides, isolates and marks of
# "Trojan source"), lone surrogates (the undecodable bytes of a non-UTF-8 file name, which
# Python's file-system decoding carries as U+DC80-U+DCFF) and the two noncharacters.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
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


def json_document(document: object) -> str:
    """`document` as indented UTF-8 JSON text, ending with a newline.

    A string that holds a non-UTF-8 file name holds its escaped form (`bad\\xff.yaml`, as in
    every other format): JSON text is Unicode and cannot carry the undecodable byte."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # json.dumps leaves a lone surrogate as it is, and only ever inside a string: replace it
    # with the JSON spelling of its visible escape (a backslash written as `\\`).
    return _SURROGATES.sub(lambda match: json.dumps(_visible(match))[1:-1], text) + "\n"
