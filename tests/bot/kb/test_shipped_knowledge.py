"""The shipped knowledge base: complete, within the minimums, and written in our own words."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.kb.model import LANGS, KnowledgeBase
from bot.kb.validate import fold

REPO = Path(__file__).parents[3]
SPEC = REPO.parent / "shared" / "spec" / "topics.yaml"
SEEDS = REPO.parent / "shared" / "seeds"
SHARED_RUN = 8  # words in a row that would count as copying a sentence


def test_export_lists_every_topic_in_every_language_with_the_minimums() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "export", "--json"], capture_output=True, text=True, check=True, cwd=REPO
    )
    data = json.loads(out.stdout)
    assert data["version"] == 1 and len(data["sources"]) == 5
    assert len(data["topics"]) >= 33
    for topic in data["topics"]:
        assert set(topic["languages"]) == set(LANGS), topic["id"]
        for lang, entry in topic["languages"].items():
            assert len(entry["phrasings"]) >= (12 if lang == "en" else 8), (topic["id"], lang)
            assert 3 <= len(entry["steps"]) <= 7 and entry["say_this"] and entry["avoid"]
            assert 2 <= len(entry["follow_up"]["options"]) <= 4


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec sits beside the repository")
def test_every_spec_topic_exists_with_its_exact_id(real_kb: KnowledgeBase) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert {t["id"] for t in spec["topics"]} <= set(real_kb.topics)


def test_legal_topics_are_flagged(real_kb: KnowledgeBase) -> None:
    for tid in ("legal-threat", "late-payment", "refund-demand"):
        assert real_kb.topics[tid].legal, tid


def _runs(text: str) -> set[tuple[str, ...]]:
    words = fold(text).split()
    return {tuple(words[i : i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1)}


@pytest.mark.skipif(not SEEDS.exists(), reason="the source articles sit beside the repository")
def test_advice_is_written_in_our_own_words(real_kb: KnowledgeBase) -> None:
    seed_runs: set[tuple[str, ...]] = set()
    for path in SEEDS.glob("*.txt"):
        seed_runs |= _runs(path.read_text(encoding="utf-8"))
    copied = []
    for topic in real_kb.topics.values():
        for lang, advice in topic.advice.items():
            texts = [advice.title, advice.summary, *advice.steps, *advice.say_this, *advice.call_outline]
            texts += [*advice.avoid, *advice.more]
            for text in texts:
                shared = _runs(text) & seed_runs
                if shared:
                    copied.append((topic.id, lang, " ".join(next(iter(shared)))))
    assert not copied, copied[:5]


def test_say_this_messages_are_ready_to_send(real_kb: KnowledgeBase) -> None:
    for topic in real_kb.topics.values():
        for lang, advice in topic.advice.items():
            for message in advice.say_this:
                assert len(message.split()) >= 25, (topic.id, lang, message[:60])
                assert not re.search(r"\{[^}]*\s[^}]*\}", message), "placeholders have no spaces"


def test_legal_flag_and_the_not_legal_advice_note_agree_everywhere() -> None:
    """Issue 13 item 8: legal topics get the note from the engine; no topic writes its own."""
    import re

    from bot.engine.compose import advice, next_stage, part, tip
    from bot.kb.load import load_knowledge

    kb = load_knowledge()
    note = re.compile(r"not legal advice|no es asesoramiento|no és assessorament|ei ole oikeudellista", re.I)
    assert kb.topics["bad-reviews-slander"].legal and kb.topics["contract-and-change-orders"].legal
    for topic in kb.topics.values():
        for lang in ("en", "es", "ca", "fi"):
            entry = topic.in_lang(lang)
            own = [entry.summary, *entry.steps, *entry.say_this, *entry.avoid, *entry.more]
            assert not any(note.search(text) for text in own), (topic.id, lang)
            replies = [
                advice(kb, topic, lang, full=True, details={}),
                advice(kb, topic, lang, full=False, details={}),
                part(kb, topic, lang, "say_this", {}),
                tip(kb, topic, lang),
            ]
            if entry.next_stage is not None:
                replies.append(next_stage(kb, topic, lang, {}))
            for reply in replies:
                assert bool(reply.disclaimer) == topic.legal, (topic.id, lang, reply.kind)


def test_every_blank_left_in_a_script_is_named_under_still_to_fill_in(real_kb: KnowledgeBase) -> None:
    """Issue 13 item 10: a script is ready to send once the user fills what the bot lists, and nothing else."""
    from bot.engine.compose import next_stage, part

    details = {"client_name": "Acme"}  # some details given, so the reply lists what is still missing
    unlisted = []
    for topic in real_kb.topics.values():
        for lang in LANGS:
            replies = [part(real_kb, topic, lang, "say_this", details)]
            if topic.in_lang(lang).next_stage is not None:
                replies.append(next_stage(real_kb, topic, lang, details))
            if topic.in_lang(lang).call_outline:
                replies.append(part(real_kb, topic, lang, "call_outline", details))
            for reply in replies:
                texts = (*reply.script, *reply.call_outline)
                blanks = {blank for text in texts for blank in re.findall(r"\[([^\]]+)\]", text)}
                unlisted += [(topic.id, lang, blank) for blank in blanks if blank not in reply.notice]
    assert not unlisted, unlisted[:5]


def test_out_of_hours_scripts_ask_for_the_included_hours_by_name(real_kb: KnowledgeBase) -> None:
    """The label once was "X": shown as [X] in the script and in "Still to fill in", it said nothing."""
    from bot.engine.compose import part

    reply = part(real_kb, real_kb.topics["out-of-hours-demands"], "es", "say_this", {"client_name": "Acme"})
    assert "[número de horas] horas al mes" in reply.script[1]
    assert "número de horas" in reply.notice and "[X]" not in reply.script[1]


def test_still_to_fill_in_separates_labels_that_carry_an_example(real_kb: KnowledgeBase) -> None:
    from bot.engine.compose import part

    topic = real_kb.topics["arguing-being-right"]
    with_example = part(real_kb, topic, "en", "say_this", {"client_name": "Acme"}).notice
    assert "; their version, e.g. the offer right at the top; " in with_example
    plain = part(real_kb, real_kb.topics["late-payment"], "en", "say_this", {"client_name": "Acme"}).notice
    assert "Still to fill in: invoice number, project, amount, " in plain
