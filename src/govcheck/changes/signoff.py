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
- `signed`: an `Approved-by:` trailer in a commit or annotated tag of the range that git
  verifies as signed with a key the named person lists in `signing_keys` at BASE.
- `github`: pull-request reviews, latest decision per reviewer, APPROVED only.
- `trailers` (off unless listed): an unsigned `Approved-by:` trailer naming a person by an
  exact identity. Anyone can type one, so it never counts for a change to the configuration,
  and every report that counted one says so.
Nobody approves their own change: a person who wrote a commit of the range that changes files
(by any identity they have: email, GitHub noreply address, Co-authored-by, signing key)
counts through no source, `--approved-by` included. Every piece of evidence that does not
count is kept with the reason, so that every report can say why.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from govcheck.changes.detect import carried_datasets
from govcheck.changes.report import Approval, Change, ChangeClass, NotCounted, Requirement
from govcheck.errors import GovcheckError
from govcheck.integrations.git import Commit, Signature, Tag
from govcheck.integrations.github import Review, latest_approvals
from govcheck.load.config import Config
from govcheck.model.estate import Entity, Estate

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

    def groups_for(self, change: Change) -> list[SignoffGroup]:
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


def _base_side(change: Change) -> Entity | None:
    return change.base or change.head


# One function per change type of the contract's table (and its extensions).
Rule = Callable[[SignoffResolver, Change], Iterable[SignoffGroup]]


def _dataset_added(resolver: SignoffResolver, change: Change) -> Iterator[SignoffGroup]:
    yield resolver.team(_spec_value(change.head, "owner"))


def _dataset_removed(resolver: SignoffResolver,
                     change: Change) -> Iterator[SignoffGroup]:
    name = change.entity.partition("/")[2]
    yield resolver.dataset_approvers(name)
    for integration in resolver.base.of_kind("Integration"):
        if name in carried_datasets(integration):
            yield resolver.owner_of(integration)


def _dataset_schema(resolver: SignoffResolver, change: Change) -> Iterator[SignoffGroup]:
    yield resolver.dataset_approvers(change.entity.partition("/")[2])


def _old_and_new_owner(resolver: SignoffResolver,
                       change: Change) -> Iterator[SignoffGroup]:
    yield resolver.team(_spec_value(change.base, "owner"))
    yield resolver.team(_spec_value(change.head, "owner"))


def _system_of_record(resolver: SignoffResolver,
                      change: Change) -> Iterator[SignoffGroup]:
    yield from _dataset_schema(resolver, change)
    yield resolver.system_owner(_spec_value(change.base, "system_of_record"))
    yield resolver.system_owner(_spec_value(change.head, "system_of_record"))


def _integration_added(resolver: SignoffResolver,
                       change: Change) -> Iterator[SignoffGroup]:
    yield resolver.system_owner(_spec_value(change.head, "source"))
    yield resolver.system_owner(_spec_value(change.head, "target"))


def _owner_and_target(resolver: SignoffResolver,
                      change: Change) -> Iterator[SignoffGroup]:
    integration = _base_side(change)
    yield resolver.owner_of(integration)
    yield resolver.system_owner(_spec_value(integration, "target"))


def _entity_owner(resolver: SignoffResolver, change: Change) -> Iterator[SignoffGroup]:
    yield resolver.owner_of(_base_side(change))


def _owner_and_monitoring(resolver: SignoffResolver,
                          change: Change) -> Iterator[SignoffGroup]:
    integration = _base_side(change)
    yield resolver.owner_of(integration)
    if integration is not None:
        yield resolver.monitoring_owner(integration)


def _carried_dataset_owners(resolver: SignoffResolver,
                            change: Change) -> Iterator[SignoffGroup]:
    datasets = change.related or carried_datasets(change.base, change.head)
    if not datasets:  # carries nothing: someone must still see it
        yield resolver.owner_of(_base_side(change))
    for name in datasets:
        yield resolver.dataset_owner(name)


def _endpoints(resolver: SignoffResolver, change: Change) -> Iterator[SignoffGroup]:
    yield resolver.owner_of(_base_side(change))
    for key in ("source", "target"):
        before, after = _spec_value(change.base, key), _spec_value(change.head, key)
        if before != after:
            yield resolver.system_owner(before)
            yield resolver.system_owner(after)


def _governance(resolver: SignoffResolver, change: Change) -> Iterator[SignoffGroup]:
    yield resolver.governance()


def _system_removed(resolver: SignoffResolver, change: Change) -> Iterator[SignoffGroup]:
    yield resolver.owner_of(change.base)
    name = change.entity.partition("/")[2]
    for dataset in resolver.base.of_kind("Dataset"):
        if dataset.spec.get("system_of_record") == name:
            yield resolver.owner_of(dataset)


def _team_members(resolver: SignoffResolver, change: Change) -> Iterator[SignoffGroup]:
    governance, team = resolver.governance(), resolver.team(change.entity.partition("/")[2])
    yield SignoffGroup(f"{GOVERNANCE_GROUP} or {team.label} members",
                       governance.people | team.people)


def _nobody(resolver: SignoffResolver, change: Change) -> Iterator[SignoffGroup]:
    """A fixed finding leaving the baseline needs no sign-off."""
    yield from ()


def _governance_unless_shorter(resolver: SignoffResolver,
                               change: Change) -> Iterator[SignoffGroup]:
    """A baseline that accepts for longer is the governance approvers' call; a sooner
    expiry needs nobody."""
    if change.change_class is not ChangeClass.NONE:
        yield resolver.governance()


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
    "baseline.entries.added": _governance,
    "baseline.entries.removed": _nobody,
    "baseline.expires.changed": _governance_unless_shorter,
}


# -- the evidence ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """What may show sign-off; which of it counts depends on `signoff_sources`."""

    approved_by: tuple[str, ...] = ()            # --approved-by values
    commits: tuple[Commit, ...] = ()             # the range's commits
    reviews: tuple[Review, ...] | None = None    # None: no pull request to read
    review_head_sha: str | None = None           # the commit --require-fresh compares with
    require_fresh: bool = False
    tags: tuple[Tag, ...] = ()                   # annotated tags on the range's commits
    verified_tags: Mapping[tuple[str, str], bool] = field(default_factory=dict)
    """(tag sha, person name) → whether git verified the tag as signed by that person."""


@dataclass
class PeopleIndex:
    """BASE persons by name, title, email, GitHub login and signing key (case-insensitive)."""

    by_name: dict[str, str] = field(default_factory=dict)
    by_title: dict[str, set[str]] = field(default_factory=dict)
    by_email: dict[str, str] = field(default_factory=dict)
    by_login: dict[str, str] = field(default_factory=dict)
    keys: dict[str, SigningKeys] = field(default_factory=dict)

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
            index.keys[person.name] = SigningKeys.of(person.spec.get("signing_keys"))
        return index

    def by_display_name(self, text: str) -> str | None:
        """A person by metadata.name, or by a title that only one person has."""
        key = text.strip().casefold()
        titled = self.by_title.get(key, set())
        return self.by_name.get(key) or (next(iter(titled)) if len(titled) == 1 else None)

    def by_identity(self, text: str) -> str | None:
        """A person by an identity that matches exactly: the email of `Name <email>` (or a
        bare email), else a metadata.name or an @login; never a display name, and never a
        name instead of an email that matches nobody."""
        match = _NAME_AND_EMAIL.match(text)
        email = match["email"] if match else text.strip() if "@" in text.strip(" @") else ""
        if email:
            return self.by_email.get(email.casefold())
        value = text.strip()
        if value.startswith("@"):
            return self.by_login.get(value[1:].casefold())
        name = self.by_name.get(value.casefold())
        return name if name == value else None

    def by_author_email(self, email: str) -> str | None:
        """A commit's author by email, or by the GitHub login of a noreply address."""
        email = email.casefold()
        noreply = _NOREPLY.match(email)
        return self.by_email.get(email) or (self.by_login.get(noreply["login"])
                                            if noreply else None)

    def signer(self, signature: Signature) -> str | None:
        """The person whose key git verified a signature with (an SSH principal of the
        allowed-signers file, or a GPG fingerprint), or None."""
        if signature.status == "G" and signature.signer in self.keys \
                and self.keys[signature.signer].ssh:
            return signature.signer
        if signature.status in ("G", "U"):
            fingerprints = {signature.fingerprint.upper(), signature.primary_fingerprint.upper()}
            owners = [name for name, keys in self.keys.items() if fingerprints & set(keys.gpg)]
            return owners[0] if len(owners) == 1 else None
        return None

    def allowed_signers(self, only: str | None = None) -> str:
        """An SSH allowed-signers file of every BASE person's keys (or one person's), the
        person's name as principal; a key that two persons list proves neither."""
        owners: dict[str, set[str]] = {}
        for name, keys in self.keys.items():
            for key in keys.ssh:
                owners.setdefault(key, set()).add(name)
        return "".join(f'{next(iter(names))} namespaces="git" {key}\n'
                       for key, names in sorted(owners.items())
                       if len(names) == 1 and only in (None, *names))


_SSH_KEY_TYPES = frozenset({"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
                            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                            "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"})
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,3}$")
_FINGERPRINT = re.compile(r"^[0-9A-F]{40}$")


@dataclass(frozen=True)
class SigningKeys:
    """A person's `signing_keys`: SSH public keys ("TYPE BASE64", comment dropped) and GPG
    fingerprints (40 hex digits, upper case). Anything else is ignored (GOV000 reports it)."""

    ssh: tuple[str, ...] = ()
    gpg: tuple[str, ...] = ()

    @classmethod
    def of(cls, listed: object) -> SigningKeys:
        ssh, gpg = [], []
        for item in listed if isinstance(listed, list) else []:
            if not isinstance(item, str):
                continue
            parts = item.split()
            fingerprint = "".join(parts).upper()
            if len(parts) >= 2 and parts[0] in _SSH_KEY_TYPES and _BASE64.match(parts[1]):
                ssh.append(f"{parts[0]} {parts[1]}")
            elif _FINGERPRINT.match(fingerprint):
                gpg.append(fingerprint)
        return cls(tuple(ssh), tuple(gpg))


# What a piece of evidence is, where it came from, and why it does not count.
AUTHOR = "authored a commit in the range: nobody approves their own change"
_STALE = "approval given on {given}, not on the head {head} (--require-fresh)"
_UNKNOWN_LOGIN = "identity unknown at the base revision: no person has GitHub login '{login}'"
_UNKNOWN_TRAILER = ("identity unknown at the base revision: no person has this email (or, "
                    "without an email, this name)")
_TRAILERS_OFF = ("an unsigned trailer, and the trailers source is switched off in "
                 "change_control.signoff_sources: sign the commit with a key in the "
                 "approver's signing_keys")
_NOT_THEIR_KEY = ("signed, but not with a key that {person} lists in signing_keys at the base "
                  "revision")
NOT_AN_APPROVER = "not an approver of this change"
TRAILER_ON_CONFIG = ("an unsigned trailer does not count for a change to govcheck's "
                     "configuration")
TRAILER_NOTE = ("sign-off from an Approved-by trailer counted: anyone can type a trailer, so "
                "it proves nothing without a signature (prefer signed commits or pull-request "
                "reviews)")


def judge_evidence(evidence: Evidence, base: Estate, sources: Sequence[str]) -> tuple[Approval, ...]:
    """Every piece of evidence, matched against BASE persons, with why it does not count."""
    index = PeopleIndex.of(base)
    if evidence.approved_by and "cli" not in sources:
        raise GovcheckError("--approved-by was given, but the cli source of sign-off is "
                            "switched off in change_control.signoff_sources")
    authors = change_authors(evidence.commits, index)
    approvals = [*cli_approvals(evidence.approved_by, index, authors),
                 *trailer_approvals(evidence, index, authors, sources)]
    if "github" in sources and evidence.reviews is not None:
        approvals += review_approvals(evidence, index, authors)
    return tuple(approvals)


def cli_approvals(values: Iterable[str], index: PeopleIndex, authors: set[str]) -> list[Approval]:
    """`--approved-by` values as BASE persons; one that names nobody stops the run. A meeting
    chair's word follows the same rule as every source: an author does not approve."""
    approvals = []
    for value in values:
        key = value.strip().casefold()
        person = (index.by_email.get(key) or index.by_login.get(key.removeprefix("@"))
                  or index.by_display_name(value))
        if person is None:
            raise GovcheckError(f"--approved-by '{value}' matches no person at the base "
                                "revision: give a person's name, email or GitHub login")
        approvals.append(Approval("cli", value, "--approved-by", f"person/{person}",
                                  AUTHOR if person in authors else ""))
    return approvals


def trailer_approvals(evidence: Evidence, index: PeopleIndex, authors: set[str],
                      sources: Sequence[str]) -> list[Approval]:
    """`Approved-by:` trailers of the range's commits and tags: `signed` when git verified
    the commit or tag as signed by the person named, else `trailers` (weak)."""
    carriers: list[tuple[str, tuple[str, ...], Callable[[str], bool]]] = []
    for commit in evidence.commits:
        carriers.append((f"commit {commit.sha[:12]}", commit.trailer_values("Approved-by"),
                         _signed_by(index.signer(commit.signature))))
    for tag in evidence.tags:
        carriers.append((f"tag {tag.name}", tag.trailer_values("Approved-by"),
                         _tag_signed_by(tag, evidence.verified_tags)))
    return [_trailer_approval(value, where, signed_by, index, authors, sources)
            for where, values, signed_by in carriers for value in values]


def _signed_by(signer: str | None) -> Callable[[str], bool]:
    return lambda person: person == signer


def _tag_signed_by(tag: Tag, verified: Mapping[tuple[str, str], bool]) -> Callable[[str], bool]:
    return lambda person: verified.get((tag.sha, person), False)


def _trailer_approval(value: str, where: str, signed_by: Callable[[str], bool],
                      index: PeopleIndex, authors: set[str], sources: Sequence[str]) -> Approval:
    person = index.by_identity(value)
    if person is None:
        return Approval("trailers", value, where, "", _UNKNOWN_TRAILER, weak=True)
    reason = AUTHOR if person in authors else ""
    if "signed" in sources and signed_by(person):
        return Approval("signed", value, where, f"person/{person}", reason)
    if "trailers" in sources:
        return Approval("trailers", value, where, f"person/{person}", reason, weak=True)
    signed = "signed" in sources and (index.keys[person].ssh or index.keys[person].gpg)
    return Approval("trailers", value, where, f"person/{person}",
                    reason or (_TRAILERS_OFF if not signed else
                               _TRAILERS_OFF + "; " + _NOT_THEIR_KEY.format(person=person)),
                    weak=True)


def review_approvals(evidence: Evidence, index: PeopleIndex, authors: set[str]) -> list[Approval]:
    """Pull-request approvals that still stand, each with why it does not count."""
    approvals = []
    for login, review in sorted(latest_approvals(evidence.reviews or (), None, False).items()):
        person = index.by_login.get(login)
        where = f"review {review.review_id}"
        given = f"@{review.reviewer_login}"
        if person is None:
            approvals.append(Approval("github", given, where, "",
                                      _UNKNOWN_LOGIN.format(login=review.reviewer_login)))
            continue
        reason = AUTHOR if person in authors else ""
        fresh = latest_approvals([review], evidence.review_head_sha, evidence.require_fresh)
        if not reason and not fresh:
            reason = _STALE.format(given=(review.commit_id or "an unknown commit")[:12],
                                   head=(evidence.review_head_sha or "the head")[:12])
        approvals.append(Approval("github", given, where, f"person/{person}", reason))
    return approvals


def change_authors(commits: Iterable[Commit], index: PeopleIndex) -> set[str]:
    """BASE persons who wrote a commit of the range that changes files, by every identity
    they have: author email (or its GitHub noreply form), a Co-authored-by trailer, and the
    key the commit is signed with. An empty commit (an approval) makes nobody an author."""
    authors: set[str] = set()
    for commit in commits:
        if not commit.changes_files:
            continue
        identities = [index.by_author_email(commit.author_email), index.signer(commit.signature)]
        identities += [index.by_identity(value) for value in commit.trailer_values("Co-authored-by")]
        authors.update(person for person in identities if person is not None)
    return authors


# -- requirements ----------------------------------------------------------------------------

CONFIG_KINDS = frozenset({"config", "baseline"})


def required_signoffs(changes: Iterable[Change], resolver: SignoffResolver,
                      approvals: Sequence[Approval]) -> tuple[Change, ...]:
    """Each change with its requirements, who of each group signed off and why the rest of
    the evidence did not count for it."""
    return tuple(replace(change, requires=tuple(
        _requirement(group, _counting(approvals, change), approvals)
        for group in resolver.groups_for(change))) for change in changes)


def _counting(approvals: Sequence[Approval], change: Change) -> list[Approval]:
    """The approvals that count for `change`, and those that do not with the reason why."""
    governed = change.type.split(".")[0] in CONFIG_KINDS
    return [replace(approval, reason=TRAILER_ON_CONFIG)
            if approval.counts and approval.weak and governed else approval
            for approval in approvals]


def _requirement(group: SignoffGroup, approvals: Sequence[Approval],
                 everything: Sequence[Approval]) -> Requirement:
    members = {f"person/{name}" for name in group.people}
    signed = {approval.person for approval in approvals if approval.counts} & members
    not_counted = [NotCounted(approval.person, approval.source, approval.reason)
                   for approval in approvals
                   if approval.person in members and not approval.counts
                   and approval.person not in signed]
    if len(signed) < group.minimum:
        not_counted += [NotCounted(approval.person, approval.source, NOT_AN_APPROVER)
                        for approval in approvals
                        if approval.counts and approval.person and approval.person not in members]
    return Requirement(group.label, tuple(sorted(members)), group.minimum, tuple(sorted(signed)),
                       tuple(dict.fromkeys(not_counted)))


def verify_tags(tags: Iterable[Tag], index: PeopleIndex,
                verify: Callable[[Tag, str], tuple[bool, tuple[str, ...]]]
                ) -> dict[tuple[str, str], bool]:
    """(tag sha, person) → whether the tag is signed by a key of the person its trailers
    name. `verify(tag, allowed_signers)` is git's verdict and the GPG fingerprints it saw."""
    verified = {}
    for tag in tags:
        for value in tag.trailer_values("Approved-by"):
            person = index.by_identity(value)
            if person is None or (tag.sha, person) in verified:
                continue
            keys = index.keys[person]
            ok, fingerprints = verify(tag, index.allowed_signers(only=person))
            verified[(tag.sha, person)] = ok and (not fingerprints
                                                  or bool(set(fingerprints) & set(keys.gpg)))
    return verified


def report_notes(changes: Iterable[Change], approvals: Sequence[Approval]) -> tuple[str, ...]:
    """What a reader must know about the evidence that counted."""
    weak = {approval.person for approval in approvals if approval.counts and approval.weak}
    used = {person for change in changes for requirement in change.requires
            for person in requirement.approved_by}
    return (TRAILER_NOTE,) if weak & used else ()
