"""`govcheck site DIR`: the estate as a static web site that works offline, opened from disk.

`build_site` checks the estate, gathers the pages (`gather_site`; each entity's page shows
what `govcheck show` prints: `views.entity.describe`), renders them and writes the folder
safely.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from govcheck.app.check import report_for
from govcheck.app.project import Project, load_estate
from govcheck.load.config import Config
from govcheck.model.estate import Estate
from govcheck.model.findings import Finding, Severity
from govcheck.outputs.site import render_site
from govcheck.outputs.site.folder import write_site
from govcheck.views.entity import describe
from govcheck.views.graph import build_map
from govcheck.views.relations import relations
from govcheck.views.site import Site, entity_index, findings_by_entity, overview
from govcheck.views.site_page import entity_page


@dataclass(frozen=True)
class SiteResult:
    """What `govcheck site` did."""

    directory: Path
    pages: tuple[str, ...]      # every file written, relative to the directory
    removed: tuple[str, ...]    # files of the previous site that are no longer part of it
    kept: tuple[str, ...]       # files of the previous site changed since: left untouched
    findings: int               # active findings shown in the site


def build_site(project: Project, directory: Path, as_of: dt.date, force: bool = False) -> SiteResult:
    """Check the project's estate and write it as a web site into `directory`."""
    estate = load_estate(project, project.ecosystem)
    report = report_for(estate, project, project.rules(), as_of, Severity.ERROR)
    site = gather_site(estate, report.findings, as_of, project.config)
    written = write_site(directory, render_site(site), force)
    return SiteResult(directory, written.written, written.removed, written.kept, len(report.active))


def gather_site(estate: Estate, findings: tuple[Finding, ...], as_of: dt.date,
                config: Config | None = None) -> Site:
    """The site's data: the overview, the map, the index and every entity's page, each
    described once from one index of the estate's relations."""
    found = relations(estate)
    by_entity = findings_by_entity(findings)
    pages = tuple(entity_page(describe(estate, entity, by_entity.get(entity.key, ()), config, found,
                                       locate=False))
                  for entity in sorted(estate.entities.values(), key=lambda e: e.key))
    return Site(overview(estate, found, findings, as_of), build_map(estate, findings),
                entity_index(estate, found.titles), pages)
