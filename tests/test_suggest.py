""""Did you mean ...?": the closest name, and never minutes of work among many names."""
from __future__ import annotations

import pytest

from govcheck.load.schema import suggest

MANY = frozenset(f"team-{index}" for index in range(5000)) | {"integration-platform"}


@pytest.mark.parametrize(("word", "expected"), [
    ("tean-42", " (did you mean 'team-42'?)"),                    # a letter replaced
    ("team-4200x", " (did you mean 'team-4200'?)"),               # one added
    ("integration-platfrm", " (did you mean 'integration-platform'?)"),   # one dropped
    ("integration-paltform", " (did you mean 'integration-platform'?)"),  # two swapped
    ("finance", ""),                                               # nothing close
])
def test_among_thousands_of_names_a_typo_is_found(word: str, expected: str) -> None:
    assert suggest(word, MANY) == expected


def test_among_a_few_names_every_one_is_compared() -> None:
    assert suggest("emial", ["id", "email", "tier"]) == " (did you mean 'email'?)"
    assert suggest("intgration-ops", ("sales-ops", "integration-ops")) == (
        " (did you mean 'integration-ops'?)")
    assert suggest("xyz", ["id", "email"]) == ""


def test_the_same_answer_whatever_the_order_of_the_choices() -> None:
    assert suggest("team-1x", sorted(MANY)) == suggest("team-1x", sorted(MANY, reverse=True))
