"""Who must sign off each change, and whether they did.

Every group of people is resolved from the BASE revision: its people, its teams' members, its
datasets' approvers and `min_approvals`, its governance approvers. HEAD only says *which*
team or system a change names (the new owner of a dataset, the systems of a new
integration); who stands for that team is still read at BASE, and a team that does not exist
at BASE is stood for by the governance approvers, since a new team cannot approve itself.
So a change cannot name its own approvers, add its author to an approving team, or swap a
person's GitHub login to pass review: what it adds counts for nothing in its own range.

Sign-off evidence, each source switchable in `change_control.signoff_sources` (BASE):
- `cli`: `--approved-by NAME|EMAIL|LOGIN`, for a change-control meeting.
- `trailers`: `Approved-by: Name <email>` in the range's commits. Anyone can type a trailer:
  this is the weakest source.
- `github`: pull-request reviews, latest decision per reviewer, APPROVED only.
A person who authored a commit in the range counts neither through a review nor through a
trailer (nobody approves their own change); `--approved-by` is taken as said in a meeting.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .config import Config
from .diff import DetectedChange, carried_datasets
from .errors import GovcheckError
from .git import Commit
from .github import Review, latest_approvals
from .model import Entity, Estate
from .report import Change, Requirement

GOVERNANCE_GROUP = "governance approvers"
_NAME_AND_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>\s]+)>\s*$")
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$")


@dataclass(frozen=True)
class SignoffGroup:
    """`minimum` distinct people of `people` (Person names at BASE) must sign off."""

    label: str
    people: frozenset[str]
    minimum: int = 1


# -- whose sign-off ------------------------------------------------------------------------

class SignoffResolver:
    """Works out the sign-off groups of a change from the BASE estate and config."""

    def __init__(self, base: Estate, head: Estate, base_config: Config) -> None:
        self.base = base
        self.head = head
        self.config = base_config

    def groups_for(self, change: DetectedChange) -> list[SignoffGroup]:
        """The sign-offs `change` needs, without duplicates."""
        rule = _RULES.get(change.type)
        if rule is None:  # KIND.changed and anything new: the entity's owner
            groups = [self.owner_of(change.base or change.head)]
        else:
            groups = list(rule(self, change))
        unique: dict[str, SignoffGroup] = {}
        for group in groups:
            unique.setdefault(group.label, group)
        return list(unique.values())

    # -- groups ----------------------------------------------------------------------------

    def governance(self) -> SignoffGroup:
        people = {person for reference in self.config.governance_approvers
                  for person in self.base.people_of(reference)}
        return SignoffGroup(GOVERNANCE_GROUP, self._known(people))

    def team(self, name: object) -> SignoffGroup:
        """A team's members at BASE; the governance approvers for a team new in the range."""
        team = self.base.lookup("Team", name)
        if team is None:
            governance = self.governance()
            return SignoffGroup(f"team/{name} (new: {GOVERNANCE_GROUP})", governance.people)
        return SignoffGroup(team.key, self._known(self.base.people_of(f"team:{team.name}")))

    def dataset_approvers(self, name: object) -> SignoffGroup:
        """A dataset's approvers and `min_approvals` as they were at BASE."""
        dataset = self.base.lookup("Dataset", name)
        if dataset is None:
            return self.governance()
        control = dataset.spec.get("change_control")
        control = control if isinstance(control, dict) else {}
        approvers = control.get("approvers")
        references = approvers if isinstance(approvers, list) else []
        people = {person for reference in references for person in self.base.people_of(reference)}
        return SignoffGroup(f"{dataset.key} approvers", self._known(people),
                            _min_approvals(control.get("min_approvals")))

    def owner_of(self, entity: Entity | None) -> SignoffGroup:
        """The owner team of an entity: a team stands for itself, a person for their team."""
        if entity is None:
            return self.governance()
        if entity.kind == "Team":
            return self.team(entity.name)
        current = self.base.lookup(entity.kind, entity.name) or entity
        owner = current.spec.get("team" if entity.kind == "Person" else "owner")
        return self.team(owner) if isinstance(owner, str) else self.governance()

    def system_owner(self, name: object) -> SignoffGroup:
        system = self.base.lookup("System", name) or self.head.lookup("System", name)
        return self.owner_of(system) if system is not None else self.governance()

    def dataset_owner(self, name: object) -> SignoffGroup:
        dataset = self.base.lookup("Dataset", name) or self.head.lookup("Dataset", name)
        return self.owner_of(dataset) if dataset is not None else self.governance()

    def monitoring_owner(self, integration: Entity) -> SignoffGroup:
        monitoring = integration.spec.get("monitoring")
        owner = monitoring.get("owner") if isinstance(monitoring, dict) else None
        return self.team(owner) if isinstance(owner, str) else self.owner_of(integration)

    def _known(self, names: Iterable[str]) -> frozenset[str]:
        """Only people who exist at BASE can sign off."""
        return frozenset(name for name in names if self.base.lookup("Person", name) is not None)


def _min_approvals(value: object) -> int:
    """`min_approvals`, default 1 (an invalid one is GOV000's to report, not a way to 0)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return 1


def _spec_value(entity: Entity | None, key: str) -> object:
    return entity.spec.get(key) if entity is not None else None


def _base_side(change: DetectedChange) -> Entity | None:
    return change.base or change.head


# One function per change type of the contract's table (and its extensions).
Rule = Callable[[SignoffResolver, DetectedChange], Iterable[SignoffGroup]]


def _dataset_added(resolver: SignoffResolver, change: DetectedChange) -> Iterator[SignoffGroup]:
    yield resolver.team(_spec_value(change.head, "owner"))


def _dataset_removed(resolver: SignoffResolver,
                     change: DetectedChange) -> Iterator[SignoffGroup]:
    name = change.entity.partition("/")[2]
    yield resolver.dataset_approvers(name)
    for integration in resolver.base.of_kind("Integration"):
        if name in carried_datasets(integration):
            yield resolver.owner_of(integration)


def _dataset_schema(resolver: SignoffResolver, change: DetectedChange) -> Iterator[SignoffGroup]:
    yield resolver.dataset_approvers(change.entity.partition("/")[2])


def _old_and_new_owner(resolver: SignoffResolver,
                       change: DetectedChange) -> Iterator[SignoffGroup]:
    yield resolver.team(_spec_value(change.base, "owner"))
    yield resolver.team(_spec_value(change.head, "owner"))


def _system_of_record(resolver: SignoffResolver,
                      change: DetectedChange) -> Iterator[SignoffGroup]:
    yield from _dataset_schema(resolver, change)
    yield resolver.system_owner(_spec_value(change.base, "system_of_record"))
    yield resolver.system_owner(_spec_value(change.head, "system_of_record"))


def _integration_added(resolver: SignoffResolver,
                       change: DetectedChange) -> Iterator[SignoffGroup]:
    yield resolver.system_owner(_spec_value(change.head, "source"))
    yield resolver.system_owner(_spec_value(change.head, "target"))


def _owner_and_target(resolver: SignoffResolver,
                      change: DetectedChange) -> Iterator[SignoffGroup]:
    integration = _base_side(change)
    yield resolver.owner_of(integration)
    yield resolver.system_owner(_spec_value(integration, "target"))


def _entity_owner(resolver: SignoffResolver, change: DetectedChange) -> Iterator[SignoffGroup]:
    yield resolver.owner_of(_base_side(change))


def _owner_and_monitoring(resolver: SignoffResolver,
                          change: DetectedChange) -> Iterator[SignoffGroup]:
    integration = _base_side(change)
    yield resolver.owner_of(integration)
    if integration is not None:
        yield resolver.monitoring_owner(integration)


def _carried_dataset_owners(resolver: SignoffResolver,
                            change: DetectedChange) -> Iterator[SignoffGroup]:
    datasets = change.related or carried_datasets(change.base, change.head)
    if not datasets:  # carries nothing: someone must still see it
        yield resolver.owner_of(_base_side(change))
    for name in datasets:
        yield resolver.dataset_owner(name)


def _endpoints(resolver: SignoffResolver, change: DetectedChange) -> Iterator[SignoffGroup]:
    yield resolver.owner_of(_base_side(change))
    for key in ("source", "target"):
        before, after = _spec_value(change.base, key), _spec_value(change.head, key)
        if before != after:
            yield resolver.system_owner(before)
            yield resolver.system_owner(after)


def _governance(resolver: SignoffResolver, change: DetectedChange) -> Iterator[SignoffGroup]:
    yield resolver.governance()


def _system_removed(resolver: SignoffResolver, change: DetectedChange) -> Iterator[SignoffGroup]:
    yield resolver.owner_of(change.base)
    name = change.entity.partition("/")[2]
    for dataset in resolver.base.of_kind("Dataset"):
        if dataset.spec.get("system_of_record") == name:
            yield resolver.owner_of(dataset)


def _team_members(resolver: SignoffResolver, change: DetectedChange) -> Iterator[SignoffGroup]:
    governance, team = resolver.governance(), resolver.team(change.entity.partition("/")[2])
    yield SignoffGroup(f"{GOVERNANCE_GROUP} or {team.label} members",
                       governance.people | team.people)


_RULES: dict[str, Rule] = {
    "dataset.added": _dataset_added,
    "dataset.removed": _dataset_removed,
    "dataset.field.added": _dataset_schema,
    "dataset.field.removed": _dataset_schema,
    "dataset.field.renamed": _dataset_schema,
    "dataset.field.type_changed": _dataset_schema,
    "dataset.field.made_required": _dataset_schema,
    "dataset.field.values_removed": _dataset_schema,
    "dataset.field.changed": _dataset_schema,
    "dataset.owner.changed": _old_and_new_owner,
    "dataset.system_of_record.changed": _system_of_record,
    "dataset.classification.changed": _dataset_schema,
    "dataset.approvers.changed": _dataset_schema,
    "integration.added": _integration_added,
    "integration.removed": _owner_and_target,
    "integration.mode.changed": _owner_and_target,
    "integration.schedule.changed": _entity_owner,
    "integration.fallback.changed": _owner_and_monitoring,
    "integration.conflict_resolution.changed": _carried_dataset_owners,
    "integration.fields.changed": _carried_dataset_owners,
    "integration.direction.changed": _carried_dataset_owners,
    "integration.owner.changed": _old_and_new_owner,
    "integration.endpoints.changed": _endpoints,
    "system.added": _governance,
    "system.removed": _system_removed,
    "system.lifecycle.changed": _entity_owner,
    "system.owner.changed": _old_and_new_owner,
    "team.added": _governance,
    "team.removed": _governance,
    "team.members.changed": _team_members,
    "person.added": _governance,
    "person.removed": _governance,
    "person.identity.changed": _governance,
    "config.changed": _governance,
}


# -- the evidence --------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """What may show sign-off; which of it counts depends on `signoff_sources`."""

    approved_by: tuple[str, ...] = ()            # --approved-by values
    commits: tuple[Commit, ...] = ()             # the range's commits
    reviews: tuple[Review, ...] | None = None    # None: no pull request to read
    review_head_sha: str | None = None           # the commit --require-fresh compares with
    require_fresh: bool = False


@dataclass
class PeopleIndex:
    """BASE persons by name, title, email and GitHub login (case-insensitive)."""

    by_name: dict[str, str] = field(default_factory=dict)
    by_title: dict[str, set[str]] = field(default_factory=dict)
    by_email: dict[str, str] = field(default_factory=dict)
    by_login: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, base: Estate) -> PeopleIndex:
        index = cls()
        for person in base.of_kind("Person"):
            index.by_name[person.name.casefold()] = person.name
            title = person.get("metadata.title")
            if isinstance(title, str):
                index.by_title.setdefault(title.casefold(), set()).add(person.name)
            for key, table in (("email", index.by_email), ("github", index.by_login)):
                value = person.spec.get(key)
                if isinstance(value, str) and value:
                    table.setdefault(value.casefold(), person.name)
        return index

    def email_of(self, name: str) -> set[str]:
        return {email for email, person in self.by_email.items() if person == name}

    def login_of(self, name: str) -> set[str]:
        return {login for login, person in self.by_login.items() if person == name}

    def by_display_name(self, text: str) -> str | None:
        """A person by metadata.name, or by a title that only one person has."""
        key = text.strip().casefold()
        titled = self.by_title.get(key, set())
        return self.by_name.get(key) or (next(iter(titled)) if len(titled) == 1 else None)


def signed_off_people(evidence: Evidence, base: Estate, sources: Sequence[str]) -> frozenset[str]:
    """The BASE persons who signed off the range, through the enabled sources."""
    index = PeopleIndex.of(base)
    if evidence.approved_by and "cli" not in sources:
        raise GovcheckError("--approved-by was given, but the cli source of sign-off is "
                            "switched off in change_control.signoff_sources")
    authors = _commit_authors(evidence.commits, index)
    people: set[str] = set()
    if "cli" in sources:
        people |= cli_signers(evidence.approved_by, index)
    if "trailers" in sources:
        people |= trailer_signers(evidence.commits, index) - authors
    if "github" in sources and evidence.reviews is not None:
        people |= review_signers(evidence.reviews, evidence.review_head_sha,
                                 evidence.require_fresh, index) - authors
    return frozenset(people)


def cli_signers(values: Iterable[str], index: PeopleIndex) -> set[str]:
    """`--approved-by` values as BASE persons; one that names nobody stops the run."""
    people = set()
    for value in values:
        key = value.strip().casefold()
        person = (index.by_email.get(key) or index.by_login.get(key.removeprefix("@"))
                  or index.by_display_name(value))
        if person is None:
            raise GovcheckError(f"--approved-by '{value}' matches no person at the base "
                                "revision: give a person's name, email or GitHub login")
        people.add(person)
    return people


def trailer_signers(commits: Iterable[Commit], index: PeopleIndex) -> set[str]:
    """Persons named by `Approved-by:` trailers: by email first, else by name or title."""
    people = set()
    for commit in commits:
        for value in commit.trailer_values("Approved-by"):
            match = _NAME_AND_EMAIL.match(value)
            name, email = (match["name"], match["email"]) if match else (value, "")
            person = index.by_email.get(email.casefold()) or index.by_display_name(name)
            if person is not None:
                people.add(person)
    return people


def review_signers(reviews: Iterable[Review], head_sha: str | None, require_fresh: bool,
                   index: PeopleIndex) -> set[str]:
    """Persons whose GitHub login (at BASE) gave an approval that still stands."""
    approvals = latest_approvals(reviews, head_sha, require_fresh)
    return {index.by_login[login] for login in approvals if login in index.by_login}


def _commit_authors(commits: Iterable[Commit], index: PeopleIndex) -> set[str]:
    """BASE persons who authored a commit of the range, by email or GitHub noreply email."""
    authors = set()
    for commit in commits:
        email = commit.author_email.casefold()
        person = index.by_email.get(email)
        noreply = _NOREPLY.match(email)
        if person is None and noreply is not None:
            person = index.by_login.get(noreply["login"])
        if person is not None:
            authors.add(person)
    return authors


# -- requirements --------------------------------------------------------------------------

def required_signoffs(changes: Iterable[DetectedChange], resolver: SignoffResolver,
                      signers: frozenset[str]) -> tuple[Change, ...]:
    """Each change with its requirements and who of each group signed off."""
    return tuple(change.with_requirements(_requirement(group, signers)
                                          for group in resolver.groups_for(change))
                 for change in changes)


def _requirement(group: SignoffGroup, signers: frozenset[str]) -> Requirement:
    return Requirement(group.label, tuple(f"person/{name}" for name in sorted(group.people)),
                       group.minimum,
                       tuple(f"person/{name}" for name in sorted(group.people & signers)))
