"""Prose from manifests (titles, descriptions, runbooks) shown on one line: a terminal line, or
inline Markdown. Line breaks, which prose written in YAML often has, become spaces; everything
else goes through the escaping every format shares (`escape.printable`, `markdown.escape` and
`markdown.code`), so that nothing from a manifest can move the cursor or become markup."""
from __future__ import annotations

import re

from govcheck.outputs.escape import printable
from govcheck.outputs.markdown import code as code_span
from govcheck.outputs.markdown import escape

_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def terminal(text: str) -> str:
    """One line for a terminal: line breaks become spaces, the rest is `printable`."""
    return printable(_one_line(text))


def markdown(text: str) -> str:
    """Inline Markdown that shows `text` as it is, on one line, with no markup of its own."""
    return escape(_one_line(text))


def code(text: str) -> str:
    """`text` as inline code (names, paths), safe in a table cell too."""
    return code_span(_one_line(text), cell=True)
