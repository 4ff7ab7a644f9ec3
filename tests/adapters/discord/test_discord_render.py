"""A reply far over every Discord limit is split, sent whole, and each message is valid."""

from __future__ import annotations

import re
from typing import Any

import pytest

from adapters.discord.client import CoachClient
from adapters.discord.render import render
from bot.engine.messages import Choice, PlanItem, Reply, Request
from tests.adapters.discord.discord_fake_api import FakeDiscord, deliver_interaction, settle, slash
from tests.adapters.discord.test_discord_commands import pings_nobody


def words(seed: str, n: int) -> str:
    return " ".join(f"{seed}{i}" for i in range(n))


HUGE = Reply(
    kind="advice",
    lang="en",
    text="Lead " + words("lead", 900),
    title="Title " + words("title", 60),
    summary="Summary " + words("summary", 500),
    steps=tuple(f"Step {n} " + words(f"s{n}x", 120) for n in range(30)),
    script=tuple(f"Dear client {n},\n" + words(f"sc{n}x", 450) for n in range(5)),
    call_outline=tuple(f"Point {n} " + words(f"call{n}x", 30) for n in range(7)),
    avoid=tuple(f"Avoid {n} " + words(f"a{n}x", 40) for n in range(20)),
    more=tuple(words(f"m{n}x", 300) for n in range(8)),
    plan=tuple(
        PlanItem(f"t{n}", f"Plan {n}", words(f"w{n}x", 30), words(f"p{n}x", 60), (words(f"f{n}x", 20),))
        for n in range(12)
    ),
    items=tuple(f"Item {n} " + words(f"i{n}x", 10) for n in range(50)),
    sources=tuple(f"Source {n} — " + words(f"src{n}x", 25) for n in range(40)),
    disclaimer="Disclaimer " + words("d", 400),
    notice="Notice " + words("n", 50),
    question="Question " + words("q", 80),
    options=tuple(Choice(f"topic:topic-{n}", f"Option {n} " + "label " * 30) for n in range(31))
    + (Choice("topic:topic-0", "duplicate"), Choice("topic:" + "x" * 120, "too long an id")),
    topic_ids=("late-payment",),
)


def check_limits(body: dict[str, Any]) -> None:
    """Every limit Discord enforces on one message."""
    assert len(body.get("content") or "") <= 2000
    embeds = body.get("embeds") or []
    assert len(embeds) <= 10
    total = 0
    for embed in embeds:
        assert len(embed.get("title", "")) <= 256
        assert len(embed.get("description", "")) <= 4096
        assert len(embed.get("fields", [])) <= 25
        for field in embed.get("fields", []):
            assert 0 < len(field["name"]) <= 256 and 0 < len(field["value"]) <= 1024
        assert len(embed.get("footer", {}).get("text", "")) <= 2048
        assert len(embed.get("author", {}).get("name", "")) <= 256
        total += sum(len(embed.get(k, "")) for k in ("title", "description"))
        total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
        total += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    assert total <= 6000
    rows = body.get("components") or []
    assert len(rows) <= 5
    for row in rows:
        assert len(row["components"]) <= 5
        for button in row["components"]:
            assert len(button["label"]) <= 80 and len(button["custom_id"]) <= 100
    ids = [b["custom_id"] for row in rows for b in row["components"]]
    assert len(ids) == len(set(ids))
    assert body.get("content") or embeds or rows, "an empty message"


def text_of(bodies: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for body in bodies:
        parts.append(body.get("content") or "")
        for embed in body.get("embeds") or []:
            parts += [embed.get("author", {}).get("name", ""), embed.get("title", ""), embed.get("description", "")]
            parts += [f"{field['name']}\n{field['value']}" for field in embed.get("fields", [])]
            parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def squash(text: str) -> str:
    """Only letters and digits: splitting may add line breaks, quote marks and bullets, never drop words."""
    return re.sub(r"[^0-9A-Za-z]", "", text)


async def test_a_huge_reply_is_split_within_every_limit_and_nothing_is_lost(
    bot: CoachClient, api: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def huge(request: Request) -> Reply:
        return HUGE

    monkeypatch.setattr(bot.coach, "handle", huge)
    deliver_interaction(bot, slash("ask", {"situation": "anything"}))
    await settle()

    bodies = [r.body for r in api.followups()]
    assert len(bodies) > 3
    for body in bodies:
        check_limits(body)
        assert pings_nobody(body)
    sent = squash(text_of(bodies))
    pieces = [HUGE.title, HUGE.summary, HUGE.notice, HUGE.question, HUGE.disclaimer, *HUGE.steps, *HUGE.script]
    pieces += [*HUGE.call_outline, *HUGE.avoid, *HUGE.more, *HUGE.items, *HUGE.sources]
    pieces += [f"{p.title}{p.why_now}{p.summary}{p.first_steps[0]}" for p in HUGE.plan]
    for piece in pieces:
        assert squash(piece) in sent, piece[:40]
    # The order is kept: steps before the script before the sources.
    assert sent.index(squash(HUGE.steps[-1])) < sent.index(squash(HUGE.script[0])) < sent.index(squash(HUGE.sources[0]))
    # The talking points for a call come after the messages to send and before the pitfalls.
    call_at = sent.index(squash(HUGE.call_outline[0]))
    assert sent.index(squash(HUGE.script[-1])) < call_at < sent.index(squash(HUGE.avoid[0]))
    buttons = [b["custom_id"] for body in bodies for row in body.get("components") or [] for b in row["components"]]
    assert buttons == [f"topic:topic-{n}" for n in range(31)]  # 25 on one message, the rest on the next


def test_a_long_plain_reply_is_split_into_messages_of_at_most_2000() -> None:
    text = words("plain", 1500) + " @everyone"
    messages = render(Reply(kind="confirmation", lang="en", text=text), allow_share=False)

    assert len(messages) == 7
    assert all(m.content and len(m.content) <= 2000 and not m.embeds for m in messages)
    joined = " ".join(m.content or "" for m in messages)
    assert joined.replace("@\u200beveryone", "@everyone") == text


def test_share_buttons_only_where_sharing_makes_sense() -> None:
    reply = Reply(
        kind="advice",
        lang="en",
        text="Late payment: calm",
        title="Late payment",
        summary="calm",
        options=(Choice("fb:up:late-payment", "Helpful"), Choice("share:late-payment", "Share in channel")),
    )

    assert [c.id for c in render(reply, allow_share=True)[-1].choices] == ["fb:up:late-payment", "share:late-payment"]
    assert [c.id for c in render(reply, allow_share=False)[-1].choices] == ["fb:up:late-payment"]
