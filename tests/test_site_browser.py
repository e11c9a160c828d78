"""The site in a real browser: headless Chromium opens every page from disk with its network
switched off, and the tests assert what a person would see: every page loads with no console
error and no request leaving the machine, every link between pages lands on a page (and on
the id it names), the overview's map is drawn and visible and its boxes lead to their pages,
an owner is two clicks from the overview, and hostile manifest text runs nothing. A
screenshot of the overview is kept as a test artifact (its path is printed).

The browser is driven through the DevTools protocol over a pipe (tests/browser.py), not with
`--dump-dom` (which shows the DOM, but not console errors, requests or layout) nor Playwright
(an npm package with a browser download of its own): the pipe needs only the Debian chromium
that `.ci/run` installs and the standard library. Without a chromium the tests are skipped,
saying so.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from browser import Browser, PageVisit, find_chromium
from site_helpers import example_site, hostile_site, read_page

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium to open the site in: .ci/run installs Debian's "
                             "chromium (apt-get install -y chromium); install it to run these tests")

LINKS = """Array.from(document.querySelectorAll("a")).map(a =>
    new URL(a.getAttribute("href"), document.baseURI).href)"""
IDS = 'Array.from(document.querySelectorAll("[id]")).map(e => e.id)'
MAP = """(() => {
  const svg = document.querySelector("figure.map svg");
  const box = svg.getBoundingClientRect(), style = getComputedStyle(svg);
  const systems = Array.from(svg.querySelectorAll("g.system")).map(g => {
    const r = g.getBoundingClientRect();
    return {name: g.closest("a").getAttribute("href"), left: r.left, top: r.top, right: r.right,
            bottom: r.bottom};
  });
  return {left: box.left, top: box.top, right: box.right, bottom: box.bottom,
          visibility: style.visibility, display: style.display, opacity: style.opacity,
          systems: systems, links: svg.querySelectorAll("g.link").length};
})()"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    assert CHROMIUM is not None
    opened = Browser(CHROMIUM, tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder, _ = example_site(tmp_path_factory.mktemp("estate"))
    return folder


def open_every_page(browser: Browser, folder: Path) -> dict[str, tuple[PageVisit, list[str], set[str]]]:
    """Each page's visit, the addresses of its links and its element ids."""
    seen = {}
    for path in sorted(folder.rglob("*.html")):
        visit = browser.open(path.as_uri())
        seen[path.relative_to(folder).as_posix()] = (visit, browser.evaluate(LINKS),
                                                     set(browser.evaluate(IDS)))
    return seen


def test_every_page_loads_offline_with_no_error_and_every_link_lands(browser: Browser,
                                                                    example: Path) -> None:
    seen = open_every_page(browser, example)
    assert len(seen) == 73
    problems = []
    for name, (visit, links, _) in seen.items():
        problems += [f"{name}: {error}" for error in visit.errors]
        problems += [f"{name}: dialog {dialog}" for dialog in visit.dialogs]
        problems += [f"{name}: requested {url}" for url in visit.requests
                     if urlsplit(url).scheme not in ("file", "data")]
        for link in links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue                  # a runbook on the company wiki: never loaded
            target = Path(unquote(parts.path)).resolve()
            relative = target.relative_to(example.resolve()).as_posix() \
                if target.is_relative_to(example.resolve()) else str(target)
            if parts.scheme != "file" or relative not in seen:
                problems.append(f"{name}: link to {link} lands on no page")
            elif parts.fragment and parts.fragment not in seen[relative][2]:
                problems.append(f"{name}: link to {link} names no element of that page")
    assert problems == []


def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    named = os.environ.get("GOVCHECK_TEST_ARTIFACTS")
    folder = Path(named) if named else tmp_path_factory.getbasetemp() / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_overview_shows_the_map_and_its_boxes_lead_to_their_pages(
        browser: Browser, example: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    visit = browser.open((example / "index.html").as_uri())
    assert visit.errors == []
    drawn: dict[str, Any] = browser.evaluate(MAP)

    assert (drawn["visibility"], drawn["display"], drawn["opacity"]) == ("visible", "block", "1")
    assert drawn["right"] - drawn["left"] > 900 and drawn["bottom"] - drawn["top"] > 300
    assert len(drawn["systems"]) == 13 and drawn["links"] == 18
    for box in drawn["systems"]:              # inside the picture, not clipped
        assert drawn["left"] <= box["left"] < box["right"] <= drawn["right"], box
        assert drawn["top"] <= box["top"] < box["bottom"] <= drawn["bottom"], box
    netsuite = next(box for box in drawn["systems"] if box["name"] == "system/netsuite.html")
    x, y = (netsuite["left"] + netsuite["right"]) / 2, (netsuite["top"] + netsuite["bottom"]) / 2
    on_top = browser.evaluate(f'document.elementFromPoint({x}, {y}).closest("a").getAttribute("href")')
    assert on_top == "system/netsuite.html"   # nothing covers the box: a click reaches it

    shot = browser.screenshot(artifacts(tmp_path_factory) / "site-overview.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    with capsys.disabled():
        print(f"\nscreenshot of the site's overview: {shot}")

    page = browser.click(f'document.elementFromPoint({x}, {y}).closest("a")')
    assert page.url.endswith("/system/netsuite.html")
    assert browser.evaluate('document.querySelector("h1").textContent') == "Oracle NetSuite"


def owner_on_page(browser: Browser) -> str:
    return str(browser.evaluate("""Array.from(document.querySelectorAll("dt"))
        .find(dt => dt.textContent === "Owner").nextElementSibling.textContent"""))


def test_a_newcomer_finds_an_owner_in_two_clicks(browser: Browser, example: Path) -> None:
    browser.open((example / "index.html").as_uri())
    browser.click('Array.from(document.querySelectorAll("header a")).find(a => a.textContent === "Every entity")')
    browser.click('Array.from(document.querySelectorAll("#entities a")).find(a => a.textContent === "Customer")')
    assert browser.evaluate('document.querySelector("h1").textContent') == "Customer"
    assert owner_on_page(browser) == "Sales Operations"


def test_the_index_filters_as_you_type(browser: Browser, example: Path) -> None:
    visit = browser.open((example / "entities.html").as_uri())
    assert visit.errors == []                 # the script ran under the page's policy
    assert browser.evaluate('document.getElementById("filter-form").hidden') is False
    rows = [row for row in read_page(example / "entities.html").text_of("tr")][1:]
    for query, expected_count in (("netsuite", 9), ("NetSuite  Supply", 4), ("arjun", 1), ("zzz", 0)):
        shown = browser.evaluate(f"""(() => {{
          const box = document.getElementById("filter");
          box.value = {json.dumps(query)};
          box.dispatchEvent(new Event("input"));
          return Array.from(document.querySelectorAll("#entities tbody tr"))
            .filter(row => !row.hidden).map(row => row.textContent);
        }})()""")
        words = query.lower().split()
        assert shown == [row for row in rows if all(word in row.lower() for word in words)]
        assert len(shown) == expected_count, (query, shown)
        assert browser.evaluate('document.getElementById("shown").textContent') == \
            f"{expected_count} of {len(rows)} shown"


def test_hostile_manifest_text_runs_nothing_and_loads_nothing(browser: Browser,
                                                             tmp_path: Path) -> None:
    folder = hostile_site(tmp_path)
    problems = []
    for name, (visit, _, _) in open_every_page(browser, folder).items():
        if browser.evaluate("typeof window.pwned") != "undefined":
            problems.append(f"{name}: a script from a manifest ran")
        problems += [f"{name}: {error}" for error in visit.errors]
        problems += [f"{name}: dialog {dialog}" for dialog in visit.dialogs]
        problems += [f"{name}: requested {url}" for url in visit.requests
                     if urlsplit(url).scheme not in ("file", "data")]
    assert problems == []
