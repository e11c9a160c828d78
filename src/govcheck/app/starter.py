"""`govcheck init`: a small, valid starter estate. It never overwrites without --force."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from govcheck.errors import GovcheckError

_CONFIG = """\
# govcheck configuration: see 'govcheck explain GOV018' for waivers.
ecosystem: ecosystem
change_control:
  governance_approvers: [team:operations]
  signoff_sources: [github, signed, cli]
"""

_PEOPLE = """\
apiVersion: govcheck/v1
kind: Team
metadata: {name: operations, title: Operations}
spec:
  function: operations
  members: [sam-owner]
  github: your-org/operations     # the GitHub team: CODEOWNERS and diff name it
---
apiVersion: govcheck/v1
kind: Person
metadata: {name: sam-owner, title: Sam Owner}
spec:
  email: sam@example.com
  github: sam-owner               # the GitHub login: reviews count as sign-off
  team: operations
"""

_SYSTEMS = """\
apiVersion: govcheck/v1
kind: System
metadata: {name: website, title: Company website}
spec:
  category: website
  role: Publishes the catalogue and captures enquiries
  owner: operations
---
apiVersion: govcheck/v1
kind: System
metadata: {name: crm, title: CRM}
spec:
  category: crm
  role: Owns leads, contacts and their sales status
  owner: operations
  api:
    rate_limit: {requests: 100, per: minute}
"""

_DATASET = """\
apiVersion: govcheck/v1
kind: Dataset
metadata: {name: lead, title: Lead}
spec:
  description: A prospective customer's enquiry
  system_of_record: crm
  owner: operations
  classification: confidential
  fields:
    - {name: id, type: string, required: true}
    - {name: email, type: string, required: true, pii: true}
    - {name: name, type: string, pii: true}
    - {name: consent, type: boolean, required: true}
  change_control:
    approvers: [person:sam-owner]
"""

_INTEGRATION = """\
apiVersion: govcheck/v1
kind: Integration
metadata: {name: website-leads-to-crm, title: Website leads to CRM}
spec:
  owner: operations
  purpose: Enquiries reach sales within five minutes
  process:
    trigger: Enquiry form submitted
    outcome: Lead created in the CRM and assigned
  source: website
  target: crm
  datasets:
    - dataset: lead
      fields: [email, name, consent]
  mode: real-time
  method: native-connector
  conflict_resolution: {winner: crm, strategy: system-of-record-wins}
  fallback:
    strategy: queue-and-replay
    description: Enquiries are queued and replayed when the CRM is back
    max_delay: PT4H
  monitoring:
    owner: operations
    alert_channel: "#ops-alerts"
  success_measures:
    - {metric: median lead response time, baseline: 4h, target: 15m}
  review:
    interval: P6M
    last_reviewed: {today}
"""


def starter_files(today: dt.date) -> dict[str, str]:
    return {
        "govcheck.yaml": _CONFIG,
        "ecosystem/people.yaml": _PEOPLE,
        "ecosystem/systems.yaml": _SYSTEMS,
        "ecosystem/datasets/lead.yaml": _DATASET,
        "ecosystem/integrations/website-leads-to-crm.yaml":
            _INTEGRATION.replace("{today}", today.isoformat()),
    }


def write_starter(directory: Path, today: dt.date, force: bool) -> list[Path]:
    """Write the starter files; refuse a folder with anything but hidden entries in it."""
    if directory.exists() and not directory.is_dir():
        raise GovcheckError(f"'{directory}' exists and is not a folder")
    if directory.is_dir() and not force:
        present = sorted(p.name for p in directory.iterdir() if not p.name.startswith("."))
        if present:
            raise GovcheckError(f"'{directory}' is not empty ({', '.join(present[:5])}): "
                                "refusing to write into it; use an empty folder or --force")
    written = []
    try:
        for name, text in starter_files(today).items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as error:
        raise GovcheckError(f"cannot write the starter estate: {error}") from None
    return written
