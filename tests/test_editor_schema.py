"""Editor support: `govcheck schema` writes a manifest schema that picks the kind's schema by
`kind`, and the README's editor setup works as pasted.

Two judges: jsonschema (Draft 7, the dialect the schemas declare), which reports the way
yaml-language-server does (every error at its own path, no summary "matches none of oneOf"),
and yaml-language-server itself, the server behind VS Code's YAML extension, driven over the
Language Server Protocol with the README's settings and modeline. `.ci/run` installs the server
and names its folder in GOVCHECK_YAMLLS_DIR; without that the tests install it with npm once per
session, and they are skipped only where node is absent.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from npm_tools import npm_package
from yaml_language_server import PACKAGE, VERSION, diagnostics

from govcheck.load.documents import load_bytes
from govcheck.load.schema import KINDS

GOVCHECK = str(Path(sys.executable).parent / "govcheck")
PROJECT_ROOT = Path(__file__).resolve().parents[1]
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SCHEMA_FILES = [*(f"{kind.lower()}.schema.json" for kind in KINDS), "manifest.schema.json",
                "config.schema.json"]
DATASET = """\
apiVersion: govcheck/v1
kind: Dataset
metadata: {name: refund}
spec:
  system_of_record: shopify
  fields:
    - {name: id, type: string, required: true}
"""


OFFLINE = {"validate": True, "schemaStore": {"enable": False}}  # no schema catalogue download


def govcheck(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GOVCHECK, *args], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with the example estate, its govcheck.yaml, `init`'s starter estate (in
    starter/) and the schemas written by `govcheck schema --output-dir .schemas`."""
    root = tmp_path_factory.mktemp("workspace")
    shutil.copytree(PROJECT_ROOT / "ecosystem", root / "ecosystem")
    shutil.copy(PROJECT_ROOT / "govcheck.yaml", root / "govcheck.yaml")
    assert govcheck(root, "init", "starter").returncode == 0
    done = govcheck(root, "schema", "--output-dir", ".schemas")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[:-1] == [f"wrote .schemas/{name}" for name in SCHEMA_FILES]
    assert done.stdout.splitlines()[-1].startswith(
        "editors: map .schemas/manifest.schema.json to the manifests' folder")
    return root


def validator(workspace: Path, name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((workspace / ".schemas" / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def read(path: Path) -> list[Any]:
    """The documents of a file, read as govcheck reads YAML (1.2: a date stays a string, as it
    does in yaml-language-server)."""
    loaded, problems = load_bytes(path.name, path.read_bytes())
    assert problems == [], path
    return [document.data for document in loaded]


def documents(folder: Path) -> list[tuple[str, Any]]:
    """(file, document) for every manifest under `folder`."""
    return [(str(path.relative_to(folder)), document)
            for path in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")])
            for document in read(path)]


def errors(schema: jsonschema.Draft7Validator, document: Any) -> list[tuple[str, list[Any], str]]:
    """(keyword, path, message) per error, as an editor lists them."""
    return sorted((error.validator, list(error.absolute_path), error.message)
                  for error in schema.iter_errors(document))


def dataset(text: str = DATASET) -> Any:
    return load_bytes("refund.yaml", text.encode())[0][0].data


# --- the schemas, judged by jsonschema ---------------------------------------------------------

@pytest.mark.parametrize("estate", ["ecosystem", "starter/ecosystem"])
def test_every_manifest_is_valid_against_the_manifest_schema(workspace: Path, estate: str) -> None:
    schema = validator(workspace, "manifest.schema.json")
    found = documents(workspace / estate)
    assert {document["kind"] for _, document in found} == set(KINDS)
    assert [(name, errors(schema, document)) for name, document in found
            if errors(schema, document)] == []


def test_a_file_with_two_kinds_is_judged_document_by_document(workspace: Path) -> None:
    schema = validator(workspace, "manifest.schema.json")
    people = read(workspace / "starter" / "ecosystem" / "people.yaml")
    assert [document["kind"] for document in people] == ["Team", "Person"]
    team, person = people
    team["spec"]["email"] = person["spec"]["email"]     # a Person's key in a Team
    assert errors(schema, team) == [
        ("additionalProperties", ["spec"], "'email' does not match any of the regexes: '^x-'")]
    assert errors(schema, person) == []


def test_every_govcheck_yaml_is_valid_against_the_config_schema(workspace: Path) -> None:
    schema = validator(workspace, "config.schema.json")
    for path in (workspace / "govcheck.yaml", workspace / "starter" / "govcheck.yaml"):
        assert errors(schema, read(path)[0]) == [], path
    assert errors(schema, {"ecosytem": "ecosystem"}) == [
        ("additionalProperties", [], "'ecosytem' does not match any of the regexes: '^x-'")]


def test_a_dataset_without_its_owner_gets_the_dataset_schemas_error(workspace: Path) -> None:
    schema = validator(workspace, "manifest.schema.json")
    wrong = dataset()
    assert errors(schema, wrong) == [("required", ["spec"], "'owner' is a required property")]
    best = jsonschema.exceptions.best_match(schema.iter_errors(wrong))
    assert best is not None and best.message == "'owner' is a required property"
    # the same error the dataset's own schema gives, not a summary of alternatives
    assert errors(schema, wrong) == errors(validator(workspace, "dataset.schema.json"), wrong)


def test_a_wrong_kind_is_refused_by_name(workspace: Path) -> None:
    schema = validator(workspace, "manifest.schema.json")
    wrong = dataset(DATASET.replace("kind: Dataset", "kind: Datasets"))
    assert errors(schema, wrong) == [
        ("enum", ["kind"], ("'Datasets' is not one of ['Team', 'Person', 'System', 'Dataset', "
                           "'Integration']"))]
    wrong = dataset(DATASET.replace("kind: Dataset\n", ""))
    assert errors(schema, wrong) == [("required", [], "'kind' is a required property")]


def test_a_document_is_judged_by_the_kind_it_names(workspace: Path) -> None:
    schema = validator(workspace, "manifest.schema.json")
    wrong = dataset(DATASET.replace("kind: Dataset", "kind: Team"))
    assert errors(schema, wrong) == [
        ("additionalProperties", ["spec"],
         "'fields', 'system_of_record' do not match any of the regexes: '^x-'"),
        ("required", ["spec"], "'function' is a required property")]


def test_schema_names_one_schema(tmp_path: Path) -> None:
    manifest = json.loads(govcheck(tmp_path, "schema", "manifest").stdout)
    everything = json.loads(govcheck(tmp_path, "schema").stdout)
    assert list(everything) == [name.removesuffix(".schema.json") for name in SCHEMA_FILES]
    assert manifest == everything["manifest"]
    assert manifest["title"] == "govcheck manifest"
    done = govcheck(tmp_path, "schema", "manifests")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("govcheck: error: unknown kind 'manifests' (did you mean 'manifest'?): "
                           "one of team, person, system, dataset, integration, manifest, config\n")


# --- the README's setup, judged by yaml-language-server ----------------------------------------

@pytest.fixture(scope="session")
def yamlls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose node_modules holds yaml-language-server."""
    if shutil.which("node") is None:
        pytest.skip("yaml-language-server needs node")
    return npm_package(tmp_path_factory, PACKAGE, VERSION, "GOVCHECK_YAMLLS_DIR")


def readme_block(language: str, after: str) -> str:
    """The first ```language block after the text `after` in the README."""
    match = re.search(rf"```{language}\n(.*?)```", README[README.index(after):], re.DOTALL)
    assert match is not None, f"no {language} block after {after!r}"
    return match.group(1)


def vscode_settings() -> dict[str, Any]:
    """The README's VS Code settings as the extension passes them to the server: VS Code's
    dotted names ("yaml.schemas") are sections ({"yaml": {"schemas": ...}})."""
    settings: dict[str, Any] = {"yaml": dict(OFFLINE)}
    for name, value in json.loads(readme_block("json", "**VS Code**")).items():
        section, _, key = name.partition(".")
        settings.setdefault(section, {})[key] = value
    return settings


def test_the_vscode_settings_pass_the_example_estate(yamlls: Path, workspace: Path) -> None:
    files = [workspace / "govcheck.yaml", *sorted((workspace / "ecosystem").rglob("*.yaml"))]
    found = diagnostics(yamlls, workspace, vscode_settings(), files)
    assert set(found) == set(files)
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_the_vscode_settings_report_mistakes(yamlls: Path, workspace: Path,
                                             tmp_path: Path) -> None:
    shutil.copytree(workspace / ".schemas", tmp_path / ".schemas")
    (tmp_path / "ecosystem" / "sales").mkdir(parents=True)
    no_owner = tmp_path / "ecosystem" / "refund.yaml"
    no_owner.write_text(DATASET, encoding="utf-8")
    two_kinds = tmp_path / "ecosystem" / "sales" / "refund.yml"
    two_kinds.write_text(DATASET.replace("system_of_record: shopify",
                                         "system_of_record: shopify\n  owner: sales-ops")
                         + "---\n" + DATASET.replace("kind: Dataset", "kind: Datasets"),
                         encoding="utf-8")
    config = tmp_path / "govcheck.yaml"
    config.write_text("ecosytem: ecosystem\n", encoding="utf-8")
    found = diagnostics(yamlls, tmp_path, vscode_settings(), [no_owner, two_kinds, config])
    assert found == {
        no_owner: [(4, 'Missing property "owner".')],
        two_kinds: [(11, ('Value is not accepted. Valid values: "Team", "Person", "System", '
                         '"Dataset", "Integration".'))],
        config: [(1, "Property ecosytem is not allowed.")]}


def test_the_modeline_checks_one_manifest(yamlls: Path, workspace: Path, tmp_path: Path) -> None:
    modeline = readme_block("yaml", "**One file at a time**").strip()
    assert modeline.startswith("# yaml-language-server: $schema=../../")
    folder = workspace / "ecosystem" / "datasets"
    right = folder / "modeline-right.yaml"
    right.write_text(modeline + "\n" + (folder / "customer.yaml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    wrong = folder / "modeline-wrong.yaml"
    wrong.write_text(modeline + "\n" + DATASET, encoding="utf-8")
    try:
        found = diagnostics(yamlls, workspace, {"yaml": OFFLINE}, [right, wrong])
    finally:
        right.unlink()
        wrong.unlink()
    assert found == {right: [], wrong: [(5, 'Missing property "owner".')]}
