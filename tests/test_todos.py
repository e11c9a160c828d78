"""TODO values (GOV020's) found in document order, at their paths, and nothing else."""
from __future__ import annotations

import pytest

from govcheck.load.documents import load_bytes, load_text, source_of
from govcheck.model.document import Document
from govcheck.model.estate import TODO, todos


def test_every_todo_at_its_path_in_document_order() -> None:
    data = {"a": "TODO", "b": [1, "TODO: pick one", {"c": "TODOS", "d": "TODO"}],
            "e": {"f": None, "g": ["x", "TODO:"]}, "h": "todo", "i": "TODO:y"}
    assert list(todos(data)) == [(("a",), "TODO"), (("b", 1), "TODO: pick one"),
                                 (("b", 2, "d"), "TODO"), (("e", "g", 1), "TODO:"),
                                 (("i",), "TODO:y")]


def test_a_whole_document_that_is_todo_and_one_with_none() -> None:
    assert list(todos("TODO", ("spec",))) == [(("spec",), "TODO")]
    assert list(todos({"a": ["TODOS", 4, None, "later"]})) == []


def _documents(text: str) -> list[Document]:
    """One file's documents as a first load reads them (its text and its bytes) and as the
    cache gives them back (positions from the bytes)."""
    from_text, problems = load_text("f.yaml", text)
    from_bytes, more = load_bytes("f.yaml", text.encode())
    assert problems == more == []
    cached = [Document(d.file, d.index, d.data, d.start, source_of(text.encode()))
              for d in from_text]
    return from_text + from_bytes + cached


@pytest.mark.parametrize("text", ['a: TODO\n', 'a: "\\x54ODO"\n', 'a: "TO\\\n    DO: x"\n',
                                  'a: x\n---\nb: "T\\u004fDO"\n'])
def test_a_file_that_may_spell_todo_is_walked(text: str) -> None:
    documents = _documents(text)
    found = [value for document in documents for _, value in todos(document.data)]
    assert len(found) == 3 and all(value.startswith(TODO) for value in found)   # one per reading
    assert all(document.may_spell(TODO) for document in documents)


def test_a_file_that_cannot_spell_todo_is_skipped_and_holds_none() -> None:
    documents = _documents('a: todo\nb: "T O D O"\nc: [To, Do]\n')
    assert [list(todos(document.data)) for document in documents] == [[], [], []]
    assert not any(document.may_spell(TODO) for document in documents)
    assert Document("f.yaml", 0, {}, (1, 1)).may_spell(TODO)   # no source: always walked
