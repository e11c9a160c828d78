"""action.yml, the workflows and .pre-commit-hooks.yaml, validated against the real schemas.

The GitHub schemas are check-jsonschema's built-in (vendored) copies, so no network is needed;
the pre-commit schema is SchemaStore's, copied into tests/schemas/.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted([*(PROJECT_ROOT / ".github" / "workflows").glob("*.y*ml"),
                    *(PROJECT_ROOT / "examples").glob("*.yml")])

needs_check_jsonschema = pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import check_jsonschema"], check=False).returncode != 0,
    reason="check-jsonschema is not installed (pip install check-jsonschema)")


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           *map(str, files)], check=False, capture_output=True, text=True,
                          timeout=120)


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@needs_check_jsonschema
def test_action_is_valid() -> None:
    done = check_jsonschema("vendor.github-actions", PROJECT_ROOT / "action.yml")
    assert done.returncode == 0, done.stdout + done.stderr


@needs_check_jsonschema
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_is_valid(workflow: Path) -> None:
    done = check_jsonschema("vendor.github-workflows", workflow)
    assert done.returncode == 0, done.stdout + done.stderr


@needs_check_jsonschema
def test_the_schemas_do_reject_a_broken_action(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\nruns:\n  using: composite\n  steps:\n    - run: echo\n")
    done = check_jsonschema("vendor.github-actions", broken)
    assert done.returncode == 1
    assert "'description' is a required property" in done.stdout


def test_there_are_workflows_to_check() -> None:
    names = {path.relative_to(PROJECT_ROOT).as_posix() for path in WORKFLOWS}
    assert {".github/workflows/ci.yml", "examples/github-workflow.yml"} <= names


def test_pre_commit_hooks_are_valid() -> None:
    schema = json.loads((PROJECT_ROOT / "tests" / "schemas" / "pre-commit-hooks.json").read_text())
    hooks = load(PROJECT_ROOT / ".pre-commit-hooks.yaml")
    jsonschema.validate(hooks, schema)
    by_id = {hook["id"]: hook for hook in hooks}
    assert by_id["govcheck"]["entry"] == "govcheck check"
    assert by_id["govcheck-diff"]["entry"] == "govcheck diff"
    assert by_id["govcheck-diff"]["stages"] == ["pre-push"]
    assert by_id["govcheck"]["stages"] == ["pre-commit"]  # pre-commit >= 3.2 stage names
    for hook in hooks:
        assert (hook["language"], hook["pass_filenames"], hook["require_serial"]) == (
            "python", False, True)


def test_action_runs_check_and_on_pull_requests_diff() -> None:
    action = load(PROJECT_ROOT / "action.yml")
    steps = {step.get("id"): step for step in action["runs"]["steps"]}
    assert action["runs"]["using"] == "composite"
    assert action["inputs"]["token"]["default"] == "${{ github.token }}"
    assert "check --format github" in steps["check"]["run"]
    assert '--report "sarif=$SARIF"' in steps["check"]["run"]
    assert 'diff "origin/$BASE_REF...$HEAD_SHA" --format github' in steps["diff"]["run"]
    assert steps["diff"]["env"]["GITHUB_TOKEN"] == "${{ inputs.token }}"
    # github.base_ref is empty on pull_request_review: base and head come from the event.
    assert steps["diff"]["env"]["BASE_REF"] == "${{ github.event.pull_request.base.ref }}"
    assert steps["diff"]["env"]["HEAD_SHA"] == "${{ github.event.pull_request.head.sha }}"
    assert "github.event.pull_request.head.sha != ''" in steps["diff"]["if"]


def test_action_never_pastes_inputs_into_scripts() -> None:
    # ${{ }} inside `run:` is script injection: inputs travel in `env:` only.
    for step in load(PROJECT_ROOT / "action.yml")["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_example_workflow_fetches_history_and_uploads_sarif() -> None:
    workflow = load(PROJECT_ROOT / "examples" / "github-workflow.yml")
    steps = workflow["jobs"]["govcheck"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert steps[1]["uses"].startswith("govcheck/govcheck@")
    assert steps[2]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert steps[2]["with"]["sarif_file"] == steps[1]["with"]["sarif"]
    assert "github.event_name != 'pull_request_review'" in steps[2]["if"]
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "read",
                                       "security-events": "write"}


def test_example_workflow_reruns_on_reviews_one_run_per_pull_request() -> None:
    workflow = load(PROJECT_ROOT / "examples" / "github-workflow.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["pull_request"] == {"types": ["opened", "synchronize", "reopened"]}
    assert triggers["pull_request_review"] == {"types": ["submitted", "dismissed"]}
    assert workflow["concurrency"] == {
        "group": "governance-${{ github.event.pull_request.number || github.ref }}",
        "cancel-in-progress": True}
    assert workflow["jobs"]["govcheck"]["name"] == "govcheck"  # the required check's name


def test_ci_runs_the_tests_on_every_supported_python_and_govcheck_on_itself() -> None:
    jobs = load(PROJECT_ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    assert jobs["tests"]["strategy"]["matrix"]["python-version"] == ["3.10", "3.11", "3.12",
                                                                      "3.13"]
    assert any(step.get("run") == "pip install '.[test]' && pytest"
               for step in jobs["tests"]["steps"])
    assert {"uses": "./", "with": {"path": "ecosystem", "diff": "false", "site": "site"}} in \
        jobs["governance"]["steps"]
