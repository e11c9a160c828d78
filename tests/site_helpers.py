"""Sites for tests: the example estate's, a hostile one, and the pages read back with the
standard library's HTML parser (an oracle that knows nothing of how govcheck writes them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from estates import AS_OF, copy_example_estate

from govcheck.app.project import open_project
from govcheck.app.site import SiteResult, build_site

# Manifest text that would run script, load something or link to script if it reached a
# page unescaped. Every attack sets window.pwned, which the browser test looks for.
HOSTILE = """\
apiVersion: govcheck/v1
kind: System
metadata:
  name: evil
  title: "<script>window.pwned=1</script>Evil CRM"
  description: "\\"><img src=x onerror=\\"window.pwned=1\\">"
  labels: {note: "<b onmouseover=window.pwned=1>bold</b>"}
spec:
  category: crm
  role: "</td></tr></table><svg onload=window.pwned=1>"
  owner: finance
  vendor: "]]><!-- --><style>body{display:none}</style>"
  manual_workarounds:
    - {description: "<iframe src=javascript:window.pwned=1></iframe>", team: finance, hours_per_week: 2}
---
apiVersion: govcheck/v1
kind: Integration
metadata: {name: evil-link, title: "<img src=x onerror=window.pwned=1>"}
spec:
  owner: finance
  purpose: "' onmouseover='window.pwned=1"
  process: {trigger: "${window.pwned=1}", outcome: "{{7*7}} $title"}
  source: evil
  target: xero
  datasets: [{dataset: invoice, fields: ["<script>window.pwned=1</script>"]}]
  mode: manual
  method: manual
  monitoring: {owner: finance, alert_channel: "#x", runbook: "javascript:window.pwned=1"}
  success_measures: [{metric: "<svg/onload=window.pwned=1>", target: "x"}]
  review: {interval: P12M, last_reviewed: 2026-11-01}
---
apiVersion: govcheck/v1
kind: Integration
metadata: {name: evil-runbooks, title: Runbooks}
spec:
  owner: finance
  purpose: Links of every kind
  process: {trigger: a, outcome: b}
  source: evil
  target: xero
  datasets: [{dataset: invoice}]
  mode: manual
  method: manual
  monitoring: {owner: finance, alert_channel: "#x", runbook: " JaVaScRiPt:window.pwned=1"}
  success_measures: [{metric: m, target: t}]
  review: {interval: P12M, last_reviewed: 2026-11-01}
---
apiVersion: govcheck/v1
kind: System
metadata: {name: "../../<script>window.pwned=1</script>", title: "Bad name"}
spec: {category: other, role: "A name that is no name", owner: finance}
"""
HOSTILE_TEXTS = ["<script>window.pwned=1</script>Evil CRM", "<img src=x onerror=window.pwned=1>",
                 "</td></tr></table><svg onload=window.pwned=1>", "javascript:window.pwned=1"]


def example_site(root: Path, **options: bool) -> tuple[Path, SiteResult]:
    """The example estate copied under `root` and its site written into root/site."""
    copy_example_estate(root)
    folder = root / "site"
    return folder, build_site(open_project(root), folder, AS_OF, **options)


def hostile_site(root: Path) -> Path:
    copy_example_estate(root)
    (root / "ecosystem" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    folder = root / "site"
    build_site(open_project(root), folder, AS_OF)
    return folder


@dataclass
class Page:
    """A page as the HTML parser reads it."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    scripts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)     # text of each element, unescaped

    def links(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.tags if tag == "a" and "href" in attrs]

    def text_of(self, tag: str) -> list[str]:
        return [text for (name, _), text in zip(self.tags, self.texts) if name == tag]


VOID = {"meta", "link", "br", "input", "img", "hr", "area", "base", "col", "embed", "source",
        "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[int] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, attrs)
        if tag not in VOID:
            self.open.append(len(self.page.tags) - 1)
        self.in_script = tag == "script"
        if self.in_script:
            self.page.scripts.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, attrs)        # <path .../>: no text, nothing to close

    def _record(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.page.tags.append((tag, values))
        self.page.texts.append("")
        if "id" in values:
            self.page.ids.add(values["id"])

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.page.tags[self.open.pop()][0] == tag:
                break
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.page.scripts[-1] += data
        for index in self.open:
            self.page.texts[index] += data


def read_page(path: Path) -> Page:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader.page


def read_site(folder: Path) -> dict[str, Page]:
    return {path.relative_to(folder).as_posix(): read_page(path)
            for path in sorted(folder.rglob("*.html"))}


def broken_links(folder: Path, pages: dict[str, Page]) -> list[str]:
    """Every link between pages that does not reach a page (or the id it names)."""
    broken = []
    for name, page in pages.items():
        for href in page.links():
            parts = urlsplit(href)
            if parts.scheme:
                continue
            target = (folder / name).parent / unquote(parts.path) if parts.path else folder / name
            relative = target.resolve().relative_to(folder.resolve()).as_posix() \
                if target.resolve().is_relative_to(folder.resolve()) else None
            if relative not in pages or (parts.fragment and parts.fragment not in pages[relative].ids):
                broken.append(f"{name}: {href}")
    return broken


# Every field a page reads, holding a value of the wrong type (each is a GOV000 finding).
WRONG_TYPES = """\
apiVersion: govcheck/v1
kind: System
metadata: {name: odd, title: 42, description: [a, b], labels: [x]}
spec:
  category: [crm]
  role: {a: b}
  owner: [finance, sales-ops]
  lifecycle: {status: 1, contract_end: 2027-13-45, exit_plan: [x], replaced_by: {a: 1}}
  api: {rate_limit: "lots", availability: [1]}
  manual_workarounds: [{description: 1, team: [x], hours_per_week: "many"}, "x", 3]
---
apiVersion: govcheck/v1
kind: System
metadata: {name: odder}
spec: {lifecycle: "active", api: 3, manual_workarounds: {a: b}}
---
apiVersion: govcheck/v1
kind: Dataset
metadata: {name: odd-data, title: ""}
spec:
  system_of_record: {a: 1}
  owner: 7
  classification: [secret]
  fields: [{name: [x], type: 1, values: "a,b", required: "yes", pii: 1}, "id", null]
  change_control: {approvers: "team:finance", min_approvals: "two"}
---
apiVersion: govcheck/v1
kind: Integration
metadata: {name: odd-link}
spec:
  owner: {team: finance}
  purpose: [x]
  process: "by hand"
  source: [odd]
  target: 5
  direction: sideways
  datasets: {dataset: odd-data}
  mode: [real-time]
  schedule: {every: "soon", cron: 5}
  conflict_resolution: [x]
  fallback: "none"
  monitoring: {owner: [x], runbook: 5}
  success_measures: "many"
  review: {interval: 12, last_reviewed: [x]}
---
apiVersion: govcheck/v1
kind: Integration
metadata: {name: odd-schedule}
spec: {source: odd, target: odd, mode: scheduled, schedule: {cron: "61 25 * * *"},
       datasets: [{dataset: odd-data, fields: "all"}], review: {interval: P1M, last_reviewed: 2020-02-30}}
---
apiVersion: govcheck/v1
kind: Team
metadata: {name: odd-team}
spec: {function: [x], members: [{a: 1}, 3, nobody], github: 1}
---
apiVersion: govcheck/v1
kind: Person
metadata: {name: odd-person}
spec: {email: [x], team: {a: 1}}
---
apiVersion: govcheck/v1
kind: System
metadata: {name: ""}
spec: null
---
apiVersion: govcheck/v1
kind: Dataset
metadata: {name: odd-data}
spec: {}
"""
