"""Markdown as GitHub renders it, for tests: cmark-gfm (GitHub's own CommonMark parser, with
its table, autolink, strikethrough and tag-filter extensions) through the cmarkgfm binding.

Raw HTML is kept in the rendering (GitHub sanitizes it afterwards), so that a test sees any
HTML a report lets through."""
from __future__ import annotations

from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

WORD_JOINER = "\u2060"   # what govcheck puts after an `@` so that GitHub links nothing


def to_html(markdown: str) -> str:
    html: str = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return html


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []       # "<tag>", "</tag>", "<!--...-->", in order
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        self.elements.append(f"</{tag}>")

    def handle_comment(self, data: str) -> None:
        self.elements.append("<!--comment-->")

    def handle_decl(self, decl: str) -> None:
        self.elements.append("<!declaration>")

    def handle_pi(self, data: str) -> None:
        self.elements.append("<?pi>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(markdown: str) -> _Reader:
    reader = _Reader()
    reader.feed(to_html(markdown))
    reader.close()
    return reader


def elements(markdown: str) -> list[str]:
    """The HTML elements (tags, comments, declarations) of the rendering, in order, without
    their attributes or text."""
    return _read(markdown).elements


def rendered_text(markdown: str) -> str:
    """What a reader sees: the rendering's text, entities decoded, word joiners left out."""
    return "".join(_read(markdown).text).replace(WORD_JOINER, "")
