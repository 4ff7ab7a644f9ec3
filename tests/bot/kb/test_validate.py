"""The validator: shipped knowledge passes; each kind of error is reported precisely."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.errors import KnowledgeError
from bot.kb.load import check_knowledge, load_knowledge

FIXTURE = Path(__file__).parents[2] / "fixtures" / "kb"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE, target)
    return target


def edit(kb_dir: Path, topic: str, change: Callable[[dict[str, Any]], None]) -> Path:
    path = kb_dir / "topics" / f"{topic}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems(kb_dir: Path, extra: list[Path] | None = None) -> list[str]:
    kb, found = check_knowledge(kb_dir, extra or [])
    assert kb is None, "expected the knowledge base to be rejected"
    return [str(p) for p in found]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_fixture_knowledge_is_valid() -> None:
    kb = load_knowledge(FIXTURE)
    assert set(kb.topics) == {"late-payment", "scope-creep", "yelling-client"}


def test_step_count_is_reported_with_file_line_and_field(kb_dir: Path) -> None:
    path = edit(kb_dir, "scope-creep", lambda d: d["es"].__setitem__("steps", ["Uno.", "Dos."]))
    es_steps_line = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "steps:"][1]
    assert problems(kb_dir) == [f"{path}:{es_steps_line}: es.steps: expected a list of 3-7 strings, got 2"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.__setitem__("colour", "blue"), "colour: unknown key"),
        (lambda d: d["en"].__setitem__("tone", "warm"), "en.tone: unknown key"),
        (lambda d: d.pop("fi"), "fi: is required: every topic needs en, es, ca and fi"),
        (lambda d: d["ca"].pop("summary"), "ca.summary: is required"),
        (lambda d: d["en"].__setitem__("steps", "do it"), "en.steps: expected a list of 3-7 strings, got a string"),
        (lambda d: d["en"].__setitem__("title", 42), "en.title: expected a non-empty string, got a number"),
        (
            lambda d: d["es"].__setitem__("phrasings", d["es"]["phrasings"][:5]),
            "es.phrasings: expected a list of at least 8 strings, got 5",
        ),
        (
            lambda d: d["en"].__setitem__("phrasings", d["en"]["phrasings"][:11]),
            "en.phrasings: expected a list of at least 12 strings, got 11",
        ),
        (
            lambda d: d.__setitem__("id", "scope-creeping"),
            "id: id 'scope-creeping' does not match the file name 'scope-creep'",
        ),
        (lambda d: d.__setitem__("related", ["no-such-topic"]), "related[0]: unknown topic id 'no-such-topic'"),
        (lambda d: d.__setitem__("related", ["scope-creep"]), "related[0]: a topic cannot be related to itself"),
        (
            lambda d: d.__setitem__("sources", [{"article": "blog", "section": "x"}]),
            "sources[0].article: unknown article 'blog'",
        ),
        (
            lambda d: d.__setitem__("sources", [{"article": "boundaries", "section": "Nope"}]),
            "sources[0].section: article 'boundaries' has no section 'Nope'",
        ),
        (lambda d: d.__setitem__("sources", []), "sources: expected a list of at least 1 citation"),
        (
            lambda d: d["fi"].__setitem__("say_this", ["Hei {client_name}, maksa {amount}."]),
            "fi.say_this: placeholders differ from en: missing {project}; extra none",
        ),
        (
            lambda d: d["en"].__setitem__("say_this", ["Hi {client}, {project} {amount} {client_name}"]),
            "en.say_this[0]: unknown placeholder {client}",
        ),
        (
            lambda d: d["en"]["follow_up"]["options"].append({"label": "x", "topic": "late-payment", "part": "more"}),
            "en.follow_up.options[2]: needs exactly one of `topic`",
        ),
        (
            lambda d: d["en"]["follow_up"]["options"].append({"label": "x", "part": "everything"}),
            "en.follow_up.options[2].part: unknown part 'everything'",
        ),
        (
            lambda d: d["en"]["follow_up"]["options"].append({"label": "x", "topic": "ghost"}),
            "en.follow_up.options[2].topic: unknown topic id 'ghost'",
        ),
        (
            lambda d: d["en"]["follow_up"].__setitem__("options", []),
            "en.follow_up.options: expected a list of 2-4 options",
        ),
        (lambda d: d.__setitem__("legal", "yes"), "legal: expected true or false, got a string"),
        (lambda d: d["es"]["phrasings"].append("CLIENT keeps asking for small changés"), None),
    ],
)
def test_each_kind_of_error_names_file_line_and_field(
    kb_dir: Path, change: Callable[[dict[str, Any]], None], expected: str | None
) -> None:
    path = edit(kb_dir, "scope-creep", change)
    if expected is None:  # a duplicate inside one topic is allowed
        kb, found = check_knowledge(kb_dir)
        assert kb is not None, found
        return
    found = problems(kb_dir)
    matching = [p for p in found if expected in p]
    assert matching, f"{expected!r} not in {found}"
    assert matching[0].startswith(str(path.name)) or f"/{path.name}:" in matching[0] or path.name in matching[0]
    location = matching[0].split(": ", 1)[0]
    assert location.rsplit(":", 1)[1].isdigit(), f"no line number in {matching[0]!r}"


def test_the_same_phrasing_under_two_topics_is_an_error(kb_dir: Path) -> None:
    edit(kb_dir, "scope-creep", lambda d: d["en"]["phrasings"].append("Client has NOT paid my invoice!"))
    found = problems(kb_dir)
    assert any("en.phrasings[12]: the same phrasing is also under topic 'late-payment'" in p for p in found), found


def test_yaml_syntax_error_names_the_line(kb_dir: Path) -> None:
    path = kb_dir / "topics" / "scope-creep.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "oops: [unclosed, flow")
    path.write_text("\n".join(lines), encoding="utf-8")
    found = problems(kb_dir)
    assert len(found) == 1 and "scope-creep.yaml:" in found[0] and "YAML syntax error" in found[0], found
    assert int(found[0].split("scope-creep.yaml:")[1].split(":")[0]) in range(5, 9)


def test_top_level_must_be_a_mapping(kb_dir: Path) -> None:
    (kb_dir / "topics" / "scope-creep.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    found = problems(kb_dir)
    assert any("scope-creep.yaml:1: expected a mapping" in p for p in found), found


def test_broken_sources_file(kb_dir: Path) -> None:
    (kb_dir / "sources.yaml").write_text("sources:\n  - id: Bad Id\n    title: x\n    lang: es\n", encoding="utf-8")
    found = problems(kb_dir)
    assert any("sources.yaml:2: sources[0].id: 'Bad Id' is not a lowercase-hyphenated id" in p for p in found), found
    assert any("sources[0].sections: is required" in p for p in found), found


def test_team_topic_cannot_replace_a_builtin_without_overrides(kb_dir: Path, tmp_path: Path) -> None:
    team = tmp_path / "team"
    (team / "topics").mkdir(parents=True)
    shutil.copy(kb_dir / "topics" / "scope-creep.yaml", team / "topics" / "scope-creep.yaml")
    found = problems(kb_dir, [team])
    assert any("id: topic 'scope-creep' already exists" in p and "overrides: true" in p for p in found), found

    data = yaml.safe_load((team / "topics" / "scope-creep.yaml").read_text(encoding="utf-8"))
    data["overrides"] = True
    data["en"]["title"] = "Our team's take on scope creep"
    (team / "topics" / "scope-creep.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    kb = load_knowledge(kb_dir, [team])
    assert kb.topics["scope-creep"].in_lang("en").title == "Our team's take on scope creep"


def test_team_directory_adds_new_topics(kb_dir: Path, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    data = yaml.safe_load((kb_dir / "topics" / "scope-creep.yaml").read_text(encoding="utf-8"))
    data["id"] = "team-retainers"
    for lang in ("en", "es", "ca", "fi"):
        data[lang]["phrasings"] = [f"retainer question {lang} {i}" for i in range(12)]
    (team / "team-retainers.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    kb = load_knowledge(kb_dir, [team])
    assert "team-retainers" in kb.topics and len(kb.topics) == 4


def test_load_fails_fast_with_every_problem(kb_dir: Path) -> None:
    edit(kb_dir, "scope-creep", lambda d: (d.pop("fi"), d.__setitem__("colour", 1)))
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb_dir)
    assert len(info.value.problems) == 2
    assert "fi: is required" in str(info.value) and "colour: unknown key" in str(info.value)


def test_missing_directory_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path / "nowhere")
    assert any("knowledge directory does not exist" in p for p in found)


@pytest.mark.parametrize("where", ["top", "nested"])
def test_a_duplicate_key_is_rejected_with_file_and_line(kb_dir: Path, where: str) -> None:
    path = kb_dir / "topics" / "late-payment.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    if where == "top":
        first = line_of(path, "legal: ")
        lines.insert(first, "legal: true")  # right after `legal: false`: PyYAML alone keeps the last silently
        expected = f"{path}:{first + 1}: duplicate key 'legal' (first on line {first}); keep one"
    else:
        first = line_of(path, "  title: ")
        lines.insert(first, "  title: Another title")
        expected = f"{path}:{first + 1}: duplicate key 'en.title' (first on line {first}); keep one"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert problems(kb_dir) == [expected]


# -- issue 13: legal flag <=> note, untracked fill-in markers, escalation stages ------------------------------


def test_a_topic_that_says_not_legal_advice_must_be_legal(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["legal"] = False
        data["en"]["more"] = ["This is practical advice, not legal advice."]

    edit(kb_dir, "scope-creep", change)
    assert any("en.more[0]: says it is not legal advice" in p for p in problems(kb_dir))


def test_a_legal_topic_must_say_when_to_see_a_professional(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["legal"] = True

    edit(kb_dir, "scope-creep", change)
    found = problems(kb_dir)
    assert any("en.steps: a `legal: true` topic must say" in p for p in found)


@pytest.mark.parametrize(
    "marker", ["[name]", "(list the points)", "<client>", "___", "(your hours, e.g. 9 to 5)", "[X]"]
)
def test_untracked_fill_in_markers_fail(kb_dir: Path, marker: str) -> None:
    def change(data: dict[str, Any]) -> None:
        data["en"]["say_this"] = [f"Hi {{client_name}}, about {marker}: {{project}} {{amount}} is open."]

    edit(kb_dir, "late-payment", change)
    assert any("untracked fill-in marker" in p for p in problems(kb_dir))


@pytest.mark.parametrize(
    "line",
    [
        "What I need from you: (for example feedback or materials).",
        "What I need from you: (materials, one contact person, feedback within a few working days).",
    ],
)
def test_brackets_in_place_of_the_content_are_an_untracked_marker(kb_dir: Path, line: str) -> None:
    def change(data: dict[str, Any]) -> None:
        data["en"]["say_this"] = [f"Hi {{client_name}}, about {{project}} and {{amount}}.\n{line}"]

    edit(kb_dir, "late-payment", change)
    assert any("en.say_this[0]: untracked fill-in marker" in p and "brackets in place" in p for p in problems(kb_dir))


def test_brackets_that_explain_are_not_a_marker(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["en"]["say_this"] = [
            "Hi {client_name}, is anything missing on your side (a purchase order number) for {project}, "
            "{amount}? We spoke at 10:30 (CET)."
        ]

    edit(kb_dir, "late-payment", change)
    kb, found = check_knowledge(kb_dir, [])
    assert kb is not None, found


@pytest.mark.parametrize("label", ["X", "XX", "9:00-17:00", "9–17", "___", "TBD", "..."])
def test_a_fill_in_label_that_is_a_sample_value_or_a_blank_fails(kb_dir: Path, label: str) -> None:
    def change(data: dict[str, Any]) -> None:
        for lang in ("en", "es", "ca", "fi"):
            data[lang]["say_this"] = [m + " {included_hours}" for m in data[lang]["say_this"]]
            data[lang]["fill_in"] = {"included_hours": "las horas incluidas" if lang != "en" else label}

    edit(kb_dir, "scope-creep", change)
    found = problems(kb_dir)
    assert len(found) == 1 and "en.fill_in.included_hours: " in found[0] and "not a label" in found[0], found


def test_a_declared_fill_in_is_a_tracked_placeholder(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        for lang, label in (("en", "the new request"), ("es", "la petición"), ("ca", "la petició"), ("fi", "pyyntö")):
            data[lang]["say_this"] = [m + " {new_request}" for m in data[lang]["say_this"]]
            data[lang]["fill_in"] = {"new_request": label}

    edit(kb_dir, "scope-creep", change)
    kb, found = check_knowledge(kb_dir, [])
    assert kb is not None, found
    assert kb.topics["scope-creep"].in_lang("es").fill_in == {"new_request": "la petición"}


def test_escalates_requires_a_next_stage_in_every_language(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["escalates"] = True
        data["en"]["next_stage"] = {"title": "Next", "summary": "Then this.", "steps": ["One.", "Two."]}

    edit(kb_dir, "scope-creep", change)
    found = problems(kb_dir)
    assert any("es.next_stage: is required" in p for p in found)
    assert not any("en.next_stage: is required" in p for p in found)


def test_a_next_stage_without_escalates_is_an_error(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["en"]["next_stage"] = {"title": "Next", "summary": "Then this.", "steps": ["One.", "Two."]}
        data["en"]["follow_up"]["options"][0] = {"label": "Worse", "part": "next_stage"}

    edit(kb_dir, "scope-creep", change)
    found = problems(kb_dir)
    assert any("does not declare `escalates: true`" in p for p in found)


def test_refines_must_name_an_existing_topic(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["refines"] = ["no-such-topic"]

    edit(kb_dir, "scope-creep", change)
    assert any("refines[0]: unknown topic id 'no-such-topic'" in p for p in problems(kb_dir))


# -- issue 13 item 11: a call outline (talking points for a call, not an e-mail) -----------------------------

CALL_POINTS = {
    "en": ["Say why you are calling.", "Name the problem in one sentence.", "Say the fix, then listen."],
    "es": ["Di por qué llamas.", "Nombra el problema en una frase.", "Di la solución y escucha."],
    "ca": ["Digues per què truques.", "Anomena el problema en una frase.", "Digues la solució i escolta."],
    "fi": ["Kerro, miksi soitat.", "Nimeä ongelma yhdellä lauseella.", "Kerro ratkaisu ja kuuntele."],
}


def test_a_call_outline_in_every_language_is_loaded(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        for lang, points in CALL_POINTS.items():
            data[lang]["call_outline"] = list(points)  # a copy each: a shared list would be dumped as a YAML alias
        data["en"]["follow_up"]["options"][0] = {"label": "I'll call them", "part": "call_outline"}

    edit(kb_dir, "scope-creep", change)
    kb, found = check_knowledge(kb_dir, [])
    assert kb is not None, found
    assert kb.topics["scope-creep"].in_lang("fi").call_outline == tuple(CALL_POINTS["fi"])


def test_a_call_outline_in_one_language_is_owed_in_all(kb_dir: Path) -> None:
    edit(kb_dir, "scope-creep", lambda d: d["en"].__setitem__("call_outline", CALL_POINTS["en"]))
    found = problems(kb_dir)
    assert any("es.call_outline: is required: en give talking points" in p for p in found)
    assert not any("en.call_outline" in p for p in found)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (["Say why you are calling.", "Then listen."], "expected a list of 3-7 talking points, got 2"),
        (["Open with [the reason].", "Name it.", "Listen."], "untracked fill-in marker '[the reason]'"),
        (["Mention {no_such_thing}.", "Name it.", "Listen."], "unknown placeholder {no_such_thing}"),
    ],
)
def test_a_call_outline_is_checked_like_a_script(kb_dir: Path, points: list[str], expected: str) -> None:
    def change(data: dict[str, Any]) -> None:
        for lang in CALL_POINTS:
            data[lang]["call_outline"] = list(points)  # a copy each: a shared list would be dumped as a YAML alias

    edit(kb_dir, "scope-creep", change)
    assert any("en.call_outline" in p and expected in p for p in problems(kb_dir))


def test_an_option_cannot_point_to_a_missing_call_outline(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["en"]["follow_up"]["options"][0] = {"label": "I'll call them", "part": "call_outline"}

    edit(kb_dir, "scope-creep", change)
    expected = "en.follow_up.options[0].part: points to `call_outline` but there is none"
    assert any(expected in p for p in problems(kb_dir))


def test_a_gendered_spanish_or_catalan_phrase_is_rejected_with_file_line_and_field(kb_dir: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["es"]["avoid"] = [*data["es"]["avoid"][:-1], "Responder cuando todavía estás enfadado."]

    path = edit(kb_dir, "late-payment", change)
    found = problems(kb_dir)
    line = line_of(path, "todavía estás enfadado")
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line}: es.avoid[")
    assert "'estás enfadado' assumes a gender" in found[0]
