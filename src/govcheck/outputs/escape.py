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

from govcheck.model.text import printable

__all__ = ["json_document", "printable"]

_SURROGATES = re.compile("[\ud800-\udfff]")   # the undecodable bytes of a file name


def json_document(document: object) -> str:
    """`document` as indented UTF-8 JSON text, ending with a newline.

    A string that holds a non-UTF-8 file name holds its escaped form (`bad\\xff.yaml`, as in
    every other format): JSON text is Unicode and cannot carry the undecodable byte."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # json.dumps leaves a lone surrogate as it is, and only ever inside a string: replace it
    # with the JSON spelling of its visible escape (a backslash written as `\\`).
    shown: str = _SURROGATES.sub(lambda match: str(json.dumps(printable(match.group())))[1:-1],
                                 text)
    return shown + "\n"
