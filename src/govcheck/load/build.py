"""From sources to an estate: each file parsed once (or taken from the cache), every entity
indexed."""
from __future__ import annotations

from collections.abc import Iterable

from govcheck.load.cache import ParseCache
from govcheck.load.collector import collector_paused
from govcheck.load.discover import SourceFile
from govcheck.load.parse import ParsedDocument, ParsedFile, parse_file
from govcheck.model.document import LoadProblem, SchemaProblem
from govcheck.model.estate import Entity, Estate


def build_estate(sources: Iterable[SourceFile], problems: Iterable[LoadProblem] = (),
                 cache: ParseCache | None = None) -> Estate:
    """Parse every source (through the cache when given) and index the entities. The caller
    saves the cache, once per run, whatever number of estates it built with it."""
    estate = Estate(load_problems=list(problems))
    with collector_paused():
        for source in sorted(sources, key=lambda s: s.path):
            add_file(estate, source, _parsed(source, cache))
    return estate


def _parsed(source: SourceFile, cache: ParseCache | None) -> ParsedFile:
    parsed = cache.get(source) if cache is not None else None
    if parsed is None:
        parsed = parse_file(source)
        if cache is not None:
            cache.put(source, parsed)
    return parsed


def add_file(estate: Estate, source: SourceFile, parsed: ParsedFile) -> None:
    estate.files.add(source.path)
    estate.load_problems.extend(parsed.problems)
    estate.unreadable_names.update(parsed.unreadable_names)
    for item in parsed.documents:
        add_document(estate, item)


def add_document(estate: Estate, parsed: ParsedDocument) -> None:
    document = parsed.document
    estate.documents.append(document)
    estate.schema_problems.extend((document, problem) for problem in parsed.problems)
    metadata = document.data.get("metadata") if isinstance(document.data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if parsed.kind is None or not isinstance(name, str):
        if isinstance(name, str):
            estate.unreadable_names.add(name)
        return
    entity = Entity(parsed.kind, name, document,
                    valid=not parsed.problems and not document.damaged)
    existing = estate.entities.get(entity.key)
    if existing is not None:
        line, _ = existing.locate(("metadata", "name"))
        estate.schema_problems.append((document, SchemaProblem(
            ("metadata", "name"),
            f"duplicate name: {entity.key} is already defined at {existing.file}:{line}")))
        return
    estate.entities[entity.key] = entity
