"""TODO values (GOV020's) found in document order, at their paths, and nothing else."""
from __future__ import annotations

from govcheck.model.estate import todos


def test_every_todo_at_its_path_in_document_order() -> None:
    data = {"a": "TODO", "b": [1, "TODO: pick one", {"c": "TODOS", "d": "TODO"}],
            "e": {"f": None, "g": ["x", "TODO:"]}, "h": "todo", "i": "TODO:y"}
    assert list(todos(data)) == [(("a",), "TODO"), (("b", 1), "TODO: pick one"),
                                 (("b", 2, "d"), "TODO"), (("e", "g", 1), "TODO:"),
                                 (("i",), "TODO:y")]


def test_a_whole_document_that_is_todo_and_one_with_none() -> None:
    assert list(todos("TODO", ("spec",))) == [(("spec",), "TODO")]
    assert list(todos({"a": ["TODOS", 4, None, "later"]})) == []
