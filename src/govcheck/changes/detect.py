"""The semantic diff: what changed in governance terms between two estates.

Pure: it compares two `Estate`s (and two configs) that someone else read from git, entity by
entity, by `kind/name`, so a moved or renamed file is no change. Every difference is
reported: the contract's change types first, and whatever they do not explain falls back to
`KIND.changed` (fail closed: nothing changes unseen).

Decisions beyond the contract's table (documented in docs and the closing note):
- `metadata.title` and `metadata.description` are prose and never a change;
  `metadata.labels`, top-level `x-` keys and every spec key the table does not name are
  `KIND.changed` (policies may select on labels).
- `team.added`/`person.added` (minor) and `team.removed`/`person.removed` (major) need the
  governance approvers.
- `integration.owner.changed` (major) and `integration.endpoints.changed` (major: its source
  or target system changed) mirror `dataset.owner.changed`.
- `dataset.field.changed` (minor; major when `pii` is dropped): any other field attribute,
  an enum value added, a field made optional.
- A classification lowered by any step (restricted to confidential too) is breaking.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from govcheck.changes.report import Change, ChangeClass
from govcheck.load.config import Config
from govcheck.load.discover import CONFIG_NAME
from govcheck.model.document import Path_
from govcheck.model.estate import Entity, Estate
from govcheck.model.timing import Cadence, cadence_of
from govcheck.rules.baseline import Baseline, BaselineEntry

BREAKING, MAJOR, MINOR = ChangeClass.BREAKING, ChangeClass.MAJOR, ChangeClass.MINOR
NONE = ChangeClass.NONE
CONFIG_ENTITY = "config"
BASELINE_ENTITY = "baseline"

ADDED_CLASS = {"Dataset": MINOR, "Integration": MAJOR, "System": MINOR, "Team": MINOR,
               "Person": MINOR}
REMOVED_CLASS = {"Dataset": BREAKING, "Integration": MAJOR, "System": BREAKING, "Team": MAJOR,
                 "Person": MAJOR}
# Least to most protected: lowering the rank is breaking.
CLASSIFICATION_RANK = {"public": 0, "internal": 1, "confidential": 2, "restricted": 3}
PROSE_METADATA = frozenset({"title", "description"})
# Field attributes that have their own change type; the rest are dataset.field.changed.
TYPED_FIELD_KEYS = frozenset({"name", "renamed_from", "type", "required", "values"})


# -- entities ------------------------------------------------------------------------------

def diff_estates(base: Estate, head: Estate) -> list[Change]:
    """Every governance change from `base` to `head`, entities matched by kind/name."""
    changes: list[Change] = []
    for key in sorted(base.entities.keys() | head.entities.keys()):
        old, new = base.entities.get(key), head.entities.get(key)
        if old is None and new is not None:
            changes.append(_added(new))
        elif new is None and old is not None:
            changes.append(_removed(old))
        elif old is not None and new is not None and _differs(old, new):
            changes.extend(_modified(_Pair(old, new)))
    return changes


def _differs(old: Entity, new: Entity) -> bool:
    # An unchanged file is parsed once for both revisions: the same document, no compare.
    return old.document is not new.document and old.document.data != new.document.data


def _added(entity: Entity) -> Change:
    file, line = _where(entity, ("metadata", "name"))
    return Change(f"{entity.kind.lower()}.added", ADDED_CLASS[entity.kind], entity.key,
                  f"{entity.kind.lower()} '{entity.name}' added", file, line, head=entity)


def _removed(entity: Entity) -> Change:
    file, line = _where(entity, ("metadata", "name"))
    return Change(f"{entity.kind.lower()}.removed", REMOVED_CLASS[entity.kind],
                  entity.key, f"{entity.kind.lower()} '{entity.name}' removed", file,
                  line, base=entity)


def _where(entity: Entity, path: Path_) -> tuple[str, int]:
    """The line of the deepest existing node on `path` below `spec` (else metadata.name);
    a mapping key's own line, so that `fallback:` points at its key, not its first entry."""
    document = entity.document
    for length in range(len(path), 1, -1):
        position = document.key_positions.get(path[:length]) or document.position(path[:length])
        if position is not None:
            return entity.file, position[0]
    return entity.file, entity.locate()[0]


@dataclass(frozen=True)
class _Pair:
    """One entity at BASE (`old`) and at HEAD (`new`)."""

    old: Entity
    new: Entity

    def before(self, key: str, default: Any = None) -> Any:
        value = self.old.spec.get(key)
        return default if value is None else value

    def after(self, key: str, default: Any = None) -> Any:
        value = self.new.spec.get(key)
        return default if value is None else value

    def differs(self, key: str, default: Any = None) -> bool:
        return bool(self.before(key, default) != self.after(key, default))

    def change(self, type_: str, change_class: ChangeClass, detail: str, path: Path_,
               related: tuple[str, ...] = ()) -> Change:
        """A change located at `path` in HEAD (its nearest existing parent when removed)."""
        file, line = _where(self.new, path)
        return Change(type_, change_class, self.new.key, detail, file, line,
                      base=self.old, head=self.new, related=related)


Detector = Callable[[_Pair], Iterator[Change]]


def _modified(pair: _Pair) -> Iterator[Change]:
    detectors, covered = _DETECTORS[pair.new.kind]
    for detector in detectors:
        yield from detector(pair)
    leftover = _unexplained(pair.old, pair.new, covered)
    if leftover:
        kind = pair.new.kind.lower()
        yield pair.change(f"{kind}.changed", MINOR, f"{', '.join(leftover)} changed",
                          _path_of(leftover[0]))


def _unexplained(old: Entity, new: Entity, covered: frozenset[str]) -> list[str]:
    """The dotted keys that differ outside what the kind's detectors cover."""
    before, after = _residual(old, covered), _residual(new, covered)
    return [key for key in sorted(before.keys() | after.keys())
            if before.get(key) != after.get(key)]


def _residual(entity: Entity, covered: frozenset[str]) -> dict[str, Any]:
    """Every top-level, spec and metadata key, flattened one level, minus covered ones."""
    flat: dict[str, Any] = {}
    for key, value in entity.document.data.items():
        if key in ("spec", "metadata") and isinstance(value, dict):
            skipped = covered if key == "spec" else PROSE_METADATA | {"name"}
            flat.update((f"{key}.{inner}", item) for inner, item in value.items()
                        if inner not in skipped)
        elif key not in ("apiVersion", "kind"):
            flat[key] = value
    return flat


def _path_of(dotted: str) -> Path_:
    return tuple(dotted.split("."))


def _listed(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _arrow(before: Any, after: Any) -> str:
    return f"{_shown(before)} → {_shown(after)}"


def _shown(value: Any) -> str:
    return "(none)" if value is None else str(value)


def _set_delta(before: Iterable[str], after: Iterable[str]) -> str:
    old, new = set(before), set(after)
    parts = [f"+{item}" for item in sorted(new - old)] + [f"-{item}" for item in sorted(old - new)]
    return " ".join(parts) or "reordered"


# -- datasets ------------------------------------------------------------------------------

def _value_change(key: str, change_type: str, change_class: ChangeClass, label: str) -> Detector:
    """A detector for one spec value whose change is one change of one type."""
    def detect(pair: _Pair) -> Iterator[Change]:
        if pair.differs(key):
            yield pair.change(change_type, change_class,
                              f"{label} {_arrow(pair.before(key), pair.after(key))}", ("spec", key))
    return detect


_dataset_owner = _value_change("owner", "dataset.owner.changed", MAJOR, "owner")
_system_of_record = _value_change("system_of_record", "dataset.system_of_record.changed",
                                  BREAKING, "system of record")


def _classification(pair: _Pair) -> Iterator[Change]:
    before, after = pair.before("classification", "internal"), pair.after("classification",
                                                                          "internal")
    if before == after:
        return
    old_rank, new_rank = _rank(before), _rank(after)
    lowered = old_rank is not None and new_rank is not None and new_rank < old_rank
    detail = f"classification {_arrow(before, after)}" + (" (less protection)" if lowered else "")
    yield pair.change("dataset.classification.changed", BREAKING if lowered else MAJOR, detail,
                      ("spec", "classification"))


def _rank(classification: Any) -> int | None:
    """How protected a classification is; None for anything not a known name (GOV000's)."""
    return CLASSIFICATION_RANK.get(classification) if isinstance(classification, str) else None


def _approvers(pair: _Pair) -> Iterator[Change]:
    before, after = _change_control(pair.old), _change_control(pair.new)
    if before == after:
        return
    parts = []
    if before[0] != after[0]:
        parts.append(f"approvers {_set_delta(before[0], after[0])}")
    if before[1] != after[1]:
        parts.append(f"min_approvals {_arrow(before[1], after[1])}")
    if before[2] != after[2]:
        parts.append("change_control extensions changed")
    yield pair.change("dataset.approvers.changed", MAJOR, "; ".join(parts),
                      ("spec", "change_control"))


def _change_control(entity: Entity) -> tuple[frozenset[str], Any, dict[str, Any]]:
    """(approvers as a set, min_approvals with its default, any other keys)."""
    control = entity.spec.get("change_control")
    control = control if isinstance(control, dict) else {}
    minimum = control.get("min_approvals")
    others = {key: value for key, value in control.items()
              if key not in ("approvers", "min_approvals")}
    return frozenset(_listed(control.get("approvers"))), 1 if minimum is None else minimum, others


def _fields(pair: _Pair) -> Iterator[Change]:
    old_fields, new_fields = _fields_by_name(pair.old), _fields_by_name(pair.new)
    matched = _match_fields(old_fields, new_fields)
    old_matched = {old_name for old_name, _ in matched}
    for name in sorted(old_fields.keys() - old_matched):
        yield pair.change("dataset.field.removed", BREAKING, f"field '{name}' removed",
                          ("spec", "fields"))
    new_matched = {new_name for _, new_name in matched}
    for name in sorted(new_fields.keys() - new_matched):
        yield pair.change("dataset.field.added", MINOR, f"field '{name}' added",
                          ("spec", "fields", new_fields[name][0]))
    for old_name, new_name in matched:
        yield from _field_changes(pair, old_name, old_fields[old_name][1],
                                  new_fields[new_name])


def _fields_by_name(entity: Entity) -> dict[str, tuple[int, dict[str, Any]]]:
    fields = entity.spec.get("fields")
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, item in enumerate(fields if isinstance(fields, list) else []):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            found.setdefault(item["name"], (index, item))
    return found


def _match_fields(old: Mapping[str, Any], new: Mapping[str, tuple[int, dict[str, Any]]]
                  ) -> list[tuple[str, str]]:
    """(old name, new name) pairs: same name, or a rename declared with `renamed_from` whose
    old name existed at BASE and whose new name did not."""
    pairs = [(name, name) for name in sorted(old.keys() & new.keys())]
    for name, (_, field) in sorted(new.items()):
        previous = field.get("renamed_from")
        if (name not in old and isinstance(previous, str) and previous in old
                and previous not in new):
            pairs.append((previous, name))
    return pairs


def _field_changes(pair: _Pair, old_name: str, old: dict[str, Any],
                   new: tuple[int, dict[str, Any]]) -> Iterator[Change]:
    index, field = new
    name, at = field["name"], ("spec", "fields", index)
    if old_name != name:
        yield pair.change("dataset.field.renamed", BREAKING,
                          f"field '{old_name}' renamed to '{name}'", at + ("name",))
    if old.get("type") != field.get("type"):
        yield pair.change("dataset.field.type_changed", BREAKING,
                          f"field '{name}' type {_arrow(old.get('type'), field.get('type'))}",
                          at + ("type",))
    if field.get("required") is True and old.get("required") is not True:
        yield pair.change("dataset.field.made_required", BREAKING,
                          f"field '{name}' made required", at + ("required",))
    dropped = _enum_values_removed(old, field)
    if dropped:
        yield pair.change("dataset.field.values_removed", BREAKING,
                          f"field '{name}' values removed: {', '.join(dropped)}", at + ("values",))
    yield from _other_field_changes(pair, name, old, field, at)


def _enum_values_removed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    if old.get("type") != "enum" or new.get("type") != "enum":
        return []  # a type change is reported as such
    kept = set(_listed(new.get("values")))
    return [value for value in _listed(old.get("values")) if value not in kept]


def _other_field_changes(pair: _Pair, name: str, old: dict[str, Any], new: dict[str, Any],
                         at: Path_) -> Iterator[Change]:
    notes = [f"{key} {_arrow(old.get(key), new.get(key))}"
             for key in sorted((old.keys() | new.keys()) - TYPED_FIELD_KEYS)
             if old.get(key) != new.get(key)]
    if old.get("required") is True and new.get("required") is not True:
        notes.append("no longer required")
    if old.get("type") == new.get("type") == "enum":
        added = [value for value in _listed(new.get("values"))
                 if value not in _listed(old.get("values"))]
        notes += [f"values added: {', '.join(added)}"] if added else []
    if notes:
        pii_dropped = old.get("pii") is True and new.get("pii") is not True
        yield pair.change("dataset.field.changed", MAJOR if pii_dropped else MINOR,
                          f"field '{name}': {'; '.join(notes)}", at)


# -- integrations --------------------------------------------------------------------------

_integration_owner = _value_change("owner", "integration.owner.changed", MAJOR, "owner")
_source = _value_change("source", "integration.endpoints.changed", MAJOR, "source")
_target = _value_change("target", "integration.endpoints.changed", MAJOR, "target")
_mode = _value_change("mode", "integration.mode.changed", MAJOR, "mode")


def _schedule(pair: _Pair) -> Iterator[Change]:
    before, after = pair.before("schedule"), pair.after("schedule")
    if before == after:
        return
    old, new = cadence_of(before), cadence_of(after)
    arrow = _arrow(_schedule_text(before), _schedule_text(after))
    if old is None or new is None:
        if not pair.differs("mode"):  # a mode change already covers a schedule coming or going
            yield pair.change("integration.schedule.changed", MAJOR, f"schedule {arrow}",
                              ("spec", "schedule"))
        return
    if old == new and "cron" not in (before | after):
        return  # the same duration spelled differently (PT60M, PT1H)
    slower = new.slower_than(old)
    how = " (slower" if slower else " (faster" if new.faster_than(old) else ""
    if how:
        how += f": {_runs(old)} → {_runs(new)} runs a day, longest gap {_gap(old)} → {_gap(new)})"
    yield pair.change("integration.schedule.changed", MAJOR if slower else MINOR,
                      f"schedule {arrow}{how}", ("spec", "schedule"))


def _runs(cadence: Cadence) -> str:
    return f"{cadence.runs_per_day:.3g}"


def _gap(cadence: Cadence) -> str:
    seconds = cadence.longest_gap
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


def _schedule_text(schedule: Any) -> str | None:
    if isinstance(schedule, dict) and len(schedule) == 1:
        return str(next(iter(schedule.values())))
    return None if schedule is None else str(schedule)


def _fallback(pair: _Pair) -> Iterator[Change]:
    before, after = pair.before("fallback"), pair.after("fallback")
    if before == after:
        return
    removed = bool(before) and not after
    if removed:
        detail = "fallback removed"
    elif not before:
        detail = "fallback added"
    else:
        detail = "fallback " + ", ".join(_changed_keys(before, after)) + " changed"
    yield pair.change("integration.fallback.changed", BREAKING if removed else MAJOR, detail,
                      ("spec", "fallback"))


def _changed_keys(before: Any, after: Any) -> list[str]:
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ["value"]
    return [key for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)]


def _conflict_resolution(pair: _Pair) -> Iterator[Change]:
    before, after = pair.before("conflict_resolution"), pair.after("conflict_resolution")
    if before != after:
        yield pair.change("integration.conflict_resolution.changed", BREAKING,
                          _conflict_detail(before, after), ("spec", "conflict_resolution"),
                          carried_datasets(pair.old, pair.new))


def _conflict_detail(before: Any, after: Any) -> str:
    if not after:
        return "conflict resolution removed"
    if not before:
        return "conflict resolution added"
    old, new = (value if isinstance(value, dict) else {} for value in (before, after))
    parts = [f"{key} {_arrow(old.get(key), new.get(key))}"
             for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)]
    return "conflict resolution " + "; ".join(parts)


def _direction(pair: _Pair) -> Iterator[Change]:
    if pair.differs("direction", "one-way"):
        arrow = _arrow(pair.before("direction", "one-way"), pair.after("direction", "one-way"))
        yield pair.change("integration.direction.changed", BREAKING, f"direction {arrow}",
                          ("spec", "direction"), carried_datasets(pair.old, pair.new))


def _moved_fields(pair: _Pair) -> Iterator[Change]:
    before, after = moved_fields(pair.old), moved_fields(pair.new)
    for dataset in sorted(before.keys() | after.keys()):
        old, new = before.get(dataset, ()), after.get(dataset, ())
        if old == new:
            continue
        yield pair.change("integration.fields.changed", MAJOR, _moved_detail(dataset, old, new),
                          _dataset_entry_path(pair.new, dataset), (dataset,))


# An absent `fields:` moves every field of the dataset.
ALL_FIELDS: tuple[str, ...] = ("*",)


def moved_fields(integration: Entity) -> dict[str, tuple[str, ...]]:
    """Dataset name → the fields the integration moves (ALL_FIELDS when it lists none)."""
    entries = integration.spec.get("datasets")
    moved: dict[str, tuple[str, ...]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("dataset"), str):
            fields = entry.get("fields")
            listed = tuple(sorted(_listed(fields))) if fields is not None else ALL_FIELDS
            moved[entry["dataset"]] = tuple(sorted(set(moved.get(entry["dataset"], ()) + listed)))
    return moved


def carried_datasets(*integrations: Entity | None) -> tuple[str, ...]:
    """The datasets any of the integrations carries, sorted."""
    names = {name for entity in integrations if entity is not None for name in moved_fields(entity)}
    return tuple(sorted(names))


def _moved_detail(dataset: str, old: tuple[str, ...], new: tuple[str, ...]) -> str:
    if not old:
        return f"now carries dataset '{dataset}' ({_field_list(new)})"
    if not new:
        return f"no longer carries dataset '{dataset}'"
    return f"dataset '{dataset}' moved fields {_field_list(old)} → {_field_list(new)}"


def _field_list(fields: tuple[str, ...]) -> str:
    return "every field" if fields == ALL_FIELDS else ", ".join(fields)


def _dataset_entry_path(integration: Entity, dataset: str) -> Path_:
    entries = integration.spec.get("datasets")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and entry.get("dataset") == dataset:
            return ("spec", "datasets", index)
    return ("spec", "datasets")


# -- systems, teams, people ----------------------------------------------------------------

_system_owner = _value_change("owner", "system.owner.changed", MAJOR, "owner")


def _lifecycle(pair: _Pair) -> Iterator[Change]:
    before, after = _lifecycle_of(pair.old), _lifecycle_of(pair.new)
    if before != after:
        yield pair.change("system.lifecycle.changed", MAJOR,
                          "lifecycle " + "; ".join(
                              f"{key} {_arrow(before.get(key), after.get(key))}"
                              for key in _changed_keys(before, after)), ("spec", "lifecycle"))


def _lifecycle_of(system: Entity) -> dict[str, Any]:
    lifecycle = system.spec.get("lifecycle")
    values = dict(lifecycle) if isinstance(lifecycle, dict) else {}
    values.setdefault("status", "active")
    return values


def _members(pair: _Pair) -> Iterator[Change]:
    before, after = set(_listed(pair.before("members"))), set(_listed(pair.after("members")))
    if before != after:
        yield pair.change("team.members.changed", MAJOR,
                          f"members {_set_delta(before, after)}", ("spec", "members"))


def _identity(pair: _Pair) -> Iterator[Change]:
    for key, label in (("email", "email"), ("github", "GitHub login")):
        if pair.differs(key):
            yield pair.change("person.identity.changed", MAJOR,
                              f"{label} {_arrow(pair.before(key), pair.after(key))}",
                              ("spec", key))
    before, after = set(_listed(pair.before("signing_keys"))), set(_listed(pair.after("signing_keys")))
    if before != after:   # the keys that sign approvals: who may speak for this person
        yield pair.change("person.identity.changed", MAJOR,
                          f"signing keys: {len(after - before)} added, {len(before - after)} "
                          "removed", ("spec", "signing_keys"))


_DETECTORS: dict[str, tuple[tuple[Detector, ...], frozenset[str]]] = {
    "Dataset": ((_dataset_owner, _system_of_record, _classification, _approvers, _fields),
                frozenset({"owner", "system_of_record", "classification", "change_control",
                           "fields"})),
    "Integration": ((_integration_owner, _source, _target, _mode, _schedule, _fallback,
                     _conflict_resolution, _direction, _moved_fields),
                    frozenset({"owner", "source", "target", "mode", "schedule", "fallback",
                               "conflict_resolution", "direction", "datasets"})),
    "System": ((_system_owner, _lifecycle), frozenset({"owner", "lifecycle"})),
    "Team": ((_members,), frozenset({"members"})),
    "Person": ((_identity,), frozenset({"email", "github", "signing_keys"})),
}


# -- configuration and policies ------------------------------------------------------------

@dataclass(frozen=True)
class ConfigSide:
    """One revision's govcheck.yaml and policy files (path → content fingerprint)."""

    config: Config
    policy_files: Mapping[str, str]


def diff_config(base: ConfigSide, head: ConfigSide) -> list[Change]:
    """`config.changed` for each top-level key of govcheck.yaml and each policy file that
    differs (the governance approvers sign these off)."""
    return [*_config_key_changes(base.config, head.config),
            *_policy_file_changes(base.policy_files, head.policy_files)]


def _config_key_changes(base: Config, head: Config) -> Iterator[Change]:
    before, after = _config_values(base), _config_values(head)
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) == after.get(key):
            continue
        removed = key not in after
        side = base if removed else head
        how = "removed from" if removed else "changed in" if key in before else "added to"
        file = side.file or CONFIG_NAME
        yield Change("config.changed", MAJOR, CONFIG_ENTITY, f"'{key}' {how} {file}",
                             file, _config_line(side, key))


def _config_line(config: Config, key: str) -> int:
    """The line of a top-level key of govcheck.yaml (the key, not its value)."""
    document = config.document
    position = document.key_positions.get((key,)) if document is not None else None
    return position[0] if position is not None else config.locate((key,))[0]


def _config_values(config: Config) -> dict[str, Any]:
    document = config.document
    return dict(document.data) if document is not None and isinstance(document.data, dict) else {}


def _policy_file_changes(before: Mapping[str, str],
                         after: Mapping[str, str]) -> Iterator[Change]:
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) == after.get(path):
            continue
        what = "removed" if path not in after else "added" if path not in before else "changed"
        yield Change("config.changed", MAJOR, CONFIG_ENTITY, f"policy file {what}",
                             path, 1)


# -- the baseline ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BaselineSide:
    """One revision's baseline file (None when it has none) and its path."""

    baseline: Baseline | None
    file: str


def diff_baseline(base: BaselineSide, head: BaselineSide) -> list[Change]:
    """Accepting a finding as it is is a governance decision: every entry added to the
    baseline (or an occurrence more of one) is `baseline.entries.added`, for the governance
    approvers; a fixed finding leaving it is `baseline.entries.removed`, for nobody. An
    expiry moved later or dropped accepts for longer: `baseline.expires.changed`."""
    before = base.baseline.counts() if base.baseline else {}
    after = head.baseline.counts() if head.baseline else {}
    changes = [_entry_change(entry, entry.count - before.get(entry.identity, 0), "added", MAJOR,
                             head.file)
               for entry in (head.baseline.entries if head.baseline else ())
               if entry.count > before.get(entry.identity, 0)]
    changes += [_entry_change(entry, entry.count - after.get(entry.identity, 0), "removed", NONE,
                              head.file if head.baseline else base.file)
                for entry in (base.baseline.entries if base.baseline else ())
                if entry.count > after.get(entry.identity, 0)]
    return changes + list(_expiry_change(base, head))


def _entry_change(entry: BaselineEntry, delta: int, how: str, change_class: ChangeClass,
                  file: str) -> Change:
    times = f" ({delta} occurrences)" if delta > 1 else ""
    verb = "accepted into" if how == "added" else "removed from"
    line = entry.line if how == "added" else 1
    return Change(f"baseline.entries.{how}", change_class, BASELINE_ENTITY,
                  f"{entry.rule} on {entry.entity}{times} {verb} the baseline: {entry.message}",
                  file, line)


def _expiry_change(base: BaselineSide, head: BaselineSide) -> Iterator[Change]:
    if base.baseline is None or head.baseline is None:
        return
    before, after = base.baseline.expires, head.baseline.expires
    if before == after:
        return
    longer = after is None or (before is not None and after > before)
    yield Change("baseline.expires.changed", MAJOR if longer else NONE, BASELINE_ENTITY,
                 f"baseline expiry {_expiry(before)} -> {_expiry(after)}", head.file, 1)


def _expiry(date: dt.date | None) -> str:
    return date.isoformat() if date is not None else "none"
