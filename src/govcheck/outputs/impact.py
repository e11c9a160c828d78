"""Text, JSON and Markdown output of `govcheck impact`: pure functions of its result."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from govcheck.changes.report import Change, Requirement
from govcheck.model.text import plural
from govcheck.model.timing import duration_words, iso_duration
from govcheck.outputs import FormatOptions
from govcheck.outputs.diff_text import requirement_group
from govcheck.outputs.safe_text import code, markdown, terminal
from govcheck.views.impact import (
    FALLS_BACK,
    MISSES_RUNS,
    STALE_INPUT,
    STOPS,
    WAITS,
    Alert,
    Impact,
    LinkImpact,
    OutageImpact,
    Rebuild,
    RecordMove,
    ReplacementImpact,
    Team,
    Workaround,
)

_RED, _AMBER, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[0m"
# What happens to the business process a link serves, by what happens to the link.
PROCESS_EFFECTS = {STOPS: "stops", FALLS_BACK: "on its fallback", MISSES_RUNS: "delayed",
                   WAITS: "waits", STALE_INPUT: "on stale data"}
UNNAMED = "not named yet (spec.lifecycle.replaced_by)"


# -- shared words ---------------------------------------------------------------------------


def _names(keys: Iterable[str]) -> str:
    return ", ".join(key.partition("/")[2] or key for key in keys) or "nobody"


def _team(team: Team) -> str:
    return f"{team.group} ({_names(team.people)})"


def _stale(seconds: float | None) -> str:
    return "until someone re-syncs it by hand" if seconds is None else \
        f"for up to {duration_words(seconds)}"


def _arrow(link: LinkImpact | Rebuild, arrows: tuple[str, str] = ("->", "<->")) -> str:
    return f"{link.source} {arrows[1] if link.bidirectional else arrows[0]} {link.target}"


MARKDOWN_ARROWS = ("→", "↔")


def _timing(link: LinkImpact | Rebuild) -> str:
    return f"{link.mode}, {link.cadence}" if link.cadence else link.mode


def _fallback_words(link: LinkImpact, outage: float) -> str:
    fallback = link.fallback
    if fallback is None:
        return ""
    strategy = fallback.strategy or "its fallback"
    if fallback.covers is None:
        return f"{strategy} (no max_delay: how long it holds is not said)"
    if fallback.covers:
        return f"{strategy}, which covers {duration_words(outage)} (max_delay {fallback.max_delay})"
    short = outage - (fallback.max_delay_seconds or 0.0)
    return (f"{strategy}, which does NOT cover {duration_words(outage)} (max_delay "
            f"{fallback.max_delay}, {duration_words(short)} short)")


def effect_words(link: LinkImpact, outage: float) -> str:
    """What happens to the link, in a sentence."""
    if link.effect == STOPS:
        return "stops: real-time with no fallback"
    if link.effect == FALLS_BACK:
        return f"falls back to {_fallback_words(link, outage)}"
    if link.effect == MISSES_RUNS:
        runs = round(link.missed_runs)
        missed = f"misses about {plural(runs, 'run')}" if runs else "may miss a run"
        notices = "; notices at its next run" + (
            f" (within {duration_words(link.notices_within)})" if link.notices_within else "")
        fallback = f"; then falls back to {_fallback_words(link, outage)}" if link.fallback else ""
        return missed + notices + fallback
    if link.effect == WAITS:
        return "waits: done by hand once the system is back"
    return (f"reads {', '.join(link.datasets)} from {_senders(link)}, which no longer receives "
            f"it (via {' -> '.join(link.via)}): runs as usual on stale data, nothing alerts on it")


def _stale_words(link: LinkImpact) -> str:
    return (f"stale {_stale(link.stale_for)}: {', '.join(link.datasets) or '(no datasets)'} "
            f"in {', '.join(link.receivers)}")


def _senders(link: LinkImpact) -> str:
    senders = [end for end in (link.source, link.target) if end not in link.receivers]
    return ", ".join(senders) or link.source


# A text line and the colour of the whole line ("" for none): colour is added after the
# line is made safe for the terminal, so that nothing from a manifest can colour anything.
Line = tuple[str, str]


def _plain(text: str) -> Line:
    return text, ""


def _effect_color(link: LinkImpact) -> str:
    uncovered = link.fallback is not None and link.fallback.covers is False
    return _RED if link.effect == STOPS or uncovered else _AMBER


def outage_summary(result: OutageImpact) -> str:
    """One sentence: how many links are hit and how."""
    uncovered = len(result.uncovered)
    beyond = (f"; {plural(uncovered, 'outlasts its', 'outlast their')} fallback's max_delay"
              if uncovered else "")
    return (f"{plural(len(result.links), 'link')} hit ({len(result.direct)} directly, "
            f"{len(result.downstream)} downstream): "
            f"{plural(result.count(STOPS), 'stops', 'stop')}, "
            f"{plural(result.count(FALLS_BACK), 'falls back', 'fall back')}, "
            f"{plural(result.count(MISSES_RUNS), 'misses runs', 'miss runs')}, "
            f"{plural(result.count(WAITS), 'waits', 'wait')}{beyond}; "
            f"{plural(len(result.stale_data), 'stale copy', 'stale copies')} of datasets; "
            f"{plural(len(result.alerts), 'team')} to alert")


def replacement_summary(result: ReplacementImpact) -> str:
    return (f"{plural(len(result.records), 'dataset')} to re-home, "
            f"{plural(len(result.rebuilds), 'integration')} to rebuild or re-point, "
            f"{plural(len(result.workarounds), 'manual workaround')} "
            f"({_hours(result.hours_per_week)} a week), "
            f"{plural(len(result.signoffs), 'change')} needing sign-off from "
            f"{plural(len(result.people), 'person', 'people')}")


def _hours(hours: float) -> str:
    return f"{hours:g} h"


def _lifecycle_words(result: ReplacementImpact) -> str:
    lifecycle = result.lifecycle
    if lifecycle.contract_end:
        months = lifecycle.months_left or 0
        when = (f"in {plural(months, 'month')}" if months > 0 else
                "this month" if months == 0 else f"{plural(-months, 'month')} ago")
        contract = f"contract ends {lifecycle.contract_end} ({when})"
    else:
        contract = "no contract end given"
    return f"{lifecycle.status}; {contract}"


# -- text -----------------------------------------------------------------------------------

def impact_text(result: Impact, options: FormatOptions) -> str:
    lines = (_outage_text(result) if isinstance(result, OutageImpact)
             else [_plain(line) for line in _replacement_text(result)])
    return "".join(_painted(text, color, options) + "\n" for text, color in lines)


def _painted(text: str, color: str, options: FormatOptions) -> str:
    safe = terminal(text)
    if not color or not options.color:
        return safe
    indent = len(safe) - len(safe.lstrip(" "))
    return f"{safe[:indent]}{color}{safe[indent:]}{_RESET}"


def _outage_text(result: OutageImpact) -> list[Line]:
    lines = [_plain(line) for line in (
        (f"impact: {result.system} ({result.title}) down for "
        f"{duration_words(result.seconds)} ({result.duration}), as of {result.as_of}"),
        f"owner: {_team(result.owner)}", "",
        f"{plural(len(result.direct), 'link')} from or to {result.system}:")]
    for link in result.direct:
        lines += _link_text(link, result.seconds)
    if result.downstream:
        lines += [_plain(""), _plain(f"{plural(len(result.downstream), 'link')} downstream, "
                                     "running as usual on stale data (nothing alerts on them):")]
        for link in result.downstream:
            lines += _link_text(link, result.seconds)
    lines += [_plain(""), _plain("business processes:")]
    lines += [_plain(f"  {PROCESS_EFFECTS[link.effect]}: {link.trigger or '(no trigger)'} -> "
                     f"{link.outcome or '(no outcome)'} [{link.integration}]")
              for link in result.links]
    lines += [_plain(""), _plain("alert:")]
    for alert in result.alerts:
        lines += [_plain(line) for line in _alert_text(alert)]
    return lines + [_plain(""), _plain(outage_summary(result))]


def _link_text(link: LinkImpact, outage: float) -> list[Line]:
    lines = [_plain(f"  {link.integration}  {_arrow(link)}  {_timing(link)}"),
             (f"    {effect_words(link, outage)}", _effect_color(link))]
    return lines + [_plain(f"    {_stale_words(link)}")]


def _alert_text(alert: Alert) -> list[str]:
    where = f" on {', '.join(alert.channels)}" if alert.channels else ""
    lines = [f"  {_team(alert.team)}{where}: {', '.join(alert.integrations)}"]
    return lines + [f"    runbook {name}: {runbook}" for name, runbook in alert.runbooks]


def _replacement_text(result: ReplacementImpact) -> list[str]:
    lifecycle = result.lifecycle
    lines = [(f"impact: replacing {result.system} ({result.title}, "
             f"{result.category or 'no category'}), as of {result.as_of}"),
             f"owner: {_team(result.owner)}",
             f"lifecycle: {_lifecycle_words(result)}",
             f"exit plan: {lifecycle.exit_plan if lifecycle.exit_plan else 'none'}",
             f"replacement: {result.replacement or UNNAMED}", ""]
    lines.append(f"{plural(len(result.records), 'dataset')} whose system of record moves:")
    for record in result.records:
        lines += _record_text(record)
    lines += ["", f"{plural(len(result.rebuilds), 'integration')} to rebuild or re-point:"]
    for rebuild in result.rebuilds:
        lines += [(f"  {rebuild.integration}  {_arrow(rebuild)}  {_timing(rebuild)}  "
                  f"{rebuild.method or 'no method'}  [{', '.join(rebuild.datasets)}]  "
                  f"{_owner(rebuild.owner)}"), f"    {rebuild.action}"]
    count = len(result.workarounds)
    lines += ["", (f"{plural(count, 'manual workaround')} that "
                   f"{'depends' if count == 1 else 'depend'} on it "
                   f"({_hours(result.hours_per_week)} a week):")]
    lines += [f"  {_workaround_text(item, result.system)}" for item in result.workarounds]
    lines += ["", (f"sign-off the replacement needs (what govcheck diff would require), "
                  f"{plural(len(result.signoffs), 'change')}:")]
    for change in result.signoffs:
        lines.append(f"  {change.change_class} {change.type} {change.entity} — "
                     f"{change.detail}")
        lines += [f"    needs: {requirement_group(requirement)}" for requirement in change.requires]
    lines += ["", f"in the room: {_names(result.people)}", "", replacement_summary(result)]
    return lines


def _owner(team: str, missing: str = "no owner") -> str:
    """`owner team/NAME`, or what to say when there is none."""
    return f"owner team/{team}" if team else missing


def _record_text(record: RecordMove) -> list[str]:
    return [(f"  dataset/{record.dataset} ({_owner(record.owner)}, "
            f"{record.classification}): the new system of record is decided by")] + [
        f"    {requirement_group(requirement)}" for requirement in record.decided_by]


def _workaround_text(item: Workaround, system: str) -> str:
    hours = f", {_hours(item.hours_per_week)} a week" if item.hours_per_week is not None else ""
    named = "" if item.declared_on_it else f"; names {system}"
    return (f"{item.system}: {item.description} "
            f"({f'team/{item.team}' if item.team else 'no team'}{hours}{named})")


# -- JSON -----------------------------------------------------------------------------------

def impact_json(result: Impact, options: FormatOptions) -> str:
    """Stable and versioned, like every govcheck JSON report."""
    head: dict[str, object] = {"version": 1, "tool": "govcheck", "command": "impact",
                               "as_of": result.as_of.isoformat(), "system": result.system,
                               "title": result.title, "owner": _team_dict(result.owner)}
    body = (_outage_json(result) if isinstance(result, OutageImpact)
            else _replacement_json(result))
    return json.dumps({**head, **body}, indent=2, ensure_ascii=False) + "\n"


def _team_dict(team: Team) -> dict[str, object]:
    return {"group": team.group, "people": list(team.people)}


def _seconds(value: float | None) -> dict[str, object]:
    return {"seconds": value, "duration": None if value is None else iso_duration(value)}


def _outage_json(result: OutageImpact) -> dict[str, object]:
    return {
        "scenario": {"type": "outage", "down": result.duration, "seconds": result.seconds},
        "links": [_link_dict(link) for link in result.links],
        "stale_data": [{"system": item.system, "dataset": item.dataset,
                        "stale_for": _seconds(item.stale_for), "integration": item.integration}
                       for item in result.stale_data],
        "alerts": [{"team": _team_dict(alert.team), "integrations": list(alert.integrations),
                    "channels": list(alert.channels),
                    "runbooks": [{"integration": name, "runbook": runbook}
                                 for name, runbook in alert.runbooks]}
                   for alert in result.alerts],
        "summary": {"links": len(result.links), "direct": len(result.direct),
                    "downstream": len(result.downstream), "stop": result.count(STOPS),
                    "fall_back": result.count(FALLS_BACK),
                    "beyond_max_delay": len(result.uncovered),
                    "miss_runs": result.count(MISSES_RUNS), "wait": result.count(WAITS),
                    "stale_data": len(result.stale_data), "alerts": len(result.alerts)},
    }


def _link_dict(link: LinkImpact) -> dict[str, object]:
    fallback = link.fallback
    return {
        "integration": link.integration, "title": link.title, "source": link.source,
        "target": link.target,
        "direction": "bidirectional" if link.bidirectional else "one-way", "mode": link.mode,
        "cadence": link.cadence or None, "datasets": list(link.datasets),
        "receivers": list(link.receivers), "effect": link.effect,
        "stale_for": _seconds(link.stale_for), "notices_within": _seconds(link.notices_within),
        "missed_runs": round(link.missed_runs, 2),
        "fallback": None if fallback is None else {
            "strategy": fallback.strategy, "description": fallback.description,
            "max_delay": fallback.max_delay or None, "covers": fallback.covers},
        "downstream": link.downstream, "via": list(link.via),
        "process": {"trigger": link.trigger, "outcome": link.outcome},
        "monitoring": {"team": None if link.monitoring is None else _team_dict(link.monitoring),
                       "alert_channel": link.alert_channel or None,
                       "runbook": link.runbook or None},
    }


def _requirement_dict(requirement: Requirement) -> dict[str, object]:
    return {"group": requirement.group, "people": list(requirement.people),
            "min": requirement.minimum}


def _change_dict(change: Change) -> dict[str, object]:
    return {"type": change.type, "class": change.change_class, "entity": change.entity,
            "detail": change.detail, "file": change.file, "line": change.line,
            "requires": [_requirement_dict(requirement) for requirement in change.requires]}


def _replacement_json(result: ReplacementImpact) -> dict[str, object]:
    lifecycle = result.lifecycle
    return {
        "scenario": {"type": "replacement", "replacement": result.replacement or None},
        "category": result.category,
        "lifecycle": {"status": lifecycle.status, "contract_end": lifecycle.contract_end or None,
                      "months_left": lifecycle.months_left,
                      "exit_plan": lifecycle.exit_plan or None,
                      "replaced_by": lifecycle.replaced_by or None},
        "records": [{"dataset": record.dataset, "title": record.title, "owner": record.owner,
                     "classification": record.classification,
                     "decided_by": [_requirement_dict(item) for item in record.decided_by]}
                    for record in result.records],
        "integrations": [{"integration": item.integration, "title": item.title,
                          "source": item.source, "target": item.target,
                          "direction": "bidirectional" if item.bidirectional else "one-way",
                          "mode": item.mode, "cadence": item.cadence or None,
                          "method": item.method, "datasets": list(item.datasets),
                          "owner": item.owner, "action": item.action}
                         for item in result.rebuilds],
        "workarounds": [{"system": item.system, "description": item.description,
                         "team": item.team, "hours_per_week": item.hours_per_week,
                         "declared_on_it": item.declared_on_it} for item in result.workarounds],
        "signoffs": [_change_dict(change) for change in result.signoffs],
        "people": list(result.people),
        "summary": {"records": len(result.records), "integrations": len(result.rebuilds),
                    "workarounds": len(result.workarounds),
                    "hours_per_week": result.hours_per_week, "signoffs": len(result.signoffs),
                    "people": len(result.people)},
    }


# -- Markdown -------------------------------------------------------------------------------

def impact_markdown(result: Impact, options: FormatOptions) -> str:
    parts = (_outage_markdown(result) if isinstance(result, OutageImpact)
             else _replacement_markdown(result))
    return "\n".join(parts) + "\n"


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(headers: list[str], rows: Iterable[list[str]]) -> list[str]:
    return [_row(headers), "|" + "---|" * len(headers), *(_row(row) for row in rows), ""]


def _team_md(team: Team) -> str:
    return f"{code(team.group)} ({markdown(_names(team.people))})"


def _outage_markdown(result: OutageImpact) -> list[str]:
    parts = [(f"## Impact: {code(result.system)} ({markdown(result.title)}) down for "
             f"{duration_words(result.seconds)}"), "",
             (f"As of {result.as_of}. {markdown(outage_summary(result))}. "
             f"Owner: {_team_md(result.owner)}."), "",
             f"### Links from or to {code(result.system)}", ""]
    parts += _table(["link", "from → to", "timing", "what happens", "stale"],
                    (_link_row(link, result.seconds) for link in result.direct))
    if result.downstream:
        parts += ["### Downstream: running as usual on stale data", ""]
        parts += _table(["link", "from → to", "timing", "what happens", "stale"],
                        (_link_row(link, result.seconds) for link in result.downstream))
    parts += ["### Business processes", ""]
    parts += _table(["process", "trigger → outcome", "link"],
                    ([PROCESS_EFFECTS[link.effect],
                      f"{markdown(link.trigger)} → {markdown(link.outcome)}",
                      code(link.integration)] for link in result.links))
    parts += ["### Alert", ""]
    parts += _table(["team", "channels", "links", "runbooks"], (_alert_row(alert)
                                                                for alert in result.alerts))
    return parts


def _link_row(link: LinkImpact, outage: float) -> list[str]:
    return [code(link.integration), markdown(_arrow(link, MARKDOWN_ARROWS)),
            markdown(_timing(link)),
            markdown(effect_words(link, outage)), markdown(_stale_words(link))]


def _alert_row(alert: Alert) -> list[str]:
    runbooks = "<br>".join(f"{code(name)}: {markdown(runbook)}" for name, runbook in alert.runbooks)
    return [_team_md(alert.team), markdown(", ".join(alert.channels)),
            ", ".join(code(name) for name in alert.integrations), runbooks]


def _replacement_markdown(result: ReplacementImpact) -> list[str]:
    lifecycle = result.lifecycle
    parts = [f"## Impact: replacing {code(result.system)} ({markdown(result.title)})", "",
             f"As of {result.as_of}. {markdown(replacement_summary(result))}.", "",
             f"- Owner: {_team_md(result.owner)}",
             f"- Lifecycle: {markdown(_lifecycle_words(result))}",
             f"- Exit plan: {markdown(lifecycle.exit_plan) if lifecycle.exit_plan else 'none'}",
             "- Replacement: " + (code(result.replacement) if result.replacement
                                  else markdown(UNNAMED)),
             "", "### Datasets whose system of record moves", ""]
    parts += _table(["dataset", "owner", "classification",
                     "the new system of record is decided by"],
                    ([code(f"dataset/{record.dataset}"), code(f"team/{record.owner}"),
                      record.classification, _requirements_md(record.decided_by)]
                     for record in result.records))
    parts += ["### Integrations to rebuild or re-point", ""]
    parts += _table(["link", "from → to", "timing", "method", "datasets", "owner", "action"],
                    ([code(item.integration), markdown(_arrow(item, MARKDOWN_ARROWS)),
                      markdown(_timing(item)),
                      markdown(item.method), markdown(", ".join(item.datasets)),
                      code(f"team/{item.owner}"), markdown(item.action)]
                     for item in result.rebuilds))
    parts += ["### Manual workarounds that depend on it", ""]
    parts += _table(["declared on", "workaround", "team", "hours a week"],
                    ([code(item.system), markdown(item.description), code(f"team/{item.team}"),
                      _hours(item.hours_per_week) if item.hours_per_week is not None else ""]
                     for item in result.workarounds))
    parts += ["### Sign-off the replacement needs", "",
              "What `govcheck diff` would require for the change that replaces it.", ""]
    parts += _table(["change", "entity", "class", "needs sign-off from"],
                    ([f"{code(change.type)} {markdown(change.detail)}", code(change.entity),
                      change.change_class, _requirements_md(change.requires)]
                     for change in result.signoffs))
    parts += [f"In the room: {markdown(_names(result.people))}."]
    return parts


def _requirements_md(requirements: Iterable[Requirement]) -> str:
    return "<br>".join(markdown(requirement_group(requirement)) for requirement in requirements)


IMPACT_RENDERERS: dict[str, Callable[[Impact, FormatOptions], str]] = {
    "text": impact_text, "json": impact_json, "markdown": impact_markdown}
