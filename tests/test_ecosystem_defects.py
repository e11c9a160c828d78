"""The example estate is clean, and one planted defect per rule gives exactly that rule's
finding at the right entity and line, and nothing else (one defect, one finding)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from estates import copy_example_estate

from govcheck.app.check import run_check
from govcheck.app.project import open_project

AS_OF = dt.date(2027, 1, 15)
LEADS = "ecosystem/integrations/website-leads-to-crm.yaml"
LEAD = "ecosystem/datasets/lead.yaml"

REVERSE_LEADS = """\
apiVersion: govcheck/v1
kind: Integration
metadata:
  name: crm-leads-to-website
spec:
  owner: integration-platform
  purpose: Show enquirers the status of their enquiry
  process: {trigger: Lead status changes, outcome: Status shown on the website}
  source: salesforce
  target: website
  datasets:
    - dataset: lead
      fields: [email, status]
  mode: scheduled
  schedule: {every: PT1H}
  method: ipaas
  monitoring: {owner: integration-platform, alert_channel: "#int-alerts"}
  success_measures: [{metric: status pages served, target: all enquiries}]
  review: {interval: P12M, last_reviewed: 2026-11-01}
"""


@dataclass(frozen=True)
class Plant:
    rule: str
    file: str
    old: str
    new: str
    entity: str
    line_of: str      # the text whose line the finding must point at


PLANTS = [
    Plant("GOV000", LEADS, "  fallback:\n", "  fallbak:\n", "integration/website-leads-to-crm",
          "  fallbak:"),
    Plant("GOV001", LEAD, "  owner: sales-ops", "  owner: [sales-ops, marketing-ops]",
          "dataset/lead", "  owner: [sales-ops"),
    Plant("GOV002", LEAD, "approvers: [team:sales-ops]", "approvers: []", "dataset/lead",
          "approvers: []"),
    Plant("GOV003", LEADS, "  fallback:\n    strategy: queue-and-replay\n", "  x-was-fallback:\n",
          "integration/website-leads-to-crm", "  name: website-leads-to-crm"),
    Plant("GOV004", LEAD, "  owner: sales-ops", "  owner: sales-opps", "dataset/lead",
          "  owner: sales-opps"),
    Plant("GOV005", LEADS, "  conflict_resolution:\n    winner: salesforce\n    strategy: "
          "system-of-record-wins\n", "", "integration/website-leads-to-crm",
          "  name: website-leads-to-crm"),
    Plant("GOV006", LEADS, "winner: salesforce", "winner: website",
          "integration/website-leads-to-crm", "winner: website"),
    Plant("GOV007", "ecosystem/integrations/erp-catalogue-to-shopify.yaml", "{every: PT15M}",
          "{every: 15 minutes}", "integration/erp-catalogue-to-shopify", "{every: 15 minutes}"),
    Plant("GOV008", LEADS, "  purpose:", "  x-purpose:", "integration/website-leads-to-crm",
          "  name: website-leads-to-crm"),
    Plant("GOV009", LEADS, "  success_measures:", "  x-success_measures:",
          "integration/website-leads-to-crm", "  name: website-leads-to-crm"),
    Plant("GOV010", LEADS, "    alert_channel:", "    x-alert_channel:",
          "integration/website-leads-to-crm", "  name: website-leads-to-crm"),
    Plant("GOV011", LEADS, "company, enquiry_type", "company, enquiry_typ",
          "integration/website-leads-to-crm", "company, enquiry_typ"),
    Plant("GOV012", LEADS, "last_reviewed: 2026-10-05", "last_reviewed: 2025-10-05",
          "integration/website-leads-to-crm", "last_reviewed: 2025-10-05"),
    Plant("GOV013", "ecosystem/systems/zendesk.yaml", "status: active", "status: deprecated",
          "system/zendesk", "  name: zendesk"),
    Plant("GOV014", "ecosystem/systems/salesforce.yaml", "    rate_limit:", "    x-rate_limit:",
          "system/salesforce", "  name: salesforce"),
    Plant("GOV015", "ecosystem/integrations/crm-leads-to-website.yaml", "", REVERSE_LEADS,
          "integration/crm-leads-to-website", "    - dataset: lead"),
    Plant("GOV016", LEADS, "      fields: [email, first_name", "      x-fields: [email, first_name",
          "integration/website-leads-to-crm", "    - dataset: lead"),
    Plant("GOV017", "ecosystem/datasets/payment.yaml", "[team:finance, person:fiona-walsh]",
          "[team:finance]", "dataset/payment", "approvers: [team:finance]"),
    # Xero's limit cut to 4,000 a day: the 3,300 calls its two feeds declare are over 80 %.
    Plant("GOV019", "ecosystem/systems/xero.yaml", "{requests: 5000, per: day}",
          "{requests: 4000, per: day}", "system/xero", "    rate_limit: {requests: 4000"),
    # An undecided value is GOV020 alone: not a schema error, not a dangling reference.
    Plant("GOV020", "ecosystem/systems/zendesk.yaml", "  category: support",
          "  category: \"TODO: which category\"", "system/zendesk", "  category: \"TODO"),
    # A file that cannot be read at all is one finding: references to what it defines, and
    # rules that would need it, wait until it is fixed.
    Plant("GOV000", "ecosystem/teams/finance.yaml", "spec:\n", "spec:\n\tfoo: 1\n", "",
          "\tfoo: 1"),
    Plant("GOV000", "ecosystem/datasets/customer.yaml", "  owner: sales-ops",
          "   owner: sales-ops", "", "   owner: sales-ops"),
    Plant("GOV018", "govcheck.yaml", "", "waivers:\n  - rule: GOV003\n    entity: "
          "integration/website-leads-to-crm\n    approved_by: person:fiona-walsh\n"
          "    expires: 2027-06-30\n", "", "  - rule: GOV003"),
]


def _estate(tmp_path: Path) -> Path:
    return copy_example_estate(tmp_path)


def _plant(root: Path, plant: Plant) -> int:
    path = root / plant.file
    text = path.read_text() if path.exists() else ""
    assert plant.old in text
    text = text.replace(plant.old, plant.new, 1) if plant.old else text + plant.new
    path.write_text(text)
    return next(number for number, line in enumerate(text.splitlines(), 1)
                if line.startswith(plant.line_of) or plant.line_of in line)


def test_the_example_estate_is_clean(tmp_path: Path) -> None:
    report = run_check(open_project(_estate(tmp_path)), None, AS_OF).report
    assert report.findings == ()
    assert report.entities == 71


def test_every_rule_has_a_planted_defect() -> None:
    from govcheck.rules.policy import load_rules

    assert sorted({plant.rule for plant in PLANTS}) == sorted(load_rules())


@pytest.mark.parametrize("plant", PLANTS, ids=[plant.rule for plant in PLANTS])
def test_one_planted_defect_gives_exactly_its_rule(tmp_path: Path, plant: Plant) -> None:
    root = _estate(tmp_path)
    line = _plant(root, plant)
    findings = run_check(open_project(root), None, AS_OF).report.findings
    assert [(f.rule, f.entity, f.file, f.line) for f in findings] == [
        (plant.rule, plant.entity, plant.file, line)]
