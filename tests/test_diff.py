"""Every change type of `govcheck diff`, its class and whose sign-off it needs, on real git.

Each case commits the starter estate (tests/diff_helpers.py), applies one edit, commits it,
and compares HEAD~1..HEAD. A change is written as
`type class entity — detail ⇒ group: min of people; ...`.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from diff_helpers import CONFIG, Manifests, changed_estate, diff_report, starter
from git_helpers import isolate_git

from govcheck.app.diff import DiffOptions
from govcheck.changes.report import Change, DiffReport


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def described(change: Change) -> str:
    needs = "; ".join(f"{requirement.group}: {requirement.minimum} of "
                      f"{','.join(p.removeprefix('person/') for p in requirement.people)}"
                      for requirement in change.requires)
    return f"{change.type} {change.change_class} {change.entity} — {change.detail} ⇒ {needs}"


def changes_of(report: DiffReport) -> list[str]:
    return sorted(described(change) for change in report.changes)


def edit(function: Callable[[Manifests], Any]) -> Callable[[Manifests], None]:
    """Lets a case be a lambda whose value is ignored."""
    def mutate(manifests: Manifests) -> None:
        function(manifests)
    return mutate


def _new_dataset(owner: str) -> Callable[[Manifests], None]:
    def mutate(m: Manifests) -> None:
        m.add("Dataset", "invoice", {"system_of_record": "crm", "owner": owner,
                                     "fields": [{"name": "id", "type": "string"}],
                                     "change_control": {"approvers": [f"team:{owner}"]}})
        if owner == "finance":
            m.add("Team", "finance", {"function": "finance", "members": ["mallory"]})
    return mutate


def _new_integration(m: Manifests) -> None:
    m.add("Integration", "crm-to-web", {"owner": "web", "purpose": "p", "source": "crm",
                                       "target": "website", "datasets": [{"dataset": "lead"}],
                                       "mode": "manual"})


def _add_zoe_and_her_team(m: Manifests) -> None:
    m.add("Person", "zoe", {"email": "zoe@example.com"})
    m.add("Team", "finance", {"function": "finance", "members": ["zoe"]})


def _remove_mallory_and_architecture(m: Manifests) -> None:
    m.remove("person/mallory")
    m.remove("team/architecture")


def _move_a_team_and_its_member_into_one_file(m: Manifests) -> None:
    m.move("team/web", "ecosystem/org.yaml")
    m.move("person/erin", "ecosystem/org.yaml")


def _reorder_members_and_spell_out_defaults(m: Manifests) -> None:
    m.spec("team/web")["members"].reverse()
    m.spec(LEAD)["change_control"].update(approvers=["person:jane"], min_approvals=1)


LEAD = "dataset/lead"
LEADS = "integration/website-leads"
EXPORT = "integration/nightly-export"
APPROVERS = "dataset/lead approvers: 1 of jane"
SALES = "team/sales-ops: 1 of bob"
WEB = "team/web: 1 of erin"
OPS = "team/integration-ops: 1 of carol"
GOVERNANCE = "governance approvers: 1 of dave"

CASES: list[tuple[str, Callable[[Manifests], None], list[str]]] = [
    ("dataset-added", _new_dataset("sales-ops"),
     [f"dataset.added minor dataset/invoice — dataset 'invoice' added ⇒ {SALES}"]),
    ("dataset-added-with-a-new-owner-team", _new_dataset("finance"),
     [("dataset.added minor dataset/invoice — dataset 'invoice' added ⇒ "
      "team/finance (new: governance approvers): 1 of dave"),
      f"team.added minor team/finance — team 'finance' added ⇒ {GOVERNANCE}"]),
    ("dataset-removed", edit(lambda m: m.remove(LEAD)),
     [f"dataset.removed breaking {LEAD} — dataset 'lead' removed ⇒ {APPROVERS}; {OPS}; {WEB}"]),
    ("field-added", edit(lambda m: m.spec(LEAD)["fields"].append({"name": "score",
                                                                   "type": "number"})),
     [f"dataset.field.added minor {LEAD} — field 'score' added ⇒ {APPROVERS}"]),
    ("field-removed", edit(lambda m: m.spec(LEAD)["fields"].remove(m.field("phone"))),
     [f"dataset.field.removed breaking {LEAD} — field 'phone' removed ⇒ {APPROVERS}"]),
    ("field-renamed", edit(lambda m: m.field("phone").update(name="mobile",
                                                             renamed_from="phone")),
     [f"dataset.field.renamed breaking {LEAD} — field 'phone' renamed to 'mobile' ⇒ {APPROVERS}"]),
    ("field-renamed-without-renamed-from-is-a-removal-and-an-addition",
     edit(lambda m: m.field("phone").update(name="mobile")),
     [f"dataset.field.added minor {LEAD} — field 'mobile' added ⇒ {APPROVERS}",
      f"dataset.field.removed breaking {LEAD} — field 'phone' removed ⇒ {APPROVERS}"]),
    ("field-type-changed", edit(lambda m: m.field("phone").update(type="integer")),
     [(f"dataset.field.type_changed breaking {LEAD} — field 'phone' type string → integer ⇒ "
      f"{APPROVERS}")]),
    ("field-made-required", edit(lambda m: m.field("phone").update(required=True)),
     [f"dataset.field.made_required breaking {LEAD} — field 'phone' made required ⇒ {APPROVERS}"]),
    ("enum-values-removed", edit(lambda m: m.field("tier").update(values=["bronze", "silver"])),
     [(f"dataset.field.values_removed breaking {LEAD} — field 'tier' values removed: gold ⇒ "
      f"{APPROVERS}")]),
    ("enum-values-added", edit(lambda m: m.field("tier")["values"].append("platinum")),
     [f"dataset.field.changed minor {LEAD} — field 'tier': values added: platinum ⇒ {APPROVERS}"]),
    ("pii-dropped", edit(lambda m: m.field("email").pop("pii")),
     [f"dataset.field.changed major {LEAD} — field 'email': pii True → (none) ⇒ {APPROVERS}"]),
    ("field-made-optional", edit(lambda m: m.field("id").pop("required")),
     [f"dataset.field.changed minor {LEAD} — field 'id': no longer required ⇒ {APPROVERS}"]),
    ("dataset-owner-changed", edit(lambda m: m.spec(LEAD).update(owner="data-governance")),
     [(f"dataset.owner.changed major {LEAD} — owner sales-ops → data-governance ⇒ {SALES}; "
      "team/data-governance: 1 of jane")]),
    ("system-of-record-changed", edit(lambda m: m.spec(LEAD).update(system_of_record="website")),
     [(f"dataset.system_of_record.changed breaking {LEAD} — system of record crm → website ⇒ "
      f"{APPROVERS}; {OPS}; {WEB}")]),
    ("classification-lowered", edit(lambda m: m.spec(LEAD).update(classification="internal")),
     [(f"dataset.classification.changed breaking {LEAD} — classification confidential → "
      f"internal (less protection) ⇒ {APPROVERS}")]),
    ("classification-raised", edit(lambda m: m.spec(LEAD).update(classification="restricted")),
     [(f"dataset.classification.changed major {LEAD} — classification confidential → "
      f"restricted ⇒ {APPROVERS}")]),
    ("classification-of-wrong-type", edit(lambda m: m.spec(LEAD).update(classification=["x"])),
     [(f"dataset.classification.changed major {LEAD} — classification confidential → "
      f"['x'] ⇒ {APPROVERS}")]),
    ("approvers-changed", edit(lambda m: m.spec(LEAD)["change_control"].update(
        approvers=["person:jane", "person:mallory"], min_approvals=2)),
     [(f"dataset.approvers.changed major {LEAD} — approvers +person:mallory; min_approvals "
      f"1 → 2 ⇒ {APPROVERS}")]),
    ("integration-added", _new_integration,
     [(f"integration.added major integration/crm-to-web — integration 'crm-to-web' added ⇒ "
      f"{OPS}; {WEB}")]),
    ("integration-removed", edit(lambda m: m.remove(LEADS)),
     [f"integration.removed major {LEADS} — integration 'website-leads' removed ⇒ {WEB}; {OPS}"]),
    ("mode-changed", edit(lambda m: m.spec(LEADS).update(mode="manual")),
     [f"integration.mode.changed major {LEADS} — mode real-time → manual ⇒ {WEB}; {OPS}"]),
    ("schedule-faster", edit(lambda m: m.spec(EXPORT).update(schedule={"every": "PT15M"})),
     [(f"integration.schedule.changed minor {EXPORT} — schedule PT1H → PT15M (faster: 24 → 96 "
       f"runs a day, longest gap 1 h → 15 min) ⇒ {OPS}")]),
    ("schedule-slower", edit(lambda m: m.spec(EXPORT).update(schedule={"cron": "0 2 * * *"})),
     [(f"integration.schedule.changed major {EXPORT} — schedule PT1H → 0 2 * * * (slower: 24 → "
       f"1 runs a day, longest gap 1 h → 1 d) ⇒ {OPS}")]),
    ("schedule-same-duration-spelled-differently-is-no-change",
     edit(lambda m: m.spec(EXPORT).update(schedule={"every": "PT60M"})), []),
    ("fallback-changed", edit(lambda m: m.spec(LEADS)["fallback"].update(strategy="degrade")),
     [f"integration.fallback.changed major {LEADS} — fallback strategy changed ⇒ {WEB}; {OPS}"]),
    ("fallback-removed", edit(lambda m: m.spec(LEADS).pop("fallback")),
     [f"integration.fallback.changed breaking {LEADS} — fallback removed ⇒ {WEB}; {OPS}"]),
    ("conflict-resolution-changed", edit(lambda m: m.spec(LEADS)["conflict_resolution"].update(
        strategy="last-write-wins")),
     [(f"integration.conflict_resolution.changed breaking {LEADS} — conflict resolution "
      f"strategy system-of-record-wins → last-write-wins ⇒ {SALES}")]),
    ("moved-fields-changed", edit(lambda m: m.spec(LEADS)["datasets"][0].update(
        fields=["id", "email", "phone"])),
     [(f"integration.fields.changed major {LEADS} — dataset 'lead' moved fields email, id → "
      f"email, id, phone ⇒ {SALES}")]),
    ("direction-changed", edit(lambda m: m.spec(LEADS).update(direction="bidirectional")),
     [(f"integration.direction.changed breaking {LEADS} — direction one-way → bidirectional ⇒ "
      f"{SALES}")]),
    ("integration-owner-changed", edit(lambda m: m.spec(LEADS).update(owner="sales-ops")),
     [f"integration.owner.changed major {LEADS} — owner web → sales-ops ⇒ {WEB}; {SALES}"]),
    ("integration-endpoint-changed", edit(lambda m: m.spec(EXPORT).update(target="crm")),
     [f"integration.endpoints.changed major {EXPORT} — target website → crm ⇒ {OPS}; {WEB}"]),
    ("system-added", edit(lambda m: m.add("System", "erp", {"category": "erp", "role": "r",
                                                          "owner": "sales-ops"})),
     [f"system.added minor system/erp — system 'erp' added ⇒ {GOVERNANCE}"]),
    ("system-removed", edit(lambda m: m.remove("system/crm")),
     [f"system.removed breaking system/crm — system 'crm' removed ⇒ {OPS}; {SALES}"]),
    ("system-lifecycle-changed", edit(lambda m: m.spec("system/crm").update(
        lifecycle={"status": "deprecated", "exit_plan": "Move to the new CRM"})),
     [(f"system.lifecycle.changed major system/crm — lifecycle exit_plan (none) → Move to the "
      f"new CRM; status active → deprecated ⇒ {OPS}")]),
    ("system-owner-changed", edit(lambda m: m.spec("system/crm").update(owner="sales-ops")),
     [(f"system.owner.changed major system/crm — owner integration-ops → sales-ops ⇒ {OPS}; "
      f"{SALES}")]),
    ("team-members-changed", edit(lambda m: m.spec("team/sales-ops")["members"].append(
        "mallory")),
     [("team.members.changed major team/sales-ops — members +mallory ⇒ governance approvers or "
      "team/sales-ops members: 1 of bob,dave")]),
    ("person-identity-changed", edit(lambda m: m.spec("person/bob").update(github="bob-new")),
     [(f"person.identity.changed major person/bob — GitHub login bobby → bob-new ⇒ "
      f"{GOVERNANCE}")]),
    ("person-signing-keys-changed", edit(lambda m: m.spec("person/bob").update(
        signing_keys=[("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDvc1J7y0CQ8R9rEAKnQJuVGEzTPvvIvVbIO"
                      "4ocs+eMF bob@laptop")])),
     [(f"person.identity.changed major person/bob — signing keys: 1 added, 0 removed ⇒ "
      f"{GOVERNANCE}")]),
    ("team-and-person-added", _add_zoe_and_her_team,
     [f"person.added minor person/zoe — person 'zoe' added ⇒ {GOVERNANCE}",
      f"team.added minor team/finance — team 'finance' added ⇒ {GOVERNANCE}"]),
    ("team-and-person-removed", _remove_mallory_and_architecture,
     [f"person.removed major person/mallory — person 'mallory' removed ⇒ {GOVERNANCE}",
      f"team.removed major team/architecture — team 'architecture' removed ⇒ {GOVERNANCE}"]),
    ("other-dataset-spec-change-is-dataset-changed", edit(lambda m: m.spec(LEAD).update(
        description="Every enquiry")),
     [f"dataset.changed minor {LEAD} — spec.description changed ⇒ {SALES}"]),
    ("other-integration-spec-change-is-integration-changed", edit(
        lambda m: m.spec(LEADS).update(purpose="Faster sales", method="ipaas")),
     [f"integration.changed minor {LEADS} — spec.method, spec.purpose changed ⇒ {WEB}"]),
    ("other-system-spec-change-is-system-changed", edit(
        lambda m: m.spec("system/crm").update(vendor="Salesforce")),
     [f"system.changed minor system/crm — spec.vendor changed ⇒ {OPS}"]),
    ("other-team-spec-change-is-team-changed", edit(
        lambda m: m.spec("team/sales-ops").update(contact="#sales")),
     [f"team.changed minor team/sales-ops — spec.contact changed ⇒ {SALES}"]),
    ("other-person-spec-change-needs-their-team", edit(
        lambda m: m.spec("person/bob").update(team="web")),
     [f"person.changed minor person/bob — spec.team changed ⇒ {SALES}"]),
    ("labels-are-a-change", edit(lambda m: m.metadata(LEAD).update(labels={"domain": "sales"})),
     [f"dataset.changed minor {LEAD} — metadata.labels changed ⇒ {SALES}"]),
    ("title-and-description-are-prose-not-a-change", edit(
        lambda m: m.metadata(LEAD).update(title="Sales lead", description="An enquiry")), []),
    ("a-moved-file-is-no-change", edit(lambda m: m.move(LEAD, "ecosystem/sales/leads.yml")), []),
    ("two-entities-in-one-file-moved-together-is-no-change",
     _move_a_team_and_its_member_into_one_file, []),
    ("reordered-members-and-spelled-out-defaults-are-no-change",
     _reorder_members_and_spell_out_defaults, []),
]


@pytest.mark.parametrize(("mutate", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_change_type(tmp_path: Path, mutate: Callable[[Manifests], None],
                     expected: list[str]) -> None:
    report = diff_report(changed_estate(tmp_path, mutate))
    assert changes_of(report) == sorted(expected)


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("0 6-18 * * *", "0 6 * * *", ("major — schedule 0 6-18 * * * → 0 6 * * * (slower: 13 → 1 runs "
                                  "a day, longest gap 12 h → 1 d)")),
    ("0 0 * * *", "@daily", "minor — schedule 0 0 * * * → @daily"),
    ("0 9 * * *", "0 9 * * mon-fri", ("major — schedule 0 9 * * * → 0 9 * * mon-fri (slower: 1 → "
                                     "0.715 runs a day, longest gap 1 d → 3 d)")),
    ("0 2 * * *", "0 3 * * *", "minor — schedule 0 2 * * * → 0 3 * * *"),
    ("@hourly", "*/30 * * * *", ("minor — schedule @hourly → */30 * * * * (faster: 24 → 48 runs a "
                                "day, longest gap 1 h → 30 min)")),
    ("0 1 1 * *", "0 1 * * 1", ("minor — schedule 0 1 1 * * → 0 1 * * 1 (faster: 0.0328 → 0.144 "
                               "runs a day, longest gap 31 d → 7 d)")),
])
def test_cron_cadence_is_judged_by_how_often_it_fires(tmp_path: Path, before: str, after: str,
                                                      expected: str) -> None:
    base = starter()
    base.spec(EXPORT)["schedule"] = {"cron": before}
    repo = changed_estate(tmp_path, edit(lambda m: m.spec(EXPORT).update(
        schedule={"cron": after})), base=base)
    change_class, detail = expected.split(" — ")
    assert changes_of(diff_report(repo)) == [
        f"integration.schedule.changed {change_class} {EXPORT} — {detail} ⇒ {OPS}"]


def test_config_changes_need_the_governance_approvers_at_base(tmp_path: Path) -> None:
    head_config = CONFIG.replace("team:architecture", "team:web") + "policies: [policies]\n"
    repo = changed_estate(tmp_path, lambda m: None, head_config=head_config)
    repo.write("policies/custom.yaml", "rules: []\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "custom policy")
    last_commit = diff_report(repo)
    assert [(c.type, c.change_class, c.entity, c.detail, c.file, c.line)
            for c in last_commit.changes] == [
        ("config.changed", "major", "config", "policy file added", "policies/custom.yaml", 1)]
    two_commits = diff_report(repo, _range("HEAD~2..HEAD"))
    assert [(c.detail, c.file, c.line, described(c).split(" ⇒ ")[1])
            for c in two_commits.changes] == [
        ("'change_control' changed in govcheck.yaml", "govcheck.yaml", 2, GOVERNANCE),
        ("'policies' added to govcheck.yaml", "govcheck.yaml", 4, GOVERNANCE),
        ("policy file added", "policies/custom.yaml", 1, GOVERNANCE),
    ]


def test_a_policy_file_edit_is_a_config_change(tmp_path: Path) -> None:
    config = CONFIG + "policies: [policies]\n"
    repo = changed_estate(tmp_path, lambda m: None, head_config=config)
    repo.write("policies/custom.yaml", "rules: [1]\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "policy")
    repo.write("policies/custom.yaml", "rules: [2]\n")
    repo.git("commit", "-q", "-am", "policy edited")
    assert changes_of(diff_report(repo)) == [
        f"config.changed major config — policy file changed ⇒ {GOVERNANCE}"]


def test_changes_are_located_in_head_and_removals_in_base(tmp_path: Path) -> None:
    def mutate(m: Manifests) -> None:
        m.spec(LEAD)["fields"].remove(m.field("phone"))
        m.field("tier").update(type="string")
        m.spec(LEADS).pop("fallback")
        m.remove("system/website")
    report = diff_report(changed_estate(tmp_path, mutate))
    located = [(c.type, f"{c.file}:{c.line}") for c in report.changes]
    lead, leads = "ecosystem/datasets/lead.yaml", "ecosystem/integrations/website-leads.yaml"
    lead_text = (Path(tmp_path / "repo" / lead)).read_text().splitlines()
    fields_line = lead_text.index("  fields:") + 1
    tier_type_line = lead_text.index("  - name: tier") + 2
    assert lead_text[tier_type_line - 1] == "    type: string"
    assert located == [
        ("dataset.field.removed", f"{lead}:{fields_line}"),  # the field is gone: spec.fields
        ("dataset.field.type_changed", f"{lead}:{tier_type_line}"),  # the field's new type
        ("integration.fallback.changed", f"{leads}:4"),  # gone: at metadata.name
        ("system.removed", "ecosystem/systems/website.yaml:4"),  # in BASE
    ]


def _range(spec: str) -> Any:
    from govcheck.app.diff import DiffOptions
    return DiffOptions(spec)


@pytest.mark.parametrize("head", ["commit", "worktree", "staged"])
def test_a_manifest_moved_into_a_hidden_folder_leaves_the_estate_with_sign_off(
        tmp_path: Path, head: str) -> None:
    """`check` never reads a hidden folder, so diff must not either: moving dataset/lead to
    ecosystem/.old/ takes it out of the estate, a removal its approvers sign off."""
    def hide(m: Manifests) -> None:
        m.documents[LEAD] = ("ecosystem/.old/lead.yaml", m.documents[LEAD][1])

    if head == "commit":
        repo = changed_estate(tmp_path, hide)
        report = diff_report(repo)
    else:
        repo = changed_estate(tmp_path, lambda m: None)
        moved = starter()
        hide(moved)
        repo.write_estate(moved)
        if head == "staged":
            repo.git("add", "-A")
        report = diff_report(repo, DiffOptions(base="HEAD", worktree=head == "worktree",
                                               staged=head == "staged"))
    assert [(change.type, change.entity) for change in report.changes] == [
        ("dataset.removed", LEAD)]
    assert report.failed
