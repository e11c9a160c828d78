"""What manifests, file names and commits say is shown, never obeyed, in every output.

A hostile report (file names, entity names, messages, rule titles, revision names, evidence
and notes all chosen by an attacker) is formatted in every format and compared with the same
report holding plain words: a line-oriented output has the same lines, and a Markdown output,
rendered by GitHub's own renderer, has the same HTML elements. Then the command line, with a
file whose name is not UTF-8 on disk and in a real git history."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from git_helpers import GitRepo, isolate_git
from markdown_render import elements, rendered_text, to_html

from govcheck.changes.report import Approval, Change, DiffReport, NotCounted, Requirement
from govcheck.model.findings import Finding, Severity
from govcheck.outputs import CHECK_FORMATS, DIFF_FORMATS, FormatOptions, formatter
from govcheck.outputs.annotations import check_step_summary, diff_step_summary
from govcheck.outputs.escape import json_document, printable
from govcheck.rules.policy import Rule
from govcheck.rules.report import CheckReport
from govcheck.views.graph import mermaid_text

GOVCHECK = str(Path(sys.executable).parent / "govcheck")
BASE = yaml.safe_load((Path(__file__).parent / "rules" / "_base.yaml").read_text("utf-8"))
AS_OF = dt.date(2026, 11, 23)

# A finding line forged after a newline, terminal sequences (clear the screen, a hyperlink,
# a bell), a right-to-left override, the undecodable byte of a non-UTF-8 file name, and every
# piece of Markdown that could become a link, an image, HTML, a heading, a cell or a fence.
FORGED_LINE = "\nfake.yaml:1:1: error GOV001 forged finding [team/x]\r\n::error::forged"
TERMINAL = "\x1b[2J\x1b]8;;http://evil.example\x07click\x1b]8;;\x07\x00\x7f\x85"
TROJAN = "\u202eevil\u2066\u2028"
BYTES = "bad\udcff"
MARKDOWN = ("[link](http://evil.example) ![image](http://evil.example/i.png) "
            "<img src=x onerror=alert(1)> <http://evil.example> www.evil.example "
            "https://evil.example/a jane@evil.example mailto:jane@evil.example @octocat "
            "#123 | extra | cell | ``` ~~~ <!-- comment --> <details> &amp; &#60;b&#62; *em* "
            "_em_ ~~gone~~ $x^2$ :smile: [^1] \\| \\ `code` ``two`` x<br>y")
HOSTILE = FORGED_LINE + TERMINAL + TROJAN + BYTES + " " + MARKDOWN
PLAIN = "plain words"

# What no line-oriented output may contain: controls (but the newlines between lines),
# separators, bidirectional overrides and lone surrogates.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def check_report(text: str) -> CheckReport:
    """Findings whose every text field holds `text`: active, waived, and from a rule whose
    title holds it too."""
    rules = {"GOV003": Rule("GOV003", "Fallbacks", Severity.ERROR, "r", "f"),
             f"X{text}": Rule(f"X{text}", f"title {text}", Severity.WARNING, "r", "f")}
    findings = (
        Finding("GOV003", Severity.ERROR, f"integration/{text}", f"ecosystem/{text}.yaml", 3, 5,
                f"message {text} end"),
        Finding(f"X{text}", Severity.WARNING, f"system/{text}", f"{text}.yaml", 1, 1, text),
        Finding("GOV003", Severity.ERROR, f"integration/w{text}", f"w{text}.yaml", 9, 2,
                f"waived {text}", waived=True),
    )
    return CheckReport(findings, rules, AS_OF, entities=4, files=3)


def diff_report(text: str) -> DiffReport:
    requirement = Requirement(f"dataset/{text} approvers", (f"person/{text}", "person/jane"), 1,
                              (), (NotCounted(f"person/{text}", "trailers", f"reason {text}"),))
    signed = Requirement(f"team/{text} members", ("person/jane",), 1, ("person/jane",))
    changes = (Change("dataset.field.removed", "breaking", f"dataset/{text}",
                      f"field '{text}' removed", f"ecosystem/{text}.yaml", 7, (requirement,)),
               Change(f"dataset.{text}", "minor", f"dataset/{text}", f"detail {text}",
                      f"{text}.yaml", 1, (signed,)))
    evidence = (Approval("trailers", f"{text} <{text}@example.com>", f"commit {text}",
                         f"person/{text}", f"not counted {text}", weak=True),)
    return DiffReport("0" * 40, "1" * 40, changes, base_label=f"main{text}",
                      head_label=f"head{text}", evidence=evidence, notes=(f"note {text}",))


OPTIONS = FormatOptions(show_waived=True)
LINE_FORMATS = {"check": ("text", "table", "github", "junit"),
                "diff": ("text", "table", "github")}


def render(command: str, format_name: str, text: str) -> str:
    table, report = ((CHECK_FORMATS, check_report(text)) if command == "check"
                     else (DIFF_FORMATS, diff_report(text)))
    return formatter(table, format_name)(report, OPTIONS)


# --- printable -----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "shown"), [
    ("a\nb\rc\td", "a\\nb\\rc\\td"),
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("nul\x00 del\x7f", "nul\\x00 del\\x7f"),
    ("next line\x85 c1\x9b", "next line\\u0085 c1\\u009b"),
    ("line\u2028para\u2029", "line\\u2028para\\u2029"),
    ("\u202eabc\u202c \u2066x\u2069 \u200f", "\\u202eabc\\u202c \\u2066x\\u2069 \\u200f"),
    ("bad\udcff.yaml", "bad\\xff.yaml"),
    ("lone \ud800", "lone \\ud800"),
    ("non\ufffe\uffff", "non\\ufffe\\uffff"),
    ("é ✅ 👩‍💻 日本 C:\\path", "é ✅ 👩‍💻 日本 C:\\path"),   # ordinary text is untouched
])
def test_printable_shows_every_control_as_a_visible_escape(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_json_carries_a_non_utf8_name_in_the_escaped_form() -> None:
    text = json_document({"file": "bad\udcff.yaml", "message": "tab\there"})
    text.encode("utf-8")                                # strict: nothing undecodable left
    assert json.loads(text) == {"file": "bad\\xff.yaml", "message": "tab\there"}


# --- line-oriented formats -------------------------------------------------------------------


@pytest.mark.parametrize(("command", "format_name"),
                         [(c, f) for c, names in LINE_FORMATS.items() for f in names])
def test_no_text_can_add_a_line_or_a_control_character(command: str, format_name: str) -> None:
    hostile = render(command, format_name, HOSTILE)
    plain = render(command, format_name, PLAIN)
    assert UNSAFE.search(hostile) is None
    if format_name != "table":      # a table wraps its prose to 100 columns: longer text, more lines
        assert len(hostile.splitlines()) == len(plain.splitlines())
    if format_name != "table":
        assert printable(FORGED_LINE + TERMINAL) in hostile.replace("%25", "%").replace("&amp;", "&")
    assert "\\xff" in hostile


def test_annotations_stay_one_command_each() -> None:
    """Each line one command whose properties end where the runner expects: a `:` or `,` of
    the attacker's is %-encoded in a property, and the command's own `::` comes next."""
    command = re.compile(r"^::(error|warning|notice) [a-z]+=[^:,]*(,[a-z]+=[^:,]*)*::")
    for name in ("check", "diff"):
        lines = render(name, "github", HOSTILE).splitlines()
        assert all(command.match(line) for line in lines[:-1]), lines
        assert not lines[-1].startswith("::")        # the plain summary line
        assert any("\\r\\n%3A%3Aerror%3A%3Aforged" in line for line in lines), lines


def test_junit_has_one_line_per_finding_whatever_the_message() -> None:
    def shape(text: str) -> list[tuple[str, int]]:
        root = ET.fromstring(render("check", "junit", text).encode("utf-8"))
        return [(element.tag, len((element.text or "").splitlines())) for element in root.iter()]

    assert shape(HOSTILE) == shape(PLAIN)


# --- Markdown, as GitHub renders it ----------------------------------------------------------

MARKDOWN_OUTPUTS: dict[str, Callable[[str], str]] = {
    "check markdown": lambda text: render("check", "markdown", text),
    "check step summary": lambda text: check_step_summary(check_report(text), OPTIONS),
    "check markdown with links": lambda text: formatter(CHECK_FORMATS, "markdown")(
        check_report(text), FormatOptions(extra={"blob_url": "https://github.com/o/r/blob/s/"})),
    "diff markdown": lambda text: render("diff", "markdown", text),
    "diff step summary": lambda text: diff_step_summary(diff_report(text), OPTIONS),
}


@pytest.mark.parametrize("name", sorted(MARKDOWN_OUTPUTS))
def test_markdown_renders_hostile_text_as_text(name: str) -> None:
    """The same elements as with plain words: no link, image, HTML, heading, fence or cell
    of the attacker's; and the text is all there, shown as `printable` shows it."""
    hostile, plain = MARKDOWN_OUTPUTS[name](HOSTILE), MARKDOWN_OUTPUTS[name](PLAIN)
    assert elements(hostile) == elements(plain)
    assert "<img>" not in elements(hostile) and "<img/>" not in elements(hostile)
    links = elements(plain).count("<a>")
    assert links == (3 if "links" in name else 0)     # one per located finding, ours alone
    shown = rendered_text(hostile)
    assert printable(HOSTILE) in shown
    assert "@&#8288;octocat" in hostile              # no mention, no e-mail link


def test_a_link_to_a_hostile_file_name_stays_one_link_to_that_file() -> None:
    text = formatter(CHECK_FORMATS, "markdown")(
        check_report(") [x](http://evil.example) |"),
        FormatOptions(extra={"blob_url": "https://github.com/o/r/blob/s/"}))
    hrefs = re.findall(r'href="([^"]*)"', to_html(text))
    assert hrefs and all(href.startswith("https://github.com/o/r/blob/s/") for href in hrefs)
    assert "https://github.com/o/r/blob/s/ecosystem/%29%20%5Bx%5D%28http%3A//evil.example%29"\
           "%20%7C.yaml#L3" in hrefs


# --- the command line: error lines, and a file name that is not UTF-8 ------------------------


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The installed entry point, its output as bytes, with a strict UTF-8 stdout (as under a
    UTF-8 locale): a character that cannot be encoded is a crash, not a replacement."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "NO_COLOR"))}
    environment["PYTHONIOENCODING"] = "utf-8:strict"
    return subprocess.run([GOVCHECK, *args], cwd=cwd, env=environment, capture_output=True,
                          check=False, timeout=120)


def test_an_error_line_shows_what_it_quotes_escaped(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = run(["check", "--config", "x\x1b[2J\nfake.yaml:1:1: error GOV001 forged"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.count(b"\n") == 1 and b"\x1b" not in result.stderr
    assert b"x\\x1b[2J\\nfake.yaml:1:1: error GOV001 forged" in result.stderr


def test_an_argument_click_quotes_is_shown_escaped(tmp_path: Path) -> None:
    result = run(["check", "a", "b\x1b[2J\nforged"], tmp_path)
    assert result.returncode == 2
    assert result.stderr == (b"govcheck: error: Got unexpected extra argument (b\\x1b[2J\\nforged) "
                             b"(see 'govcheck check --help')\n")


NON_UTF8 = os.fsdecode(b"ecosystem/bad\xff.yaml")
SHOWN = "ecosystem/bad\\xff.yaml"
REPORTS = {"table": "out.table", "json": "out.json", "sarif": "out.sarif",
           "github": "out.github", "markdown": "out.md", "junit": "out.xml"}


def assert_every_format_shows_the_name(result: subprocess.CompletedProcess[bytes],
                                       folder: Path, formats: dict[str, str]) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr == b""
    outputs = {name: (folder / file).read_bytes().decode("utf-8")    # strict UTF-8, all of them
               for name, file in formats.items()}
    outputs["text"] = result.stdout.decode("utf-8")
    for name in ("text", "table", "github"):
        assert SHOWN in outputs[name], name
    assert SHOWN in rendered_text(outputs["markdown"])
    assert SHOWN in [change.get("file") for change in
                     json.loads(outputs["json"]).get("findings", json.loads(outputs["json"])
                                                     .get("changes", []))]
    uris = [result_["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for result_ in json.loads(outputs["sarif"])["runs"][0]["results"]]
    assert "ecosystem/bad%FF.yaml" in uris
    if "junit" in outputs:
        assert SHOWN in outputs["junit"]
        ET.fromstring(outputs["junit"].encode("utf-8"))


def report_options(formats: dict[str, str]) -> list[str]:
    return [option for name, file in formats.items() for option in ("--report", f"{name}={file}")]


def test_check_writes_a_non_utf8_file_name_in_every_format(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    for name, text in BASE["files"].items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    Path(tmp_path, NON_UTF8).write_text("kind: [unclosed\n", "utf-8")      # a GOV000 finding
    result = run(["check", "--as-of", "2026-11-23", *report_options(REPORTS)], tmp_path)
    assert_every_format_shows_the_name(result, tmp_path, REPORTS)
    again = run(["check", "--as-of", "2026-11-23", *report_options(REPORTS)], tmp_path)
    assert again.stdout == result.stdout                  # the cached run, too


def test_diff_writes_a_non_utf8_file_name_in_every_format(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch, tmp_path / "home")
    repo = GitRepo.init(tmp_path / "repo")
    dataset = "ecosystem/datasets/customer.yaml"
    repo.commit("base", *BASE["files"].items(), ("govcheck.yaml", "ecosystem: ecosystem\n"))
    moved = BASE["files"][dataset].replace("fields:\n", "fields:\n    - {name: zz, type: string}\n")
    (repo.path / dataset).unlink()
    Path(repo.path, NON_UTF8).write_text(moved, "utf-8")
    repo.commit("move and change")
    formats = {name: file for name, file in REPORTS.items() if name != "junit"}
    result = run(["diff", "HEAD~1..HEAD", *report_options(formats)], repo.path)
    assert_every_format_shows_the_name(result, repo.path, formats)


def test_the_step_summary_of_a_hostile_estate_renders_only_its_own_markup(tmp_path: Path) -> None:
    """End to end: a system's title and a file's name try to close the map's fence, add a
    cell, link, show an image and mention someone; the job summary GitHub renders has the
    findings table, with five cells a row, and the map, and nothing else."""
    (tmp_path / ".git").mkdir()
    title = ("Web\\n```\\n[x](http://evil.example) <img src=x> | cell | jane@evil.example "
             "@team\\n```")
    website = "ecosystem/systems/website.yaml"
    files = {**BASE["files"],
             website: BASE["files"][website].replace("name: website",
                                                     f'name: website\n  title: "{title}"'),
             "ecosystem/x](http:evil.example) | y `z` <b>.yaml": "kind: [unclosed\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    summary = tmp_path / "summary.md"
    environment = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"}
    result = subprocess.run([GOVCHECK, "check", "--as-of", "2026-11-23"], cwd=tmp_path,
                            env=environment, capture_output=True, text=True, check=False,
                            timeout=120)
    assert result.returncode == 1, result.stderr
    found = elements(summary.read_text("utf-8"))
    assert "<a>" not in found and "<img>" not in found and "<b>" not in found
    assert found.count("<pre>") == 1                     # the map, still one block
    rows = "".join(found).split("<tr>")[2:]               # after the header row
    assert rows and all(row.count("<td>") == 5 for row in rows)
    assert "x](http:evil.example) | y `z` <b>.yaml" in rendered_text(summary.read_text("utf-8"))


def test_a_map_label_stays_on_its_line() -> None:
    assert mermaid_text('Web\n```\r\x1b"`#') == "Web#10;#96;#96;#96;#13;#27;#quot;#96;#35;"
