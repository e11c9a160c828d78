"""API capacity (GOV019's arithmetic): whose API a link calls, exact unit conversion, and
`headroom:` in govcheck.yaml. The rule's own cases are data in tests/rules/gov019.yaml."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from govcheck.errors import GovcheckError
from govcheck.load.config import parse_config
from govcheck.model.capacity import (
    Rate,
    api_callers,
    distinct_numbers,
    headroom_fraction,
    number,
    parse_rate,
    percent,
)
from govcheck.model.document import Document
from govcheck.model.estate import Entity


def integration(**spec: object) -> Entity:
    data = {"kind": "Integration", "metadata": {"name": "link"},
            "spec": {"source": "a", "target": "b", **spec}}
    return Entity("Integration", "link", Document("link.yaml", 0, data, (1, 1)))


@pytest.mark.parametrize(("spec", "called"), [
    ({"mode": "real-time"}, ("b",)),                                   # pushed to the target
    ({"mode": "real-time", "direction": "bidirectional"}, ("b", "a")),
    ({"mode": "scheduled", "method": "ipaas"}, ("b", "a")),            # a run pulls
    ({"mode": "scheduled", "method": "file-transfer"}, ("b",)),        # files, not the API
    ({"mode": "scheduled", "method": "file-transfer", "direction": "bidirectional"}, ("b", "a")),
    ({"mode": "manual"}, ()),                                          # people do it
    ({"mode": "manual", "direction": "bidirectional"}, ()),
    ({"mode": None}, ()),
])
def test_whose_api_a_link_calls(spec: dict[str, object], called: tuple[str, ...]) -> None:
    assert api_callers(integration(**spec)) == called


def test_units_convert_exactly() -> None:
    # 1 a second and 28,800 a day are 80 a minute: not 80.00000000000001
    total = sum((rate.per_second for rate in (Rate(1, "second"), Rate(28800, "day"))), Fraction(0))
    assert total * 60 == 80
    assert Rate(40, "minute", Fraction(3)).per_second * 60 == 120
    assert headroom_fraction(0.8) == Fraction(4, 5)
    assert headroom_fraction(1) == 1


@pytest.mark.parametrize("value", [None, [], {"requests": 10}, {"requests": 0, "per": "day"},
                                   {"requests": True, "per": "day"}, {"requests": 1.5, "per": "day"},
                                   {"requests": 10, "per": "week"},
                                   {"requests": 10, "per": "day", "peak": 0.5},
                                   {"requests": 10, "per": "day", "peak": "high"}])
def test_a_malformed_rate_counts_for_nothing(value: object) -> None:
    assert parse_rate(value) is None


def test_numbers_for_people() -> None:
    assert number(Fraction(51000)) == "51,000"
    assert number(Fraction(18575, 6)) == "3,095.83"
    assert number(Fraction(1, 1000)) == "0.001"
    assert percent(Fraction(4, 5)) == "80%"
    assert percent(Fraction(619, 1000)) == "61.9%"
    # just over is never shown as equal
    assert distinct_numbers(Fraction(80) + Fraction(1, 1440), Fraction(80)) == ("80.001", "80")


@pytest.mark.parametrize(("text", "message"), [
    ("headroom: 1.5\n", "govcheck.yaml:1:11: invalid config: headroom: 1.5 is greater than the maximum of 1"),
    ("headroom: most\n", "govcheck.yaml:1:11: invalid config: headroom must be a number, not a string"),
])
def test_headroom_is_a_share_of_the_limit(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(GovcheckError) as raised:
        parse_config("govcheck.yaml", text.encode(), tmp_path)
    assert str(raised.value) == message


def test_headroom_defaults_to_80_percent(tmp_path: Path) -> None:
    assert parse_config("govcheck.yaml", b"ecosystem: ecosystem\n", tmp_path).headroom == 0.8
    assert parse_config("govcheck.yaml", b"headroom: 0.65\n", tmp_path).headroom == 0.65
