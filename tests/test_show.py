"""`govcheck show KIND/NAME`: every kind on the example estate, findings on an entity, the
three formats, hostile titles, and what it cannot find."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from estates import AS_OF, REPOSITORY, copy_example_estate, planted_estate

from govcheck.app.project import open_project
from govcheck.app.show import show_entity
from govcheck.cli import cli
from govcheck.views.entity import (
    DatasetFacts,
    EntityView,
    IntegrationFacts,
    PersonFacts,
    Ref,
    SystemFacts,
    TeamFacts,
)

GOVCHECK = str(Path(sys.executable).parent / "govcheck")


def run(args: list[str], cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "NO_COLOR"))}
    return subprocess.run([GOVCHECK, *args], check=False, cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=60)


def view(reference: str, root: Path = REPOSITORY) -> EntityView:
    return show_entity(open_project(root), reference, AS_OF)


def keys(refs: tuple[Ref, ...]) -> list[str]:
    return [item.key for item in refs]


# -- every kind ------------------------------------------------------------------------------

def test_a_dataset_in_full() -> None:
    result = run(["show", "dataset/order", "--as-of", "2026-11-23"])
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == """\
dataset/order: Order
  Web, wholesale (B2B) and click-and-collect orders.
  defined in ecosystem/datasets/orders.yaml:4; labels domain=commerce

owner: team/digital-commerce (Digital Commerce)
system of record: system/shopify (Shopify Plus)
classification: confidential
approvals needed: 1
approvers:
  team/digital-commerce: Lucas Moreau, Priya Raman
  person/arjun-mehta: Arjun Mehta
fields:
  id: string, required
  order_number: string, required
  channel: enum, required, one of web, wholesale, click-and-collect, store-pos
  customer_id: string, required
  customer_email: string, personal data
  shipping_address: object, personal data
  status: enum, required, one of pending, paid, partially-fulfilled, fulfilled, cancelled, refunded
  currency: enum, required, one of USD, CAD
  subtotal_amount: number, required
  tax_amount: number
  shipping_amount: number
  total_amount: number, required
  discount_codes: array
  payment_reference: string
  fulfilment_location: string
  placed_at: datetime, required
carried by:
  integration/commerce-to-warehouse: system/shopify -> system/snowflake; scheduled, daily at 03:00; fields id, order_number, channel, customer_id, status, currency, subtotal_amount, tax_amount, shipping_amount, total_amount, discount_codes, fulfilment_location, placed_at
  integration/erp-sales-to-finance: system/netsuite -> system/xero; scheduled, daily at 02:00; fields order_number, channel, customer_id, status, currency, subtotal_amount, tax_amount, shipping_amount, total_amount, placed_at
  integration/shopify-orders-to-erp: system/shopify -> system/netsuite; real-time; fields id, order_number, channel, customer_id, customer_email, shipping_address, status, currency, subtotal_amount, tax_amount, shipping_amount, total_amount, fulfilment_location, placed_at
  integration/shopify-orders-to-support: system/shopify -> system/zendesk; real-time; fields order_number, customer_email, status, total_amount, fulfilment_location, placed_at
findings: none
"""


def test_a_dataset_approvers_expand_to_people_and_the_winner_is_named() -> None:
    facts = view("dataset/customer").facts
    assert isinstance(facts, DatasetFacts)
    assert [(item.ref.key, keys(item.people)) for item in facts.approvers] == [
        ("team/sales-ops", ["person/dana-whitfield", "person/sam-nakamura"]),
        ("team/digital-commerce", ["person/lucas-moreau", "person/priya-raman"]),
        ("person/fiona-walsh", ["person/fiona-walsh"])]
    assert facts.min_approvals == 2
    assert [(item.integration.key, item.winner.key if item.winner else None, item.cadence)
            for item in facts.carried_by] == [
        ("integration/crm-customers-to-marketing", None, "hourly"),
        ("integration/crm-to-warehouse", None, "daily at 03:30"),
        ("integration/customer-sync", "system/salesforce", "")]
    assert [field.name for field in facts.fields if field.pii] == [
        "email", "first_name", "last_name", "mobile", "billing_address"]


def test_a_system_in_full() -> None:
    result = run(["show", "system/netsuite", "--as-of", "2026-11-23"])
    assert result.stdout == """\
system/netsuite: Oracle NetSuite
  ERP for the item master, purchasing, the distribution centre and store stock.
  defined in ecosystem/systems/netsuite.yaml:4; labels domain=operations

category: erp
role: Item master (products and prices), stock levels in the distribution centre and every store, purchasing and order fulfilment
owner: team/operations (Retail and Supply Chain Operations)
vendor: Oracle NetSuite
lifecycle: active; contract ends 2030-03-31
exit plan: none
records: dataset/inventory, dataset/product
inbound:
  integration/legacy-pos-sales-to-erp from system/lightspeed-pos: dataset/store-sale; scheduled, daily at 01:15
  integration/shopify-orders-to-erp from system/shopify: dataset/order, dataset/order-line; real-time
outbound:
  integration/erp-catalogue-to-shopify to system/shopify: dataset/inventory, dataset/product; scheduled, every 15 min
  integration/erp-sales-to-finance to system/xero: dataset/order, dataset/order-line; scheduled, daily at 02:00
  integration/erp-to-warehouse to system/snowflake: dataset/inventory, dataset/product, dataset/store-sale; scheduled, every 6 h
API:
  rate limit 5,000 per hour; availability 99.7%
  declared load at peak: 3,095.83 per hour, 61.9% of the limit; within 80% (up to 4,000: room for 904.17 more)
    integration/shopify-orders-to-erp: 2,500 (50%), declared 250 per hour (x10 at peak)
    integration/erp-catalogue-to-shopify: 400 (8%), declared 400 per hour
    integration/erp-to-warehouse: 83.33 (1.7%), declared 2,000 per day
    integration/erp-sales-to-finance: 62.5 (1.2%), declared 1,500 per day
    integration/legacy-pos-sales-to-erp: 50 (1%), declared 1,200 per day
manual workarounds (3 h a week):
  Supply chain keys drop-ship supplier confirmations from email into purchase orders (team/operations, 3 h a week)
findings: none
"""


def test_a_bidirectional_link_is_in_and_out_and_a_deprecated_system_names_its_successor() -> None:
    salesforce = view("system/salesforce").facts
    assert isinstance(salesforce, SystemFacts)
    assert "integration/customer-sync" in [link.integration.key for link in salesforce.inbound]
    assert "integration/customer-sync" in [link.integration.key for link in salesforce.outbound]
    assert (salesforce.api.load, salesforce.api.share, salesforce.api.within) == (
        "51,000", "51%", True)
    tills = view("system/lightspeed-pos").facts
    assert isinstance(tills, SystemFacts)
    assert (tills.status, tills.contract_end, tills.replaced_by) == (
        "deprecated", "2027-06-30", Ref("system/shopify", "Shopify Plus"))
    shopify = view("system/shopify").facts
    assert isinstance(shopify, SystemFacts)
    assert shopify.replaces == (Ref("system/lightspeed-pos", "Lightspeed Retail (legacy store tills)"),)
    assert [(item.team.key if item.team else None, item.hours_per_week)
            for item in tills.workarounds] == [("team/operations", 6.0), ("team/finance", 3.0)]
    # declared on a file transfer from the tills: it does not call the tills' API
    assert (tills.api.rate_limit, tills.api.load, tills.api.within) == ("60 per minute", "", None)


def test_a_team() -> None:
    facts = view("team/operations").facts
    assert isinstance(facts, TeamFacts)
    assert keys(facts.members) == ["person/grace-mbeki", "person/ken-adeyemi"]
    assert keys(facts.owns) == [
        "system/appointedd", "system/lightspeed-pos", "system/netsuite", "dataset/booking",
        "dataset/inventory", "dataset/product", "dataset/store-sale",
        "integration/legacy-pos-sales-to-erp"]
    assert keys(facts.approves) == ["dataset/booking", "dataset/inventory", "dataset/product",
                                    "dataset/store-sale"]
    assert keys(facts.monitors) == ["integration/legacy-pos-sales-to-erp"]
    assert keys(facts.handles_exceptions) == [
        "integration/bookings-to-crm", "integration/erp-catalogue-to-shopify",
        "integration/legacy-pos-sales-to-erp", "integration/shopify-orders-to-erp"]
    assert (facts.governance, facts.hours_per_week) == (False, 9.0)
    platform = view("team/integration-platform").facts
    assert isinstance(platform, TeamFacts) and platform.governance   # govcheck.yaml names it


def test_a_person() -> None:
    facts = view("person/fiona-walsh").facts
    assert isinstance(facts, PersonFacts)
    assert (facts.email, facts.github, facts.team, facts.governance, facts.signing_keys) == (
        "fiona.walsh@northwind-outfitters.com", "fwalsh",
        Ref("team/legal-privacy", "Legal and Privacy"), True, 0)
    assert keys(facts.approves) == ["dataset/booking", "dataset/customer",
                                    "dataset/marketing-consent", "dataset/payment",
                                    "dataset/support-ticket"]


def test_an_integration() -> None:
    facts = view("integration/customer-sync").facts
    assert isinstance(facts, IntegrationFacts)
    assert (facts.source, facts.target, facts.bidirectional, facts.mode, facts.volume) == (
        Ref("system/shopify", "Shopify Plus"), Ref("system/salesforce", "Salesforce Sales Cloud"),
        True, "real-time", "6,000 per day (x4 at peak)")
    assert (facts.winner, facts.strategy, facts.fallback_strategy, facts.max_delay) == (
        Ref("system/salesforce", "Salesforce Sales Cloud"), "system-of-record-wins",
        "scheduled-sync", "PT24H")
    assert (facts.review_interval, facts.last_reviewed, facts.review_due) == (
        "P12M", "2026-10-20", "2027-10-20")
    text = run(["show", "integration/erp-sales-to-finance"]).stdout
    assert "link: system/netsuite (Oracle NetSuite) -> system/xero (Xero); scheduled, daily at " \
           "02:00; method ipaas\n" not in text     # a line of several pieces stays short
    assert "link: system/netsuite -> system/xero; scheduled, daily at 02:00; method ipaas\n" in text
    assert "review: every P12M, last 2026-11-04, next due 2027-11-04\n" in text


def test_findings_on_the_entity_waived_ones_marked(tmp_path: Path) -> None:
    root = planted_estate(tmp_path)
    bookings = view("integration/bookings-to-crm", root)
    assert [(finding.rule, finding.waived) for finding in bookings.findings] == [("GOV003", False)]
    waived = run(["show", "integration/customer-sync"], root).stdout
    assert waived.endswith(
        "findings:\n  ecosystem/integrations/customer-sync.yaml:4:9: error GOV003 real-time "
        "integration has no fallback for when salesforce is down or rate-limited: "
        "spec.fallback missing (waived)\n")
    assert "fallback: none\n" in waived


def test_references_to_nothing_say_so(tmp_path: Path) -> None:
    root = copy_example_estate(tmp_path)
    path = root / "ecosystem" / "datasets" / "lead.yaml"
    path.write_text(path.read_text("utf-8").replace("owner: sales-ops", "owner: sales-opps"),
                    "utf-8")
    result = run(["show", "dataset/lead"], root)
    assert "owner: team/sales-opps (not defined)\n" in result.stdout
    assert "error GOV004 spec.owner: team 'sales-opps' does not exist (did you mean " \
           "'sales-ops'?)" in result.stdout


# -- formats ---------------------------------------------------------------------------------

def test_json_is_versioned_with_references_as_keys() -> None:
    document = json.loads(run(["show", "system/netsuite", "-f", "json"]).stdout)
    assert list(document) == ["version", "tool", "command", "key", "kind", "name", "title",
                              "description", "labels", "file", "line", "findings", "facts"]
    assert (document["version"], document["key"], document["labels"]) == (
        1, "system/netsuite", {"domain": "operations"})
    facts = document["facts"]
    assert (facts["owner"], facts["records"]) == ("team/operations",
                                                  ["dataset/inventory", "dataset/product"])
    assert facts["api"]["shares"][0] == {
        "integration": "integration/shopify-orders-to-erp",
        "volume": "250 per hour (x10 at peak)", "load": "2,500", "share": "50%"}
    assert facts["inbound"][0] == {
        "integration": "integration/legacy-pos-sales-to-erp", "other": "system/lightspeed-pos",
        "datasets": ["dataset/store-sale"], "mode": "scheduled", "cadence": "daily at 01:15",
        "bidirectional": False}


def test_markdown_is_a_list_of_facts() -> None:
    text = run(["show", "dataset/lead", "-f", "markdown"]).stdout
    lines = text.splitlines()
    assert lines[0] == "## `dataset/lead`: Lead"
    assert "- **owner**: `team/sales-ops` (Sales Operations)" in lines
    assert "- **approvers**:" in lines
    assert "  - `team/sales-ops`: Dana Whitfield, Sam Nakamura" in lines
    assert "- **findings**: none" in lines


@pytest.mark.parametrize("reference", ["dataset/customer", "DATASET/customer", "Dataset/customer"])
def test_the_kind_in_any_case(reference: str) -> None:
    assert run(["show", reference]).stdout.startswith("dataset/customer: Customer\n")


def test_a_name_alone_when_it_is_unique() -> None:
    assert run(["show", "netsuite"]).stdout.startswith("system/netsuite: Oracle NetSuite\n")


def test_output_file_and_quiet(tmp_path: Path) -> None:
    target = tmp_path / "lead.json"
    result = run(["show", "dataset/lead", "-q", "-o", str(target), "-f", "json"])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert json.loads(target.read_text("utf-8"))["key"] == "dataset/lead"


HOSTILE = "<script>alert(1)</script> | [x](javascript:y) *b* \033[31mred\033[0m\nnext"


def test_hostile_titles_are_text_in_every_format(tmp_path: Path) -> None:
    root = copy_example_estate(tmp_path)
    for name in ("teams/sales-ops.yaml", "datasets/lead.yaml"):
        path = root / "ecosystem" / name
        text = path.read_text("utf-8")
        title = text.split("  title: ", 1)[1].split("\n", 1)[0]
        path.write_text(text.replace(f"  title: {title}", f"  title: {json.dumps(HOSTILE)}"),
                        "utf-8")
    text = run(["show", "dataset/lead"], root).stdout
    assert "\033" not in text
    assert text.splitlines()[0] == (
        "dataset/lead: <script>alert(1)</script> | [x](javascript:y) *b* \\x1b[31mred\\x1b[0m next")
    assert ("owner: team/sales-ops (<script>alert(1)</script> | [x](javascript:y) *b* "
            "\\x1b[31mred\\x1b[0m next)") in text
    markdown = run(["show", "dataset/lead", "-f", "markdown"], root).stdout
    assert "<script>" not in markdown and "\033" not in markdown
    assert not re.search(r"(?<!\\)\]\(", markdown)     # no link: every ] is escaped
    assert markdown.splitlines()[0] == (
        "## `dataset/lead`: &lt;script&gt;alert(1)&lt;/script&gt; \\| \\[x\\](javascript:y) "
        "\\*b\\* \\\\x1b\\[31mred\\\\x1b\\[0m next")
    document = json.loads(run(["show", "dataset/lead", "-f", "json"], root).stdout)
    assert document["title"] == HOSTILE


# -- what it cannot find: one line, exit 2 ---------------------------------------------------

@pytest.mark.parametrize(("reference", "message"), [
    ("dataset/custmer", ("no dataset 'custmer' in the estate (did you mean 'customer' or "
                        "'customer-segment'?)")),
    ("datset/customer", ("unknown kind 'datset' in 'datset/customer' (did you mean 'dataset'?): "
                        "one of team, person, system, dataset, integration")),
    ("system/customer", "no system 'customer' in the estate; there is dataset/customer"),
    ("team/zz", ("no team 'zz' in the estate; it has customer-care, data-analytics, "
                "digital-commerce, finance, integration-platform, leadership, legal-privacy, "
                "marketing-ops, operations, sales-ops")),
    ("custmer", ("nothing is called 'custmer' in the estate (did you mean 'customer', "
                "'customer-sync' or 'customer-care'?) (give KIND/NAME, e.g. dataset/customer)")),
    ("finance", ("'finance' names 2 entities (person/finance, team/finance): say which, as "
                "KIND/NAME")),
])
def test_what_it_cannot_find(reference: str, message: str, tmp_path: Path) -> None:
    root = copy_example_estate(tmp_path)
    (root / "ecosystem" / "people" / "namesake.yaml").write_text(
        "apiVersion: govcheck/v1\nkind: Person\nmetadata: {name: finance}\n"
        "spec: {email: finance@example.com}\n", "utf-8")
    result = run(["show", reference], root)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"govcheck: error: {message}\n")


# -- wrong types everywhere: answers, never a traceback ---------------------------------------

WRONG_TYPES = """\
apiVersion: govcheck/v1
kind: System
metadata: {name: a, title: 5, labels: {x: [1]}}
spec: {category: [x], role: {a: 1}, owner: [t], lifecycle: "soon", api: {rate_limit: {requests: "many", per: year}, availability: "high"}, manual_workarounds: [1, "x", {description: 5, hours_per_week: "lots", team: [1]}, {description: ok, hours_per_week: true}]}
---
apiVersion: govcheck/v1
kind: System
metadata: {name: b}
spec: {category: crm, role: r, owner: t, lifecycle: {status: [1], contract_end: 2026-13-45, replaced_by: [a], exit_plan: 7}, api: [1]}
---
apiVersion: govcheck/v1
kind: Integration
metadata: {name: i1}
spec: {owner: [t], source: a, target: b, datasets: "d", mode: scheduled, schedule: 5, fallback: "x", monitoring: [], process: 5, volume: {requests: 5, per: hour, peak: "big"}, conflict_resolution: {winner: [a]}, review: {interval: 5, last_reviewed: [1]}, success_measures: [1, {metric: [1]}]}
---
apiVersion: govcheck/v1
kind: Integration
metadata: {name: i2}
spec: {owner: t, source: [a], target: {b: 1}, datasets: [1, {dataset: [d]}, {dataset: d, fields: "all"}], mode: [real-time], direction: bidirectional, fallback: {max_delay: 5}, monitoring: {owner: [t]}, process: {trigger: [1], exceptions: "x"}}
---
apiVersion: govcheck/v1
kind: Integration
metadata: {name: i3}
spec: {owner: t, source: b, target: a, datasets: [{dataset: d}], mode: real-time, direction: bidirectional, fallback: {strategy: degrade, description: x, max_delay: PT0S}, volume: {requests: 1.5, per: day}}
---
apiVersion: govcheck/v1
kind: Integration
metadata: {name: i4}
spec: {owner: t, source: a, target: a, datasets: [{dataset: d}], mode: scheduled, schedule: {cron: "61 * * * *"}}
---
apiVersion: govcheck/v1
kind: Dataset
metadata: {name: d}
spec: {owner: [t], system_of_record: a, fields: "x", change_control: [1], classification: 5}
---
apiVersion: govcheck/v1
kind: Dataset
metadata: {name: d2}
spec: {owner: t, system_of_record: [a], fields: [1, {name: [x], values: "y"}], change_control: {approvers: "team:t", min_approvals: "two"}}
---
apiVersion: govcheck/v1
kind: Team
metadata: {name: t}
spec: {function: [x], members: "p", github: 5}
---
apiVersion: govcheck/v1
kind: Person
metadata: {name: p}
spec: {email: [1], team: [t], signing_keys: "k"}
---
apiVersion: govcheck/v1
kind: Person
metadata: {name: q}
spec: {}
---
apiVersion: govcheck/v1
kind: Team
metadata: {name: u}
"""
ENTITIES = ["system/a", "system/b", "integration/i1", "integration/i2", "integration/i3",
            "integration/i4", "dataset/d", "dataset/d2", "team/t", "team/u", "person/p",
            "person/q"]


@pytest.fixture(scope="module")
def wrong_types(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wrong-types")
    (root / ".git").mkdir()
    (root / "ecosystem").mkdir()
    (root / "ecosystem" / "all.yaml").write_text(WRONG_TYPES, "utf-8")
    (root / "govcheck.yaml").write_text(
        "change_control: {governance_approvers: [team:u]}\nheadroom: 0.5\n", "utf-8")
    return root


@pytest.mark.parametrize("format_name", ["text", "json", "markdown"])
def test_wrong_types_everywhere_get_answers_not_tracebacks(
        wrong_types: Path, format_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(wrong_types)
    commands = [["show", entity] for entity in ENTITIES]
    commands += [["impact", system, *scenario] for system in ("a", "b")
                 for scenario in (["--down", "PT1H"], ["--replace"])]
    for command in commands:
        result = CliRunner().invoke(cli, [*command, "-f", format_name])
        assert (result.exit_code, result.exception) == (0, None), command
