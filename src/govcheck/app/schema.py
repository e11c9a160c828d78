"""`govcheck schema`: the JSON Schemas written out for editors."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from govcheck.errors import GovcheckError
from govcheck.load.schema import KINDS, config_schema, kind_schema, suggest


def _schemas(kind: str | None) -> dict[str, dict[str, object]]:
    if kind is None:
        all_schemas = {name.lower(): kind_schema(name) for name in KINDS}
        all_schemas["config"] = config_schema()
        return all_schemas
    names = {name.lower(): name for name in KINDS}
    if kind.lower() == "config":
        return {"config": config_schema()}
    if kind.lower() not in names:
        choices = [*names, "config"]
        raise GovcheckError(f"unknown kind '{kind}'{suggest(kind.lower(), choices)}: "
                            f"one of {', '.join(choices)}")
    return {kind.lower(): kind_schema(names[kind.lower()])}


def export_schemas(kind: str | None, output_dir: Path | None) -> Iterator[str]:
    """Print one schema (or all, keyed by kind) or write `<kind>.schema.json` files."""
    schemas = _schemas(kind)
    if output_dir is None:
        value = next(iter(schemas.values())) if kind else schemas
        yield json.dumps(value, indent=2)
        return
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        for name, schema in schemas.items():
            path = output_dir / f"{name}.schema.json"
            path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
            yield f"wrote {path}"
    except OSError as error:
        raise GovcheckError(f"cannot write schemas to '{output_dir}': {error.strerror}") from None
    yield ("editors: add '# yaml-language-server: $schema=<path to the kind's file>' at the "
           "top of a manifest")
