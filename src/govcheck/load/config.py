"""govcheck.yaml: where the manifests are, extra policies, severities, waivers, sign-off."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govcheck.errors import GovcheckError
from govcheck.load import schema
from govcheck.load.discover import display_name
from govcheck.load.documents import load_bytes
from govcheck.load.schema import dotted
from govcheck.model.document import Document, Position
from govcheck.model.estate import Estate
from govcheck.model.findings import Severity
from govcheck.model.timing import parse_date

BASELINE_NAME = ".govcheck-baseline.json"
# Where sign-off evidence may come from by default; `trailers` only when a project lists it.
SIGNOFF_SOURCES = ("github", "signed", "cli")


@dataclass
class Config:
    """The project's settings; `file` is "" when there is no govcheck.yaml."""

    root: Path
    file: str = ""
    document: Document | None = None
    ecosystem: str = "ecosystem"
    policies: list[str] = field(default_factory=list)
    severities: dict[str, str] = field(default_factory=dict)
    waivers: list[dict[str, Any]] = field(default_factory=list)
    governance_approvers: list[str] = field(default_factory=list)
    signoff_sources: tuple[str, ...] = SIGNOFF_SOURCES
    baseline: str = BASELINE_NAME   # relative to the config's folder
    extends: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    headroom: float = 0.8     # share of an API rate limit that declared load may use (GOV019)
    raw: bytes = b""          # the file as read: part of what a cached run result depends on

    def locate(self, path: tuple[Any, ...]) -> Position:
        if self.document is None:
            return 1, 1
        for length in range(len(path), 0, -1):
            found = self.document.position(path[:length])
            if found:
                return found
        return self.document.start

    def severity_for(self, rule_id: str, default: Severity) -> Severity | None:
        """The configured severity of a rule; None when it is switched off."""
        configured = self.severities.get(rule_id)
        if configured == "off":
            return None
        return Severity(configured) if configured else default

    def check_rule_ids(self, known: set[str] | frozenset[str]) -> None:
        for rule_id in self.severities:
            if rule_id not in known:
                keys = self.document.key_positions if self.document else {}
                line, column = keys.get(("rules", rule_id)) or self.locate(("rules", rule_id))
                hint = schema.suggest(rule_id, known)
                raise GovcheckError(f"unknown rule id '{rule_id}' under rules:{hint}; "
                                    "'govcheck rules' lists them", self.file, line, column)


    def check_folders(self, repository: Path) -> None:
        """The ecosystem and policy folders are inside the repository: govcheck never reads
        (or walks) what lies outside it, such as `ecosystem: /`."""
        named: list[tuple[tuple[str | int, ...], str]] = [(("ecosystem",), self.ecosystem)]
        named += [(("policies", index), folder) for index, folder in enumerate(self.policies)]
        top = repository.resolve()
        for path, folder in named:
            problem = _folder_problem(self.root / folder, top)
            if problem:
                line, column = self.locate(path)
                raise GovcheckError(f"{dotted(path)} '{folder}' {problem}", self.file, line,
                                    column)


def _folder_problem(folder: Path, top: Path) -> str | None:
    if not folder.resolve().is_relative_to(top):
        return f"is outside the repository ({top}): name a folder inside it"
    try:
        folder.exists()
    except OSError as error:   # a name the system refuses (too long): pathlib raises
        return f"cannot be used: {error.strerror}"
    return None
def load_config(path: Path | None, root: Path, display: str | None = None) -> Config:
    """Read and validate govcheck.yaml; anything wrong stops the run (exit 2)."""
    if path is None:
        return Config(root=root)
    name = display or display_name(path, root)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GovcheckError(f"cannot read the config file: {error.strerror}", name) from None
    return parse_config(name, data, path.parent)


def parse_config(name: str, data: bytes, root: Path) -> Config:
    documents, problems = load_bytes(name, data)
    if problems:
        raise GovcheckError(f"invalid config: {problems[0].message}", name, problems[0].line,
                            problems[0].column)
    if len(documents) > 1:
        raise GovcheckError("invalid config: one YAML document expected", name, 1, 1)
    document = documents[0] if documents else None
    values = document.data if document is not None else {}
    config = Config(root=root, file=name, document=document, raw=data)
    _validate(config, values)
    config.ecosystem = values.get("ecosystem", config.ecosystem)
    config.policies = list(values.get("policies", []))
    config.severities = {key: rule["severity"] for key, rule in values.get("rules", {}).items()}
    config.waivers = list(values.get("waivers", []))
    change_control = values.get("change_control", {})
    config.governance_approvers = list(change_control.get("governance_approvers", []))
    config.signoff_sources = tuple(change_control.get("signoff_sources", SIGNOFF_SOURCES))
    config.baseline = values.get("baseline", BASELINE_NAME)
    config.extends = list(values.get("extends", []))
    config.select = list(values.get("select", []))
    config.ignore = list(values.get("ignore", []))
    config.headroom = values.get("headroom", config.headroom)
    return config


def _validate(config: Config, values: Any) -> None:
    if not isinstance(values, dict):
        raise GovcheckError("invalid config: govcheck.yaml must be a mapping", config.file, 1, 1)
    problems = schema.validate(values, None)
    if problems:
        problem = problems[0]
        document = config.document
        where = (document.key_positions if problem.at_key else document.positions) if document else {}
        line, column = where.get(problem.path) or config.locate(problem.path)
        raise GovcheckError(f"invalid config: {problem.message}", config.file, line, column)


def waiver_problems(waiver: dict[str, Any], index: int, estate: Estate,
                    rule_ids: frozenset[str], as_of: dt.date) -> list[tuple[tuple[Any, ...], str]]:
    """What is wrong with one waiver (GOV018), each with the path of the offending key."""
    return list(_waiver_problems(waiver, ("waivers", index), estate, rule_ids, as_of))


def _waiver_problems(waiver: dict[str, Any], at: tuple[Any, ...], estate: Estate,
                     rule_ids: frozenset[str], as_of: dt.date) -> Iterator[tuple[tuple[Any, ...], str]]:
    rule, entity = waiver.get("rule"), waiver.get("entity")
    if rule not in rule_ids:
        yield at + ("rule",), f"waiver names unknown rule '{rule}'{schema.suggest(str(rule), rule_ids)}"
    if entity not in estate.entities:
        yield at + ("entity",), (f"waiver names entity '{entity}', which does not exist "
                                 "(write it as kind/name, e.g. integration/website-leads)")
    if not waiver.get("reason"):
        yield at, "waiver gives no reason: say why the exception is accepted"
    approver = waiver.get("approved_by")
    if not approver:
        yield at, "waiver has no approver (approved_by: person:NAME or team:NAME)"
    elif estate.lookup_typed(approver) is None:
        yield at + ("approved_by",), f"waiver approver '{approver}' is not an existing person:NAME or team:NAME"
    yield from _expiry_problems(waiver.get("expires"), at, rule, entity, as_of)


def _expiry_problems(expires: Any, at: tuple[Any, ...], rule: Any, entity: Any,
                     as_of: dt.date) -> Iterator[tuple[tuple[Any, ...], str]]:
    if not expires:
        yield at, "waiver has no expiry date (expires: YYYY-MM-DD): exceptions are temporary"
        return
    date = parse_date(expires)
    if date is None:
        yield at + ("expires",), f"waiver expiry '{expires}' is not a date (YYYY-MM-DD)"
    elif date < as_of:
        yield at + ("expires",), (f"waiver expired on {date}: {rule} is reported again for "
                                  f"{entity}; fix the finding or renew the waiver")
