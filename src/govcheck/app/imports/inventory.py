"""Spreadsheet inventories, as CSV exports: a systems inventory and an integrations inventory.

A file with `source` and `target` columns is an integrations inventory; any other file is a
systems inventory. The header row names the columns, matched without
regard to case, spaces, `-` or `_` ("Contract End" is contract_end); other columns are left
out (and said so). UTF-8 with or without a byte-order mark; commas, or Excel's semicolons
(the header row decides), or tabs.

Systems: name (required), title, category, role (or description), owner, vendor, status
(planned, active, deprecated, retired), contract_end (YYYY-MM-DD), exit_plan.
Integrations: name, source, target (required), title, datasets (names separated by `,`, `;`
or `|`), mode (real-time, scheduled, manual), schedule (an ISO-8601 duration such as PT15M,
or a 5-field cron), owner, purpose, direction (one-way, bidirectional), method
(native-connector, ipaas, custom, file-transfer, manual).

What a cell leaves empty and the manifest needs is TODO; a value that is there but wrong is a
problem with its file and line.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govcheck.app.imports.drafts import (
    CATEGORIES,
    TODO_CATEGORY,
    TODO_ROLE,
    Draft,
    Origin,
    Problem,
    Reading,
    name_problem,
)
from govcheck.load.discover import display_name
from govcheck.model.timing import parse_date

FORMAT = "csv"
SYSTEM_COLUMNS = ("name", "title", "category", "role", "owner", "vendor", "status",
                  "contract_end", "exit_plan")
INTEGRATION_COLUMNS = ("name", "title", "source", "target", "datasets", "mode", "schedule",
                       "owner", "purpose", "direction", "method")
ALIASES = {"description": "role", "lifecycle": "status", "system": "name",
           "integration": "name"}
STATUSES = ("planned", "active", "deprecated", "retired")
MODES = {"real-time": "real-time", "realtime": "real-time", "scheduled": "scheduled",
         "batch": "scheduled", "manual": "manual"}
DIRECTIONS = ("one-way", "bidirectional")
METHODS = ("native-connector", "ipaas", "custom", "file-transfer", "manual")
TODO_OWNER = "TODO: the team that owns it"
TODO_DATASETS = "TODO: the dataset it carries"
TODO_MODE = "TODO: real-time, scheduled or manual"
_CRON = re.compile(r"^\S+(\s+\S+){4}$")


@dataclass(frozen=True)
class Row:
    """One data row: its cells by (canonical) column, and where it starts."""

    cells: dict[str, str]
    origin: Origin

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def read(sources: Iterable[Path], cwd: Path) -> Reading:
    reading = Reading()
    for source in sources:
        reading.extend(read_file(source, display_name(source, cwd)))
    return reading


def read_file(path: Path, name: str) -> Reading:
    reading = Reading()
    try:
        data = path.read_bytes()
    except OSError as error:
        reading.problems.append(Problem(Origin(name, 1), f"cannot read the file: {error.strerror}"))
        return reading
    text = _decode(data, name, reading)
    if text is None:
        return reading
    header, rows = _rows(text, name, reading)
    if header is None:
        return reading
    columns: tuple[str, ...]
    required: tuple[str, ...]
    if "source" in header or "target" in header:
        columns, build, required = INTEGRATION_COLUMNS, _integration, ("name", "source", "target")
    else:
        columns, build, required = SYSTEM_COLUMNS, _system, ("name",)
    missing = [column for column in required if column not in header]
    if missing:
        inventory = "an integrations" if build is _integration else "a systems"
        reading.problems.append(Problem(Origin(name, 1), f"no {' or '.join(missing)} column: "
                                        f"{inventory} inventory needs {', '.join(required)}"))
        return reading
    _check_columns(header, columns, name, reading)
    if reading.problems:
        return reading
    for row in rows:
        _build(row, build, reading)
    return reading


def _decode(data: bytes, name: str, reading: Reading) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        reading.problems.append(Problem(Origin(name, line), f"not UTF-8 (byte 0x"
                                        f"{data[error.start]:02x}): export it as 'CSV UTF-8'"))
        return None


def canonical(column: str) -> str:
    """`Contract End`, `contract-end` and `CONTRACT_END` are all contract_end."""
    key = re.sub(r"[\s\-]+", "_", column.strip().lower())
    return ALIASES.get(key, key)


def _rows(text: str, name: str, reading: Reading) -> tuple[list[str] | None, list[Row]]:
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if first.strip() else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            reading.problems.append(Problem(Origin(name, 1), "empty file: the first row names "
                                                             "the columns"))
            return None, []
        columns = [canonical(cell) for cell in header]
        return columns, list(_data_rows(reader, columns, name, reading))
    except csv.Error as error:
        reading.problems.append(Problem(Origin(name, reader.line_num), f"not valid CSV: {error}"))
        return None, []


def _data_rows(reader: Any, columns: list[str], name: str, reading: Reading) -> Iterator[Row]:
    start = reader.line_num + 1
    for cells in reader:
        origin = Origin(name, start)
        start = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        extra = [cell for cell in cells[len(columns):] if cell.strip()]
        if extra:
            reading.problems.append(Problem(origin, f"the row has {len(cells)} cells and the "
                                                    f"header {len(columns)}: quote a value "
                                                    "that contains the separator"))
            continue
        yield Row(dict(zip(columns, cells)), origin)


def _check_columns(header: list[str], columns: tuple[str, ...], name: str,
                   reading: Reading) -> None:
    seen: set[str] = set()
    for column in header:
        if column in seen and column in columns:
            reading.problems.append(Problem(Origin(name, 1), f"the column '{column}' appears "
                                                             "twice"))
        seen.add(column)
    unknown = [column for column in header if column and column not in columns]
    if unknown:
        reading.notes.append(f"{name}: columns left out: {', '.join(unknown)} (known: "
                             f"{', '.join(columns)})")


Builder = Callable[[Row, list[str]], Draft]


def _build(row: Row, build: Builder, reading: Reading) -> None:
    errors: list[str] = []
    draft = build(row, errors)
    reading.problems += [Problem(row.origin, error) for error in errors]
    if not errors:
        reading.drafts.append(draft)


def _name(row: Row, column: str, errors: list[str], required: bool = True) -> str:
    value = row.get(column)
    if not value:
        if required:
            errors.append(f"no {column}: the '{column}' cell is empty")
        return ""
    problem = name_problem(value, column)
    if problem:
        errors.append(problem)
    return value


def _choice(row: Row, column: str, choices: Iterable[str], errors: list[str],
            aliases: dict[str, str] | None = None) -> str:
    value = re.sub(r"[\s_]+", "-", row.get(column).lower())
    known = aliases or {choice: choice for choice in choices}
    if value and value not in known:
        errors.append(f"{column} '{row.get(column)}' is not one of {', '.join(choices)}")
    return known.get(value, "")


def _system(row: Row, errors: list[str]) -> Draft:
    name = _name(row, "name", errors)
    spec: dict[str, Any] = {
        "category": _choice(row, "category", CATEGORIES, errors) or TODO_CATEGORY,
        "role": row.get("role") or TODO_ROLE,
        "owner": _name(row, "owner", errors, required=False) or TODO_OWNER,
    }
    if row.get("vendor"):
        spec["vendor"] = row.get("vendor")
    lifecycle = _lifecycle(row, errors)
    if lifecycle:
        spec["lifecycle"] = lifecycle
    return Draft("System", name, spec, row.origin, FORMAT, {"title": row.get("title")})


def _lifecycle(row: Row, errors: list[str]) -> dict[str, str]:
    lifecycle = {"status": _choice(row, "status", STATUSES, errors)}
    contract_end = row.get("contract_end")
    if contract_end:
        date = parse_date(contract_end)
        if date is None:
            errors.append(f"contract_end '{contract_end}' is not a date (YYYY-MM-DD; format the "
                          "column as text before exporting)")
        lifecycle["contract_end"] = date.isoformat() if date else ""
    if row.get("exit_plan"):
        lifecycle["exit_plan"] = row.get("exit_plan")
    return {key: value for key, value in lifecycle.items() if value}


def _integration(row: Row, errors: list[str]) -> Draft:
    name = _name(row, "name", errors)
    mode = _choice(row, "mode", ("real-time", "scheduled", "manual"), errors, MODES)
    spec: dict[str, Any] = {
        "owner": _name(row, "owner", errors, required=False) or TODO_OWNER,
        "source": _name(row, "source", errors),
        "target": _name(row, "target", errors),
        "datasets": [{"dataset": dataset} for dataset in _datasets(row, errors)]
        or [{"dataset": TODO_DATASETS}],
        "mode": mode or TODO_MODE,
    }
    spec.update(_optional(row, mode, errors))
    return Draft("Integration", name, spec, row.origin, FORMAT, {"title": row.get("title")})


def _datasets(row: Row, errors: list[str]) -> list[str]:
    names = [part.strip() for part in re.split(r"[,;|]", row.get("datasets")) if part.strip()]
    for dataset in names:
        problem = name_problem(dataset, "dataset")
        if problem:
            errors.append(problem)
    return list(dict.fromkeys(names))


def _optional(row: Row, mode: str, errors: list[str]) -> dict[str, Any]:
    optional: dict[str, Any] = {}
    if row.get("purpose"):
        optional["purpose"] = row.get("purpose")
    schedule = row.get("schedule")
    if schedule and mode != "scheduled":
        errors.append(f"schedule '{schedule}' is only for a scheduled integration (mode is "
                      f"'{row.get('mode') or 'empty'}')")
    elif schedule:
        optional["schedule"] = {"cron": schedule} if _CRON.match(schedule) else {"every": schedule}
    direction = _choice(row, "direction", DIRECTIONS, errors)
    if direction:
        optional["direction"] = direction
    method = _choice(row, "method", METHODS, errors)
    if method:
        optional["method"] = method
    return optional
