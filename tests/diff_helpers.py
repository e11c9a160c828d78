"""A small estate that diff tests change, commit to a real git repository and compare.

People and who stands for what at BASE:
  bob (sales-ops), jane (data-governance), carol (integration-ops), dave (architecture, the
  governance approvers), erin (web), mallory (in no team: the one who tries to approve
  their own change).
  system/crm (owner integration-ops), system/website (owner web)
  dataset/lead (system of record crm, owner sales-ops, approvers [person:jane])
  integration/website-leads (owner web, website → crm, real-time, monitoring integration-ops)
  integration/nightly-export (owner integration-ops, crm → website, every PT1H)
"""
from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from git_helpers import GitRepo

from govcheck.app.diff import DiffOptions, run_diff
from govcheck.changes.report import DiffReport

CONFIG = """\
ecosystem: ecosystem
change_control:
  governance_approvers: [team:architecture]
"""

PEOPLE = {  # name: (team, github login)
    "bob": ("sales-ops", "bobby"),
    "jane": ("data-governance", "janedoe"),
    "carol": ("integration-ops", "carol-gh"),
    "dave": ("architecture", "dave-gh"),
    "erin": ("web", "erin-gh"),
    "mallory": (None, "mallory-gh"),
}


@dataclass
class Manifests:
    """Manifests by kind/name, each with the file it lives in."""

    documents: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    def add(self, kind: str, name: str, spec: dict[str, Any], path: str | None = None,
            **metadata: Any) -> None:
        folder = {"Team": "teams", "Person": "people"}.get(kind, kind.lower() + "s")
        document = {"apiVersion": "govcheck/v1", "kind": kind,
                    "metadata": {"name": name, **metadata}, "spec": spec}
        self.documents[f"{kind.lower()}/{name}"] = (path or f"ecosystem/{folder}/{name}.yaml",
                                                   document)

    def spec(self, key: str) -> dict[str, Any]:
        spec: dict[str, Any] = self.documents[key][1]["spec"]
        return spec

    def metadata(self, key: str) -> dict[str, Any]:
        metadata: dict[str, Any] = self.documents[key][1]["metadata"]
        return metadata

    def field(self, name: str, dataset: str = "dataset/lead") -> dict[str, Any]:
        found: dict[str, Any] = next(item for item in self.spec(dataset)["fields"]
                                     if item["name"] == name)
        return found

    def remove(self, key: str) -> None:
        del self.documents[key]

    def move(self, key: str, path: str) -> None:
        self.documents[key] = (path, self.documents[key][1])

    def files(self) -> dict[str, str]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for path, document in self.documents.values():
            grouped.setdefault(path, []).append(document)
        return {path: yaml.safe_dump_all(documents, sort_keys=False, width=200)
                for path, documents in sorted(grouped.items())}


def starter() -> Manifests:
    """The estate every test starts from (see the module docstring)."""
    manifests = Manifests()
    for name, (team, login) in PEOPLE.items():
        spec = {"email": f"{name}@example.com", "github": login}
        manifests.add("Person", name, {**spec, "team": team} if team else spec,
                      title=name.capitalize())
    for team, function in (("sales-ops", "sales"), ("data-governance", "data"),
                           ("integration-ops", "technology"), ("architecture", "technology"),
                           ("web", "digital")):
        members = [name for name, (member_of, _) in PEOPLE.items() if member_of == team]
        manifests.add("Team", team, {"function": function, "members": members})
    manifests.add("System", "crm", {"category": "crm", "role": "Leads and accounts",
                                    "owner": "integration-ops"})
    manifests.add("System", "website", {"category": "website", "role": "Enquiry forms",
                                        "owner": "web"})
    manifests.add("Dataset", "lead", _lead_spec())
    manifests.add("Integration", "website-leads", _website_leads_spec())
    manifests.add("Integration", "nightly-export", _nightly_export_spec())
    return manifests


def _lead_spec() -> dict[str, Any]:
    return {
        "system_of_record": "crm", "owner": "sales-ops", "classification": "confidential",
        "fields": [{"name": "id", "type": "string", "required": True},
                   {"name": "email", "type": "string", "pii": True},
                   {"name": "phone", "type": "string"},
                   {"name": "tier", "type": "enum", "values": ["bronze", "silver", "gold"]}],
        "change_control": {"approvers": ["person:jane"]},
    }


def _website_leads_spec() -> dict[str, Any]:
    return {
        "owner": "web", "purpose": "Enquiries reach sales", "source": "website", "target": "crm",
        "datasets": [{"dataset": "lead", "fields": ["id", "email"]}], "mode": "real-time",
        "conflict_resolution": {"winner": "crm", "strategy": "system-of-record-wins"},
        "fallback": {"strategy": "queue-and-replay", "description": "Queued and replayed"},
        "monitoring": {"owner": "integration-ops", "alert_channel": "#alerts"},
    }


def _nightly_export_spec() -> dict[str, Any]:
    return {
        "owner": "integration-ops", "purpose": "Leads on the website", "source": "crm",
        "target": "website", "datasets": [{"dataset": "lead"}], "mode": "scheduled",
        "schedule": {"every": "PT1H"},
        "monitoring": {"owner": "integration-ops", "alert_channel": "#alerts"},
    }


class DiffRepo(GitRepo):
    """A repository whose commits replace the whole ecosystem folder with `Manifests`."""

    def commit_estate(self, manifests: Manifests, message: str = "estate",
                      config: str | None = CONFIG, extra: Mapping[str, str] | None = None,
                      author: str | None = None) -> str:
        self.write_estate(manifests, config, extra)
        self.git("add", "-A")
        options = ["--author", author] if author else []
        self.git("commit", "-q", "--allow-empty", *options, "-m", message)
        return self.sha("HEAD")

    def write_estate(self, manifests: Manifests, config: str | None = CONFIG,
                     extra: Mapping[str, str] | None = None) -> None:
        shutil.rmtree(self.path / "ecosystem", ignore_errors=True)
        for path, text in {**manifests.files(), **(extra or {})}.items():
            self.write(path, text)
        config_path = self.path / "govcheck.yaml"
        if config is None:
            config_path.unlink(missing_ok=True)
        else:
            config_path.write_text(config)


def new_repo(tmp_path: Path, name: str = "repo") -> DiffRepo:
    """`git init` in tmp_path/name, with a local identity and no signing."""
    repo = DiffRepo(tmp_path / name)
    repo.path.mkdir(parents=True, exist_ok=True)
    repo.git("init", "-q", "-b", "main")
    repo.configure()
    return repo


Mutation = Callable[[Manifests], None]


def changed_estate(tmp_path: Path, mutate: Mutation, *, base: Manifests | None = None,
                   head_config: str = CONFIG, message: str = "change") -> DiffRepo:
    """A repository with two commits: the starter estate, then `mutate` applied to it."""
    repo = new_repo(tmp_path)
    before = base or starter()
    repo.commit_estate(before, "starter")
    after = copy.deepcopy(before)
    mutate(after)
    repo.commit_estate(after, message, head_config)
    return repo


def diff_report(repo: GitRepo, options: DiffOptions | None = None,
                environ: Mapping[str, str] | None = None) -> DiffReport:
    report, _ = run_diff(options or DiffOptions("HEAD~1..HEAD"), repo.path, environ or {})
    return report


def run_govcheck(repo: GitRepo, *args: str,
                 env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command line, as a user runs it."""
    import os

    environment = {**os.environ, **(env or {})}
    for name in ("GITHUB_ACTIONS", "GITHUB_EVENT_PATH", "GITHUB_BASE_REF", "NO_COLOR"):
        if name not in (env or {}):
            environment.pop(name, None)
    return subprocess.run([sys.executable, "-m", "govcheck", "diff", *args], cwd=repo.path,
                          env=environment, capture_output=True, text=True, timeout=60,
                          check=False)


def remove_phone(m: Manifests) -> None:
    """The breaking change most sign-off tests make: dataset/lead loses its phone field."""
    m.spec("dataset/lead")["fields"].remove(m.field("phone"))
