"""Rules as data: the built-in policy pack and users' own policy folders."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from govcheck.errors import GovcheckError
from govcheck.load.discover import NotAFile, exists, read_regular_file
from govcheck.load.documents import load_bytes
from govcheck.load.schema import dotted, explain
from govcheck.load.schema.gate import gate_for
from govcheck.model.document import Document, SchemaProblem
from govcheck.model.findings import Severity

RULE_ID = r"^[A-Za-z][A-Za-z0-9_-]*$"
POLICY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "severity", "rationale", "remediation", "checks"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": RULE_ID},
        "title": {"type": "string", "minLength": 1},
        "severity": {"enum": ["error", "warning", "info"]},
        "rationale": {"type": "string", "minLength": 1},
        "remediation": {"type": "string", "minLength": 1},
        "example": {"type": "string"},
        "checks": {
            "type": "array", "minItems": 1,
            "items": {"type": "object", "required": ["function"],
                      "properties": {"function": {"type": "string"},
                                     "severity": {"enum": ["error", "warning", "info"]}}},
        },
    },
}


@dataclass(frozen=True)
class Check:
    """One call of a check primitive with its parameters, as the policy file gives them."""

    function: str
    params: dict[str, Any]
    severity: Severity | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    rationale: str
    remediation: str
    example: str = ""
    checks: tuple[Check, ...] = field(default_factory=tuple)
    source: str = ""


def builtin_policy_files() -> list[tuple[str, bytes]]:
    folder = resources.files("govcheck.policies")
    return sorted((f"<built-in>/{entry.name}", entry.read_bytes()) for entry in folder.iterdir()
                  if entry.name.endswith((".yaml", ".yml")))


def folder_policy_files(folder: Path, root: Path | None = None) -> list[tuple[str, bytes]]:
    """A policy folder's YAML files, named relative to `root` when they are inside it."""
    if not exists(folder) or not folder.is_dir():
        raise GovcheckError(f"policy folder '{folder}' does not exist")
    paths = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir())
    return [(_name(path, root), _read_policy(path, root)) for path in paths]


def _read_policy(path: Path, root: Path | None) -> bytes:
    try:
        return read_regular_file(str(path))
    except NotAFile as refused:
        raise GovcheckError(f"{refused.what}, not a policy file", _name(path, root)) from None
    except OSError as error:
        raise GovcheckError(f"cannot read the policy file: {error.strerror}",
                            _name(path, root)) from None


def _name(path: Path, root: Path | None) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() if root else path.as_posix()
    except ValueError:
        return path.as_posix()


def policy_files(extra_folders: Iterable[Path] = (), root: Path | None = None
                 ) -> list[tuple[str, bytes]]:
    """Every policy file: the built-in pack's, then each folder's, as (name, bytes)."""
    files = builtin_policy_files()
    for folder in extra_folders:
        files.extend(folder_policy_files(folder, root))
    return files


def load_rules(extra_folders: Iterable[Path] = (), root: Path | None = None) -> dict[str, Rule]:
    """The built-in pack plus every rule in the given folders; a clash of ids is an error."""
    return rules_from(policy_files(extra_folders, root))


def rules_from(files: Iterable[tuple[str, bytes]]) -> dict[str, Rule]:
    """The rules of policy files already read, as (name, bytes)."""
    rules: dict[str, Rule] = {}
    for name, data in files:
        for rule in _rules_in(name, data):
            if rule.id in rules:
                raise GovcheckError(f"rule {rule.id} is already defined in {rules[rule.id].source}",
                                    name)
            rules[rule.id] = rule
    return dict(sorted(rules.items()))


def _rules_in(name: str, data: bytes) -> list[Rule]:
    documents, problems = load_bytes(name, data)
    if problems:
        problem = problems[0]
        raise GovcheckError(f"invalid policy file: {problem.message}", name, problem.line,
                            problem.column)
    return [_rule(document) for document in documents]


def _rule(document: Document) -> Rule:
    from govcheck.rules import checks  # the primitives and their parameter schemas

    _validate(document, document.data, POLICY_SCHEMA, ())
    data = document.data
    parsed = []
    for index, item in enumerate(data["checks"]):
        primitive = checks.PRIMITIVES.get(item["function"])
        where = ("checks", index)
        if primitive is None:
            known = ", ".join(sorted(checks.PRIMITIVES))
            _fail(document, where + ("function",), f"unknown check function '{item['function']}' "
                                                   f"(known: {known})")
        params = {key: value for key, value in item.items() if key not in ("function", "severity")}
        _validate(document, params, primitive.schema, where)
        severity = Severity(item["severity"]) if "severity" in item else None
        parsed.append(Check(item["function"], params, severity))
    return Rule(data["id"], data["title"], Severity(data["severity"]), data["rationale"].strip(),
                data["remediation"].strip(), data.get("example", ""), tuple(parsed), document.file)


def _validate(document: Document, data: Any, schema: dict[str, Any], prefix: tuple[Any, ...]) -> None:
    check_document(document, data, schema, "rule", prefix)


def check_document(document: Document, data: Any, schema: dict[str, Any], what: str,
                   prefix: tuple[Any, ...] = ()) -> None:
    """Stop the run, at the offending node's file, line and column, when `data` (the
    document's value at `prefix`) does not match `schema`: "invalid {what}: ..."."""
    if gate_for(schema)(data):
        return
    import jsonschema  # only for a file that is wrong: to say precisely where and why

    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        path = prefix + tuple(error.absolute_path)
        problem = next(explain(error, prefix), SchemaProblem(path, f"{dotted(path)}: {error.message}"))
        _fail(document, problem.path, problem.message, problem.at_key, what)


def _fail(document: Document, path: tuple[Any, ...], message: str, at_key: bool = False,
          what: str = "rule") -> NoReturn:
    """Stop the run at the offending node (its key, or its nearest existing parent)."""
    where = document.key_positions.get(tuple(path)) if at_key else None
    parents = (document.position(path[:length]) for length in range(len(path), 0, -1))
    line, column = where or next((found for found in parents if found), document.start)
    raise GovcheckError(f"invalid {what}: {message}", document.file, line, column)
