"""Copies of the example estate for tests that need a real run (imported by test modules)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from govcheck.app.check import run_check
from govcheck.app.project import open_project
from govcheck.rules.report import CheckReport

REPOSITORY = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 23)


def copy_example_estate(root: Path) -> Path:
    """The example estate under `root`, which is marked as a repository root."""
    (root / ".git").mkdir(parents=True, exist_ok=True)   # config lookup stops here
    shutil.copytree(REPOSITORY / "ecosystem", root / "ecosystem")
    return root


def planted_estate(root: Path) -> Path:
    """The example estate where two real-time integrations lost their fallback and one of the
    two is waived in govcheck.yaml."""
    copy_example_estate(root)
    for name in ("customer-sync", "bookings-to-crm"):
        path = root / "ecosystem" / "integrations" / f"{name}.yaml"
        path.write_text(re.sub(r"  fallback:\n(    .*\n)+", "", path.read_text("utf-8")), "utf-8")
    (root / "govcheck.yaml").write_text(
        "waivers:\n  - {rule: GOV003, entity: integration/customer-sync, reason: Replaced in Q1,"
        " approved_by: team:finance, expires: 2099-03-31}\n", "utf-8")
    return root


def planted_report(root: Path) -> CheckReport:
    return run_check(open_project(planted_estate(root)), None, AS_OF).report


def change_the_config(estate: Path) -> None:
    """A config change that changes findings: GOV004 becomes a warning."""
    (estate / "govcheck.yaml").write_text("rules:\n  GOV004: {severity: warning}\n")


def add_a_policy_folder(estate: Path) -> None:
    """A policy folder with one rule of the user's own, named in the config."""
    (estate / "policies").mkdir()
    (estate / "policies" / "acme.yaml").write_text(
        "id: ACME001\ntitle: Systems name a vendor\nseverity: info\nrationale: r\n"
        "remediation: r\nchecks:\n  - {function: required, kind: System, paths: [spec.x-vendor]}\n")
    (estate / "govcheck.yaml").write_text("policies: [policies]\n")
