"""Rule cases as data: tests/rules/gov0NN.yaml, one file per built-in rule, run by the same
code as `govcheck rules --test` (govcheck.rules.cases: the case format is documented there).

Each case must report exactly its findings and nothing else (one defect, one finding). A case
with `xfail:` records a known difference between the engine and the contract; it must fail
until the engine is fixed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govcheck.rules import cases as rule_cases
from govcheck.rules.policy import load_rules

RULES_DIR = Path(__file__).parent / "rules"
BASE = rule_cases.read_case_file(RULES_DIR / rule_cases.BASE_NAME)
RULES = load_rules()


def _load_cases() -> list[Any]:
    params = []
    for path in rule_cases.case_files(RULES_DIR):
        data = rule_cases.read_case_file(path)
        for case in data["cases"]:
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            params.append(pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}",
                                       marks=marks))
    return params


@pytest.mark.parametrize(("rule", "case"), _load_cases())
def test_rule_case(rule: str, case: dict[str, Any], tmp_path: Path) -> None:
    result = rule_cases.run_case(rule, case, BASE, RULES, tmp_path)
    assert result.actual == result.expected


def test_base_estate_is_clean(tmp_path: Path) -> None:
    result = rule_cases.run_case("base", {"name": "base", "base": True}, BASE, RULES, tmp_path)
    assert result.actual == []


def test_every_builtin_rule_has_passing_and_failing_cases() -> None:
    covered: dict[str, dict[str, int]] = {}
    for path in rule_cases.case_files(RULES_DIR):
        data = rule_cases.read_case_file(path)
        assert path.name == f"{data['rule'].lower()}.yaml", path.name
        names = [case["name"] for case in data["cases"]]
        assert len(names) == len(set(names)), f"{path.name}: case names repeat"
        counts = covered.setdefault(data["rule"], {"passing": 0, "failing": 0})
        for case in data["cases"]:
            own = [f for f in case.get("findings") or [] if f["rule"] == data["rule"]]
            counts["failing" if own else "passing"] += 1
    for rule_id in RULES:
        assert rule_id in covered, f"{rule_id} has no tests/rules/{rule_id.lower()}.yaml"
        assert covered[rule_id]["passing"] >= 1, f"{rule_id} has no passing case"
        assert covered[rule_id]["failing"] >= 1, f"{rule_id} has no failing case"
