"""`govcheck impact` as a library function: a project's estate, one system, one scenario."""
from __future__ import annotations

import datetime as dt

from govcheck.app.project import Project, load_estate
from govcheck.views.impact import Impact, impact


def run_impact(project: Project, system_name: str, down: str | None, replace_system: bool,
               as_of: dt.date) -> Impact:
    """What happens if `system_name` is down for `down` (an ISO-8601 duration) or, with
    `replace_system`, is replaced; an unknown name or a bad duration is a GovcheckError."""
    estate = load_estate(project, project.ecosystem, use_cache=True)
    return impact(estate, project.config, system_name, down, replace_system, as_of)
