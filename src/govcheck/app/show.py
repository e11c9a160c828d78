"""`govcheck show KIND/NAME` as a library function: one entity and everything the estate says
about it, findings included (the facts are gathered by views.entity.describe)."""
from __future__ import annotations

import datetime as dt

from govcheck.app.check import report_for
from govcheck.app.project import Project, load_estate
from govcheck.errors import GovcheckError
from govcheck.load.schema import suggest
from govcheck.model.estate import Entity, Estate
from govcheck.model.findings import Severity
from govcheck.views.entity import KINDS_BY_KEY, EntityView, describe

NAMES_LISTED = 20


def find_entity(estate: Estate, reference: str) -> Entity:
    """The entity `kind/name` (the kind in any case), or `name` alone when only one entity
    has it; anything else says what is close (exit 2)."""
    kind, slash, name = reference.partition("/")
    if not slash:
        return _by_name(estate, reference)
    if kind.lower() not in KINDS_BY_KEY:
        raise GovcheckError(f"unknown kind '{kind}' in '{reference}'"
                            f"{suggest(kind.lower(), KINDS_BY_KEY)}: one of "
                            f"{', '.join(KINDS_BY_KEY)}")
    entity = estate.lookup(KINDS_BY_KEY[kind.lower()], name)
    if entity is not None:
        return entity
    elsewhere = sorted(other.key for other in estate.entities.values() if other.name == name)
    if elsewhere:
        raise GovcheckError(f"no {kind.lower()} '{name}' in the estate; there is "
                            f"{' and '.join(elsewhere)}")
    names = sorted(other.name for other in estate.of_kind(KINDS_BY_KEY[kind.lower()]))
    hint = suggest(name, names, 3)
    if not hint:
        more = f" and {len(names) - NAMES_LISTED} more" if len(names) > NAMES_LISTED else ""
        hint = f"; it has {', '.join(names[:NAMES_LISTED]) or 'none'}{more}"
    raise GovcheckError(f"no {kind.lower()} '{name}' in the estate{hint}")


def _by_name(estate: Estate, name: str) -> Entity:
    found = [entity for entity in estate.entities.values() if entity.name == name]
    if len(found) == 1:
        return found[0]
    if found:
        keys = ", ".join(sorted(entity.key for entity in found))
        raise GovcheckError(f"'{name}' names {len(found)} entities ({keys}): say which, as "
                            "KIND/NAME")
    close = suggest(name, {entity.name for entity in estate.entities.values()}, count=3)
    raise GovcheckError(f"nothing is called '{name}' in the estate{close} (give KIND/NAME, "
                        "e.g. dataset/customer)")


def show_entity(project: Project, reference: str, as_of: dt.date) -> EntityView:
    """Everything the project's estate says about one entity, with its findings as of
    `as_of`."""
    estate = load_estate(project, project.ecosystem, use_cache=True)
    entity = find_entity(estate, reference)
    report = report_for(estate, project, project.rules(), as_of, Severity.ERROR)
    return describe(estate, entity, report.findings, project.config)
