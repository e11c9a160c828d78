"""`govcheck schema`: the JSON Schemas written out for editors."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from govcheck.errors import GovcheckError
from govcheck.load.schema import (
    KINDS,
    config_schema,
    kind_schema,
    manifest_schema,
    suggest,
)

EDITOR_HINT = ("editors: map {manifest} to the manifests' folder (VS Code: \"yaml.schemas\"), or "
               "start a manifest with '# yaml-language-server: $schema=<its path from that "
               "manifest>'")


def all_schemas() -> dict[str, dict[str, object]]:
    """Every schema by name: one per kind, `manifest` (any kind, chosen by `kind`) and
    `config` (govcheck.yaml)."""
    schemas: dict[str, dict[str, object]] = {name.lower(): kind_schema(name) for name in KINDS}
    schemas["manifest"] = manifest_schema()
    schemas["config"] = config_schema()
    return schemas


def _schemas(name: str | None) -> dict[str, dict[str, object]]:
    schemas = all_schemas()
    if name is None:
        return schemas
    if name.lower() not in schemas:
        raise GovcheckError(f"unknown kind '{name}'{suggest(name.lower(), schemas)}: "
                            f"one of {', '.join(schemas)}")
    return {name.lower(): schemas[name.lower()]}


def export_schemas(kind: str | None, output_dir: Path | None) -> Iterator[str]:
    """Print one schema (or all, keyed by name) or write `<name>.schema.json` files."""
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
    if "manifest" in schemas:
        yield EDITOR_HINT.format(manifest=output_dir / "manifest.schema.json")
