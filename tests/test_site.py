"""`govcheck site DIR`: the pages and their links, the map's drawing, the overview's tables,
escaping, and writing the folder without harming anything in it. The same site in a real
browser is tests/test_site_browser.py."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from estates import AS_OF, REPOSITORY, copy_example_estate, planted_estate
from site_helpers import (
    HOSTILE_TEXTS,
    WRONG_TYPES,
    Page,
    broken_links,
    example_site,
    hostile_site,
    read_page,
    read_site,
)

from govcheck.app.project import load_estate, open_project
from govcheck.app.site import build_site
from govcheck.errors import GovcheckError
from govcheck.outputs.site import folder as site_folder
from govcheck.views.graph import EcosystemMap, Edge, Node
from govcheck.views.relations import relations
from govcheck.views.site import (
    Ref,
    contracts_ending,
    manual_links,
    manual_work,
    ownership,
    reviews_due,
)
from govcheck.views.site_map import NODE_WIDTH, assign_columns, layout_map

GOVCHECK = str(Path(sys.executable).parent / "govcheck")
SVG = "{http://www.w3.org/2000/svg}"
KIND_FOLDERS = {"System": "system", "Dataset": "dataset", "Integration": "integration",
                "Team": "team", "Person": "person"}


def manifests(folder: Path) -> list[dict[str, Any]]:
    """Every document under a folder, read with PyYAML alone (an oracle independent of govcheck)."""
    documents = []
    for path in sorted(folder.rglob("*.yaml")):
        documents.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return documents


def facts(page: Page) -> dict[str, str]:
    """A page's facts: the text of each <dt> → the text of its <dd>."""
    return dict(zip(page.text_of("dt"), page.text_of("dd")))


# -- pages and links ---------------------------------------------------------------------------

def test_every_entity_gets_a_page_and_every_link_between_pages_resolves(tmp_path: Path) -> None:
    folder, result = example_site(tmp_path)
    pages = read_site(folder)

    expected = {"index.html", "entities.html"} | {
        f"{KIND_FOLDERS[doc['kind']]}/{doc['metadata']['name']}.html"
        for doc in manifests(REPOSITORY / "ecosystem")}
    assert set(pages) == expected
    assert result.pages == tuple(sorted(expected))
    assert (result.removed, result.kept, result.findings) == ((), (), 0)
    assert broken_links(folder, pages) == []
    # Linked both ways: a system to its integrations and back; the index to every page.
    assert "../integration/shopify-orders-to-erp.html" in pages["system/netsuite.html"].links()
    assert "../system/netsuite.html" in pages["integration/shopify-orders-to-erp.html"].links()
    assert set(pages["entities.html"].links()) >= expected - {"entities.html"}


def test_every_page_stands_alone_and_may_load_nothing(tmp_path: Path) -> None:
    folder, _ = example_site(tmp_path)
    for name, page in read_site(folder).items():
        policy = [attrs["content"] for tag, attrs in page.tags
                  if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
        assert len(policy) == 1 and policy[0].startswith("default-src 'none';"), name
        loading = [(tag, attrs) for tag, attrs in page.tags
                   if {"src", "srcset", "data", "poster"} & set(attrs)
                   or (tag == "link" and attrs.get("href") != "data:,")]
        assert loading == [], name


def test_the_pages_are_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """No set or dict order reaches a page: two runs with different hash seeds agree."""
    copy_example_estate(tmp_path)
    digests = []
    for seed in ("1", "4242"):
        out = tmp_path / f"site-{seed}"
        done = subprocess.run([GOVCHECK, "site", str(out), "--as-of", AS_OF.isoformat(), "-q"],
                              cwd=tmp_path, env={**os.environ, "PYTHONHASHSEED": seed},
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        digests.append({path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                        for path in sorted(out.rglob("*")) if path.is_file()})
    assert digests[0] == digests[1]


# -- the map -----------------------------------------------------------------------------------

def overview_svg(folder: Path) -> ET.Element:
    html = (folder / "index.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg"):html.index("</svg>") + len("</svg>")]
    return ET.fromstring(svg)       # also proves the SVG is well-formed XML


def boxes_and_links(svg: ET.Element) -> tuple[dict[str, tuple[float, float, float, float]],
                                               dict[str, tuple[ET.Element, str]]]:
    """system name → its box (x, y, width, height); integration name → (its line, its href)."""
    boxes, links = {}, {}
    for anchor in svg.iter(f"{SVG}a"):
        href = anchor.get("href", "")
        group = anchor.find(f"{SVG}g")
        assert group is not None
        name = href.rsplit("/", 1)[1].removesuffix(".html")
        if href.startswith("system/"):
            rect = group.find(f"{SVG}rect")
            assert rect is not None
            boxes[name] = tuple(float(rect.get(key, "")) for key in ("x", "y", "width", "height"))
        else:
            line = group.find(f"{SVG}path[@class='line']")
            assert line is not None and href.startswith("integration/")
            links[name] = (line, href)
    return boxes, links  # type: ignore[return-value]


def ends(path: str) -> tuple[tuple[float, float], tuple[float, float]]:
    numbers = [float(number) for number in re.findall(r"-?\d+(?:\.\d+)?", path)]
    return (numbers[0], numbers[1]), (numbers[-2], numbers[-1])


def on_border(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    x, y = point
    left, top, width, height = box
    return x in (left, left + width) and top <= y <= top + height


def test_the_map_draws_every_system_and_every_integration_between_the_right_boxes(tmp_path: Path) -> None:
    folder, _ = example_site(tmp_path)
    svg = overview_svg(folder)
    boxes, links = boxes_and_links(svg)
    documents = manifests(REPOSITORY / "ecosystem")
    integrations = {doc["metadata"]["name"]: doc["spec"] for doc in documents if doc["kind"] == "Integration"}

    assert set(boxes) == {doc["metadata"]["name"] for doc in documents if doc["kind"] == "System"}
    assert set(links) == set(integrations)
    dashes = {"real-time": None, "scheduled": "7 4", "manual": "2 4"}
    for name, spec in integrations.items():
        line, _ = links[name]
        start, end = ends(line.get("d", ""))
        source, target = boxes[spec["source"]], boxes[spec["target"]]
        arrow_end = end if line.get("marker-end") else start
        tail = start if arrow_end == end else end
        assert on_border(arrow_end, target) and on_border(tail, source), name
        assert line.get("stroke-dasharray") == dashes[spec["mode"]], name
        both = bool(line.get("marker-end")) and bool(line.get("marker-start"))
        assert both == (spec.get("direction") == "bidirectional"), name


def test_the_maps_boxes_stay_apart_and_inside_the_picture(tmp_path: Path) -> None:
    folder, _ = example_site(tmp_path)
    svg = overview_svg(folder)
    _, _, width, height = (float(value) for value in svg.get("viewBox", "").split())
    boxes, _ = boxes_and_links(svg)
    for name, (x, y, w, h) in boxes.items():
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height, name
    assert overlaps(boxes) == []
    texts = ["".join(text.itertext()) for text in svg.iter(f"{SVG}text")]
    assert "★ Oracle NetSuite" in texts and "record: inventory, product" in texts
    assert [t for t in texts if t in ("Channels", "Customers", "Operations and finance",
                                      "Data and reporting")] == [
        "Channels", "Customers", "Operations and finance", "Data and reporting"]


def overlaps(boxes: dict[str, tuple[float, float, float, float]]) -> list[tuple[str, str]]:
    found = []
    names = sorted(boxes)
    for index, first in enumerate(names):
        for second in names[index + 1:]:
            (x1, y1, w1, h1), (x2, y2, w2, h2) = boxes[first], boxes[second]
            if x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1:
                found.append((first, second))
    return found


def test_a_large_random_map_keeps_boxes_apart_and_links_off_boxes() -> None:
    """Links that pass a column go through slots of their own, never across a box."""
    chooser = random.Random(7)
    categories = ["website", "crm", "erp", "finance", "data-warehouse", "support", "other"]
    nodes = tuple(Node(f"s{i:02d}", f"System {i}", chooser.choice(categories)) for i in range(60))
    edges = tuple(Edge(f"l{i:03d}", *chooser.sample([n.name for n in nodes], 2), ("d",),
                       chooser.choice(["real-time", "scheduled", "manual"]), "", False)
                  for i in range(150))
    layout = layout_map(EcosystemMap(nodes, edges))

    boxes = {box.node.name: (box.x, box.y, NODE_WIDTH, box.height) for box in layout.boxes}
    assert overlaps(boxes) == []
    for link in layout.links:
        # Every straight stretch (L) runs through a column: it must not cross a box.
        for x1, y, x2 in straight_stretches(link.path):
            for name, (x, top, w, h) in boxes.items():
                assert not (x1 < x + w and x < x2 and top <= y <= top + h), (link.edge.name, name)


def straight_stretches(path: str) -> list[tuple[float, float, float]]:
    stretches = []
    for before, after in re.findall(r"(-?[\d.]+ -?[\d.]+) L(-?[\d.]+ -?[\d.]+)", path):
        (x1, y1), (x2, _) = (tuple(map(float, p.split())) for p in (before, after))
        stretches.append((x1, y1, x2))
    return stretches


def test_a_system_of_another_category_stands_beside_what_it_links_to() -> None:
    nodes = (Node("pos", "POS", "other"), Node("erp", "ERP", "erp"), Node("bi", "BI", "reporting"),
             Node("lonely", "Lonely", "other"), Node("sink", "Sink", "other"))
    edges = (Edge("a", "pos", "erp", ("d",), "scheduled", "", False),
             Edge("b", "bi", "sink", ("d",), "scheduled", "", False))
    assert assign_columns(EcosystemMap(nodes, edges)) == {
        "erp": 2, "bi": 3, "pos": 1, "lonely": 2, "sink": 3}


# -- what the pages say ------------------------------------------------------------------------

def test_the_overview_tables_answer_who_owns_what_and_what_is_due(tmp_path: Path) -> None:
    copy_example_estate(tmp_path)
    project = open_project(tmp_path)
    estate = load_estate(project, project.ecosystem)
    found = relations(estate)

    finance = next(row for row in ownership(estate, found).rows if row[0] == Ref("Finance", "team/finance"))
    assert finance[1:] == (
        (Ref("Adyen", "system/adyen"), Ref("Xero", "system/xero")),
        (Ref("Invoice", "dataset/invoice"), Ref("Payment", "dataset/payment")),
        (Ref("Weekly credit-hold list from Xero to Salesforce", "integration/credit-holds-to-crm"),
         Ref("NetSuite fulfilled orders to Xero", "integration/erp-sales-to-finance"),
         Ref("Adyen settlement details to Xero", "integration/payment-settlements-to-finance")))

    operations = Ref("Retail and Supply Chain Operations", "team/operations")
    assert contracts_ending(estate, found.titles, AS_OF).rows == (
        (Ref("Lightspeed Retail (legacy store tills)", "system/lightspeed-pos"), operations,
         "2027-06-30", "in 219 days", "deprecated", "yes", Ref("Shopify Plus", "system/shopify")),
        (Ref("Appointedd", "system/appointedd"), operations, "2028-01-31", "in 434 days", "active",
         "yes", ""))

    by_system, by_team, workarounds = manual_work(estate, found.titles)
    assert [row[:2] for row in by_system.rows] == [
        (Ref("Lightspeed Retail (legacy store tills)", "system/lightspeed-pos"), "9"),
        (Ref("Oracle NetSuite", "system/netsuite"), "3"), (Ref("Xero", "system/xero"), "2")]
    assert by_system.intro.startswith("14 hours a week of manual work in all")
    assert [row[:2] for row in by_team.rows] == [(operations, "9"), (Ref("Finance", "team/finance"), "5")]
    assert len(workarounds.rows) == 4
    assert manual_links(estate, found.titles).rows == ((
        Ref("Weekly credit-hold list from Xero to Salesforce", "integration/credit-holds-to-crm"),
        Ref("Xero", "system/xero"), Ref("Salesforce Sales Cloud", "system/salesforce"),
        Ref("Finance", "team/finance"),
        "Sales stop taking new wholesale orders from accounts with overdue invoices"),)

    assert reviews_due(estate, found.titles, AS_OF).rows == ()   # all reviewed this autumn
    later = reviews_due(estate, found.titles, dt.date(2027, 10, 6)).rows
    assert [(row[0], row[4], row[5]) for row in later[:3]] == [
        (Ref("Zendesk tickets on the Salesforce customer", "integration/support-tickets-to-crm"),
         "2027-10-01", "overdue by 5 days"),
        (Ref("Website enquiries to Salesforce leads", "integration/website-leads-to-crm"),
         "2027-10-05", "overdue by 1 day"),
        (Ref("Shopify orders in the Zendesk agent sidebar", "integration/shopify-orders-to-support"),
         "2027-10-08", "due in 2 days")]
    assert len(later) == 18       # every review falls within the next six months


def test_each_kind_of_page_says_what_the_estate_says(tmp_path: Path) -> None:
    folder, _ = example_site(tmp_path)
    pages = read_site(folder)

    dataset = pages["dataset/order.html"]
    assert dataset.text_of("h1") == ["Order"]
    assert facts(dataset) == {
        "Owner": "Digital Commerce", "System of record": "Shopify Plus",
        "Classification": "confidential", "Approvers": "Digital Commerce, Arjun Mehta",
        "Who can approve": facts(dataset)["Who can approve"], "Approvals needed": "1",
        "Labels": "domain: commerce"}
    assert "../team/digital-commerce.html" in dataset.links()
    assert "Arjun Mehta" in facts(dataset)["Who can approve"]

    system = facts(pages["system/lightspeed-pos.html"])
    assert (system["Owner"], system["Lifecycle"], system["Contract end"], system["Replaced by"],
            system["API rate limit"]) == ("Retail and Supply Chain Operations", "deprecated",
                                          "2027-06-30", "Shopify Plus", "60 per minute")
    successor = pages["system/shopify.html"]
    assert facts(successor)["Replaces"] == "Lightspeed Retail (legacy store tills)"
    assert "lightspeed-pos.html" in " ".join(successor.links())     # linked both ways

    integration = pages["integration/shopify-orders-to-erp.html"]
    said = facts(integration)
    assert (said["From"], said["To"], said["Mode"], said["Longest delay on fallback"],
            said["Next review"]) == ("Shopify Plus", "Oracle NetSuite", "real-time", "PT2H", "2027-11-10")
    runbook = [attrs for tag, attrs in integration.tags
               if tag == "a" and attrs.get("href", "").startswith("https://")]
    assert runbook == [{"href": "https://wiki.northwind-outfitters.com/runbooks/shopify-orders-to-erp",
                        "rel": "noopener noreferrer external"}]

    team = pages["team/finance.html"]
    assert {"../person/rachel-stone.html", "../person/arjun-mehta.html",
            "../system/xero.html", "../dataset/invoice.html"} <= set(team.links())

    person = pages["person/arjun-mehta.html"]
    assert facts(person)["Team"] == "Finance"
    approvals = person.text_of("tr")
    assert any(row.startswith("Order") and row.endswith("named directly") for row in approvals)
    assert any(row.startswith("Invoice") and row.endswith("Finance") for row in approvals)


def test_findings_show_on_the_overview_on_their_entity_and_on_the_map(tmp_path: Path) -> None:
    planted_estate(tmp_path)
    result = build_site(open_project(tmp_path), tmp_path / "site", AS_OF)
    pages = read_site(tmp_path / "site")

    assert result.findings == 1
    overview = pages["index.html"]
    assert overview.text_of("p")[1] == "1 error, 0 warnings, 0 info"
    rows = [row for row in overview.text_of("tr") if "GOV003" in row]
    assert len(rows) == 2 and "(waived)" in rows[1] and "(waived)" not in rows[0]
    assert "integration/bookings-to-crm.html" in overview.links()
    on_page = [row for row in pages["integration/bookings-to-crm.html"].text_of("tr") if "GOV003" in row]
    assert len(on_page) == 1 and "has no fallback" in on_page[0]
    assert not any("GOV003" in row for row in pages["integration/website-leads-to-crm.html"].text_of("tr"))
    _, links = boxes_and_links(overview_svg(tmp_path / "site"))
    assert links["bookings-to-crm"][0].get("stroke") == "#d73a49"
    svg = overview_svg(tmp_path / "site")
    tooltips = ["".join(title.itertext()) for title in svg.iter(f"{SVG}title")]
    assert ("bookings-to-crm: appointedd → salesforce, booking · real-time; findings: GOV003"
            in tooltips)
    assert links["customer-sync"][0].get("stroke") == "#57606a"     # waived: not flagged


def test_hostile_manifest_text_stays_text_on_every_page(tmp_path: Path) -> None:
    folder = hostile_site(tmp_path)
    pages = read_site(folder)
    filter_script = (REPOSITORY / "src/govcheck/outputs/site/filter.js").read_text()

    for name, page in pages.items():
        assert page.scripts == ([filter_script] if name == "entities.html" else []), name
        tags = {tag for tag, _ in page.tags}
        assert not tags & {"img", "iframe", "object", "embed", "form", "base"}, name
        assert [tag for tag, _ in page.tags].count("style") == 1, name
        handlers = [(tag, key) for tag, attrs in page.tags for key in attrs if key.startswith("on")]
        assert handlers == [], name
        for href in page.links():
            assert re.match(r"(https?://|mailto:|[a-z0-9_./#-]+$)", href), (name, href)
    evil = pages["system/evil.html"]
    assert evil.text_of("h1") == [HOSTILE_TEXTS[0]]
    assert facts(evil)["Labels"] == "note: <b onmouseover=window.pwned=1>bold</b>"
    assert facts(pages["integration/evil-link.html"])["Runbook"] == "javascript:window.pwned=1"
    assert facts(pages["integration/evil-runbooks.html"])["Runbook"] == " JaVaScRiPt:window.pwned=1"
    shown = "\n".join("\n".join(page.texts) for page in pages.values())
    for text in HOSTILE_TEXTS:
        assert text in shown
    # A name that is no manifest name gets a hashed page inside its kind's folder.
    odd = [name for name in pages if name.startswith("system/") and name.endswith("_.html")]
    assert len(odd) == 1 and read_page(folder / odd[0]).text_of("h1") == ["Bad name"]
    assert sorted(entry.name for entry in tmp_path.iterdir()) == [".git", "ecosystem", "site"]


def test_values_of_the_wrong_type_still_make_a_whole_site(tmp_path: Path) -> None:
    """A manifest may hold anything where a page expects a name, a list or a block: it is a
    finding on the overview and on its page, never a crash or a broken link."""
    copy_example_estate(tmp_path)
    (tmp_path / "ecosystem" / "odd.yaml").write_text(WRONG_TYPES, encoding="utf-8")

    result = build_site(open_project(tmp_path), tmp_path / "site", AS_OF)

    pages = read_site(tmp_path / "site")
    assert broken_links(tmp_path / "site", pages) == []
    assert {"system/odd.html", "dataset/odd-data.html", "integration/odd-link.html",
            "team/odd-team.html", "person/odd-person.html"} <= set(result.pages)
    assert any("GOV000" in row for row in pages["system/odd.html"].text_of("tr"))
    assert pages["system/odd.html"].text_of("h1") == ["odd"]       # a title that is no text
    texts = ["".join(text.itertext()) for text in overview_svg(tmp_path / "site").iter(f"{SVG}text")]
    assert any(text.startswith("findings: GOV000") for text in texts)     # on its box in the map


# -- writing the folder ------------------------------------------------------------------------

def test_a_new_folder_appears_whole_or_not_at_all(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    copy_example_estate(tmp_path)

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site_folder.os, "rename", full_disk)
    with pytest.raises(GovcheckError, match="cannot write the site into .*No space left on device"):
        build_site(open_project(tmp_path), tmp_path / "out" / "site", AS_OF)
    assert list((tmp_path / "out").iterdir()) == []     # no half site, no staging folder


def test_a_record_nested_too_deep_to_read_is_no_record_of_ours(tmp_path: Path) -> None:
    """json.loads raised RecursionError on it: an internal error instead of a decision."""
    copy_example_estate(tmp_path)
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / ".govcheck-site.json").write_text("[" * 100_000)
    result = build_site(open_project(tmp_path), folder, AS_OF)
    assert "index.html" in result.pages
    assert json.loads((folder / ".govcheck-site.json").read_text())["generator"] == "govcheck"


def test_a_folder_with_other_files_is_refused_and_force_deletes_nothing(tmp_path: Path) -> None:
    copy_example_estate(tmp_path)
    folder = tmp_path / "site"
    (folder / "system").mkdir(parents=True)
    (folder / "notes.txt").write_text("mine")
    (folder / "system" / "netsuite.html").write_text("my own page")

    with pytest.raises(GovcheckError) as refused:
        build_site(open_project(tmp_path), folder, AS_OF)
    assert str(refused.value) == (
        f"'{folder}' is not empty (notes.txt, system) and holds no site govcheck wrote "
        "(no .govcheck-site.json): refusing to write into it; use an empty or new folder, or "
        "--force (which still deletes nothing)")
    assert sorted(p.name for p in folder.rglob("*")) == ["netsuite.html", "notes.txt", "system"]

    result = build_site(open_project(tmp_path), folder, AS_OF, force=True)
    assert (folder / "notes.txt").read_text() == "mine"
    assert "system/netsuite.html" in result.pages
    assert (folder / "system" / "netsuite.html").read_text().startswith("<!doctype html>")


def test_hidden_entries_such_as_a_git_checkout_do_not_count(tmp_path: Path) -> None:
    copy_example_estate(tmp_path)
    (tmp_path / "site" / ".git").mkdir(parents=True)
    (tmp_path / "site" / ".nojekyll").write_text("")
    build_site(open_project(tmp_path), tmp_path / "site", AS_OF)
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / ".git").is_dir()


def test_a_second_run_replaces_its_pages_and_removes_those_of_removed_entities(tmp_path: Path) -> None:
    folder, _ = example_site(tmp_path)
    (folder / "notes.txt").write_text("mine")
    (folder / "system" / "extra.html").write_text("someone's page")
    (tmp_path / "ecosystem" / "systems" / "looker.yaml").unlink()

    result = build_site(open_project(tmp_path), folder, AS_OF)

    assert (result.removed, result.kept) == (("system/looker.html",), ())
    assert not (folder / "system" / "looker.html").exists()
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "system" / "extra.html").read_text() == "someone's page"
    record = json.loads((folder / ".govcheck-site.json").read_text())
    assert sorted(record["files"]) == sorted(result.pages)


def test_a_page_edited_by_hand_is_never_overwritten_or_removed_without_force(tmp_path: Path) -> None:
    folder, _ = example_site(tmp_path)
    (folder / "system" / "netsuite.html").write_text("edited")
    (folder / "system" / "looker.html").write_text("edited too")
    (tmp_path / "ecosystem" / "systems" / "looker.yaml").unlink()

    with pytest.raises(GovcheckError, match=re.escape(
            f"'{folder / 'system' / 'netsuite.html'}' was not written by govcheck, or was edited "
            "since: refusing to overwrite it; move it away or use --force")):
        build_site(open_project(tmp_path), folder, AS_OF)
    assert (folder / "system" / "netsuite.html").read_text() == "edited"

    result = build_site(open_project(tmp_path), folder, AS_OF, force=True)
    assert (result.removed, result.kept) == ((), ("system/looker.html",))
    assert (folder / "system" / "looker.html").read_text() == "edited too"
    assert (folder / "system" / "netsuite.html").read_text().startswith("<!doctype html>")


def test_a_tampered_record_cannot_remove_anything_outside_the_site(tmp_path: Path) -> None:
    folder, _ = example_site(tmp_path)
    victim = tmp_path / "victim.html"
    victim.write_text("keep me")
    digest = hashlib.sha256(b"keep me").hexdigest()
    record = json.loads((folder / ".govcheck-site.json").read_text())
    record["files"].update({"../victim.html": [digest], str(victim): [digest],
                            "system/../../victim.html": [digest]})
    (folder / ".govcheck-site.json").write_text(json.dumps(record))

    result = build_site(open_project(tmp_path), folder, AS_OF)
    assert result.removed == () and victim.read_text() == "keep me"


def test_an_interrupted_run_can_simply_be_run_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, first = example_site(tmp_path)
    (tmp_path / "ecosystem" / "systems" / "looker.yaml").write_text(
        (tmp_path / "ecosystem" / "systems" / "looker.yaml").read_text().replace(
            "title: Looker", "title: Looker Studio"))
    real_replace, calls = os.replace, []

    def dies_midway(source: Any, target: Any) -> None:
        calls.append(target)
        if len(calls) == 30:
            raise OSError(5, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(site_folder.os, "replace", dies_midway)
    with pytest.raises(GovcheckError, match="Input/output error"):
        build_site(open_project(tmp_path), folder, AS_OF)
    monkeypatch.setattr(site_folder.os, "replace", real_replace)

    again = build_site(open_project(tmp_path), folder, AS_OF)      # no --force needed
    assert again.pages == first.pages
    assert read_page(folder / "system" / "looker.html").text_of("h1") == ["Looker Studio"]
    assert [p.name for p in folder.rglob(".*.govcheck-*")] == []     # no staging files left


# -- the command line --------------------------------------------------------------------------

def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GOVCHECK, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)


def test_the_command_writes_the_site_and_says_where(tmp_path: Path) -> None:
    copy_example_estate(tmp_path)
    done = run(["site", "public", "--as-of", "2026-11-23"], tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "wrote 73 pages to public (0 findings shown)\nopen public/index.html\n"

    (tmp_path / "ecosystem" / "systems" / "looker.yaml").unlink()
    again = run(["site", "public", "--as-of", "2026-11-23"], tmp_path)
    assert again.stdout.startswith("wrote 72 pages to public, removed 1 old page (")
    assert run(["site", "public", "-q"], tmp_path).stdout == ""


def test_the_readme_shows_what_the_command_prints(tmp_path: Path) -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```\n\$ govcheck (site .*?)\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    copy_example_estate(tmp_path)
    done = run(example.group(1).split(), tmp_path)
    assert (done.returncode, done.stdout) == (0, example.group(2))


@pytest.mark.parametrize(("args", "setup", "message"), [
    (["site", "out", "--as-of", "yesterday"], None,
     "govcheck: error: --as-of 'yesterday' is not a date (YYYY-MM-DD)\n"),
    (["site", "out"], "file", "govcheck: error: 'out' exists and is not a folder: name a folder for the site\n"),
    (["site", "out"], "foreign",
     ("govcheck: error: 'out' is not empty (page.html) and holds no site govcheck wrote (no "
      ".govcheck-site.json): refusing to write into it; use an empty or new folder, or --force "
      "(which still deletes nothing)\n")),
    (["site"], None, None),
])
def test_the_command_refuses_what_it_cannot_do_with_exit_2(tmp_path: Path, args: list[str],
                                                           setup: str | None, message: str | None) -> None:
    copy_example_estate(tmp_path)
    if setup == "file":
        (tmp_path / "out").write_text("a file")
    elif setup == "foreign":
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "page.html").write_text("mine")
    done = run(args, tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    if message is None:
        assert "Missing argument 'DIR'" in done.stderr
    else:
        assert done.stderr == message
