"""The safe YAML loader: bad inputs are reported with file, line and column; values follow
the YAML 1.2 core schema; every node knows where it stands."""
from __future__ import annotations

import math
from typing import Any

import pytest

from govcheck.load.documents import MAX_FILE_BYTES, load_bytes


def load(text: str | bytes) -> tuple[list[Any], list[tuple[str, int, int, str]]]:
    """(document values, problems as (file, line, column, message))."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    documents, problems = load_bytes("ecosystem/m.yaml", data)
    return ([d.data for d in documents],
            [(p.file, p.line, p.column, p.message) for p in problems])


def only_problem(text: str | bytes) -> tuple[str, int, int, str]:
    _, problems = load(text)
    assert len(problems) == 1, problems
    return problems[0]


# --- bad inputs: each reported once, at its file, line and column -------------------------

def test_a_tab_in_the_indentation_is_named() -> None:
    assert only_problem("a:\n\tb: 1\n")[3].endswith(": indent with spaces, YAML does not allow tabs")


def test_syntax_error_names_line_and_column() -> None:
    assert only_problem("a: 1\nb: c: d\n") == (
        "ecosystem/m.yaml", 2, 5, ("YAML syntax error: mapping values are not allowed in this context"
        ": check this line's indentation against the lines above, or quote a value that "
        "contains ': '"))


def test_syntax_error_keeps_the_documents_before_it() -> None:
    values, problems = load("a: 1\n---\nb: [1, 2\n")
    assert values == [{"a": 1}]
    assert [(line, column) for _, line, column, _ in problems] == [(4, 1)]


def test_duplicate_key_is_an_error_not_last_one_wins() -> None:
    assert only_problem("spec:\n  owner: a\n  owner: b\n") == (
        "ecosystem/m.yaml", 3, 3, "duplicate key 'owner' (first at line 2): keys must be unique")


def test_duplicate_key_in_a_list_item() -> None:
    problem = only_problem("fields:\n  - {name: id, type: string, name: key}\n")
    assert problem[1:] == (2, 30, "duplicate key 'name' (first at line 2): keys must be unique")


@pytest.mark.parametrize(("text", "column", "shown"), [
    ("x: !!python/object/apply:os.system ['echo pwned']\n", 4, "!!python/object/apply:os.system"),
    ("x: !!python/name:os.system ''\n", 4, "!!python/name:os.system"),
    ("x: !!binary aGk=\n", 4, "!!binary"),
    ("x: !custom 1\n", 4, "!custom"),
    ("x: !!set {a, b}\n", 4, "!!set"),
])
def test_language_and_unknown_tags_are_refused(text: str, column: int, shown: str) -> None:
    assert only_problem(text) == (
        "ecosystem/m.yaml", 1, column,
        f"tag '{shown}' is not allowed: manifests hold plain data, no language-specific types")


def test_python_tag_is_never_executed(tmp_path: Any) -> None:
    marker = tmp_path / "ran"
    load(f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    assert not marker.exists()


def test_core_tags_are_allowed() -> None:
    values, problems = load('a: !!str 12\nb: !!int "7"\nc: !!float 1\n')
    assert problems == []
    assert values == [{"a": "12", "b": 7, "c": 1.0}]


def test_merge_key_is_reported_not_expanded() -> None:
    assert only_problem("base: &b {x: 1}\nspec:\n  <<: *b\n") == (
        "ecosystem/m.yaml", 3, 3, "merge keys ('<<') are not expanded: write the keys out")


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi"))


def test_billion_laughs_is_reported_not_expanded() -> None:
    values, problems = load(BILLION_LAUGHS)
    assert [message for *_, message in problems] == [
        "aliases expand to more than 10000 nodes (a 'billion laughs' document?)"]
    assert values == []


def test_aliases_within_bounds_expand() -> None:
    values, problems = load("a: &x {b: 1}\nc: *x\nd: [*x, *x]\n")
    assert problems == []
    assert values == [{"a": {"b": 1}, "c": {"b": 1}, "d": [{"b": 1}, {"b": 1}]}]


def test_recursive_alias_is_refused() -> None:
    assert only_problem("a: &x [1, *x]\n") == (
        "ecosystem/m.yaml", 1, 4, "an alias refers to the node that contains it (recursive alias)")


def test_deep_nesting_is_refused() -> None:
    problem = only_problem("a: " + "[" * 101 + "]" * 101 + "\n")
    assert problem[1:3] == (1, 104)
    assert problem[3] == "nesting deeper than 100 levels"


def test_nesting_up_to_the_limit_loads() -> None:
    values, problems = load("a: " + "[" * 99 + "]" * 99 + "\n")
    assert problems == []
    assert len(values) == 1


def test_non_utf8_names_the_byte_and_its_position() -> None:
    assert only_problem("a: 1\nname: caf\u00e9\n".encode("latin-1")) == (
        "ecosystem/m.yaml", 2, 10, "not valid UTF-8 (byte 0xe9): save the file as UTF-8")


def test_binary_file() -> None:
    assert only_problem(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == (
        "ecosystem/m.yaml", 1, 1, "binary file (contains NUL bytes), not a YAML manifest")


def test_file_over_the_size_limit_is_reported_unread() -> None:
    data = b"a: 1\n" + b"#" * (MAX_FILE_BYTES - 5) + b"\n"
    assert len(data) == MAX_FILE_BYTES + 1
    values, problems = load(data)
    assert values == []
    assert problems == [("ecosystem/m.yaml", 1, 1, ("file is 1,048,577 bytes, over the "
                                                   "1,048,576-byte limit for a manifest: split it"))]


def test_file_at_the_size_limit_loads() -> None:
    data = b"a: 1\n" + b"#" * (MAX_FILE_BYTES - 6) + b"\n"
    assert len(data) == MAX_FILE_BYTES
    assert load(data) == ([{"a": 1}], [])


def test_size_limit_is_a_parameter() -> None:
    documents, problems = load_bytes("m.yaml", b"a: 1\n", max_bytes=4)
    assert documents == []
    assert [(p.line, p.column) for p in problems] == [(1, 1)]


@pytest.mark.parametrize(("text", "column", "digits"), [
    ("a: " + "9" * 5000, 4, "5,000"),                 # plain
    ("a: -" + "9" * 4400, 4, "4,400"),                # signed
    ("a: !!int " + "7" * 4301, 4, "4,301"),           # tagged
    ("a: [1, " + "5" * 4500 + "]", 8, "4,500"),       # in a flow list
    ("? !!int " + "1" * 5000 + "\n: 3", 3, "5,000"),  # a key
])
def test_a_number_python_will_not_convert_is_refused(text: str, column: int, digits: str) -> None:
    assert only_problem(text) == ("ecosystem/m.yaml", 1, column, (
        f"a number of {digits} digits is too long: write a shorter number, or quote it"))


def test_long_numbers_within_pythons_limit_and_quoted_ones_load() -> None:
    assert load("a: 1" + "0" * 400 + "\nb: '" + "9" * 5000 + "'\nc: 1e400\n") == (
        [{"a": 10 ** 400, "b": "9" * 5000, "c": math.inf}], [])


# --- documents and positions --------------------------------------------------------------

def test_empty_documents_are_skipped_and_several_documents_load() -> None:
    values, problems = load("# header\n---\n---\na: 1\n---\n...\n---\nb: 2\n---\n")
    assert problems == []
    assert values == [{"a": 1}, {"b": 2}]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n"])
def test_empty_files_have_no_documents_and_no_problems(text: str) -> None:
    assert load(text) == ([], [])


NESTED = """\
apiVersion: govcheck/v1
kind: Integration
spec:
  datasets:
    - dataset: lead
      fields: [email, name]
    - dataset: customer
      fields:
        - id
        - tier
  success_measures:
    - metric: lead response
      target: 15m
"""


@pytest.mark.parametrize(("path", "position"), [
    (("kind",), (2, 7)),
    (("spec", "datasets"), (5, 5)),
    (("spec", "datasets", 0, "dataset"), (5, 16)),
    (("spec", "datasets", 0, "fields", 1), (6, 23)),
    (("spec", "datasets", 1, "fields", 1), (10, 11)),
    (("spec", "success_measures", 0, "target"), (13, 15)),
])
def test_positions_of_nodes_deep_in_lists_of_mappings(path: tuple[Any, ...],
                                                      position: tuple[int, int]) -> None:
    documents, problems = load_bytes("m.yaml", NESTED.encode())
    assert problems == []
    assert documents[0].position(path) == position


def test_positions_in_a_later_document_count_from_the_file_start() -> None:
    documents, _ = load_bytes("m.yaml", b"a: 1\n---\nb:\n  - c: 2\n")
    assert documents[1].position(("b", 0, "c")) == (4, 8)


def test_crlf_and_bom_give_the_positions_an_editor_shows() -> None:
    text = NESTED.replace("\n", "\r\n")
    documents, problems = load_bytes("m.yaml", b"\xef\xbb\xbf" + text.encode())
    assert problems == []
    assert documents[0].data["spec"]["datasets"][1]["fields"] == ["id", "tier"]
    assert documents[0].position(("spec", "datasets", 1, "fields", 1)) == (10, 11)
    assert documents[0].position(("kind",)) == (2, 7)


def test_crlf_file_error_position() -> None:
    assert only_problem(b"a: 1\r\nb: 2\r\na: 3\r\n")[1:3] == (3, 1)


# --- YAML 1.2 core schema values ----------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("NO", "NO"), ("no", "no"), ("yes", "yes"), ("Yes", "Yes"), ("on", "on"), ("off", "off"),
    ("y", "y"), ("true", True), ("false", False), ("True", True), ("FALSE", False),
    ("~", None), ("null", None), ("", None),
    ("0o17", 15), ("0x1F", 31), ("017", 17), ("12", 12), ("-3", -3), ("1_000", "1_000"),
    ("0b11", "0b11"), ("1e3", 1000.0), ("1.5", 1.5), ("-.5", -0.5), (".inf", math.inf),
    ("-.inf", -math.inf), ("2026-06-01", "2026-06-01"), ("2026-06-01T10:00:00Z", "2026-06-01T10:00:00Z"),
    ("12:30", "12:30"), ('"true"', "true"), ("'0x1F'", "0x1F"),
])
def test_yaml_1_2_core_schema_values(text: str, value: Any) -> None:
    values, problems = load(f"v: {text}\n")
    assert problems == []
    loaded = values[0]["v"]
    assert loaded == value and type(loaded) is type(value)


def test_nan_is_a_float() -> None:
    values, _ = load("v: .nan\n")
    assert math.isnan(values[0]["v"])


def test_keys_stay_strings() -> None:
    values, problems = load("NO: 1\n1: a\ntrue: b\n")
    assert problems == []
    assert values == [{"NO": 1, "1": "a", "true": "b"}]
