"""Training-example files: loaded with their labels, and every mistake reported with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.kb.load import check_knowledge, load_knowledge

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """The fixture knowledge with a file of training examples."""
    target = tmp_path / "kb"
    shutil.copytree(FIXTURES / "kb", target)
    shutil.copytree(FIXTURES / "examples", target / "examples")
    return target


def problems_for(kb_dir: Path, text: str) -> list[str]:
    (kb_dir / "examples" / "broken.yaml").write_text(text, encoding="utf-8")
    kb, found = check_knowledge(kb_dir)
    assert kb is None
    return [str(p) for p in found]


def test_examples_load_with_their_labels(kb_dir: Path) -> None:
    kb = load_knowledge(kb_dir)
    labels = {(e.topic, e.kind) for e in kb.examples}
    assert ("late-payment", "") in labels and (None, "personal") in labels
    assert all(e.lang == "en" for e in kb.examples)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lang: en\ntopics:\n  nope:\n  - hi there\n", "broken.yaml:3: topics.nope: unknown topic id"),
        ("lang: en\nout_of_scope:\n  gossip:\n  - hello there\n", "broken.yaml:3: out_of_scope.gossip: unknown kind"),
        ("lang: xx\ntopics: {}\n", "broken.yaml:1: lang: 'xx' is not one of en, es, ca, fi"),
        ("lang: en\ntopics:\n  late-payment:\n  - ''\n", "broken.yaml:4: topics.late-payment[0]: expected a non-empty"),
        ("lang: en\ntopics:\n  late-payment: just one\n", "broken.yaml:3: topics.late-payment: expected a list"),
        ("lang: en\n", "broken.yaml:1: has neither `topics:` nor `out_of_scope:`"),
        ("lang: en\nlabels: {}\ntopics: {}\n", "broken.yaml:2: labels: unknown key"),
        ("- just\n- a list\n", "broken.yaml:1: expected a mapping"),
    ],
)
def test_each_mistake_is_named_precisely(kb_dir: Path, text: str, expected: str) -> None:
    found = problems_for(kb_dir, text)
    assert any(expected in p for p in found), found


def test_an_overlong_example_is_refused(kb_dir: Path) -> None:
    found = problems_for(kb_dir, "lang: en\ntopics:\n  late-payment:\n  - '" + "x" * 2500 + "'\n")
    assert any("at most 2000" in p for p in found), found


def test_a_message_given_twice_is_refused_and_names_where_it_was_first(kb_dir: Path) -> None:
    (kb_dir / "examples" / "a.yaml").write_text(
        "lang: en\ntopics:\n  late-payment:\n  - The studio still owes me for March.\n", encoding="utf-8"
    )
    found = problems_for(
        kb_dir,
        "lang: en\nout_of_scope:\n  personal:\n  - the studio STILL owes me for march!\n  - my cat ignores me\n",
    )
    assert len(found) == 1, found
    assert "broken.yaml:4: out_of_scope.personal[0]: the same message is already an example" in found[0]
    assert "a.yaml, topics.late-payment" in found[0]


def test_the_same_words_in_two_languages_are_two_examples(kb_dir: Path) -> None:
    (kb_dir / "examples" / "ca.yaml").write_text("lang: ca\nout_of_scope:\n  short:\n  - factura\n", encoding="utf-8")
    (kb_dir / "examples" / "es.yaml").write_text("lang: es\nout_of_scope:\n  short:\n  - factura\n", encoding="utf-8")
    kb = load_knowledge(kb_dir)
    assert {e.lang for e in kb.examples if e.text == "factura"} == {"ca", "es"}
