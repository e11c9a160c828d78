"""Data contracts into Datasets: the Data Contract Specification (datacontract.com,
`dataContractSpecification:`) and Bitol's Open Data Contract Standard v3 (`kind:
DataContract`, `apiVersion: v3.x`).

Each model (DCS `models:`) or schema object (ODCS `schema:`) is one Dataset, named after it,
with its fields: name, type (mapped to govcheck's types; one govcheck has no word for is
TODO), required, `pii` (DCS `pii: true`; ODCS a `pii` custom property or tag) and the enum
values. The dataset's classification is the most protective field or model classification
among public, internal, confidential and restricted (another word is TODO). The owner is the
contract's owner team (DCS `info.owner`, ODCS `team.name`) as a govcheck name ("Checkout
Team" is checkout-team). The system of record is a decision a contract does not record
(TODO); the approvers are left out, so GOV002 asks for them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from govcheck.app.imports.drafts import (
    CLASSIFICATIONS,
    NAME,
    TODO_SYSTEM_OF_RECORD,
    Draft,
    Origin,
    Problem,
    Reading,
    listing,
    mapping,
    name_problem,
    slug,
    text,
)
from govcheck.model.document import Document

FORMAT = "datacontract"
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
TYPES = {
    "string": "string", "text": "string", "varchar": "string", "char": "string",
    "uuid": "string", "bytes": "string", "time": "string",
    "integer": "integer", "int": "integer", "long": "integer", "bigint": "integer",
    "smallint": "integer",
    "number": "number", "decimal": "number", "numeric": "number", "float": "number",
    "double": "number",
    "boolean": "boolean", "bool": "boolean",
    "date": "date",
    "timestamp": "datetime", "timestamp_tz": "datetime", "timestamp_ntz": "datetime",
    "datetime": "datetime",
    "object": "object", "record": "object", "struct": "object", "map": "object",
    "array": "array",
}
TODO_OWNER = "TODO: the one team accountable for this data (the contract names none)"


def read(sources: Iterable[Path], cwd: Path) -> Reading:
    reading = Reading()
    for document in reading.yaml_documents(sources, cwd):
        reading.extend(_contract(document))
    return reading


def _contract(document: Document) -> Reading:
    data = document.data
    origin = Origin(document.file, document.start[0])
    if isinstance(data, dict) and "dataContractSpecification" in data:
        return _specification(document, data)
    if isinstance(data, dict) and data.get("kind") == "DataContract":
        version = text(data.get("apiVersion"))
        if version.startswith("v3"):
            return _odcs(document, data)
        return Reading(problems=[Problem(origin, f"ODCS apiVersion '{version}' is not "
                                                 "supported: govcheck reads ODCS v3")])
    return Reading(problems=[Problem(origin, "not a data contract: neither "
                                             "'dataContractSpecification:' (datacontract.com) "
                                             "nor 'kind: DataContract' (ODCS v3)")])


# -- Data Contract Specification -------------------------------------------------------------

def _specification(document: Document, data: dict[str, Any]) -> Reading:
    reading = Reading()
    info = mapping(data.get("info"))
    owner = _owner(text(info.get("owner")))
    models = data.get("models")
    if not isinstance(models, dict) or not models:
        reading.problems.append(Problem(Origin(document.file, document.start[0]),
                                        "the contract has no models"))
        return reading
    definitions = mapping(data.get("definitions"))
    for name, model in models.items():
        at = _origin(document, ("models", name))
        if not isinstance(model, dict):
            reading.problems.append(Problem(at, f"model '{name}' is not a mapping"))
            continue
        fields = mapping(model.get("fields"))
        columns = [(field_name, _resolved(spec, definitions),
                    _origin(document, ("models", name, "fields", field_name)))
                   for field_name, spec in fields.items() if isinstance(spec, dict)]
        title = text(model.get("title")) or (text(info.get("title")) if len(models) == 1 else "")
        _dataset(reading, str(name), at, columns, owner, model, title)
    return reading


def _resolved(field: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """A field with its `$ref: '#/definitions/NAME'` filled in (the field's own keys win)."""
    reference = text(field.get("$ref"))
    prefix = "#/definitions/"
    if reference.startswith(prefix) and isinstance(definitions.get(reference[len(prefix):]), dict):
        return {**definitions[reference[len(prefix):]], **field}
    return field


# -- Open Data Contract Standard v3 ----------------------------------------------------------

def _odcs(document: Document, data: dict[str, Any]) -> Reading:
    reading = Reading()
    team = data.get("team")
    owner = _owner(text(team.get("name"))) if isinstance(team, dict) else TODO_OWNER
    objects = data.get("schema")
    if not isinstance(objects, list) or not objects:
        reading.problems.append(Problem(Origin(document.file, document.start[0]),
                                        "the contract has no schema objects"))
        return reading
    for index, item in enumerate(objects):
        at = _origin(document, ("schema", index))
        if not isinstance(item, dict):
            reading.problems.append(Problem(at, "a schema object is not a mapping"))
            continue
        properties = listing(item.get("properties"))
        columns = [(text(prop.get("name")), _odcs_field(prop),
                    _origin(document, ("schema", index, "properties", position)))
                   for position, prop in enumerate(properties) if isinstance(prop, dict)]
        _dataset(reading, text(item.get("name")), at, columns, owner, item,
                 text(item.get("businessName")))
    return reading


def _odcs_field(prop: dict[str, Any]) -> dict[str, Any]:
    """An ODCS property in the Data Contract Specification's words."""
    custom = {text(entry.get("property")).lower(): entry.get("value")
              for entry in listing(prop.get("customProperties")) if isinstance(entry, dict)}
    tags = {text(tag).lower() for tag in listing(prop.get("tags"))}
    options = mapping(prop.get("logicalTypeOptions"))
    return {"type": prop.get("logicalType"), "required": prop.get("required"),
            "classification": prop.get("classification"), "description": prop.get("description"),
            "pii": custom.get("pii") in (True, "true", "yes") or "pii" in tags,
            "enum": options.get("enum")}


# -- both ------------------------------------------------------------------------------------

Column = tuple[str, dict[str, Any], Origin]


def _dataset(reading: Reading, name: str, at: Origin, columns: list[Column], owner: str,
             model: dict[str, Any], title: str) -> None:
    problem = name_problem(name, "dataset name") if name else "a model needs a name"
    if problem:
        reading.problems.append(Problem(at, problem))
        return
    if not columns:
        reading.problems.append(Problem(at, f"model '{name}' has no fields: a dataset needs "
                                            "at least one"))
        return
    fields = [_field(field_name, spec, where, reading) for field_name, spec, where in columns]
    spec: dict[str, Any] = {"system_of_record": TODO_SYSTEM_OF_RECORD, "owner": owner,
                            "fields": fields}
    classification = _classification([model, *(spec for _, spec, _ in columns)])
    if classification:
        spec["classification"] = classification
    description = text(model.get("description"))
    if description:
        spec["description"] = description
    reading.drafts.append(Draft("Dataset", name, spec, at, FORMAT, {"title": title}))


def _field(name: str, spec: dict[str, Any], where: Origin, reading: Reading) -> dict[str, Any]:
    if not FIELD_NAME.match(name):
        reading.problems.append(Problem(where, f"field name '{name}' is not valid: letters, "
                                               "digits, '_', '.' and '-', not starting with a "
                                               "digit"))
    written = text(spec.get("type")).lower()
    field: dict[str, Any] = {"name": name, "type": TYPES.get(written) or
                             (f"TODO: the contract's type '{written}' has no govcheck type"
                              if written else "TODO: the field's type")}
    values = spec.get("enum")
    if isinstance(values, list) and values:
        field["type"], field["values"] = "enum", list(dict.fromkeys(values))
    if spec.get("required") is True:
        field["required"] = True
    if spec.get("pii") is True:
        field["pii"] = True
    description = text(spec.get("description"))
    if description:
        field["description"] = description
    return field


def _classification(sources: Iterable[dict[str, Any]]) -> str:
    """The most protective classification given; one govcheck does not know is TODO."""
    given = [text(source.get("classification")).lower() for source in sources]
    given = [value for value in given if value]
    known = [value for value in given if value in CLASSIFICATIONS]
    unknown = sorted(set(given) - set(CLASSIFICATIONS))
    if unknown:
        return (f"TODO: the contract classifies as {', '.join(unknown)}: one of "
                f"{', '.join(CLASSIFICATIONS)}")
    return max(known, key=CLASSIFICATIONS.index) if known else ""


def _owner(value: str) -> str:
    name = slug(value) if value else ""
    return name if name and NAME.match(name) else TODO_OWNER


def _origin(document: Document, path: tuple[Any, ...]) -> Origin:
    return Origin(document.file, (document.position(path) or document.start)[0])
