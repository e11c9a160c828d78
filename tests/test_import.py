"""`govcheck import` on realistic inputs: a Backstage catalog written in the format of
Backstage's example catalog, CSV exports as spreadsheets make them (a byte-order mark, CRLF,
Excel's semicolons, quoted separators, mixed-case headers), and data contracts in both
standards; and the bad ones, each problem one line with its file and line and nothing
written. The manifests pass the schema, and what the input could not say is GOV020."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import AS_OF, run

FIXTURES = Path(__file__).parent / "imports"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def fixture(repo: Path, name: str) -> str:
    shutil.copytree(FIXTURES / name, repo / name)
    return name


def files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.yaml"))


def rules_of(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {finding["rule"] for finding in json.loads(result.stdout)["findings"]}


# -- Backstage ---------------------------------------------------------------------------------

def test_a_backstage_catalog_becomes_teams_people_and_systems(repo: Path) -> None:
    catalog = fixture(repo, "backstage")
    result = run(["import", "backstage", catalog], repo)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-6:] == [
        "note: backstage/checkout.oas.yaml:1: not a Backstage descriptor (no apiVersion "
        "backstage.io/...): left out",
        "note: backstage/org.yaml:13: kind Location carries no governance facts: left out",
        "note: backstage/org.yaml:25: kind Domain carries no governance facts: left out",
        "note: 3 parts (components, resources, APIs) of a System of the catalog: imported as "
        "that System",
        "imported 12 entities (4 people, 4 systems, 4 teams) into ecosystem; 11 decisions left "
        "as TODO",
        "next: 'govcheck check' lists the governance work still to do; 'govcheck baseline' "
        "accepts it for now, so that CI fails only on new findings"]
    assert files(repo / "ecosystem") == [
        "people/dana.whitfield.yaml", "people/fiona.walsh.yaml", "people/ian.okafor.yaml",
        "people/sandbox.guest.yaml", "systems/brochure-site.yaml", "systems/ledger.yaml",
        "systems/store-tills.yaml", "systems/storefront.yaml", "teams/commerce.yaml",
        "teams/finance-ops.yaml", "teams/northwind.yaml", "teams/platform.yaml"]
    assert (repo / "ecosystem/teams/commerce.yaml").read_text() == (
        "apiVersion: govcheck/v1\nkind: Team\nmetadata:\n  name: commerce\n"
        "  title: Digital Commerce\n  description: Runs the online store\nspec:\n"
        "  function: 'TODO: marketing, sales, operations, finance, technology, data, support, "
        "digital, executive or other'\n"
        "  members:\n  - dana.whitfield\n  - sandbox.guest\n  github: northwind/commerce\n"
        "  contact: commerce@northwind.example\nx-imported-from: backstage backstage/groups.yaml:4\n")
    assert (repo / "ecosystem/systems/ledger.yaml").read_text().splitlines()[-2:] == [
        "  owner: 'TODO: the catalog names user:fiona.walsh as owner; govcheck owners are "
        "teams: name the team'", "x-imported-from: backstage backstage/systems.yaml:15"]
    person = (repo / "ecosystem/people/ian.okafor.yaml").read_text()
    assert "team:" not in person          # a member of two groups: no one team to name
    brochure = (repo / "ecosystem/systems/brochure-site.yaml").read_text()
    assert "  category: website\n" in brochure and "  owner: commerce\n" in brochure   # relations


def test_the_imported_manifests_pass_the_schema_and_their_findings_are_the_work_to_do(
        repo: Path) -> None:
    run(["import", "backstage", fixture(repo, "backstage")], repo)
    checked = run(["check", "--as-of", AS_OF, "--format", "json"], repo)
    assert checked.returncode == 1
    assert rules_of(checked) == {"GOV020", "GOV013"}   # never GOV000, nor a dangling reference
    assert json.loads(checked.stdout)["summary"]["error"] == 11
    # the map groups the systems whose category is still TODO, whatever each TODO says
    drawn = run(["graph", "--as-of", AS_OF], repo).stdout
    assert '  subgraph cat_undecided["Category undecided (TODO)"]' in drawn
    assert drawn.count("subgraph ") == 2          # undecided, and website


def test_an_import_never_overwrites(repo: Path) -> None:
    catalog = fixture(repo, "backstage")
    (repo / "ecosystem/teams").mkdir(parents=True)
    (repo / "ecosystem/teams/commerce.yaml").write_text("# ours\n")
    (repo / "ecosystem/mine.yaml").write_text(
        "apiVersion: govcheck/v1\nkind: Team\nmetadata: {name: platform}\n"
        "spec: {function: technology}\n")
    first = run(["import", "backstage", catalog], repo)
    assert first.returncode == 0
    assert [line for line in first.stdout.splitlines() if line.startswith("skipped")] == [
        "skipped team/commerce: the file exists (govcheck import never overwrites)",
        "skipped team/platform: already defined in ecosystem/mine.yaml"]
    assert (repo / "ecosystem/teams/commerce.yaml").read_text() == "# ours\n"
    before = {name: (repo / "ecosystem" / name).read_bytes() for name in files(repo / "ecosystem")}
    again = run(["import", "backstage", catalog], repo)
    assert again.stdout.splitlines()[-1] == (
        "imported 0 entities into ecosystem; 12 skipped; 0 decisions left as TODO")
    assert {name: (repo / "ecosystem" / name).read_bytes()
            for name in files(repo / "ecosystem")} == before


BAD_CATALOG = {
    "catalog/a.yaml": ("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n"
                       "  name: web\nspec: {type: team, children: []}\n---\n"
                       "apiVersion: backstage.io/v1alpha1\nkind: Widget\nmetadata:\n"
                       "  name: spinner\nspec: {}\n---\n"
                       "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n"
                       "  name: Ann Lee\nspec: {memberOf: [web]}\n"),
    "catalog/b.yaml": ("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n"
                       "  name: WEB\nspec: {type: team, children: []}\n---\n"
                       "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n"
                       "  name: shop\nspec: {owner: web}\n"),
    "catalog/c.yaml": "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: [\n",
}


def test_bad_descriptors_are_one_line_each_and_nothing_is_written(repo: Path) -> None:
    for name, text in BAD_CATALOG.items():
        (repo / name).parent.mkdir(exist_ok=True)
        (repo / name).write_text(text)
    result = run(["import", "backstage", "catalog"], repo)
    assert (result.returncode, result.stdout) == (2, "")
    assert [line.split(": YAML syntax error")[0] + (": YAML syntax error" if "YAML" in line
                                                     else "")
            for line in result.stderr.splitlines()] == [
        "govcheck: error: catalog/a.yaml:7: unknown Backstage kind 'Widget' (imported: Group, "
        "User, System, Component, Resource, API; left out: Domain, Location, Template)",
        "govcheck: error: catalog/a.yaml:16: User name 'ann lee' is not a valid govcheck name "
        "(lower case letters, digits, '.', '_' and '-', at most 63 characters): try 'ann-lee'",
        "govcheck: error: catalog/b.yaml:4: Team 'web' is defined twice (first at "
        "catalog/a.yaml:4)",
        "govcheck: error: catalog/c.yaml:5: YAML syntax error",   # libyaml's words or PyYAML's
        "govcheck: nothing written: fix the 4 problems above, or --partial writes the rest"]
    assert not (repo / "ecosystem").exists()

    partial = run(["import", "backstage", "catalog", "--partial"], repo)
    assert partial.returncode == 0
    assert files(repo / "ecosystem") == ["systems/shop.yaml"]   # web was defined twice
    assert len(partial.stderr.splitlines()) == 4


def test_a_source_that_does_not_exist_is_exit_2(repo: Path) -> None:
    result = run(["import", "backstage", "nowhere"], repo)
    assert (result.returncode, result.stderr) == (
        2, "govcheck: error: no such file or folder: 'nowhere'\n")
    unknown = run(["import", "ldap", "x"], repo)
    assert unknown.returncode == 2 and "'ldap' is not one of" in unknown.stderr


# -- CSV ---------------------------------------------------------------------------------------

def test_spreadsheet_exports_become_systems_and_integrations(repo: Path) -> None:
    folder = fixture(repo, "csv")
    result = run(["import", "csv", f"{folder}/systems.csv", f"{folder}/integrations.csv"], repo)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-3:-1] == [
        "note: csv/systems.csv: columns left out: annual_cost (known: name, title, category, "
        "role, owner, vendor, status, contract_end, exit_plan)",
        "imported 9 entities (4 integrations, 5 systems) into ecosystem; 4 decisions left as "
        "TODO"]
    assert (repo / "ecosystem/systems/crm.yaml").read_text() == (
        "apiVersion: govcheck/v1\nkind: System\nmetadata:\n  name: crm\n"
        "  title: Salesforce Sales Cloud\nspec:\n  category: crm\n"
        "  role: Owns leads and accounts\n  owner: sales-ops\n  vendor: Salesforce\n"
        "  lifecycle:\n    status: active\n    contract_end: '2028-05-31'\n"
        "x-imported-from: csv csv/systems.csv:2\n")
    # Excel's semicolons, a quoted separator, datasets listed in one cell, a cron schedule
    assert (repo / "ecosystem/integrations/crm-to-erp.yaml").read_text() == (
        "apiVersion: govcheck/v1\nkind: Integration\nmetadata:\n  name: crm-to-erp\nspec:\n"
        "  owner: integration-platform\n  source: crm\n  target: erp\n  datasets:\n"
        "  - dataset: customer\n  - dataset: order\n  mode: scheduled\n"
        "  purpose: Orders invoiced; customers in sync\n  schedule:\n    every: PT15M\n"
        "x-imported-from: csv csv/integrations.csv:3\n")
    assert "    cron: 0 2 * * *\n" in (repo / "ecosystem/integrations/nightly-warehouse.yaml"
                                      ).read_text()
    assert "  mode: 'TODO: real-time, scheduled or manual'\n" in (
        repo / "ecosystem/integrations/tills-to-erp.yaml").read_text()
    assert "GOV000" not in run(["check", "--as-of", AS_OF], repo).stdout


@pytest.mark.parametrize(("name", "lines"), [
    ("bad-systems.csv", [
        "csv/bad-systems.csv:3: name 'Salesforce CRM' is not a valid govcheck name (lower case "
        "letters, digits, '.', '_' and '-', at most 63 characters): try 'salesforce-crm'",
        "csv/bad-systems.csv:4: category 'accounting' is not one of website, mobile-app, crm, "
        "erp, ecommerce, marketing-automation, booking, support, finance, data-warehouse, "
        "reporting, ipaas, other",
        "csv/bad-systems.csv:5: System 'crm' is defined twice (first at csv/bad-systems.csv:2)",
        "csv/bad-systems.csv:6: owner 'Store Ops' is not a valid govcheck name (lower case "
        "letters, digits, '.', '_' and '-', at most 63 characters): try 'store-ops'",
        "csv/bad-systems.csv:6: contract_end '31/03/2027' is not a date (YYYY-MM-DD; format "
        "the column as text before exporting)"]),
    ("latin1.csv", ["csv/latin1.csv:2: not UTF-8 (byte 0xe9): export it as 'CSV UTF-8'"]),
    ("no-name.csv", ["csv/no-name.csv:1: no name column: an integrations inventory needs "
                     "name, source, target"]),
])
def test_bad_spreadsheets_are_one_line_per_problem(repo: Path, name: str,
                                                    lines: list[str]) -> None:
    folder = fixture(repo, "csv")
    result = run(["import", "csv", f"{folder}/{name}"], repo)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[:-1] == [f"govcheck: error: {line}" for line in lines]
    assert not (repo / "ecosystem").exists()


def test_partial_writes_the_good_rows(repo: Path) -> None:
    (repo / "inventory.csv").write_text(
        "name,source,target,mode\nleads,web,crm,real-time\nbad one,web,crm,\n"
        "stock,erp,shop,telepathy\n", encoding="utf-8")
    result = run(["import", "csv", "inventory.csv", "--partial"], repo)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "govcheck: error: inventory.csv:3: name 'bad one' is not a valid govcheck name (lower "
        "case letters, digits, '.', '_' and '-', at most 63 characters): try 'bad-one'",
        "govcheck: error: inventory.csv:4: mode 'telepathy' is not one of real-time, scheduled, "
        "manual"]
    assert files(repo / "ecosystem") == ["integrations/leads.yaml"]


# -- data contracts ----------------------------------------------------------------------------

def test_data_contracts_become_datasets(repo: Path) -> None:
    folder = fixture(repo, "datacontract")
    result = run(["import", "datacontract", f"{folder}/orders.datacontract.yaml",
                  f"{folder}/customer.odcs.yaml"], repo)
    assert (result.returncode, result.stderr) == (0, "")
    assert files(repo / "ecosystem") == ["datasets/customer.yaml", "datasets/order_lines.yaml",
                                         "datasets/orders.yaml"]
    orders = (repo / "ecosystem/datasets/orders.yaml").read_text()
    assert orders == (
        "apiVersion: govcheck/v1\nkind: Dataset\nmetadata:\n  name: orders\nspec:\n"
        "  system_of_record: 'TODO: the one system that holds the record of this data'\n"
        "  owner: digital-commerce\n  fields:\n"
        "  - name: order_id\n    type: string\n    required: true\n"
        "    description: Identifies an order in the web shop.\n"
        "  - name: placed_at\n    type: datetime\n    required: true\n"
        "  - name: total_cents\n    type: integer\n    required: true\n"
        "  - name: customer_email\n    type: string\n    pii: true\n"
        "  - name: status\n    type: enum\n    values:\n    - placed\n    - paid\n"
        "    - shipped\n    - cancelled\n"
        "  classification: confidential\n"
        "  description: One record per order, cancelled ones included.\n"
        "x-imported-from: datacontract datacontract/orders.datacontract.yaml:21\n")
    customer = (repo / "ecosystem/datasets/customer.yaml").read_text()
    assert "  owner: sales-ops\n" in customer and "  classification: restricted\n" in customer
    assert customer.count("pii: true") == 2        # a custom property, and a tag
    lines = (repo / "ecosystem/datasets/order_lines.yaml").read_text()
    assert "type: 'TODO: the contract''s type ''variant'' has no govcheck type'" in lines
    checked = run(["check", "--as-of", AS_OF, "--format", "json"], repo)
    assert rules_of(checked) == {"GOV002", "GOV004", "GOV020"}   # approvers, owner teams, TODO


def test_bad_data_contracts(repo: Path) -> None:
    folder = fixture(repo, "datacontract")
    result = run(["import", "datacontract", f"{folder}/bad.yaml"], repo)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "govcheck: error: datacontract/bad.yaml:1: ODCS apiVersion 'v2.2.2' is not supported: "
        "govcheck reads ODCS v3",
        "govcheck: error: datacontract/bad.yaml:10: dataset name 'Shipments' is not a valid "
        "govcheck name (lower case letters, digits, '.', '_' and '-', at most 63 characters): "
        "try 'shipments'",
        "govcheck: error: datacontract/bad.yaml:13: model 'returns' has no fields: a dataset "
        "needs at least one",
        "govcheck: error: datacontract/bad.yaml:16: not a data contract: neither "
        "'dataContractSpecification:' (datacontract.com) nor 'kind: DataContract' (ODCS v3)",
        "govcheck: nothing written: fix the 4 problems above, or --partial writes the rest"]


# -- the adoption path, end to end ------------------------------------------------------------

def test_import_baseline_green_today_red_tomorrow(repo: Path) -> None:
    run(["import", "backstage", fixture(repo, "backstage")], repo)
    folder = fixture(repo, "csv")
    assert run(["import", "csv", f"{folder}/systems.csv"], repo).returncode == 0
    assert run(["check", "--as-of", AS_OF], repo).returncode == 1
    assert run(["baseline", "--as-of", AS_OF], repo).returncode == 0
    assert run(["check", "--as-of", AS_OF], repo).returncode == 0          # green today
    # tomorrow: a new system, its owner undecided
    (repo / "ecosystem/systems/helpdesk.yaml").write_text(
        "apiVersion: govcheck/v1\nkind: System\nmetadata: {name: helpdesk}\n"
        "spec: {category: support, role: Answers customers, owner: TODO}\n")
    red = run(["check", "--as-of", AS_OF], repo)
    assert red.returncode == 1
    assert red.stdout.splitlines()[0] == (
        "ecosystem/systems/helpdesk.yaml:4:59: error GOV020 spec.owner is still TODO "
        "[system/helpdesk]")
