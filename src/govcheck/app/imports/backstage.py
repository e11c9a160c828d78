"""Backstage catalog descriptors (`catalog-info.yaml` and the like) into Teams, People and
Systems.

- Group → Team: members from `spec.members` and every User's `spec.memberOf`, the GitHub team
  from the `github.com/team-slug` annotation, the contact from `spec.profile.email`; the
  team's function is a decision Backstage does not record (TODO).
- User → Person: email from `spec.profile.email` (TODO without one), GitHub login from the
  `github.com/user-login` annotation, team when the user is a member of exactly one group.
- System → System: owner from `spec.owner` when it names a group (a user is TODO: govcheck
  owners are teams), role from the description; the category is TODO.
- Component, Resource and API → part of the System their `spec.system` names; one that names
  no System of the catalog is a System of its own (a `website` component's category is
  website; a deprecated one's lifecycle is deprecated).
- Domain, Location and Template carry no governance facts: left out, and said so.

References follow Backstage: `[kind:][namespace/]name`, compared without regard to case, so
names are lower-cased; an entity outside the `default` namespace is named
`NAMESPACE.NAME`. `relations` (as the catalog API returns entities) stand in for the spec
fields they mirror: ownedBy, memberOf, hasMember, partOf.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govcheck.app.imports.drafts import (
    CATEGORIES,
    NAME,
    TODO_CATEGORY,
    TODO_EMAIL,
    TODO_FUNCTION,
    TODO_ROLE,
    Draft,
    Origin,
    Problem,
    Reading,
    mapping,
    name_problem,
    text,
)
from govcheck.model.document import Document

FORMAT = "backstage"
IMPORTED = ("Group", "User", "System", "Component", "Resource", "API")
LEFT_OUT = ("Domain", "Location", "Template")
PARTS = ("component", "resource", "api")
Ref = tuple[str, str, str]          # kind, namespace, name; lower case
_LIFECYCLES = {"deprecated": "deprecated", "retired": "retired", "production": "active"}
# Spec fields and the relation types that mirror them.
_RELATIONS = {"owner": "ownedBy", "memberOf": "memberOf", "members": "hasMember",
              "system": "partOf"}


@dataclass(frozen=True)
class Descriptor:
    """One catalog entity as read: its kind, reference, data and where it stands."""

    kind: str
    ref: Ref
    data: dict[str, Any]
    origin: Origin

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def metadata(self) -> dict[str, Any]:
        metadata = self.data.get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    def annotation(self, key: str) -> str:
        annotations = self.metadata.get("annotations")
        return text(annotations.get(key)) if isinstance(annotations, dict) else ""

    def refs(self, field: str, default_kind: str) -> list[Ref]:
        """The references a spec field (or its mirroring relation) holds."""
        value = self.spec.get(field)
        values = value if isinstance(value, list) else [value] if value else []
        if not values:
            values = [relation.get("targetRef") for relation in self.data.get("relations") or []
                      if isinstance(relation, dict) and relation.get("type") == _RELATIONS[field]]
        return [ref for ref in (parse_ref(item, default_kind) for item in values) if ref]


def parse_ref(value: Any, default_kind: str) -> Ref | None:
    """`[kind:][namespace/]name` with Backstage's defaults, in lower case."""
    if not isinstance(value, str) or not value.strip():
        return None
    kind, colon, rest = value.strip().partition(":")
    if not colon:
        kind, rest = default_kind, value.strip()
    namespace, slash, name = rest.partition("/")
    if not slash:
        namespace, name = "default", rest
    return kind.lower(), namespace.lower(), name.lower()


def govcheck_name(ref: Ref) -> str:
    return ref[2] if ref[1] == "default" else f"{ref[1]}.{ref[2]}"


def read(sources: Iterable[Path], cwd: Path) -> Reading:
    """Every descriptor under the sources (files or folders), as drafts."""
    reading = Reading()
    descriptors = list(_descriptors(sources, cwd, reading))
    catalog = {descriptor.ref: descriptor for descriptor in descriptors}
    members = _members(descriptors)
    for descriptor in descriptors:
        draft = _draft(descriptor, catalog, members)
        if draft is not None:
            reading.drafts.append(draft)
    folded = sum(1 for d in descriptors if d.kind.lower() in PARTS and _system_of(d, catalog))
    if folded:
        reading.notes.append(f"{folded} {'part' if folded == 1 else 'parts'} (components, "
                             "resources, APIs) of a System of the catalog: imported as that "
                             "System")
    return reading


def _descriptors(sources: Iterable[Path], cwd: Path, reading: Reading) -> Iterator[Descriptor]:
    for document in reading.yaml_documents(sources, cwd):
        descriptor = _descriptor(document, reading)
        if descriptor is not None:
            yield descriptor


def _descriptor(document: Document, reading: Reading) -> Descriptor | None:
    data = document.data
    origin = Origin(document.file, document.start[0])
    if not isinstance(data, dict) or "backstage.io/" not in text(data.get("apiVersion")):
        reading.notes.append(f"{origin}: not a Backstage descriptor (no apiVersion "
                             "backstage.io/...): left out")
        return None
    kind = text(data.get("kind"))
    if kind in LEFT_OUT:
        reading.notes.append(f"{origin}: kind {kind} carries no governance facts: left out")
        return None
    if kind not in IMPORTED:
        reading.problems.append(Problem(origin, f"unknown Backstage kind '{kind}' (imported: "
                                                f"{', '.join(IMPORTED)}; left out: "
                                                f"{', '.join(LEFT_OUT)})"))
        return None
    metadata = mapping(data.get("metadata"))
    name, namespace = text(metadata.get("name")), text(metadata.get("namespace")) or "default"
    at = Origin(document.file, (document.position(("metadata", "name")) or document.start)[0])
    ref: Ref = (kind.lower(), namespace.lower(), name.lower())
    problem = name_problem(govcheck_name(ref), f"{kind} name") if name else \
        f"a {kind} needs metadata.name"
    if problem:
        reading.problems.append(Problem(at, problem))
        return None
    return Descriptor(kind, ref, data, at)


def _members(descriptors: list[Descriptor]) -> dict[Ref, set[str]]:
    """Each group's members: its `spec.members` and the users whose `memberOf` names it."""
    members: dict[Ref, set[str]] = {}
    for descriptor in descriptors:
        if descriptor.kind == "Group":
            members.setdefault(descriptor.ref, set()).update(
                govcheck_name(ref) for ref in descriptor.refs("members", "user")
                if ref[0] == "user")
        elif descriptor.kind == "User":
            for group in descriptor.refs("memberOf", "group"):
                members.setdefault(group, set()).add(govcheck_name(descriptor.ref))
    return members


def _draft(descriptor: Descriptor, catalog: dict[Ref, Descriptor],
           members: dict[Ref, set[str]]) -> Draft | None:
    if descriptor.kind == "Group":
        return _team(descriptor, members)
    if descriptor.kind == "User":
        return _person(descriptor)
    if descriptor.kind == "System" or not _system_of(descriptor, catalog):
        return _system(descriptor)
    return None   # a part of a System of the catalog


def _system_of(descriptor: Descriptor, catalog: dict[Ref, Descriptor]) -> Descriptor | None:
    systems = [catalog.get(ref) for ref in descriptor.refs("system", "system")]
    return next((system for system in systems if system is not None), None)


def _metadata(descriptor: Descriptor, title: str = "") -> dict[str, Any]:
    labels = descriptor.metadata.get("labels")
    return {"title": title or text(descriptor.metadata.get("title")),
            "description": text(descriptor.metadata.get("description")),
            "labels": {str(key): str(value) for key, value in labels.items()
                       if isinstance(value, (str, int, float))}
            if isinstance(labels, dict) else {}}


def _profile(descriptor: Descriptor) -> dict[str, Any]:
    profile = descriptor.spec.get("profile")
    return profile if isinstance(profile, dict) else {}


def _team(descriptor: Descriptor, members: dict[Ref, set[str]]) -> Draft:
    spec: dict[str, Any] = {"function": TODO_FUNCTION,
                            "members": sorted(members.get(descriptor.ref, set()))}
    github = descriptor.annotation("github.com/team-slug")
    if github:
        spec["github"] = github
    email = text(_profile(descriptor).get("email"))
    if email:
        spec["contact"] = email
    title = text(_profile(descriptor).get("displayName"))
    return Draft("Team", govcheck_name(descriptor.ref), spec, descriptor.origin, FORMAT,
                 _metadata(descriptor, title))


def _person(descriptor: Descriptor) -> Draft:
    spec: dict[str, Any] = {"email": text(_profile(descriptor).get("email")) or TODO_EMAIL}
    login = descriptor.annotation("github.com/user-login")
    if login:
        spec["github"] = login
    groups = [ref for ref in descriptor.refs("memberOf", "group") if ref[0] == "group"]
    if len(groups) == 1:
        spec["team"] = govcheck_name(groups[0])
    title = text(_profile(descriptor).get("displayName"))
    return Draft("Person", govcheck_name(descriptor.ref), spec, descriptor.origin, FORMAT,
                 _metadata(descriptor, title))


def _system(descriptor: Descriptor) -> Draft:
    kind_of = text(descriptor.spec.get("type")).lower()
    spec: dict[str, Any] = {
        "category": kind_of if descriptor.kind == "Component" and kind_of in CATEGORIES
        else TODO_CATEGORY,
        "role": text(descriptor.metadata.get("description")) or TODO_ROLE,
        "owner": _owner(descriptor),
    }
    lifecycle = _LIFECYCLES.get(text(descriptor.spec.get("lifecycle")).lower())
    if lifecycle in ("deprecated", "retired"):
        spec["lifecycle"] = {"status": lifecycle}
    return Draft("System", govcheck_name(descriptor.ref), spec, descriptor.origin, FORMAT,
                 _metadata(descriptor))


def _owner(descriptor: Descriptor) -> str:
    owners = descriptor.refs("owner", "group")
    if not owners:
        return "TODO: the team that owns it (the catalog names no owner)"
    kind, _, _ = owners[0]
    name = govcheck_name(owners[0])
    if kind == "group" and NAME.match(name):
        return name
    return (f"TODO: the catalog names {kind}:{name} as owner; govcheck owners are teams: "
            "name the team")
