"""`govcheck impact`: outages and replacements on the example estate, asserted in full (every
link hit, its chain, its staleness; every sign-off group and its people), a small estate for
the corners (a link with no fallback, chains round a cycle), and the command line."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from estates import AS_OF, REPOSITORY, copy_example_estate

from govcheck.app.impact import run_impact
from govcheck.app.project import load_estate, open_project
from govcheck.changes.detect import diff_estates
from govcheck.changes.signoff import SignoffResolver, required_signoffs
from govcheck.views.impact import (
    FALLS_BACK,
    MISSES_RUNS,
    STALE_INPUT,
    STOPS,
    WAITS,
    OutageImpact,
    ReplacementImpact,
    replaced_estate,
)

GOVCHECK = str(Path(sys.executable).parent / "govcheck")
HOUR = 3600.0


def outage(system: str, duration: str, root: Path = REPOSITORY) -> OutageImpact:
    result = run_impact(open_project(root), system, duration, False, AS_OF)
    assert isinstance(result, OutageImpact)
    return result


def replacement(system: str, root: Path = REPOSITORY) -> ReplacementImpact:
    result = run_impact(open_project(root), system, None, True, AS_OF)
    assert isinstance(result, ReplacementImpact)
    return result


def links(result: OutageImpact) -> list[tuple[object, ...]]:
    """Each link hit: name, what happens, datasets, whose copy goes stale, for how many hours
    (None: until re-synced by hand), the chain it is reached by, whether its fallback covers."""
    return [(link.integration, link.effect, link.datasets, link.receivers,
             None if link.stale_for is None else link.stale_for / HOUR, link.via,
             link.fallback.covers if link.fallback else "no fallback")
            for link in result.links]


def signoffs(result: ReplacementImpact) -> list[tuple[object, ...]]:
    return [(change.type, change.entity, change.detail,
             [(requirement.group, requirement.people, requirement.minimum)
              for requirement in change.requires])
            for change in result.signoffs]


OPERATIONS = ("team/operations", ("person/grace-mbeki", "person/ken-adeyemi"), 1)
DIGITAL = ("team/digital-commerce", ("person/lucas-moreau", "person/priya-raman"), 1)
PLATFORM = ("team/integration-platform", ("person/aisha-karim", "person/chris-donnelly"), 1)
UNNAMED = ("the replacement's owner (not named yet: governance approvers)",
           ("person/aisha-karim", "person/chris-donnelly", "person/fiona-walsh"), 1)


# -- outages on the example estate -----------------------------------------------------------

def test_shopify_down_for_a_day() -> None:
    result = outage("shopify", "PT24H")
    assert result.owner.group == "team/digital-commerce"
    assert links(result) == [
        # nightly load into the warehouse: misses its run, and the next one catches up
        ("commerce-to-warehouse", MISSES_RUNS, ("order", "order-line"), ("snowflake",), 48.0, (),
         "no fallback"),
        # the nightly reconcile covers a day exactly (max_delay PT24H)
        ("customer-sync", FALLS_BACK, ("customer",), ("salesforce", "shopify"), 24.0, (), True),
        # stock into shopify every 15 minutes: shopify's copy is stale when it comes back
        ("erp-catalogue-to-shopify", MISSES_RUNS, ("product", "inventory"), ("shopify",), 24.25,
         (), None),
        # the order queue promises 2 hours, not 24
        ("shopify-orders-to-erp", FALLS_BACK, ("order", "order-line"), ("netsuite",), 24.0, (),
         False),
        ("shopify-orders-to-support", FALLS_BACK, ("order",), ("zendesk",), 24.0, (), None),
        # downstream, transitively: links that read what no longer arrives
        ("crm-customers-to-marketing", STALE_INPUT, ("customer",), ("hubspot",), 25.0,
         ("customer-sync",), "no fallback"),
        ("crm-to-warehouse", STALE_INPUT, ("customer",), ("snowflake",), 48.0,
         ("customer-sync",), "no fallback"),
        ("erp-sales-to-finance", STALE_INPUT, ("order", "order-line"), ("xero",), 48.0,
         ("shopify-orders-to-erp",), "no fallback"),
    ]
    assert [(link.integration, round(link.missed_runs)) for link in result.links
            if link.effect == MISSES_RUNS] == [("commerce-to-warehouse", 1),
                                               ("erp-catalogue-to-shopify", 96)]
    assert [(alert.team.group, alert.team.people, alert.integrations, alert.channels,
             [name for name, _ in alert.runbooks]) for alert in result.alerts] == [
        ("team/customer-care", ("person/hannah-cole",), ("shopify-orders-to-support",),
         ("#customer-care",), []),
        ("team/data-analytics", ("person/nina-kowalski",),
         ("commerce-to-warehouse", "crm-to-warehouse"), ("#data-alerts",), []),
        ("team/integration-platform", ("person/aisha-karim", "person/chris-donnelly"),
         ("customer-sync", "erp-catalogue-to-shopify", "erp-sales-to-finance",
          "shopify-orders-to-erp"), ("#finance-systems", "#int-alerts"),
         ["customer-sync", "erp-catalogue-to-shopify", "shopify-orders-to-erp"]),
        ("team/marketing-ops", ("person/elena-petrova", "person/jordan-blake"),
         ("crm-customers-to-marketing",), ("#marketing-ops",), []),
    ]
    assert [(item.system, item.dataset, (item.stale_for or 0) / HOUR)
            for item in result.stale_data][:4] == [
        ("hubspot", "customer", 25.0), ("netsuite", "order", 24.0),
        ("netsuite", "order-line", 24.0), ("salesforce", "customer", 24.0)]
    assert len(result.stale_data) == 13


def test_salesforce_down_for_four_hours() -> None:
    result = outage("salesforce", "PT4H")
    assert links(result) == [
        ("bookings-to-crm", FALLS_BACK, ("booking",), ("salesforce",), 4.0, (), True),
        ("credit-holds-to-crm", WAITS, ("invoice",), ("salesforce",), 4.0, (), "no fallback"),
        ("crm-customers-to-marketing", MISSES_RUNS, ("customer",), ("hubspot",), 5.0, (),
         "no fallback"),
        ("crm-to-warehouse", MISSES_RUNS, ("customer", "lead"), ("snowflake",), 28.0, (),
         "no fallback"),
        ("customer-sync", FALLS_BACK, ("customer",), ("salesforce", "shopify"), 4.0, (), True),
        ("marketing-engagement-to-crm", MISSES_RUNS, ("marketing-consent", "campaign-response"),
         ("salesforce",), 4.5, (), "no fallback"),
        ("support-tickets-to-crm", MISSES_RUNS, ("support-ticket",), ("salesforce",), 4.5, (),
         "no fallback"),
        # exactly its max_delay: covered
        ("website-leads-to-crm", FALLS_BACK, ("lead",), ("salesforce",), 4.0, (), True),
    ]
    # what salesforce sends on (customer to shopify, hubspot and snowflake) goes nowhere
    # further with those datasets: nothing downstream
    assert result.downstream == ()
    assert [alert.team.group for alert in result.alerts] == [
        "team/customer-care", "team/data-analytics", "team/finance",
        "team/integration-platform", "team/marketing-ops"]


def test_shopify_down_in_text_as_a_reader_sees_it() -> None:
    text = run(["impact", "shopify", "--down", "PT24H", "--as-of", "2026-11-23"]).stdout
    lines = text.splitlines()
    assert lines[:4] == [
        "impact: shopify (Shopify Plus) down for 24 h (PT24H), as of 2026-11-23",
        "owner: team/digital-commerce (lucas-moreau, priya-raman)", "",
        "5 links from or to shopify:"]
    assert ("    falls back to queue-and-replay, which does NOT cover 24 h (max_delay PT2H, "
            "22 h short)") in lines
    assert ("    reads order, order-line from netsuite, which no longer receives it (via "
            "shopify-orders-to-erp): runs as usual on stale data, nothing alerts on it") in lines
    assert "    stale for up to 48 h: order, order-line in xero" in lines
    assert ("  on its fallback: Order paid in Shopify (orders/paid webhook) -> NetSuite sales "
            "order created, stock committed and released to the warehouse for picking "
            "[shopify-orders-to-erp]") in lines
    assert ("    runbook shopify-orders-to-erp: "
            "https://wiki.northwind-outfitters.com/runbooks/shopify-orders-to-erp") in lines
    assert lines[-1] == ("8 links hit (5 directly, 3 downstream): 0 stop, 3 fall back, 2 miss "
                         "runs, 0 wait; 1 outlasts its fallback's max_delay; 13 stale copies of "
                         "datasets; 4 teams to alert")


# -- replacements on the example estate ------------------------------------------------------

def test_replacing_netsuite() -> None:
    result = replacement("netsuite")
    assert result.replacement == ""           # NetSuite names no replacement
    assert (result.lifecycle.status, result.lifecycle.contract_end,
            result.lifecycle.months_left, result.lifecycle.exit_plan) == (
        "active", "2030-03-31", 40, "")
    assert [(record.dataset, [item.group for item in record.decided_by])
            for record in result.records] == [
        ("inventory", ["dataset/inventory approvers", "team/operations", UNNAMED[0]]),
        ("product", ["dataset/product approvers", "team/operations", UNNAMED[0]])]
    assert [(item.integration, item.method, item.action) for item in result.rebuilds] == [
        ("erp-catalogue-to-shopify", "ipaas", "re-point the iPaaS recipe at the replacement"),
        ("erp-sales-to-finance", "ipaas", "re-point the iPaaS recipe at the replacement"),
        ("erp-to-warehouse", "native-connector",
         "rebuild: a native connector is made for one system"),
        ("legacy-pos-sales-to-erp", "file-transfer",
         "re-point the file transfer (the new system's export or import format)"),
        ("shopify-orders-to-erp", "ipaas", "re-point the iPaaS recipe at the replacement"),
    ]
    # its own workaround, and one declared on the tills that names NetSuite
    assert [(item.system, item.hours_per_week, item.declared_on_it)
            for item in result.workarounds] == [("netsuite", 3.0, True),
                                                ("lightspeed-pos", 6.0, False)]
    assert result.hours_per_week == 9.0
    assert signoffs(result) == [
        ("system.removed", "system/netsuite", "system 'netsuite' removed", [OPERATIONS]),
        ("dataset.system_of_record.changed", "dataset/inventory",
         "system of record netsuite → (replacement)",
         [("dataset/inventory approvers", ("person/grace-mbeki", "person/ken-adeyemi"), 1),
          OPERATIONS, UNNAMED]),
        ("dataset.system_of_record.changed", "dataset/product",
         "system of record netsuite → (replacement)",
         [("dataset/product approvers",
           ("person/grace-mbeki", "person/ken-adeyemi", "person/priya-raman"), 1),
          OPERATIONS, UNNAMED]),
        ("integration.endpoints.changed", "integration/erp-catalogue-to-shopify",
         "source netsuite → (replacement)", [PLATFORM, OPERATIONS, UNNAMED]),
        ("integration.endpoints.changed", "integration/erp-sales-to-finance",
         "source netsuite → (replacement)",
         [("team/finance", ("person/arjun-mehta", "person/rachel-stone"), 1), OPERATIONS,
          UNNAMED]),
        ("integration.endpoints.changed", "integration/erp-to-warehouse",
         "source netsuite → (replacement)",
         [("team/data-analytics", ("person/nina-kowalski",), 1), OPERATIONS, UNNAMED]),
        ("integration.endpoints.changed", "integration/legacy-pos-sales-to-erp",
         "target netsuite → (replacement)", [OPERATIONS, UNNAMED]),
        ("integration.endpoints.changed", "integration/shopify-orders-to-erp",
         "target netsuite → (replacement)", [PLATFORM, OPERATIONS, UNNAMED]),
    ]
    assert result.people == (
        "person/aisha-karim", "person/arjun-mehta", "person/chris-donnelly", "person/fiona-walsh",
        "person/grace-mbeki", "person/ken-adeyemi", "person/nina-kowalski", "person/priya-raman",
        "person/rachel-stone")


def test_replacing_the_tills_by_the_system_they_name() -> None:
    result = replacement("lightspeed-pos")
    assert result.replacement == "shopify"     # spec.lifecycle.replaced_by
    assert (result.lifecycle.status, result.lifecycle.months_left) == ("deprecated", 7)
    assert result.lifecycle.exit_plan.startswith("Stores move to Shopify POS in three waves")
    assert signoffs(result) == [
        ("system.removed", "system/lightspeed-pos", "system 'lightspeed-pos' removed",
         [OPERATIONS]),
        # the replacement exists, so its owner team signs off, not the governance approvers
        ("dataset.system_of_record.changed", "dataset/store-sale",
         "system of record lightspeed-pos → shopify",
         [("dataset/store-sale approvers", ("person/arjun-mehta", "person/grace-mbeki",
                                            "person/ken-adeyemi", "person/rachel-stone"), 1),
          OPERATIONS, DIGITAL]),
        ("integration.endpoints.changed", "integration/legacy-pos-sales-to-erp",
         "source lightspeed-pos → shopify", [OPERATIONS, DIGITAL]),
    ]
    assert [(item.description[:26], item.team, item.hours_per_week)
            for item in result.workarounds] == [("Store managers re-key retu", "operations", 6.0),
                                                ("Finance reconciles store c", "finance", 3.0)]


def test_the_sign_off_is_the_one_govcheck_diff_computes() -> None:
    """The same code: the groups of a replacement are those `govcheck diff` works out for
    the change from the estate to the estate after the replacement."""
    project = open_project(REPOSITORY)
    estate = load_estate(project, project.ecosystem)
    head = replaced_estate(estate, estate.entities["system/lightspeed-pos"], "shopify")
    expected = required_signoffs(diff_estates(estate, head),
                                 SignoffResolver(estate, head, project.config), ())
    assert sorted(signoffs(replacement("lightspeed-pos"))) == sorted(
        (change.type, change.entity, change.detail,
         [(item.group, item.people, item.minimum) for item in change.requires])
        for change in expected)


def test_a_link_into_the_replacement_itself_is_retired(tmp_path: Path) -> None:
    root = copy_example_estate(tmp_path)
    path = root / "ecosystem" / "systems" / "appointedd.yaml"
    path.write_text(path.read_text("utf-8").replace("    contract_end: 2028-01-31\n",
                                                    "    contract_end: 2028-01-31\n"
                                                    "    replaced_by: salesforce\n"), "utf-8")
    result = replacement("appointedd", root)
    assert [(item.integration, item.action) for item in result.rebuilds] == [
        ("bookings-to-crm", "retire: the replacement would be at both ends")]
    assert [(change.type, change.entity) for change in result.signoffs] == [
        ("system.removed", "system/appointedd"),
        ("dataset.system_of_record.changed", "dataset/booking"),
        ("integration.removed", "integration/bookings-to-crm")]


# -- the corners, on a small estate ----------------------------------------------------------

SYSTEM = """\
apiVersion: govcheck/v1
kind: System
metadata: {{name: {name}}}
spec: {{category: other, role: Holds things, owner: ops}}
"""
LINK = """\
apiVersion: govcheck/v1
kind: Integration
metadata: {{name: {name}}}
spec:
  owner: ops
  source: {source}
  target: {target}
  datasets: [{{dataset: {dataset}}}]
  mode: {mode}
{extra}  monitoring: {{owner: ops, alert_channel: "#ops"}}
"""


def small_estate(root: Path, links: list[tuple[str, str, str, str, str, str]]) -> Path:
    """Systems a to e, a team `ops` of one, and the links given as (name, source, target,
    dataset, mode, extra spec lines)."""
    (root / ".git").mkdir(parents=True)
    folder = root / "ecosystem"
    folder.mkdir()
    (folder / "ops.yaml").write_text(
        "apiVersion: govcheck/v1\nkind: Team\nmetadata: {name: ops}\n"
        "spec: {function: operations, members: [olu]}\n---\napiVersion: govcheck/v1\n"
        "kind: Person\nmetadata: {name: olu}\nspec: {email: olu@example.com, team: ops}\n")
    for name in "abcde":
        (folder / f"system-{name}.yaml").write_text(SYSTEM.format(name=name))
    for name, source, target, dataset, mode, extra in links:
        (folder / f"{name}.yaml").write_text(LINK.format(name=name, source=source, target=target,
                                                         dataset=dataset, mode=mode, extra=extra))
    return root


HOURLY = "  schedule: {every: PT1H}\n"
DAILY = '  schedule: {cron: "0 2 * * *"}\n'
QUEUE = "  fallback: {strategy: queue-and-replay, description: Queued, max_delay: PT4H}\n"


def test_no_fallback_stops_and_the_chain_goes_round_a_cycle(tmp_path: Path) -> None:
    root = small_estate(tmp_path, [
        ("a-to-b", "a", "b", "thing", "real-time", ""),        # no fallback
        ("b-to-c", "b", "c", "thing", "scheduled", HOURLY),
        ("c-to-d", "c", "d", "thing", "scheduled", DAILY),
        ("d-to-b", "d", "b", "thing", "scheduled", HOURLY),    # back round to b
        ("b-to-e", "b", "e", "other", "scheduled", HOURLY),    # another dataset: not hit
    ])
    result = outage("a", "PT2H", root)
    assert links(result) == [
        ("a-to-b", STOPS, ("thing",), ("b",), None, (), "no fallback"),
        ("b-to-c", STALE_INPUT, ("thing",), ("c",), None, ("a-to-b",), "no fallback"),
        ("c-to-d", STALE_INPUT, ("thing",), ("d",), None, ("a-to-b", "b-to-c"), "no fallback"),
        ("d-to-b", STALE_INPUT, ("thing",), ("b",), None, ("a-to-b", "b-to-c", "c-to-d"),
         "no fallback"),
    ]
    text = run(["impact", "a", "--down", "PT2H"], root).stdout
    assert "    stops: real-time with no fallback\n" in text
    assert "    stale until someone re-syncs it by hand: thing in b\n" in text
    assert "1 stops, 0 fall back, 0 miss runs, 0 wait;" in text


def test_staleness_adds_up_along_the_chain(tmp_path: Path) -> None:
    root = small_estate(tmp_path, [
        ("a-to-b", "a", "b", "thing", "real-time", QUEUE),
        ("b-to-c", "b", "c", "thing", "scheduled", HOURLY),
        ("c-to-d", "c", "d", "thing", "scheduled", DAILY),
        ("d-to-b", "d", "b", "thing", "scheduled", HOURLY),
        ("e-to-a", "e", "a", "thing", "manual", ""),
    ])
    result = outage("a", "PT6H", root)
    assert links(result) == [
        ("a-to-b", FALLS_BACK, ("thing",), ("b",), 6.0, (), False),   # max_delay PT4H < 6 h
        ("e-to-a", WAITS, ("thing",), ("a",), 6.0, (), "no fallback"),
        ("b-to-c", STALE_INPUT, ("thing",), ("c",), 7.0, ("a-to-b",), "no fallback"),
        ("c-to-d", STALE_INPUT, ("thing",), ("d",), 31.0, ("a-to-b", "b-to-c"), "no fallback"),
        ("d-to-b", STALE_INPUT, ("thing",), ("b",), 32.0, ("a-to-b", "b-to-c", "c-to-d"),
         "no fallback"),
    ]
    assert [alert.team.group for alert in result.alerts] == ["team/ops"]
    assert result.alerts[0].integrations == ("a-to-b", "b-to-c", "c-to-d", "d-to-b", "e-to-a")


def test_a_system_with_no_links(tmp_path: Path) -> None:
    root = small_estate(tmp_path, [])
    result = outage("a", "P1D", root)
    assert result.links == () and result.alerts == ()
    assert run(["impact", "a", "--replace"], root).stdout.splitlines()[-1] == (
        "0 datasets to re-home, 0 integrations to rebuild or re-point, 0 manual workarounds "
        "(0 h a week), 1 change needing sign-off from 1 person")


# -- the command line ------------------------------------------------------------------------

def run(args: list[str], cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "NO_COLOR"))}
    return subprocess.run([GOVCHECK, *args], check=False, cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("args", "message"), [
    (["impact", "shopfy", "--down", "PT24H"], "unknown system 'shopfy' (did you mean 'shopify'?)"),
    (["impact", "netsuit", "--replace"], "unknown system 'netsuit' (did you mean 'netsuite'?)"),
    (["impact", "zzz", "--replace"], ("unknown system 'zzz'; the systems are adyen, appointedd, "
     "hubspot, lightspeed-pos, looker, netsuite, salesforce, shopify, snowflake, website, "
     "workato, xero, zendesk")),
    (["impact", "customer", "--replace"], ("'customer' is a dataset (dataset/customer), not a "
     "system")),
    (["impact", "shopify", "--down", "24h"], ("--down '24h' is not an ISO-8601 duration such as "
     "PT4H, PT24H or P2D")),
    (["impact", "shopify"], ("say what happens to the system: --down DURATION (e.g. PT24H) or "
     "--replace")),
    (["impact", "shopify", "--down", "PT1H", "--replace"], ("say what happens to the system: "
     "--down DURATION (e.g. PT24H) or --replace")),
    (["impact", "shopify", "--replace", "--as-of", "soon"],
     "--as-of 'soon' is not a date (YYYY-MM-DD)"),
])
def test_what_it_cannot_answer_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run(args)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"govcheck: error: {message}\n")


def test_json_is_versioned_and_complete() -> None:
    document = json.loads(run(["impact", "shopify", "--down", "PT24H", "-f", "json",
                               "--as-of", "2026-11-23"]).stdout)
    assert list(document) == ["version", "tool", "command", "as_of", "system", "title", "owner",
                              "scenario", "links", "stale_data", "alerts", "summary"]
    assert document["scenario"] == {"type": "outage", "down": "PT24H", "seconds": 86400.0}
    orders = next(link for link in document["links"]
                  if link["integration"] == "erp-sales-to-finance")
    assert (orders["effect"], orders["via"], orders["stale_for"], orders["downstream"]) == (
        STALE_INPUT, ["shopify-orders-to-erp"], {"seconds": 172800.0, "duration": "P2D"}, True)
    assert document["summary"] == {"links": 8, "direct": 5, "downstream": 3, "stop": 0,
                                   "fall_back": 3, "beyond_max_delay": 1, "miss_runs": 2,
                                   "wait": 0, "stale_data": 13, "alerts": 4}
    replaced = json.loads(run(["impact", "netsuite", "--replace", "--format", "json"]).stdout)
    assert replaced["scenario"] == {"type": "replacement", "replacement": None}
    assert replaced["signoffs"][0] == {
        "type": "system.removed", "class": "breaking", "entity": "system/netsuite",
        "detail": "system 'netsuite' removed", "file": "ecosystem/systems/netsuite.yaml",
        "line": 4, "requires": [{"group": "team/operations",
                                 "people": ["person/grace-mbeki", "person/ken-adeyemi"],
                                 "min": 1}]}
    assert replaced["summary"] == {"records": 2, "integrations": 5, "workarounds": 2,
                                   "hours_per_week": 9.0, "signoffs": 8, "people": 9}


def test_markdown_has_a_table_per_question() -> None:
    text = run(["impact", "netsuite", "--replace", "-f", "markdown", "--as-of",
                "2026-11-23"]).stdout
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["## Impact: replacing `netsuite` (Oracle NetSuite)",
                        "### Datasets whose system of record moves",
                        "### Integrations to rebuild or re-point",
                        "### Manual workarounds that depend on it",
                        "### Sign-off the replacement needs"]
    assert ("| `erp-to-warehouse` | netsuite → snowflake | scheduled, every 6 h | "
            "native\\-connector | product, inventory, store\\-sale | `team/data-analytics` | "
            "rebuild\\: a native connector is made for one system |") in text


def test_output_file_and_quiet(tmp_path: Path) -> None:
    target = tmp_path / "impact.md"
    result = run(["impact", "shopify", "--down", "PT1H", "-q", "-o", str(target), "-f",
                  "markdown"])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert target.read_text("utf-8").startswith("## Impact: `shopify` (Shopify Plus) down for 1 h")
    quiet = run(["impact", "shopify", "--down", "PT1H", "--quiet"])
    assert (quiet.returncode, quiet.stdout) == (0, "")


def test_color_only_when_asked_or_on_a_terminal() -> None:
    plain = run(["impact", "shopify", "--down", "PT24H"]).stdout
    assert "\033[" not in plain
    painted = run(["impact", "shopify", "--down", "PT24H", "--color"]).stdout
    assert ("    \033[31mfalls back to queue-and-replay, which does NOT cover 24 h (max_delay "
            "PT2H, 22 h short)\033[0m") in painted


HOSTILE = "<script>alert(1)</script> | [click](javascript:x) *bold* \033[2J\033]0;owned\a\nnext"


def test_hostile_titles_are_text_in_every_format(tmp_path: Path) -> None:
    root = copy_example_estate(tmp_path)
    for name in ("systems/shopify.yaml", "integrations/shopify-orders-to-erp.yaml"):
        path = root / "ecosystem" / name
        text = path.read_text("utf-8")
        title = text.split("  title: ", 1)[1].split("\n", 1)[0]
        hostile = json.dumps(HOSTILE)      # a YAML double-quoted scalar with the escapes
        text = text.replace(f"  title: {title}", f"  title: {hostile}")
        path.write_text(text.replace("    trigger: Order paid in Shopify (orders/paid webhook)",
                                     f"    trigger: {hostile}"), "utf-8")
    text = run(["impact", "shopify", "--down", "PT24H"], root).stdout
    assert "\033" not in text and "\a" not in text
    assert "impact: shopify (<script>alert(1)</script> | [click](javascript:x) *bold* " \
           "\\x1b[2J\\x1b]0;owned\\x07 next) down for 24 h" in text
    markdown = run(["impact", "shopify", "--down", "PT24H", "-f", "markdown"], root).stdout
    assert "<script>" not in markdown and "\033" not in markdown
    assert ("(\\<script\\>alert(1)\\</script\\> \\| \\[click\\](javascript\\:x) \\*bold\\* "
            "\\\\x1b\\[2J\\\\x1b\\]0;owned\\\\x07 next)") in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert {len(re.split(r"(?<!\\)\|", row)) for row in rows if "shopify-orders-to-erp" in row} \
        <= {5 + 2, 3 + 2, 4 + 2}    # a link row, a process row, an alert row: no cell added
    document = json.loads(run(["impact", "shopify", "--down", "PT24H", "-f", "json"], root).stdout)
    assert document["title"] == HOSTILE
    for args in (["--replace"], ["--down", "P1D"]):
        assert "\033" not in run(["impact", "shopify", *args], root).stdout
        output = run(["impact", "shopify", *args, "-f", "markdown"], root).stdout
        assert "<script>" not in output and "\033" not in output
