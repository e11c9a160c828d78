"""Rule cases as data: a rule's passing and failing estates with the exact findings expected.

The built-in pack is tested this way (tests/rules/), and `govcheck rules --test FOLDER` runs a
user's own case files the same way, so a rule written in YAML is tested in YAML.

A case file holds `rule:` and `cases:`; each case is an estate, either `files:` of its own or
the folder's `_base.yaml` (`base: true`) changed by `replace:`, `add:` and `remove:`; an
optional govcheck.yaml (`config:`); an optional `as_of:`; and `findings:`, every finding the
check must report and nothing else. A file's content is its text, or a mapping for what text
cannot say: {text, crlf, bom, encoding}, {hex}, {text, pad_to}, {symlink_outside, text}
(`<outside>` in an expected message is the folder that symlink points into).
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govcheck.errors import GovcheckError
from govcheck.load.build import build_estate
from govcheck.load.config import Config, parse_config
from govcheck.load.discover import discover
from govcheck.load.documents import load_bytes
from govcheck.rules.engine import check_estate
from govcheck.rules.policy import Rule, check_document

FINDING_KEYS = ("rule", "severity", "entity", "file", "line", "column", "message", "waived")
BASE_NAME = "_base.yaml"
MAX_PAD = 16 * 1024 * 1024

# What a case file may hold, checked before anything is written: a file is named inside the
# case's repository (never /etc/..., never ../..), and its content is text or one of the
# mappings of the module docstring.
_TEXT: dict[str, Any] = {"type": "string"}
_FILE_NAME = {"pattern": r"^(?!/)(?!(.*/)?\.\.(/|$))[^\x00]+$",
              "description": "A path inside the case's repository (not absolute, no '..')."}
_CONTENT = {
    "type": ["string", "object"], "minProperties": 1, "additionalProperties": False,
    "properties": {
        "text": _TEXT, "crlf": {"type": "boolean"}, "bom": {"type": "boolean"},
        "encoding": {"enum": ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1",
                              "cp1252"]},
        "hex": {"type": "string", "pattern": r"^(\s*[0-9a-fA-F]{2})*\s*$"},
        "pad_to": {"type": "integer", "minimum": 0, "maximum": MAX_PAD},
        "symlink_outside": {"type": "string", "pattern": r"^(?!\.\.?$)[^/\x00]+$"},
    },
}
_FILES = {"type": "object", "propertyNames": _FILE_NAME, "additionalProperties": _CONTENT}
_DATE = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}
_FINDING = {
    "type": "object", "additionalProperties": False, "required": list(FINDING_KEYS[:-1]),
    "properties": {"rule": _TEXT, "severity": {"enum": ["error", "warning", "info"]},
                   "entity": _TEXT, "file": _TEXT, "line": {"type": "integer", "minimum": 1},
                   "column": {"type": "integer", "minimum": 1}, "message": _TEXT,
                   "waived": {"type": "boolean"}},
}
_CASE = {
    "type": "object", "required": ["name"], "additionalProperties": False,
    "properties": {"name": _TEXT, "base": {"type": "boolean"}, "files": _FILES,
                   "replace": _FILES, "add": _FILES, "remove": {"type": "array", "items": _TEXT},
                   "config": _TEXT, "as_of": _DATE, "xfail": _TEXT,
                   "findings": {"type": "array", "items": _FINDING}},
}
CASE_FILE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["rule", "cases"], "additionalProperties": False,
    "properties": {"rule": _TEXT, "cases": {"type": "array", "items": _CASE}},
}
BASE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["files"], "additionalProperties": False,
    "properties": {"as_of": _DATE, "files": _FILES},
}


@dataclass(frozen=True)
class CaseResult:
    rule: str
    name: str
    expected: list[dict[str, Any]]
    actual: list[dict[str, Any]]

    @property
    def passed(self) -> bool:
        return self.expected == self.actual


def read_case_file(path: Path) -> dict[str, Any]:
    """A case file (or the folder's _base.yaml), loaded with govcheck's own loader (so
    `as_of` stays a plain date text) and checked against its schema."""
    documents, problems = load_bytes(str(path), path.read_bytes())
    if problems:
        problem = problems[0]
        raise GovcheckError(problem.message, str(path), problem.line, problem.column)
    document = documents[0] if documents else None
    if document is None or not isinstance(document.data, dict):
        raise GovcheckError("a case file is a mapping with rule: and cases:", str(path))
    check_document(document, document.data,
                   BASE_SCHEMA if path.name == BASE_NAME else CASE_FILE_SCHEMA, "case file")
    data: dict[str, Any] = document.data
    return data


def case_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise GovcheckError(f"rule case folder '{folder}' does not exist")
    return sorted(p for p in folder.glob("*.y*ml") if p.name != BASE_NAME)


def estate_files(case: dict[str, Any], base: dict[str, Any] | None) -> dict[str, Any]:
    """The case's files: the base changed by replace/add/remove, or its own `files:`."""
    if not case.get("base"):
        return dict(case.get("files") or {})
    if base is None:
        raise GovcheckError(f"case '{case.get('name')}' uses base: true, but there is no {BASE_NAME}")
    files = dict(base["files"])
    for name, content in (case.get("replace") or {}).items():
        _require(name in files, f"replace: {name} is not a base file")
        files[name] = content
    for name, content in (case.get("add") or {}).items():
        _require(name not in files, f"add: {name} is already a base file (use replace:)")
        files[name] = content
    for name in case.get("remove") or []:
        _require(name in files, f"remove: {name} is not a base file")
        del files[name]
    return files


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise GovcheckError(message)


def content_bytes(content: Any) -> bytes:
    """A file's bytes from its case description."""
    if isinstance(content, str):
        content = {"text": content}
    if "hex" in content:
        return bytes.fromhex(content["hex"])
    text = content.get("text", "")
    text = text.replace("\n", "\r\n") if content.get("crlf") else text
    encoding = content.get("encoding", "utf-8")
    try:
        data: bytes = text.encode(encoding)
    except UnicodeEncodeError as error:
        raise GovcheckError(f"the text of a case file cannot be written in {encoding}: "
                            f"{error.reason}") from None
    if content.get("bom"):
        data = b"\xef\xbb\xbf" + data
    if "pad_to" in content:
        data += b"# " + b"x" * (content["pad_to"] - len(data) - 3) + b"\n"
    return data


def outside_of(root: Path) -> Path:
    """Where symlinks that leave the repository point (`<outside>` in expected messages)."""
    return (root.parent / "outside").resolve()


def write_estate(root: Path, files: dict[str, Any], config: str | None) -> None:
    """The case's repository: a .git folder (the root), its files and its govcheck.yaml."""
    (root / ".git").mkdir(parents=True)
    for name, content in files.items():
        try:
            _write_file(root, root / name, content)
        except OSError as error:   # a file and a folder of the same name, say
            raise GovcheckError(f"cannot write the case's file '{name}': {error.strerror}") from None
    if config is not None:
        (root / "govcheck.yaml").write_text(config, encoding="utf-8")


def _write_file(root: Path, path: Path, content: Any) -> None:
    if not path.parent.resolve().is_relative_to(root.resolve()):
        raise GovcheckError(f"a case's file '{path}' would be written outside its repository")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict) and "symlink_outside" in content:
        outside_of(root).mkdir(exist_ok=True)
        secret = outside_of(root) / content["symlink_outside"]
        secret.write_text(content.get("text", "apiVersion: govcheck/v1\n"), encoding="utf-8")
        os.symlink(secret, path)
    else:
        path.write_bytes(content_bytes(content))


def as_of_of(case: dict[str, Any], base: dict[str, Any] | None) -> dt.date:
    value = case.get("as_of", (base or {}).get("as_of", dt.date.today().isoformat()))
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def expected_findings(case: dict[str, Any], root: Path) -> list[dict[str, Any]]:
    expected = []
    for finding in case.get("findings") or []:
        full = {"waived": False, **finding}
        if set(full) != set(FINDING_KEYS):
            raise GovcheckError(f"case '{case.get('name')}': a finding has the keys "
                                f"{', '.join(FINDING_KEYS)}, not {', '.join(sorted(full))}")
        full["message"] = str(full["message"]).replace("<outside>", str(outside_of(root)))
        expected.append(full)
    return sorted(expected, key=_sort_key)


def _sort_key(finding: dict[str, Any]) -> tuple[Any, ...]:
    return (str(finding["file"]), finding["line"], finding["column"], str(finding["rule"]),
            str(finding["entity"]), str(finding["message"]))


def actual_findings(root: Path, rules: dict[str, Rule], as_of: dt.date) -> list[dict[str, Any]]:
    """What the engine reports on the case's estate (its `ecosystem/` folder)."""
    config_file = root / "govcheck.yaml"
    config = (parse_config("govcheck.yaml", config_file.read_bytes(), root)
              if config_file.exists() else Config(root=root))
    config.check_rule_ids(frozenset(rules))
    folder = root / config.ecosystem
    sources, problems = discover(folder, root) if folder.exists() else ([], [])
    findings = check_estate(build_estate(sources, problems), rules, config, as_of)
    return [finding.to_dict() for finding in findings]


def run_case(rule: str, case: dict[str, Any], base: dict[str, Any] | None,
             rules: dict[str, Rule], workdir: Path) -> CaseResult:
    root = workdir / "repo"
    write_estate(root, estate_files(case, base), case.get("config"))
    expected = expected_findings(case, root)
    return CaseResult(rule, str(case.get("name")), expected,
                      actual_findings(root, rules, as_of_of(case, base)))


def run_folder(folder: Path, rules: dict[str, Rule]) -> Iterator[CaseResult]:
    """Every case of every case file in `folder`, each in a fresh temporary repository."""
    base_path = folder / BASE_NAME
    base = read_case_file(base_path) if base_path.exists() else None
    for path in case_files(folder):
        data = read_case_file(path)
        for case in data.get("cases") or []:
            with tempfile.TemporaryDirectory(prefix="govcheck-case-") as workdir:
                yield run_case(str(data.get("rule")), case, base, rules, Path(workdir))
