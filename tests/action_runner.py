"""Run action.yml's own steps the way a GitHub runner runs a composite action, locally.

Each `run:` block is written to a file and run with `bash --noprofile --norc -eo pipefail`
(GitHub's command for `shell: bash`), in its `working-directory`, with the environment the
runner gives every step (GITHUB_*, RUNNER_TEMP, the files behind GITHUB_OUTPUT, GITHUB_PATH and
GITHUB_STEP_SUMMARY) plus the step's own `env:`, whose `${{ }}` expressions are evaluated
against the inputs, the `github` context (the event file included) and earlier steps' outputs.
`if:` conditions are evaluated the same way. A step that `uses:` another action gets the
outputs the caller provides instead of running, and records the `with:` it was given.

The expression language is the small part action.yml uses — context paths, string literals,
`==`, `!=`, `&&`, `||`, `!` and parentheses — and anything else is refused, so the action
cannot outgrow this runner unnoticed.
"""
from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))"
                    r"|(?P<path>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*))")
_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}")


class UnsupportedExpression(Exception):
    """An expression this runner does not understand: extend the runner with the action."""


def evaluate(expression: str, contexts: Mapping[str, Any]) -> Any:
    """The value of one expression (without `${{ }}`), as GitHub computes it."""
    tokens = _tokenize(expression)
    value, rest = _or(tokens, contexts)
    if rest:
        raise UnsupportedExpression(f"unexpected {rest[0]!r} in {expression!r}")
    return value


def substitute(text: str, contexts: Mapping[str, Any]) -> str:
    """A string with every `${{ expression }}` replaced by its value."""
    return _TEMPLATE.sub(lambda match: _as_string(evaluate(match.group(1), contexts)), text)


def _tokenize(expression: str) -> list[str]:
    tokens, position = [], 0
    while expression[position:].strip():
        match = _TOKEN.match(expression, position)
        if match is None:
            raise UnsupportedExpression(f"cannot read {expression[position:]!r}")
        tokens.append(match.group(match.lastgroup or "path"))
        position = match.end()
    return tokens


def _or(tokens: list[str], contexts: Mapping[str, Any]) -> tuple[Any, list[str]]:
    value, tokens = _and(tokens, contexts)
    while tokens[:1] == ["||"]:
        right, tokens = _and(tokens[1:], contexts)
        value = value if _truthy(value) else right
    return value, tokens


def _and(tokens: list[str], contexts: Mapping[str, Any]) -> tuple[Any, list[str]]:
    value, tokens = _comparison(tokens, contexts)
    while tokens[:1] == ["&&"]:
        right, tokens = _comparison(tokens[1:], contexts)
        value = right if _truthy(value) else value
    return value, tokens


def _comparison(tokens: list[str], contexts: Mapping[str, Any]) -> tuple[Any, list[str]]:
    left, tokens = _unary(tokens, contexts)
    if tokens[:1] in (["=="], ["!="]):
        operator = tokens[0]
        right, tokens = _unary(tokens[1:], contexts)
        equal = _loosely_equal(left, right)
        return (equal if operator == "==" else not equal), tokens
    return left, tokens


def _unary(tokens: list[str], contexts: Mapping[str, Any]) -> tuple[Any, list[str]]:
    if not tokens:
        raise UnsupportedExpression("expression ends too soon")
    head, rest = tokens[0], tokens[1:]
    if head == "!":
        value, rest = _unary(rest, contexts)
        return not _truthy(value), rest
    if head == "(":
        value, rest = _or(rest, contexts)
        if rest[:1] != [")"]:
            raise UnsupportedExpression("unbalanced parentheses")
        return value, rest[1:]
    if head.startswith("'"):
        return head[1:-1].replace("''", "'"), rest
    if head in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[head], rest
    if rest[:1] == ["("]:
        raise UnsupportedExpression(f"function {head}() is not supported by this runner")
    if head in ("==", "!=", "&&", "||", ")"):
        raise UnsupportedExpression(f"unexpected {head!r}")
    return _lookup(head, contexts), rest


def _lookup(path: str, contexts: Mapping[str, Any]) -> Any:
    name, *keys = path.split(".")
    if name not in contexts:
        raise UnsupportedExpression(f"unknown context {name!r}")
    value: Any = contexts[name]
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", 0)


def _loosely_equal(left: Any, right: Any) -> bool:
    """GitHub's `==`: strings case-insensitively, null and '' and 0 alike (both become 0)."""
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return _as_number(left) == _as_number(right)


def _as_number(value: Any) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _as_string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- running the steps ---------------------------------------------------------------------

@dataclass
class StepRun:
    """What one step did: skipped (`exit_code` None) or run."""

    name: str
    exit_code: int | None
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    inputs: dict[str, str] = field(default_factory=dict)   # a `uses:` step's `with:`, evaluated


@dataclass
class Runner:
    """One job's runner: its workspace, temp folder, event and environment."""

    action_path: Path
    workspace: Path
    temp: Path
    event_name: str
    event_path: Path
    environment: dict[str, str]            # the runner's own environment (PATH, HOME, ...)
    github: dict[str, str] = field(default_factory=dict)   # GITHUB_* beyond the usual ones
    # Steps replaced by Python (name → function of the step's environment), e.g. an install
    # that would need a package index.
    replaced: dict[str, Callable[[dict[str, str]], None]] = field(default_factory=dict)
    # Outputs of steps that `uses:` another action, by that action's name without @ref.
    used_outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    def run(self, inputs: Mapping[str, str]) -> list[StepRun]:
        action = yaml.safe_load((self.action_path / "action.yml").read_text(encoding="utf-8"))
        contexts: dict[str, Any] = {"github": self._github_context(), "steps": {},
                                    "runner": {"temp": str(self.temp), "os": "Linux"}}
        contexts["inputs"] = self._inputs(action, inputs, contexts)
        path_file = self.temp / "github_path"
        path_file.touch()
        runs: list[StepRun] = []
        for index, step in enumerate(action["runs"]["steps"]):
            run = self._step(index, step, contexts, path_file)
            runs.append(run)
            if "id" in step:
                contexts["steps"][step["id"]] = {"outputs": run.outputs}
            if run.exit_code not in (None, 0):
                break  # a failed step fails the composite action; later steps do not run
        return runs

    def _github_context(self) -> dict[str, Any]:
        import json

        return {"event_name": self.event_name, "action_path": str(self.action_path),
                "workspace": str(self.workspace), "token": self.github.get("GITHUB_TOKEN", ""),
                "event": json.loads(self.event_path.read_text(encoding="utf-8")),
                "base_ref": self.github.get("GITHUB_BASE_REF", "")}

    @staticmethod
    def _inputs(action: Mapping[str, Any], given: Mapping[str, str],
                contexts: Mapping[str, Any]) -> dict[str, str]:
        unknown = set(given) - set(action["inputs"])
        if unknown:
            raise ValueError(f"the action has no input {sorted(unknown)}")
        return {name: given.get(name, substitute(str(spec.get("default", "")), contexts))
                for name, spec in action["inputs"].items()}

    def _step(self, index: int, step: Mapping[str, Any], contexts: Mapping[str, Any],
              path_file: Path) -> StepRun:
        name = str(step.get("name", step.get("id", index)))
        condition = step.get("if")
        if condition is not None and not _truthy(evaluate(_unwrap(str(condition)), contexts)):
            return StepRun(name, None)
        if "uses" in step:
            given = {key: substitute(str(value), contexts) for key, value in (step.get("with") or {}).items()}
            return StepRun(name, 0, dict(self.used_outputs.get(step["uses"].split("@")[0], {})),
                           inputs=given)
        env = self._step_environment(step, contexts, path_file, index)
        if name in self.replaced:
            self.replaced[name](env)
            return StepRun(name, 0, _read_outputs(Path(env["GITHUB_OUTPUT"])))
        return self._run_script(index, name, step, contexts, env)

    def _step_environment(self, step: Mapping[str, Any], contexts: Mapping[str, Any],
                          path_file: Path, index: int) -> dict[str, str]:
        added = [line for line in path_file.read_text().splitlines() if line.strip()]
        environment = {**self.environment, **self.github,
                       "GITHUB_ACTIONS": "true", "CI": "true",
                       "GITHUB_EVENT_NAME": self.event_name,
                       "GITHUB_EVENT_PATH": str(self.event_path),
                       "GITHUB_WORKSPACE": str(self.workspace),
                       "GITHUB_ACTION_PATH": str(self.action_path),
                       "RUNNER_TEMP": str(self.temp),
                       "GITHUB_PATH": str(path_file),
                       "GITHUB_OUTPUT": str(self.temp / f"output_{index}"),
                       "GITHUB_STEP_SUMMARY": str(self.temp / "step_summary.md")}
        environment["PATH"] = os.pathsep.join([*reversed(added), self.environment["PATH"]])
        (self.temp / f"output_{index}").touch()
        for key, value in (step.get("env") or {}).items():
            environment[key] = substitute(str(value), contexts)
        return environment

    def _run_script(self, index: int, name: str, step: Mapping[str, Any], contexts: Mapping[str, Any],
                    env: dict[str, str]) -> StepRun:
        if step.get("shell") != "bash":
            raise UnsupportedExpression(f"step {name!r}: only `shell: bash` is supported")
        if "${{" in step["run"]:
            raise UnsupportedExpression(f"step {name!r} pastes an expression into its script")
        script = self.temp / f"step_{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        folder = substitute(str(step.get("working-directory", ".")), contexts) or "."
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=self.workspace / folder, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        return StepRun(name, done.returncode, _read_outputs(Path(env["GITHUB_OUTPUT"])),
                       done.stdout, done.stderr)


def _unwrap(condition: str) -> str:
    match = re.fullmatch(r"\s*\$\{\{(.*)\}\}\s*", condition)
    return match.group(1) if match else condition


def _read_outputs(path: Path) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` blocks, as the runner reads GITHUB_OUTPUT."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            outputs[key] = "\n".join(iter(lambda: next(lines), delimiter))
        elif "=" in line:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs
