"""Text from manifests made safe for where it is shown: a terminal line, or inline Markdown.

A title, a description or a runbook is written by whoever edits a manifest. On a terminal a
control character could move the cursor or recolour the screen; in Markdown, `<script>`,
`[a link](...)`, a `|` in a table cell or a line break would become markup. Every formatter of
`impact` and `show` passes such text through one of these."""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")
# Inline Markdown: what would start emphasis, code, a link, HTML, a table cell or
# strikethrough. `&` first, so that the entities written for < and > stay as they are.
_MARKDOWN = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\\", "\\\\"), ("`", "\\`"),
             ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]"), ("|", "\\|"), ("~", "\\~"))


def terminal(text: str) -> str:
    """One line for a terminal: line breaks become spaces, control characters (escape
    sequences included) are shown as `\\x1b` instead of being obeyed."""
    flat = _LINE_BREAKS.sub(" ", text)
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", flat)


def markdown(text: str) -> str:
    """Inline Markdown that shows `text` as it is, on one line, with no markup of its own."""
    escaped = terminal(text)
    for raw, safe in _MARKDOWN:
        escaped = escaped.replace(raw, safe)
    return escaped


def code(text: str) -> str:
    """`text` as inline code (names, paths): a backtick inside cannot end it early."""
    flat = terminal(text).replace("|", "\\|")
    fence = "``" if "`" in flat else "`"
    padding = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{padding}{flat}{padding}{fence}"
