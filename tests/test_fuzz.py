"""The mutation fuzzer of tests/fuzzing.py, bounded for the test suite: a fixed seed, and a
seed of the day so that CI explores new cases. Every case must exit 0, 1 or 2 without an
internal error, a traceback or a hang. A failing case names its seed and index:
`python bench/fuzz.py --seed SEED --case INDEX` reproduces it and keeps its files."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzzing import Case, Workspace, date_seed, make_case, pristine

from govcheck.rules.checks import PRIMITIVES, Context, Hit, Params, Primitive

FIXED_SEED = "suite"
CASES_PER_SEED = 150


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize("seed", [FIXED_SEED, date_seed()])
@pytest.mark.parametrize("index", range(CASES_PER_SEED))
def test_no_input_breaks_govcheck(workspace: Workspace, seed: str, index: int) -> None:
    case = make_case(seed, index)
    outcome = workspace.run(case)
    assert outcome.failure is None, (
        f"{outcome.failure}\n  govcheck {' '.join(case.command)}\n"
        + "".join(f"  {mutation}\n" for mutation in case.mutations)
        + f"  reproduce: python bench/fuzz.py --seed {seed} --case {index}\n"
        + outcome.stderr[-2000:])


def test_a_case_is_the_same_every_time() -> None:
    first, again = make_case("repeat", 7), make_case("repeat", 7)
    assert (first.files, first.mutations, first.command) == (again.files, again.mutations,
                                                             again.command)
    assert make_case("repeat", 8).mutations != first.mutations


def _case(command: tuple[str, ...]) -> Case:
    return Case("self-test", 0, pristine(), ("none",), command, False)


def test_a_crash_inside_a_command_is_a_failure(workspace: Workspace,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(context: Context, params: Params) -> Iterator[Hit]:
        raise KeyError("planted")
        yield  # a generator, like every primitive

    monkeypatch.setitem(PRIMITIVES, "moved_fields_exist", Primitive(broken, {}))
    outcome = workspace.run(_case(("check", "--as-of", "2026-11-23", "--no-cache")))
    assert outcome.code == 3
    assert outcome.failure is not None
    assert outcome.failure.startswith("internal error: govcheck: internal error")
    assert "KeyError: 'planted'" in outcome.failure


def test_a_hang_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck(context: Context, params: Params) -> Iterator[Hit]:
        time.sleep(5)
        yield from ()

    monkeypatch.setitem(PRIMITIVES, "cycles", Primitive(stuck, {}))
    workspace = Workspace(tmp_path, timeout=0.5)
    outcome = workspace.run(_case(("graph", "--as-of", "2026-11-23")))
    assert outcome.timed_out
    assert outcome.failure is not None and outcome.failure.startswith("no answer within 0.5 s")


def test_the_pristine_estate_passes_every_command(workspace: Workspace) -> None:
    for command in (("check", "--as-of", "2026-11-23"), ("diff", "BASE..HEAD"),
                    ("graph", "--format", "dot"), ("codeowners",)):
        outcome = workspace.run(_case(command))
        assert (outcome.code, outcome.failure) == (0, None), (command, outcome.stderr)
