"""A seeded mutation fuzzer over the example estate (`ecosystem/`) and `govcheck.yaml`.

Each case is a pure function of (seed, index): a few mutations of the pristine estate (lines
deleted, duplicated or re-indented, values swapped between keys, scalars replaced by lists,
maps, null, huge numbers, unicode, control characters, NUL or very long strings, files
truncated, renamed, duplicated or replaced by special files, a user policy folder with its
own broken rules), and one command: `check`, `diff` (a real git repository: BASE the pristine
estate, HEAD the mutant; or the mutant in the index or the work tree), `graph` or
`codeowners`, in one of its output formats. A case fails when govcheck exits with anything but
0, 1 or 2, prints "internal error" or a traceback, or runs past a timeout.

Cases run in-process (govcheck's own `main`, in click's isolation) for speed; a sample runs
as a subprocess of the installed package, to catch what in-process running misses.
tests/test_fuzz.py runs a bounded number in the test suite; bench/fuzz.py runs many more and
keeps the failing cases for reproduction.
"""
from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import yaml

from govcheck import outputs
from govcheck.views.graph import MAP_FORMATS

REPOSITORY = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"
IN_PROCESS_TIMEOUT = 30.0
SUBPROCESS_TIMEOUT = 60.0
SUBPROCESS_EVERY = 25          # one case in this many runs as a subprocess


# -- the estate ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Special:
    """A path that is not a regular file: a FIFO, a folder, a symlink."""

    kind: str            # fifo | folder | dangling | symlink | outside | unreadable
    target: str = ""     # symlink: the estate path it points to


Files = dict[str, "bytes | Special"]


def pristine() -> Files:
    """The example estate's manifests and govcheck.yaml, by path relative to the root."""
    files: Files = {"govcheck.yaml": (REPOSITORY / "govcheck.yaml").read_bytes()}
    for path in sorted((REPOSITORY / "ecosystem").rglob("*.yaml")):
        files[path.relative_to(REPOSITORY).as_posix()] = path.read_bytes()
    return files


# -- hostile values ----------------------------------------------------------------------------

# Single-line YAML texts that replace a value: wrong types, huge numbers, unicode, control
# characters, NUL, odd dates, durations, crons and references.
HOSTILE = [
    "~", "null", "''", '""', "true", "false", "0", "-1", "2", "1.5", "-0.0", "1e400", "-1e400",
    ".nan", ".inf", "-.inf", "1" + "0" * 400, "9" * 5000, "-" + "9" * 4400, "0x" + "f" * 80,
    "0o777", "[]", "{}", "[a, b]", "[[[]]]", "{x: 1}", "{name: {}}", "[{}]", "[1, 2, 3]", "[~]",
    "[null, null]", "{every: PT1H, cron: '* * * * *'}", "[" * 60 + "]" * 60,
    "!!str 12", "!!int 3", "!!float 1", "!!binary aGk=", "!!python/none ''", "!!set {a}",
    "!!timestamp 2026-01-01", "!!bool yes", "&anchor [1]", "*undefined",
    '"\\u202eevil\\u202c"', '"e\\u0301\\u0301\\u0301\\u0301"', '"\\0"', '"a\\0b"',
    '"\\x01\\x1b[31mred\\x1b[0m"', '"line\\nbreak"', '"\\r"', '"\\u2028\\u2029\\x85"',
    '"\\t\\t"', '"\\uFEFF"', '"\\u200b"', '"\\U0001F600"', "٣٤", "²", "１２", "日本語",
    '"' + "\\u05d0" * 50 + '"', "x" * 100_000, "'" + "long " * 5000 + "'",
    "2026-02-30", "9999-12-31", "0001-01-01", "10000-01-01", "2026-13-01", "'2026-1-1'",
    "P99999999999Y", "PT99999999999999999999999S", "P0D", "PT0.0000001S", "P1M1D",
    "P9999999999999999999999D", "P2.5Y", "PT", "P",
    "'² * * * *'", "'*/0 * * * *'", "'@reboot'", "'0 0 31 2 *'", "'60 * * * *'",
    "'* * * * * *'", "'1-0 * * * *'", "'*/99999999999999999999 * * * *'", "'٣ * * * *'",
    "person:", "team:", "'person:x:y'", "':'", "Person:Jane", "team:TEAM", "person:dana-whitfield",
    "team:sales-ops", "sales-ops", "salesforce", "lead", "UPPER", "-x", "a" * 64,
    "'{missing}'", "'{spec}'", "'{0}'", "'%s%n'", "'<script>x</script>'", "'[x](javascript:y)'",
    "'::error::forged'", "'a: b'",
]

NEW_NAMES = [
    "ecosystem/x y.yaml", "ecosystem/ünïcödé.yaml", "ecosystem/\u202eevil.yaml",
    "ecosystem/new\nline.yaml", "ecosystem/tab\t.yaml", "ecosystem/star*.yaml",
    "ecosystem/[brackets].yaml", "ecosystem/q?.yaml", "ecosystem/#hash.yaml",
    "ecosystem/-dash.yaml", "ecosystem/" + "l" * 200 + ".yaml", "ecosystem/.hidden.yaml",
    "ecosystem/.hidden/x.yaml", "ecosystem/UPPER.YAML", "ecosystem/x.yml",
    "ecosystem/x.yaml.bak", "ecosystem/a/b/c/d/e/f/x.yaml", "outside-ecosystem.yaml",
    "ecosystem/ctrl\x01.yaml", "ecosystem/esc\x1b[31m.yaml", "ecosystem/back\\slash.yaml",
    'ecosystem/quote".yaml', "ecosystem/<b>.yaml", "ecosystem/[l](x).yaml",
    "ecosystem/e\u0301.yaml", "ecosystem/::x.yaml", "ecosystem/a%2Fb.yaml",
]


# -- mutations -------------------------------------------------------------------------------

Mutation = Callable[[random.Random, Files], str]


def _texts(files: Files, under: str = "") -> list[str]:
    return sorted(path for path, content in files.items()
                  if isinstance(content, bytes) and path.startswith(under)
                  and path.endswith((".yaml", ".yml", ".YAML")))


def _pick_text(rng: random.Random, files: Files) -> tuple[str, list[str]] | None:
    candidates = _texts(files)
    if not candidates:
        return None
    path = rng.choice(candidates)
    content = files[path]
    assert isinstance(content, bytes)
    return path, content.decode("utf-8", "surrogateescape").split("\n")


def _pick_line(rng: random.Random, files: Files) -> tuple[str, list[str], int] | None:
    """A text file, its lines and the index of one of them."""
    picked = _pick_text(rng, files)
    if picked is None:
        return None
    path, lines = picked
    return path, lines, rng.randrange(len(lines))


def _put(files: Files, path: str, lines: list[str]) -> None:
    files[path] = "\n".join(lines).encode("utf-8", "surrogateescape")


LineEdit = Callable[[random.Random, list[str], int], str]


def _on_one_line(edit: LineEdit) -> Mutation:
    """A mutation that edits one line, chosen at random, of one text file, chosen at random;
    `edit` changes `lines` in place and says what it did."""
    @functools.wraps(edit)
    def mutation(rng: random.Random, files: Files) -> str:
        picked = _pick_line(rng, files)
        if picked is None:
            return "no file"
        path, lines, index = picked
        done = edit(rng, lines, index)
        _put(files, path, lines)
        return f"{path}: {done}"
    return mutation


@_on_one_line
def delete_line(rng: random.Random, lines: list[str], index: int) -> str:
    removed = lines.pop(index)
    return f"delete line {index + 1} ({removed[:40]!r})"


@_on_one_line
def duplicate_line(rng: random.Random, lines: list[str], index: int) -> str:
    lines.insert(index, lines[index])
    return f"duplicate line {index + 1}"


@_on_one_line
def reindent_line(rng: random.Random, lines: list[str], index: int) -> str:
    line = lines[index]
    body = line.lstrip(" ")
    indent = len(line) - len(body)
    change = rng.choice([-4, -2, -1, 1, 2, 4, 8])
    prefix = "\t" if rng.random() < 0.1 else " " * max(0, indent + change)
    lines[index] = prefix + body
    return f"re-indent line {index + 1} by {change}"


_KEY_VALUE = re.compile(r"^(?P<head>\s*(?:-\s+)?[A-Za-z_][\w.-]*:[ \t]+)(?P<value>\S.*)$")


def _value_lines(lines: list[str]) -> list[int]:
    return [index for index, line in enumerate(lines) if _KEY_VALUE.match(line)]


def swap_values(rng: random.Random, files: Files) -> str:
    """The values of two `key: value` lines, in one file or two, change places."""
    first, second = _pick_text(rng, files), _pick_text(rng, files)
    if first is None or second is None:
        return "no file"
    (path_a, lines_a), (path_b, lines_b) = first, second
    if path_a == path_b:
        lines_b = lines_a
    candidates_a, candidates_b = _value_lines(lines_a), _value_lines(lines_b)
    if not candidates_a or not candidates_b:
        return "no values"
    index_a, index_b = rng.choice(candidates_a), rng.choice(candidates_b)
    match_a, match_b = _KEY_VALUE.match(lines_a[index_a]), _KEY_VALUE.match(lines_b[index_b])
    assert match_a is not None and match_b is not None
    lines_a[index_a] = match_a["head"] + match_b["value"]
    lines_b[index_b] = match_b["head"] + match_a["value"]
    _put(files, path_a, lines_a)
    if path_b != path_a:
        _put(files, path_b, lines_b)
    return f"swap values {path_a}:{index_a + 1} <-> {path_b}:{index_b + 1}"


def replace_value(rng: random.Random, files: Files) -> str:
    """A `key: value` line (or a key whose value is a block below it) gets a hostile value."""
    picked = _pick_text(rng, files)
    if picked is None:
        return "no file"
    path, lines = picked
    keys = [i for i, line in enumerate(lines)
            if re.match(r"^\s*(?:-\s+)?[A-Za-z_][\w.-]*:(\s|$)", line)]
    if not keys:
        return "no keys"
    index = rng.choice(keys)
    head = lines[index][:lines[index].index(":") + 1]
    value = _hostile(rng, lines[index][len(head):].strip())
    indent = len(head) - len(head.lstrip(" -"))
    end = index + 1
    while end < len(lines) and (not lines[end].strip()
                                or len(lines[end]) - len(lines[end].lstrip(" ")) > indent):
        end += 1   # the block that belonged to the key goes with its value
    lines[index:end] = [f"{head} {value}"]
    _put(files, path, lines)
    return f"{path}:{index + 1}: {head.strip()} {value[:60]!r}"


def _hostile(rng: random.Random, original: str) -> str:
    if original and rng.random() < 0.25:
        return rng.choice([f"[{original}]", f"{{x: {original}}}", f"[{original}, {original}]",
                           f"{{{original}: 1}}" if ":" not in original else "{}"])
    return rng.choice(HOSTILE)


def insert_characters(rng: random.Random, files: Files) -> str:
    """Raw characters or bytes anywhere: NUL, invalid UTF-8, a BOM, controls, unicode."""
    candidates = _texts(files)
    if not candidates:
        return "no file"
    path = rng.choice(candidates)
    data = files[path]
    assert isinstance(data, bytes)
    inserted = rng.choice([b"\x00", b"\xff", b"\xef\xbb\xbf", b"\t", b"\r", b"\x1b[31m", b"\x7f",
                           "\u202e".encode(), "\u0301".encode(), "\u2028".encode(),
                           "\U0001F600".encode(), b"\x85", b": ", b"- ", b"{", b"[", b"&a ",
                           b"*a", b"! ", b"%YAML 1.1\n", b"---\n", b"...\n", b"'", b'"', b"#"])
    at = rng.randrange(len(data) + 1)
    files[path] = data[:at] + inserted + data[at:]
    return f"{path}: insert {inserted!r} at byte {at}"


def truncate(rng: random.Random, files: Files) -> str:
    candidates = _texts(files)
    if not candidates:
        return "no file"
    path = rng.choice(candidates)
    data = files[path]
    assert isinstance(data, bytes)
    at = rng.randrange(len(data) + 1)
    files[path] = data[:at]
    return f"{path}: truncate at byte {at}"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TOKEN = "FUZZ-TOKEN-7f3a"   # stands for a hostile text in a dumped document


def _loaded(rng: random.Random, files: Files) -> tuple[str, list[object]] | None:
    """A random manifest's documents as plain values (None when it does not load)."""
    candidates = _texts(files)
    if not candidates:
        return None
    path = rng.choice(candidates)
    content = files[path]
    assert isinstance(content, bytes)
    try:
        return path, list(yaml.load_all(content, Loader=_LOADER))
    except (yaml.YAMLError, ValueError, RecursionError):   # a flood nests too deep for PyYAML
        return None


def _dump(files: Files, path: str, documents: list[object], replacement: str = "") -> None:
    text = yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True, width=10_000)
    files[path] = text.replace(TOKEN, replacement).encode("utf-8", "surrogateescape")


def structural(rng: random.Random, files: Files) -> str:
    """Load a file, change one node (hostile value, swap with another node, drop a key,
    wrap in a list or map) and write it back."""
    loaded = _loaded(rng, files)
    if loaded is None:
        return "no loadable file"
    path, documents = loaded
    nodes = [(d, node) for d, document in enumerate(documents) for node in _nodes(document, ())]
    if not nodes:
        return f"{path}: no nodes"
    doc_index, node_path = rng.choice(nodes)
    action, replacement = _structural_change(rng, documents, doc_index, node_path, nodes)
    _dump(files, path, documents, replacement)
    return f"{path}: document {doc_index} {'.'.join(map(str, node_path))}: {action}"


_LEAVES: dict[type, list[object]] = {}


def _leaves_of_the_estate() -> dict[type, list[object]]:
    """Every leaf value of the pristine estate, by type: names, enum values, dates, texts."""
    if not _LEAVES:
        for path, content in sorted(pristine().items()):
            if isinstance(content, bytes) and path.startswith("ecosystem/"):
                for document in yaml.safe_load_all(content):
                    for node in _nodes(document, ()):
                        value = _get(document, node)
                        if not isinstance(value, (dict, list)):
                            _LEAVES.setdefault(type(value), []).append(value)
        for values in _LEAVES.values():
            values[:] = sorted(set(values), key=repr)
    return _LEAVES


def same_type_value(rng: random.Random, files: Files) -> str:
    """A leaf takes another leaf's value of the same type from anywhere in the estate (another
    name, enum value, date, duration, cron or text): mostly still valid, so that the rules
    and the change detection, not the schema, have to make sense of it."""
    loaded = _loaded(rng, files)
    if loaded is None:
        return "no loadable file"
    path, documents = loaded
    leaves = [(d, node) for d, document in enumerate(documents) for node in _nodes(document, ())
              if not isinstance(_get(document, node), (dict, list))]
    if not leaves:
        return f"{path}: no leaves"
    doc_index, node_path = rng.choice(leaves)
    current = _get(documents[doc_index], node_path)
    pool = _leaves_of_the_estate().get(type(current)) or [current]
    value = rng.choice(pool)
    if isinstance(current, str) and rng.random() < 0.2:
        value = rng.choice([f"person:{value}", f"team:{value}", f"{value} \u202e{value}",
                            f"{value}\x00", f"{value}\n{value}", value * 50])
    _set(documents[doc_index], node_path, value)
    _dump(files, path, documents)
    return f"{path}: document {doc_index} {'.'.join(map(str, node_path))}: {value!r:.60}"


def copy_entity(rng: random.Random, files: Files) -> str:
    """A manifest's documents again under new names, in a new file: more links, more cycles,
    more of everything the rules compare."""
    loaded = _loaded(rng, files)
    if loaded is None:
        return "no loadable file"
    path, documents = loaded
    suffix = f"-copy{rng.randrange(1000)}"
    for document in documents:
        metadata = document.get("metadata") if isinstance(document, dict) else None
        if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
            metadata["name"] += suffix
    new_path = path.rsplit(".", 1)[0] + suffix + ".yaml"
    _dump(files, new_path, documents)
    copy = {new_path: files[new_path]}
    changes = [same_type_value(rng, copy) for _ in range(rng.randrange(3))]
    files[new_path] = copy[new_path]
    return f"{path}: copied as {new_path}" + "".join(f"; {change}" for change in changes)


def _nodes(data: object, path: tuple[object, ...]) -> Iterator[tuple[object, ...]]:
    if path:
        yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, (*path, index))


def _get(data: object, path: tuple[object, ...]) -> object:
    for step in path:
        data = data[step]  # type: ignore[index]
    return data


def _set(data: object, path: tuple[object, ...], value: object) -> None:
    _get(data, path[:-1])[path[-1]] = value  # type: ignore[index]


def _structural_change(rng: random.Random, documents: list[object], doc_index: int,
                       node_path: tuple[object, ...],
                       nodes: list[tuple[int, tuple[object, ...]]]) -> tuple[str, str]:
    document = documents[doc_index]
    current = _get(document, node_path)
    choice = rng.randrange(6)
    if choice == 0:
        other_index, other_path = rng.choice(nodes)
        other = _get(documents[other_index], other_path)
        if other_path[:len(node_path)] != node_path and node_path[:len(other_path)] != other_path:
            _set(document, node_path, other)
            _set(documents[other_index], other_path, current)
            return f"swapped with document {other_index} {other_path}", ""
    if choice == 1:
        parent = _get(document, node_path[:-1])
        if isinstance(parent, dict):
            del parent[node_path[-1]]
            return "key removed", ""
        if isinstance(parent, list):
            parent.insert(int(node_path[-1]), current)   # type: ignore[call-overload]
            return "list item duplicated", ""
    if choice == 2:
        _set(document, node_path, [current] if rng.random() < 0.5 else {"x": current})
        return "wrapped", ""
    value = rng.choice(HOSTILE)
    _set(document, node_path, TOKEN)
    return f"replaced by {value[:60]!r}", value


def delete_file(rng: random.Random, files: Files) -> str:
    path = rng.choice(sorted(files))
    del files[path]
    return f"delete {path}"


def rename_file(rng: random.Random, files: Files) -> str:
    path = rng.choice(sorted(files))
    new = _new_name(rng, path)
    if new in files:
        return f"rename {path}: {new!r} taken"
    files[new] = files.pop(path)
    return f"rename {path} -> {new!r}"


def _new_name(rng: random.Random, path: str) -> str:
    if rng.random() < 0.5:
        return rng.choice(NEW_NAMES)
    folder = rng.choice(["ecosystem", "ecosystem/teams", "ecosystem/systems", "ecosystem/x"])
    return f"{folder}/{rng.choice(['moved', 'copy', 'v2'])}-{path.rsplit('/', 1)[-1]}"


def duplicate_file(rng: random.Random, files: Files) -> str:
    path = rng.choice(sorted(files))
    new = _new_name(rng, path)
    files.setdefault(new, files[path])
    return f"copy {path} -> {new!r}"


def special_file(rng: random.Random, files: Files) -> str:
    """A manifest becomes (or a new path is) a FIFO, a folder, a symlink, an unreadable file."""
    kind = rng.choice(["fifo", "folder", "dangling", "symlink", "outside", "unreadable"])
    targets = _texts(files, "ecosystem/")
    path = rng.choice(targets) if targets and rng.random() < 0.5 else "ecosystem/special.yaml"
    target = rng.choice(targets) if targets else ""
    files[path] = Special(kind, target)
    return f"{path}: {kind} {target}".rstrip()


def empty_file(rng: random.Random, files: Files) -> str:
    path = rng.choice(_texts(files) or ["ecosystem/empty.yaml"])
    files[path] = rng.choice([b"", b"\n", b"---\n", b"---\n---\n", b"\xef\xbb\xbf", b"# only\n",
                              b"...\n", b" ", b"~\n", b"[]\n", b"{}\n", b"x\n", b"- a\n"])
    return f"{path}: emptied"


FLOODS = [b"\n", b" \n", b"\t\n", b"\r\n", b"- \n", b"#\n", b"{", b"[", b"- [", b"a: b\n",
          b"---\n", b"&a x\n", b"? ", b"\\", b"'", b" ", b"x: &a [*a]\n", b"name: x\n"]


def flood(rng: random.Random, files: Files) -> str:
    """Hundreds of thousands of one small text at one place of a file, under the size limit:
    for what is quadratic in the number of lines, keys or documents."""
    path = rng.choice(_texts(files) or ["ecosystem/flood.yaml"])
    data = files.get(path, b"")
    assert isinstance(data, bytes)
    unit = rng.choice(FLOODS)
    count = rng.randrange(10_000, (1024 * 1024 - len(data)) // len(unit))
    at = rng.randrange(len(data) + 1)
    files[path] = data[:at] + unit * count + data[at:]
    return f"{path}: {count:,} times {unit!r} at byte {at}"


def many_distinct(rng: random.Random, files: Files) -> str:
    """Thousands of distinct keys (written twice), or of small manifests that name each other
    wrongly: for what is quadratic in the number of keys, entities or dangling references."""
    count = rng.randrange(1000, 8000)
    shape = rng.choice(["keys", "teams", "people"])
    if shape == "keys":
        keys = "".join(f"k{index}: {index}\n" for index in range(count))
        text = keys + keys
    elif shape == "teams":
        text = "---\n".join(f"apiVersion: govcheck/v1\nkind: Team\nmetadata: {{name: t-{index}}}\n"
                            f"spec: {{function: data, members: [pp-{index}]}}\n"
                            for index in range(count))
    else:
        text = "---\n".join(f"apiVersion: govcheck/v1\nkind: Person\nmetadata: {{name: pp-{index}}}\n"
                            f"spec: {{email: p{index}@example.com, team: tt-{index}}}\n"
                            for index in range(count))
    path = f"ecosystem/many-{shape}.yaml"
    files[path] = text.encode()
    return f"{path}: {count:,} {shape}"


def huge_file(rng: random.Random, files: Files) -> str:
    path = rng.choice(_texts(files, "ecosystem/") or ["ecosystem/huge.yaml"])
    files[path] = (b"# " + b"x" * (1024 * 1024) + b"\n") if rng.random() < 0.5 else \
        b"- " * 20_000
    return f"{path}: made huge"


# -- the config and the user's own policies --------------------------------------------------

USER_POLICY = """\
id: FUZZ001
title: Conditions and primitives over whatever the estate holds
severity: warning
rationale: Fuzzing.
remediation: None.
checks:
  - function: required
    kind: System
    where: {any: [{path: spec.lifecycle.contract_end, within: P18M}, {path: spec.vendor, present: true}]}
    paths: ["spec.manual_workarounds[].team", spec.api.rate_limit.per]
    message: "{missing} {spec.vendor} {metadata.name} {nothing}"
  - function: exactly_one
    kind: Integration
    fields: [{path: spec.source, label: source}, {path: spec.monitoring.owner, label: owner}]
  - function: references_to
    kind: Integration
    paths: ["spec.datasets[].dataset", spec.target]
    to: Dataset
    where: {not: {path: spec.classification, in: [public, internal]}}
    message: "{path} {value} {spec.fields}"
  - function: required_on_referenced
    kind: Integration
    reference: spec.source
    where: {all: [{path: spec.mode, not_in: [manual]}, {path: spec.direction, equals: one-way}]}
    to: System
    paths: [spec.vendor]
    message: "{referrers} {missing}"
  - function: approvers
    kind: Dataset
    path: spec.change_control.approvers
    minimum: spec.change_control.min_approvals
  - function: distinct_functions
    kind: Dataset
    path: spec.change_control.approvers
    minimum: 3
  - function: overdue
    kind: Integration
    block: spec.review
    date: last_reviewed
    interval: interval
"""


def user_policy(rng: random.Random, files: Files) -> str:
    """A policy folder of the user's: a built-in rule under a new id, or the conditions rule
    above, then mutated."""
    builtin = sorted((REPOSITORY / "policies").glob("gov0*.yaml"))
    source = rng.choice([*builtin, None])
    if source is None:
        text, name = USER_POLICY, "policies/fuzz001.yaml"
    else:
        text = re.sub(r"^id: GOV", "id: ACME", source.read_text("utf-8"), flags=re.MULTILINE)
        name = f"policies/{source.stem.replace('gov', 'acme')}.yaml"
    files[name] = text.encode()
    config = files.get("govcheck.yaml")
    if isinstance(config, bytes) and b"\npolicies:" not in b"\n" + config:
        files["govcheck.yaml"] = config.rstrip(b"\n") + b"\npolicies: [policies]\n"
    mutation = rng.choice(TEXT_MUTATIONS)
    only = {name: files[name]}
    detail = mutation(rng, only)
    files[name] = only[name]
    return f"user policy {name}; {detail}"


CONFIG_ADDITIONS = [
    ("waivers:\n  - {rule: GOV003, entity: integration/customer-sync, reason: Replaced in Q1,"
    " approved_by: person:dana-whitfield, expires: 2099-03-31}\n"),
    ("waivers:\n  - {rule: GOV012, entity: integration/website-leads-to-crm, reason: r,"
    " approved_by: team:sales-ops, expires: 2000-01-01}\n"),
    "rules:\n  GOV012: {severity: off}\n  GOV003: {severity: info}\n",
    "rules:\n  GOV999: {severity: error}\n",
    "ecosystem: ecosystem/datasets\n",
    "ecosystem: ecosystem/datasets/lead.yaml\n",
    "ecosystem: ../outside\n",
    "ecosystem: /\n",
    "policies: [ecosystem]\n",
    "policies: [nowhere]\n",
    ("change_control:\n  governance_approvers: [team:sales-ops]\n"
    "  signoff_sources: [trailers, cli]\n"),
    "x-extension: {anything: [1, 2]}\n",
]


def config_addition(rng: random.Random, files: Files) -> str:
    addition = rng.choice(CONFIG_ADDITIONS)
    config = files.get("govcheck.yaml")
    base = config if isinstance(config, bytes) else b""
    files["govcheck.yaml"] = base.rstrip(b"\n") + b"\n" + addition.encode()
    return f"govcheck.yaml: add {addition.splitlines()[0]!r}"


TEXT_MUTATIONS: list[Mutation] = [delete_line, duplicate_line, reindent_line, swap_values,
                                  replace_value, replace_value, structural, structural,
                                  insert_characters, truncate]
MUTATIONS: list[Mutation] = [
    *TEXT_MUTATIONS, *TEXT_MUTATIONS, *TEXT_MUTATIONS, *[same_type_value] * 8,
    copy_entity, copy_entity, flood, many_distinct, delete_file, rename_file, duplicate_file,
    special_file, empty_file, huge_file, user_policy, user_policy, config_addition,
    config_addition]


# -- commands --------------------------------------------------------------------------------

# Every format each command has, from govcheck's own tables: a new one is fuzzed too.
CHECK_FORMATS = list(outputs.CHECK_FORMATS)
DIFF_FORMATS = list(outputs.DIFF_FORMATS)
GRAPH_FORMATS = list(MAP_FORMATS)
DIFF_HEADS = ["commit", "commit", "worktree", "staged"]


def _as_of(rng: random.Random) -> str:
    if rng.random() < 0.85:
        return AS_OF
    return rng.choice(["0001-01-01", "9999-12-31", "2026-02-28", "2030-01-01"])


def pick_command(rng: random.Random) -> tuple[str, ...]:
    """The command line after `govcheck`; `diff` names its base as BASE and its head as a
    commit, the index or the work tree. Extra reports go to ../reports/ (outside the repo)."""
    command = rng.choices(["check", "diff", "graph", "codeowners"], [4, 3, 1.5, 1.5])[0]
    cache = () if rng.random() < 0.3 else ("--no-cache",)
    if command == "check":
        path = rng.choice([(), (), (), ("ecosystem/datasets",), ("ecosystem/datasets/lead.yaml",),
                           ("ecosystem/special.yaml",), ("govcheck.yaml",)])
        return ("check", *path, "--format", rng.choice(CHECK_FORMATS), "--as-of", _as_of(rng),
                *_reports(rng, CHECK_FORMATS),
                *rng.choice([(), (), ("--fail-on", "info"), ("--show-waived",)]), *cache)
    if command == "diff":
        head = rng.choice(DIFF_HEADS)
        revisions = {"commit": ("BASE..HEAD",), "worktree": ("BASE", "--worktree"),
                     "staged": ("BASE", "--staged")}[head]
        approvals = rng.choice([(), (), ("--approved-by", "dana-whitfield"),
                                ("--approved-by", "sam.nakamura@northwind-outfitters.com",
                                 "--approved-by", "@dwhitfield")])
        return ("diff", *revisions, "--format", rng.choice(DIFF_FORMATS),
                *_reports(rng, DIFF_FORMATS), *approvals,
                *rng.choice([(), ("--fail-on", "minor")]), *cache)
    if command == "graph":
        output = rng.choice([(), (), ("--output", "../reports/map.out")])
        return ("graph", "--format", rng.choice(GRAPH_FORMATS), "--as-of", _as_of(rng), *output)
    return ("codeowners", *rng.choice([(), ("--check",), ("--write", "--force"),
                                       ("--output", "../reports/CODEOWNERS")]))


def _reports(rng: random.Random, formats: list[str]) -> tuple[str, ...]:
    """Sometimes every other format too, from the same run (--report FORMAT=FILE)."""
    if rng.random() < 0.7:
        return ()
    return tuple(part for name in formats
                 for part in ("--report", f"{name}=../reports/report.{name}"))


# -- cases -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    seed: str
    index: int
    files: Files
    mutations: tuple[str, ...]
    command: tuple[str, ...]
    subprocess: bool

    @property
    def name(self) -> str:
        return f"{self.seed}-{self.index}"


_PRISTINE: Files = {}


def make_case(seed: str, index: int) -> Case:
    """Case `index` of `seed`: the same every time for the same estate."""
    if not _PRISTINE:
        _PRISTINE.update(pristine())
    rng = random.Random(f"{seed}:{index}")
    files = dict(_PRISTINE)
    mutations = tuple(rng.choice(MUTATIONS)(rng, files)
                      for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 5])))
    return Case(seed, index, files, mutations, pick_command(rng),
                index % SUBPROCESS_EVERY == SUBPROCESS_EVERY - 1)


# -- running ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    escaped: str = ""            # an exception that got past govcheck's main

    @property
    def failure(self) -> str | None:
        """Why the case fails, or None."""
        if self.timed_out:
            return f"no answer within {self.seconds:.1f} s (a hang?)"
        if self.escaped:
            return f"exception escaped main: {self.escaped}"
        if "internal error" in self.stderr:
            return "internal error: " + self.stderr.strip().splitlines()[-1][:300]
        if "Traceback" in self.stderr or "Traceback (most recent call last)" in self.stdout:
            return "traceback printed"
        if self.code not in (0, 1, 2):
            return f"exit code {self.code}"
        return None


class _CaseTimeout(BaseException):
    """Raised in the case by the alarm; a BaseException, so govcheck's main cannot catch it."""


@dataclass
class Workspace:
    """A git repository (BASE = the pristine estate) that each case rewrites, with its own
    cache, state and home folders, so that nothing the user has is read or written."""

    folder: Path
    timeout: float = IN_PROCESS_TIMEOUT
    repo: Path = field(init=False)
    environment: dict[str, str | None] = field(init=False)
    base: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.repo = self.folder / "repo"
        for name in ("repo", "cache", "state", "home", "outside", "reports"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        (self.folder / "home" / "gitconfig").write_text("")
        self.environment = self._environment()
        self._git("init", "-q", "-b", "main")
        self._git("config", "gc.auto", "0")
        self._write(pristine())
        self._git("add", "-A")
        self._git("commit", "-q", "--no-verify", "-m", "BASE: the pristine estate")
        self.base = self._git("rev-parse", "HEAD").strip()

    def _environment(self) -> dict[str, str | None]:
        environment: dict[str, str | None] = {
            name: None for name in os.environ
            if name.startswith(("GIT_", "GITHUB_", "GOVCHECK_", "NO_COLOR"))}
        environment.update({
            "HOME": str(self.folder / "home"), "XDG_STATE_HOME": str(self.folder / "state"),
            "GOVCHECK_CACHE_DIR": str(self.folder / "cache"),
            "GIT_CONFIG_GLOBAL": str(self.folder / "home" / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CEILING_DIRECTORIES": str(self.folder),
            "GIT_AUTHOR_NAME": "Fuzz", "GIT_AUTHOR_EMAIL": "fuzz@example.com",
            "GIT_COMMITTER_NAME": "Fuzz", "GIT_COMMITTER_EMAIL": "fuzz@example.com"})
        return environment

    def _git(self, *args: str, check: bool = True) -> str:
        environment = {key: value for key, value in {**os.environ, **self.environment}.items()
                       if value is not None}
        done = subprocess.run(["git", *args], cwd=self.repo, env=environment,
                              capture_output=True, check=check, timeout=120)
        return done.stdout.decode("utf-8", "replace")

    def _write(self, files: Files) -> None:
        for entry in self.repo.iterdir():
            if entry.name != ".git":
                _remove(entry)
        for path, content in sorted(files.items(), key=lambda item: item[0]):
            target = self.repo / path
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                _create(target, content, self.repo, self.folder / "outside")
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                continue  # a path under one that a mutation made a file: the mutation loses

    def prepare(self, case: Case) -> tuple[str, ...]:
        """Write the case's estate; the command with BASE and HEAD resolved."""
        self._write(case.files)
        if case.command[0] != "diff":
            return case.command
        self._git("reset", "-q", "--soft", self.base)
        if "--worktree" in case.command:
            self._git("reset", "-q", self.base)
        else:
            self._git("add", "-A", "--ignore-errors", check=False)  # what git can add
            if "--staged" not in case.command:
                self._git("commit", "-q", "--no-verify", "--allow-empty", "-m", "HEAD: the mutant")
        return tuple(self.base if part == "BASE" else part.replace("BASE", self.base)
                     for part in case.command)

    def run(self, case: Case) -> Outcome:
        argv = self.prepare(case)
        if case.subprocess:
            return self._run_subprocess(argv)
        return self._run_in_process(argv)

    def _run_in_process(self, argv: tuple[str, ...]) -> Outcome:
        from click.testing import CliRunner

        from govcheck.__main__ import main  # the installed command's entry point

        code: int | None = None
        escaped = ""
        timed_out = False
        started = time.monotonic()
        previous_folder = os.getcwd()
        previous_handler = signal.signal(signal.SIGALRM, _alarm)
        with CliRunner().isolation(env={**self.environment, **_summary(argv, self.folder)}) \
                as (out, err, _):
            os.chdir(self.repo)
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
            try:
                main(list(argv))
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 2)
            except _CaseTimeout:
                timed_out = True
            except BaseException as error:  # noqa: BLE001 - whatever gets past main is the finding
                escaped = f"{type(error).__name__}: {error}"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous_handler)
                os.chdir(previous_folder)
                gc.enable()   # the entry point switches the cyclic collector off for its run
            sys.stdout.flush()
            sys.stderr.flush()
            stdout = out.getvalue().decode("utf-8", "replace")
            stderr = err.getvalue().decode("utf-8", "replace")
        return Outcome(code, stdout, stderr, time.monotonic() - started, timed_out, escaped)

    def _run_subprocess(self, argv: tuple[str, ...]) -> Outcome:
        environment = {key: value for key, value in
                       {**os.environ, **self.environment, **_summary(argv, self.folder)}.items()
                       if value is not None}
        started = time.monotonic()
        try:
            done = subprocess.run([sys.executable, "-m", "govcheck", *argv], cwd=self.repo,
                                  env=environment, capture_output=True,
                                  timeout=SUBPROCESS_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return Outcome(None, "", "", time.monotonic() - started, timed_out=True)
        return Outcome(done.returncode, done.stdout.decode("utf-8", "replace"),
                       done.stderr.decode("utf-8", "replace"), time.monotonic() - started)


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _CaseTimeout


def _summary(argv: tuple[str, ...], folder: Path) -> dict[str, str | None]:
    """The github format also writes a job summary: give it a file, as GitHub Actions does."""
    if "github" not in argv:
        return {}
    summary = folder / "step-summary.md"
    summary.write_text("")
    return {"GITHUB_STEP_SUMMARY": str(summary)}


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        for child in path.rglob("*"):
            if not child.is_symlink():
                child.chmod(0o700 if child.is_dir() else 0o600)
        shutil.rmtree(path)
    else:
        path.unlink()


def _create(target: Path, content: bytes | Special, repo: Path, outside: Path) -> None:
    if isinstance(content, bytes):
        target.write_bytes(content)
    elif content.kind == "fifo":
        os.mkfifo(target)
    elif content.kind == "folder":
        target.mkdir()
    elif content.kind == "dangling":
        target.symlink_to("nowhere/missing.yaml")
    elif content.kind == "symlink" and content.target:
        target.symlink_to(repo / content.target)
    elif content.kind == "outside":
        (outside / "secret.yaml").write_text("apiVersion: govcheck/v1\n")
        target.symlink_to(outside / "secret.yaml")
    else:   # unreadable (for anyone but root), or a symlink with nothing to point to
        target.write_bytes(b"apiVersion: govcheck/v1\nkind: Team\n")
        target.chmod(0)


# -- a batch ---------------------------------------------------------------------------------

def date_seed(today: dt.date | None = None) -> str:
    """A seed that changes every day, so that CI explores new cases."""
    return (today or dt.date.today()).strftime("day%Y%m%d")


def save_failure(case: Case, outcome: Outcome, folder: Path) -> Path:
    """The failing case's files, command, mutations and output, for reproduction."""
    where = folder / case.name
    shutil.rmtree(where, ignore_errors=True)
    (where / "files").mkdir(parents=True)
    specials = []
    for path, content in case.files.items():
        if isinstance(content, Special):
            specials.append(f"{path!r}: {content}")
            continue
        target = where / "files" / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        except OSError:
            specials.append(f"{path!r}: could not be written here")
    (where / "case.txt").write_text(
        f"seed {case.seed} case {case.index}\n"
        f"reproduce: python bench/fuzz.py --seed {case.seed} --case {case.index}\n"
        f"command: govcheck {' '.join(case.command)}\n"
        f"{'subprocess' if case.subprocess else 'in-process'}, {outcome.seconds:.1f} s, "
        f"exit {outcome.code}\nfailure: {outcome.failure}\n\nmutations:\n"
        + "".join(f"  {line}\n" for line in case.mutations)
        + "".join(f"special: {line}\n" for line in specials), encoding="utf-8")
    (where / "stdout.txt").write_text(outcome.stdout[:200_000], encoding="utf-8",
                                      errors="replace")
    (where / "stderr.txt").write_text(outcome.stderr[:200_000], encoding="utf-8",
                                      errors="replace")
    return where
