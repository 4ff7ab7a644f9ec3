"""Fuzzing the whole path: arbitrary unicode, chat markup and sizes through Coach.handle, every reply rendered
for Slack and for Discord, within both platforms' limits and never pinging anyone."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adapters.discord  # noqa: F401  (imports discord.py with its known deprecation warning silenced)
from adapters.discord.render import render as render_discord
from adapters.slack.render import render as render_slack
from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Reply, Request
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.adapters.discord.test_discord_render import check_limits
from tests.adapters.slack.test_slack_render import assert_within_limits

MARKUP = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "@everyone",
        "@here",
        "<@U024BE7LH>",
        "<@!80351110224678912>",
        "<@&123456789>",
        "<!subteam^S123|@devs>",
        "<#C123|general>",
        "<https://example.com|a link>",
        "https://example.com/x?y=1",
        ":rage:",
        "`code`",
        "```block\nmore```",
        "*bold*",
        "> quote",
        "\n",
        "\u202e",
        "\x00",
        "🙂",
        "client",
        "won't pay",
        "invoice",
        "lawyer",
        "sue",
        "revisions",
        "El client no em paga",
        "Asiakas huutaa",
        "cliente",
        "1",
        "2",
        "help",
        "topics",
        "tip",
        "lang fi",
        "forget",
        "more",
        "what do I say?",
        "what if they still refuse?",
        "remind me in 3 days",
        "thanks",
        "client is Acme, 1200 EUR, 45 days late",
    ]
)
PIECE = st.one_of(MARKUP, st.text(max_size=60))
MESSAGE = st.one_of(
    st.lists(PIECE, max_size=12).map(" ".join),
    st.builds(lambda chunk, times: (chunk * times)[:100_000], st.text(min_size=1, max_size=200), st.integers(1, 1000)),
)
STEP = st.one_of(MESSAGE.map(lambda m: ("say", m)), st.integers(1, 40).map(lambda n: ("press", n)))

_BROADCAST_SLACK = re.compile(r"<!(?:channel|here|everyone)|<@[UWB]|<!subteam", re.IGNORECASE)
_BROADCAST_DISCORD = re.compile(r"@(?:everyone|here)(?!\u200b)", re.IGNORECASE)


def _discord_bodies(reply: Reply) -> list[dict[str, Any]]:
    bodies = []
    for out in render_discord(reply, allow_share=True):
        kwargs = out.send_kwargs()
        body: dict[str, Any] = {
            "content": kwargs.get("content"),
            "embeds": [e.to_dict() for e in kwargs.get("embeds", [])],
        }
        if "view" in kwargs:
            body["components"] = kwargs["view"].to_components()
        assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
        bodies.append(body)
    return bodies


def _check(reply: Reply) -> None:
    slack = render_slack(reply)
    assert_within_limits(slack)
    for message in slack:
        assert not _BROADCAST_SLACK.search(message.text)
        assert not _BROADCAST_SLACK.search(str(message.blocks))
    for body in _discord_bodies(reply):
        check_limits(body)
        text = " ".join([body["content"] or "", str(body["embeds"])])
        assert not _BROADCAST_DISCORD.search(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(steps=st.lists(STEP, min_size=1, max_size=6), private=st.booleans())
def test_any_conversation_never_raises_and_renders_within_both_platforms_limits(
    steps: list[tuple[str, Any]], private: bool
) -> None:
    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            coach = Coach.from_settings(Settings(), store=SqliteStore(Path(tmp) / "fuzz.db"))
            last: Reply | None = None
            try:
                for kind, value in steps:
                    if kind == "press" and last is not None and last.options:
                        choice = last.options[(value - 1) % len(last.options)].id
                        request = Request("slack", "U1", "D1", "", private, action=choice)
                    else:
                        request = Request("slack", "U1", "D1", str(value), private)
                    last = await coach.handle(request)
                    assert last.text != t("error", last.lang), "an internal error reached the user"
                    assert last.text.strip() or last.kind in ("advice", "plan", "clarify", "topics", "fallback")
                    _check(last)
            finally:
                await coach.close()

    asyncio.run(run())
