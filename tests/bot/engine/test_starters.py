"""The suggested prompts of a new assistant thread: each one, in each language, gets the answer it promises."""

from __future__ import annotations

import pytest

from bot.engine.coach import Coach
from bot.engine.i18n import LANGS
from bot.engine.messages import Request
from bot.engine.starters import STARTERS, starter_lang, starters

EXPECTED_TOPICS = {
    "late_payment": {"late-payment"},
    "scope_creep": {"scope-creep"},
    "angry": {"abusive-client", "angry-client-message"},
}


@pytest.mark.parametrize("lang", LANGS)
async def test_each_starter_gets_the_answer_it_promises_in_its_language(coach: Coach, lang: str) -> None:
    offered = starters(lang)
    assert len(offered) == len(STARTERS)
    assert len({s.title for s in offered}) == len(offered)
    for key, starter in zip(STARTERS, offered, strict=True):
        request = Request("cli", f"u-{lang}-{key}", f"c-{lang}-{key}", starter.message, True, locale=lang)
        reply = await coach.handle(request)
        assert reply.lang == lang, (key, starter.message)
        if key == "topics":
            assert reply.kind == "topics"
            continue
        assert reply.kind == "advice", (key, starter.message, reply.kind, reply.text)
        titles = {coach.kb.topics[tid].in_lang(lang).title for tid in EXPECTED_TOPICS[key]}
        assert reply.title in titles, (key, reply.title)


def test_the_language_before_a_word_is_written() -> None:
    assert starter_lang("ca", "es-ES", "en") == "ca", "a saved choice wins"
    assert starter_lang(None, "es-ES", "en") == "es"
    assert starter_lang(None, "fi_FI", "en") == "fi"
    assert starter_lang(None, "ja-JP", "en") == "en", "an unsupported locale falls back to the default"
    assert starter_lang(None, None, "es") == "es"
