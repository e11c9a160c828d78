"""The installed `govcheck` run as a subprocess on small estates made from the rule cases' base
estate: shared by the command-line tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

GOVCHECK = str(Path(sys.executable).parent / "govcheck")
BASE = yaml.safe_load((Path(__file__).parent / "rules" / "_base.yaml").read_text(encoding="utf-8"))
AS_OF = "2026-11-23"
LEADS = "ecosystem/integrations/website-leads-to-crm.yaml"
ORDERS = "ecosystem/integrations/crm-customers-to-erp.yaml"
FALLBACK = ("  fallback:\n    strategy: queue-and-replay\n"
            "    description: Leads are queued and replayed when the CRM is back\n")
MEASURES = ('  success_measures:\n    - {metric: invoices on the wrong account per month, '
            'target: "0"}\n')
GOV003_MESSAGE = ("real-time integration has no fallback for when crm is down or rate-limited: "
                  "spec.fallback missing")
GOV009_MESSAGE = "integration has no measurable success criterion: spec.success_measures missing"


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
        stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """govcheck ARGS in `cwd`, outside GitHub Actions and with no colour or govcheck settings
    from this environment (`stdout` may be a terminal's file descriptor)."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "NO_COLOR", "GOVCHECK"))}
    environment.update(env or {})
    return subprocess.run([GOVCHECK, *args], check=False, cwd=cwd, env=environment,
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)


def make_estate(root: Path, changes: dict[str, str] | None = None,
                config: str | None = None) -> Path:
    """The rule cases' clean base estate in a repository at `root`, with files replaced."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in {**BASE["files"], **(changes or {})}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config is not None:
        (root / "govcheck.yaml").write_text(config, encoding="utf-8")
    return root


def without_fallback() -> dict[str, str]:
    """GOV003 on integration/website-leads-to-crm."""
    return {LEADS: BASE["files"][LEADS].replace(FALLBACK, "")}


def without_measures() -> dict[str, str]:
    """GOV009 (a warning) on integration/crm-customers-to-erp."""
    return {ORDERS: BASE["files"][ORDERS].replace(MEASURES, "")}


def assert_usage_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr, no traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == message + "\n"
