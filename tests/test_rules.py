"""Rule cases as data: tests/rules/gov0NN.yaml, one file per built-in rule.

Each case is an estate (the shared base of tests/rules/_base.yaml, changed by `replace:`,
`add:` and `remove:`, or a whole `files:` mapping of its own), an optional govcheck.yaml
(`config:`), an optional `as_of:`, and the exact findings `govcheck check` must report: every
one of them, and nothing else (one defect, one finding). A case with `xfail:` records a
known difference between the engine and the contract; it must fail until the engine is fixed.

A file's content is its YAML text, or a mapping for what text cannot say:
  {text: ..., crlf: true, bom: true}     line endings and a UTF-8 byte-order mark
  {text: ..., encoding: latin-1}         the text in another encoding
  {hex: "ff fe 00"}                      raw bytes
  {text: ..., pad_to: 1048577}           the text followed by a comment up to that size
  {symlink_outside: "secret.yaml", text: ...}   a symlink to a file outside the repository
                                         (`<outside>` in an expected message is that folder)
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcheck.policy import load_rules
from govcheck.project import open_project, run_check

RULES_DIR = Path(__file__).parent / "rules"
FINDING_KEYS = ("rule", "severity", "entity", "file", "line", "column", "message", "waived")


def _read_yaml(path: Path) -> Any:
    # Dates stay text here too: the case files hold manifests as strings and as_of as a date.
    return yaml.safe_load(path.read_text(encoding="utf-8"))


BASE = _read_yaml(RULES_DIR / "_base.yaml")


def _case_files() -> list[Path]:
    return sorted(p for p in RULES_DIR.glob("gov*.yaml"))


def _load_cases() -> list[Any]:
    params = []
    for path in _case_files():
        data = _read_yaml(path)
        for case in data["cases"]:
            marks = []
            if case.get("xfail"):
                marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
            params.append(pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}",
                                       marks=marks))
    return params


def estate_files(case: dict[str, Any]) -> dict[str, Any]:
    """The case's files: the base changed by replace/add/remove, or its own `files:`."""
    if not case.get("base"):
        return dict(case.get("files") or {})
    files = dict(BASE["files"])
    for name, content in (case.get("replace") or {}).items():
        assert name in files, f"replace: {name} is not a base file"
        files[name] = content
    for name, content in (case.get("add") or {}).items():
        assert name not in files, f"add: {name} is already a base file (use replace:)"
        files[name] = content
    for name in case.get("remove") or []:
        assert name in files, f"remove: {name} is not a base file"
        del files[name]
    return files


def _content_bytes(content: Any) -> bytes:
    if isinstance(content, str):
        return content.encode("utf-8")
    if "hex" in content:
        return bytes.fromhex(content["hex"])
    text = content["text"]
    if content.get("crlf"):
        text = text.replace("\n", "\r\n")
    data = text.encode(content.get("encoding", "utf-8"))
    if content.get("bom"):
        data = b"\xef\xbb\xbf" + data
    if "pad_to" in content:
        filler = content["pad_to"] - len(data) - 3
        data += b"# " + b"x" * filler + b"\n"
        assert len(data) == content["pad_to"]
    return data


def write_estate(root: Path, files: dict[str, Any], config: str | None) -> None:
    """The case's repository: a .git folder (the root), its files and its govcheck.yaml."""
    (root / ".git").mkdir(parents=True)
    outside = outside_of(root)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict) and "symlink_outside" in content:
            outside.mkdir(exist_ok=True)
            secret = outside / content["symlink_outside"]
            secret.write_text(content.get("text", "apiVersion: govcheck/v1\n"), encoding="utf-8")
            os.symlink(secret, path)
        else:
            path.write_bytes(_content_bytes(content))
    if config is not None:
        (root / "govcheck.yaml").write_text(config, encoding="utf-8")


def as_of_of(case: dict[str, Any]) -> dt.date:
    value = case.get("as_of", BASE["as_of"])
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def expected_findings(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"waived": False, **finding} for finding in case.get("findings") or []]


def outside_of(root: Path) -> Path:
    """Where symlinks that leave the repository point (`<outside>` in expected messages)."""
    return (root.parent / "outside").resolve()


def actual_findings(root: Path, case: dict[str, Any]) -> list[dict[str, Any]]:
    report = run_check(open_project(root), None, as_of_of(case))
    return [finding.to_dict() for finding in report.findings]


def _sort_key(finding: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(str(finding[key]) if key != "line" and key != "column" else finding[key]
                 for key in ("file", "line", "column", "rule", "entity", "message"))


@pytest.mark.parametrize(("rule", "case"), _load_cases())
def test_rule_case(rule: str, case: dict[str, Any], tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_estate(root, estate_files(case), case.get("config"))
    expected = expected_findings(case)
    for finding in expected:
        assert set(finding) == set(FINDING_KEYS), f"finding keys: {sorted(finding)}"
        finding["message"] = finding["message"].replace("<outside>", str(outside_of(root)))
    assert actual_findings(root, case) == sorted(expected, key=_sort_key)


def test_base_estate_is_clean(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_estate(root, dict(BASE["files"]), None)
    assert actual_findings(root, {}) == []


def test_every_builtin_rule_has_passing_and_failing_cases() -> None:
    covered: dict[str, dict[str, int]] = {}
    for path in _case_files():
        data = _read_yaml(path)
        assert path.name == f"{data['rule'].lower()}.yaml", path.name
        names = [case["name"] for case in data["cases"]]
        assert len(names) == len(set(names)), f"{path.name}: case names repeat"
        counts = covered.setdefault(data["rule"], {"passing": 0, "failing": 0})
        for case in data["cases"]:
            own = [f for f in case.get("findings") or [] if f["rule"] == data["rule"]]
            counts["failing" if own else "passing"] += 1
    for rule_id in load_rules():
        assert rule_id in covered, f"{rule_id} has no tests/rules/{rule_id.lower()}.yaml"
        assert covered[rule_id]["passing"] >= 1, f"{rule_id} has no passing case"
        assert covered[rule_id]["failing"] >= 1, f"{rule_id} has no failing case"
