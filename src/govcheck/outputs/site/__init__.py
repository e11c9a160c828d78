"""The site's HTML: one page per entity, an overview with the map, and an index of every
entity. Pure functions from `views.site` data to text; the folder is written by `folder`.

Every page stands alone: its style (and, on the index, its small filter script) is inline,
the map is an inline SVG, and a Content-Security-Policy allows nothing else, so a page
opened from disk loads nothing from anywhere. Everything that comes from a manifest is
escaped, and only http(s) and mailto addresses become outside links.
"""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from functools import cache
from html import escape
from importlib import resources
from string import Template
from urllib.parse import urlsplit

from govcheck import __version__
from govcheck.model.findings import Finding
from govcheck.views.site import (
    KIND_PLURALS,
    Cell,
    EntityPage,
    Overview,
    Ref,
    Site,
    Table,
    page_path,
)
from govcheck.views.site_map import LEGEND, layout_map, map_svg

OVERVIEW = "index.html"
INDEX = "entities.html"
OUTSIDE_SCHEMES = ("http", "https", "mailto")


@cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def render_site(site: Site) -> dict[str, str]:
    """Every file of the site: its path in the folder → its HTML."""
    pages = {page.key: page_path(page.key) for page in site.pages}
    files = {OVERVIEW: render_overview(site, pages), INDEX: render_index(site, pages)}
    for page in site.pages:
        files[pages[page.key]] = render_entity(page, pages, site.overview.as_of.isoformat())
    return files


# -- the pages ---------------------------------------------------------------------------------

def render_overview(site: Site, pages: Mapping[str, str]) -> str:
    overview = site.overview
    link = Linker(OVERVIEW, pages)
    map_pages = {key: link.href(path) for key, path in pages.items()
                 if key.startswith(("system/", "integration/"))}
    systems = sum(1 for node in site.ecosystem_map.nodes if node.known)
    svg = map_svg(layout_map(site.ecosystem_map), map_pages,
                  f"Ecosystem map: {systems} systems, {len(site.ecosystem_map.edges)} integrations")
    sections = "\n".join(render_table(table, link) for table in overview.tables)
    body = f"""<h1>Integration estate</h1>
<p class="counts">{_counts(overview)}</p>
{_verdict(overview.findings)}
<p class="toc"><a href="#map">Map</a><a href="#findings">Findings</a><a href="#owners">Who owns what</a><a href="#reviews">Reviews due</a><a href="#contracts">Contracts ending</a><a href="#manual">Manual work</a><a href="{INDEX}">Every entity</a></p>
<h2 id="map">Ecosystem map</h2>
<figure class="map">{svg}
<figcaption>{escape(LEGEND)}. Click a system or a link for its page.</figcaption></figure>
<h2 id="findings">Findings</h2>
{render_findings(overview.findings, link, with_entity=True)}
{sections}"""
    return page("Integration estate", body, OVERVIEW, overview.as_of.isoformat())


def render_index(site: Site, pages: Mapping[str, str]) -> str:
    link = Linker(INDEX, pages)
    table = render_table(site.index, link, heading=False)
    body = f"""<h1>Every entity</h1>
<p class="intro">Every system, dataset, integration, team and person, with its owner.</p>
<div class="filter" id="filter-form" hidden><label for="filter">Find</label> <input id="filter" type="search" placeholder="a name, a team, a word" autocomplete="off"> <output id="shown" for="filter"></output></div>
{table}"""
    return page("Every entity", body, INDEX, site.overview.as_of.isoformat(), _asset("filter.js"))


def render_entity(entity: EntityPage, pages: Mapping[str, str], as_of: str) -> str:
    path = pages[entity.key]
    link = Linker(path, pages)
    kind_name = KIND_PLURALS.get(entity.kind, entity.kind)
    facts = "\n".join(f"<dt>{escape(label)}</dt><dd>{render_cell(value, link)}</dd>"
                      for label, value in entity.facts)
    findings = (f'<h2 id="findings">Findings</h2>\n{render_findings(entity.findings, link)}'
                if entity.findings else "")
    tables = "\n".join(render_table(table, link) for table in entity.tables)
    body = f"""<p class="breadcrumb"><a href="{link.href(OVERVIEW)}">Overview</a> › <a href="{link.href(INDEX)}">{escape(kind_name)}</a> › {escape(entity.name)}</p>
<h1>{escape(entity.title)}</h1>
<p class="subtitle">{escape(entity.kind)} <code>{escape(entity.key)}</code></p>
{f'<p class="summary">{escape(entity.summary)}</p>' if entity.summary else ""}
{findings}
<dl class="facts">
{facts}
</dl>
{tables}
<p class="defined-in">Defined in <code>{escape(entity.file)}</code>.</p>"""
    return page(entity.title, body, path, as_of)


def page(title: str, body: str, path: str, as_of: str, script: str = "") -> str:
    """A whole HTML document around `body` (already HTML)."""
    style = _asset("site.css")
    policy = ("default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; "
              f"style-src {_digest(style)}; script-src {_digest(script) if script else chr(39) + 'none' + chr(39)}")
    return Template(_asset("page.html")).substitute(
        policy=policy, version=escape(__version__), title=escape(title), style=style,
        root="../" * path.count("/"), as_of=escape(as_of), body=body,
        script=f"<script>{script}</script>\n" if script else "")


def _digest(content: str) -> str:
    """A CSP source that allows exactly this inline style or script and nothing else."""
    digest = base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


# -- parts -------------------------------------------------------------------------------------

class Linker:
    """Addresses relative to the page being written, so the site works from any folder (or
    any place on a web server). Every page is at the top or one folder down."""

    def __init__(self, path: str, pages: Mapping[str, str]) -> None:
        self.up = "../" * path.count("/")
        self.pages = pages

    def href(self, target: str) -> str:
        return self.up + target

    def page_of(self, key: str) -> str | None:
        path = self.pages.get(key)
        return self.href(path) if path is not None else None


def render_cell(cell: Cell, link: Linker) -> str:
    if isinstance(cell, str):
        return escape(cell)
    if isinstance(cell, Ref):
        return render_ref(cell, link)
    return ", ".join(render_ref(item, link) for item in cell)


def render_ref(reference: Ref, link: Linker) -> str:
    label = escape(reference.text)
    if reference.key:
        href = link.page_of(reference.key)
        if href is None:
            return f'{label} <span class="missing">(not defined)</span>'
        return f'<a href="{escape(href)}">{label}</a>'
    if reference.url and is_outside_address(reference.url):
        return f'<a href="{escape(reference.url)}" rel="noopener noreferrer external">{label}</a>'
    return label


def is_outside_address(url: str) -> bool:
    """A web or mail address, and nothing a browser would run (javascript:, data:, ...)."""
    if any(ord(char) < 33 for char in url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in OUTSIDE_SCHEMES and bool(parts.netloc or parts.scheme == "mailto")


def render_table(table: Table, link: Linker, heading: bool = True) -> str:
    anchor = f' id="{escape(table.anchor)}"' if table.anchor else ""
    parts = [f"<h2{anchor}>{escape(table.title)}</h2>" if heading else ""]
    if table.intro:
        parts.append(f'<p class="intro">{escape(table.intro)}</p>')
    if not table.rows:
        parts.append(f'<p class="empty">{escape(table.empty)}</p>')
        return "\n".join(part for part in parts if part)
    head = "".join(f"<th>{escape(column)}</th>" for column in table.columns)
    body = "\n".join("<tr>" + "".join(f"<td>{render_cell(cell, link)}</td>" for cell in row) + "</tr>"
                     for row in table.rows)
    table_id = f' id="{escape(table.anchor)}"' if table.anchor and not heading else ""
    parts.append(f"<table{table_id}><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>")
    return "\n".join(part for part in parts if part)


def render_findings(findings: Iterable[Finding], link: Linker, with_entity: bool = False) -> str:
    listed = list(findings)
    if not listed:
        return '<p class="empty">No findings.</p>'
    columns = ["Severity", "Rule", *(["Entity"] if with_entity else []), "Where", "Message"]
    rows = []
    for finding in listed:
        cells = [f'<span class="severity {escape(finding.severity.value)}">{escape(finding.severity.value)}</span>'
                 + (" (waived)" if finding.waived else ""), escape(finding.rule)]
        if with_entity:
            cells.append(render_ref(Ref(finding.entity, finding.entity), link) if finding.entity else "")
        cells.extend([f"<code>{escape(finding.file)}:{finding.line}:{finding.column}</code>",
                      escape(finding.message)])
        waived = ' class="waived"' if finding.waived else ""
        rows.append(f"<tr{waived}>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(f"<th>{column}</th>" for column in columns)
    return f"<table><thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table>"


def _counts(overview: Overview) -> str:
    return escape(", ".join(f"{count} {name.lower()}" for name, count in overview.counts))


def _verdict(findings: Iterable[Finding]) -> str:
    active = [finding for finding in findings if not finding.waived]
    if not active:
        return '<p class="verdict clean">Every rule passes.</p>'
    counts = {severity: sum(1 for f in active if f.severity.value == severity)
              for severity in ("error", "warning", "info")}
    text = ", ".join(f"{count} {severity}{'s' * (count != 1 and severity != 'info')}"
                     for severity, count in counts.items())
    return f'<p class="verdict failing"><a href="#findings">{escape(text)}</a></p>'
