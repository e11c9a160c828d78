"""Rules as data: the built-in policy pack, users' own policy folders, and the shared packs
that govcheck.yaml `extends`: a folder of the repository, or an installed Python distribution
that declares the entry point group `govcheck.policies` (as pytest plugins declare `pytest11`).

A pack is a folder of policy YAML files, with its own rule cases in `cases/`. An installed
pack's entry point names the package that is that folder (`acme-governance =
"acme_governance"`); govcheck reads its files and never runs its code."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from govcheck.errors import GovcheckError
from govcheck.load.discover import folder_policy_files, policy_files, policy_name
from govcheck.load.documents import load_bytes
from govcheck.load.schema import dotted, explain, suggest
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
            hint = suggest(str(item["function"]), checks.PRIMITIVES)
            _fail(document, where + ("function",), f"unknown check function "
                                                   f"'{item['function']}'{hint} (known: {known})")
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


# -- shared policy packs ---------------------------------------------------------------------

PACK_GROUP = "govcheck.policies"
PACK_CASES = "cases"


@dataclass(frozen=True)
class Pack:
    """A policy pack named in `extends`: its rule files, and their cases in `cases/`."""

    name: str                   # as `extends` gives it
    folder: Path
    version: str = ""           # the distribution's version ("" for a folder)
    distribution: str = ""      # the distribution's name ("" for a folder)

    @property
    def label(self) -> str:
        """`acme-governance 1.2.0`, or the folder as written."""
        return f"{self.name} {self.version}" if self.distribution else self.name

    @property
    def cases(self) -> Path:
        return self.folder / PACK_CASES

    def describe(self) -> str:
        if self.distribution:
            return (f"{self.label} (distribution {self.distribution}, entry point group "
                    f"{PACK_GROUP}, {self.folder})")
        return f"{self.name} (folder {self.folder})"


def is_folder_pack(name: str) -> bool:
    """A folder is written as a path (`./governance/pack`, `governance/pack`); anything else
    names an installed distribution."""
    return "/" in name or "\\" in name or name.startswith(".")


def resolve_pack(name: str, root: Path) -> Pack:
    """The pack `extends` names: a folder relative to `root`, or an installed distribution."""
    if is_folder_pack(name):
        folder = root / name
        if not folder.is_dir():
            raise GovcheckError(f"policy pack folder '{name}' does not exist")
        return Pack(name, folder)
    return _installed_pack(name)


def _installed_pack(name: str) -> Pack:
    from importlib import metadata

    matches = [entry for entry in metadata.entry_points(group=PACK_GROUP)
               if entry.name == name or _normal(_distribution(entry)[0]) == _normal(name)]
    if not matches:
        raise GovcheckError(f"policy pack '{name}' is not installed: no installed distribution "
                            f"declares it in the entry point group {PACK_GROUP} (pip install "
                            "it; a folder of the repository is written as a path, e.g. "
                            f"./{name})")
    found = sorted({f"{_distribution(entry)[0]} ({entry.name})" for entry in matches})
    if len(found) > 1:
        raise GovcheckError(f"policy pack '{name}' is declared by more than one installed "
                            f"distribution: {', '.join(found)}; uninstall all but one")
    distribution, version = _distribution(matches[0])
    return Pack(name, _package_folder(matches[0].value, name), version, distribution)


def _distribution(entry: Any) -> tuple[str, str]:
    dist = getattr(entry, "dist", None)
    return (dist.metadata["Name"] or "", dist.version or "") if dist is not None else ("", "")


def _normal(name: str) -> str:
    """A distribution name as package indexes compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _package_folder(value: str, name: str) -> Path:
    """The folder of the package an entry point names, found without running its code
    (a dotted name imports its parent packages, as Python must)."""
    import importlib.util

    module, _, attribute = value.partition(":")
    if attribute:
        raise GovcheckError(f"policy pack '{name}': its entry point '{value}' must name a "
                            "package (the folder of rule files), not an object in one")
    try:
        spec = importlib.util.find_spec(module.strip())
    except Exception as error:  # noqa: BLE001 - a broken pack is the pack's fault, never a traceback
        raise GovcheckError(f"policy pack '{name}': its package '{module.strip()}' cannot be "
                            f"found: {type(error).__name__}: {error}") from None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise GovcheckError(f"policy pack '{name}': its entry point names '{module.strip()}', "
                            "which is not an installed package folder")
    return Path(locations[0])


def pack_policy_files(pack: Pack, root: Path | None = None) -> list[tuple[str, bytes]]:
    """A pack's rule files, its `cases/` left out. An installed pack's files are named
    `<NAME VERSION>/FILE`, so that its version is part of every name (and so of a cached
    run's key); a folder's are named like any policy folder's."""
    files = []
    for name, data in folder_policy_files(pack.folder):
        relative = Path(name).relative_to(pack.folder)
        if relative.parts[0] == PACK_CASES:
            continue
        files.append((f"<{pack.label}>/{relative.as_posix()}" if pack.distribution
                      else policy_name(Path(name), root), data))
    if not files:
        raise GovcheckError(f"policy pack '{pack.name}' has no rule files (*.yaml) in "
                            f"{pack.folder}")
    return files




BUILT_IN = "built-in"


def rule_origin(rule: Rule) -> str:
    """Where a rule comes from: `built-in`, a pack's label, or its policy file."""
    if rule.source.startswith("<"):
        return rule.source[1:].partition(">")[0]
    return rule.source
