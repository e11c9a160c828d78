"""Which rules run: `select` and `ignore`, rule ids or their prefixes, as ruff chooses rules.

A rule runs when the most specific selector that matches its id (the longest) is in `select`;
no `select` at all selects every rule. When a `select` and an `ignore` selector are equally
specific, `ignore` wins. GOV000 always runs: a file that cannot be read must never pass
unseen.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govcheck.errors import GovcheckError
from govcheck.load.config import Config
from govcheck.load.schema import suggest

ALWAYS_ON = "GOV000"


@dataclass(frozen=True)
class Selection:
    """The rule selectors in force; empty `select` means every rule."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def enabled(self, rule_id: str) -> bool:
        if rule_id.upper() == ALWAYS_ON:
            return True
        selected = _specificity(self.select, rule_id) if self.select else 0
        ignored = _specificity(self.ignore, rule_id)
        return selected is not None and (ignored is None or selected > ignored)


def _specificity(selectors: Iterable[str], rule_id: str) -> int | None:
    """The length of the longest selector that `rule_id` starts with, or None."""
    lengths = [len(selector) for selector in selectors
               if rule_id.upper().startswith(selector.upper())]
    return max(lengths) if lengths else None


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Command-line values: comma-separated and repeatable (`--select GOV001,GOV003`)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def selection_of(config: Config, select: Sequence[str] = (), ignore: Sequence[str] = ()
                 ) -> Selection:
    """The config's selection with the command line's: `--select` replaces the config's
    `select`, `--ignore` adds to its `ignore` (ignoring more is always safe)."""
    return Selection(tuple(select) or tuple(config.select), (*config.ignore, *ignore))


def check_selectors(config: Config, known: Iterable[str], select: Sequence[str] = (),
                    ignore: Sequence[str] = ()) -> None:
    """Every selector names a rule or the start of one; GOV000 cannot be ignored by name.
    A mistake in govcheck.yaml names its file, line and column."""
    rule_ids = sorted(known)
    for option, values in (("--select", select), ("--ignore", ignore)):
        for selector in values:
            _check(selector, rule_ids, f"in {option}", None, None, None)
    for key in ("select", "ignore"):
        for index, selector in enumerate(getattr(config, key)):
            _check(selector, rule_ids, f"under {key}:", config.file,
                   *config.locate((key, index)))


def _check(selector: str, rule_ids: list[str], where: str, file: str | None, line: int | None,
           column: int | None) -> None:
    if "ignore" in where and selector.upper() == ALWAYS_ON:
        raise GovcheckError(f"{ALWAYS_ON} cannot be ignored ({where.split()[-1]}): a file that "
                            "cannot be read would pass unseen", file, line, column)
    if not any(rule_id.upper().startswith(selector.upper()) for rule_id in rule_ids):
        hint = suggest(selector.upper(), rule_ids)
        raise GovcheckError(f"unknown rule id or prefix '{selector}' {where}{hint}; "
                            "'govcheck rules' lists them", file, line, column)
