"""The ecosystem map of a project, as a library function (`govcheck graph` calls it)."""
from __future__ import annotations

import datetime as dt

from govcheck.app.check import report_for
from govcheck.app.project import Project, load_estate
from govcheck.model.findings import Severity
from govcheck.views.graph import EcosystemMap, build_map


def project_map(project: Project, as_of: dt.date) -> EcosystemMap:
    """The map of a project's estate, with the findings of a check as of `as_of`."""
    estate = load_estate(project, project.ecosystem)
    report = report_for(estate, project, project.rules(), as_of, Severity.ERROR)
    return build_map(estate, report.findings)
