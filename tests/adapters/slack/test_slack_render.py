"""Reply → Block Kit: Slack's limits, escaping, and nothing lost on the way."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from adapters.slack.home import home_view
from adapters.slack.render import (
    BLOCKS_PER_MESSAGE,
    BUTTON_LABEL_LIMIT,
    BUTTONS_PER_ACTIONS,
    FALLBACK_LIMIT,
    HEADER_LIMIT,
    SECTION_LIMIT,
    SlackMessage,
    escape,
    neutralise,
    render,
    split_text,
)
from bot.engine.i18n import t
from bot.engine.messages import Choice, PlanItem, Reply
from bot.kb.model import KnowledgeBase


def texts(block: dict[str, Any]) -> list[str]:
    if block["type"] in ("section", "header"):
        return [block["text"]["text"]]
    if block["type"] == "context":
        return [element["text"] for element in block["elements"]]
    if block["type"] == "actions":
        return [element["text"]["text"] for element in block["elements"]]
    return []


def squash(text: str) -> str:
    """Compare content without the whitespace a split may move or drop, and without quote marks."""
    return re.sub(r"[\s>]+", "", text)


def assert_within_limits(messages: list[SlackMessage]) -> None:
    for message in messages:
        assert 0 < len(message.blocks) <= BLOCKS_PER_MESSAGE
        assert message.text.strip() and len(message.text) <= FALLBACK_LIMIT
        action_ids = [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
        assert len(action_ids) == len(set(action_ids)), "action_id is unique within a message"
        for block in message.blocks:
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= HEADER_LIMIT
            elif block["type"] in ("section", "context"):
                assert all(0 < len(text) <= SECTION_LIMIT for text in texts(block))
            elif block["type"] == "actions":
                assert len(block["elements"]) <= BUTTONS_PER_ACTIONS
                assert all(len(e["text"]["text"]) <= BUTTON_LABEL_LIMIT for e in block["elements"])


def long_reply() -> Reply:
    step = "Write it down & keep <records> of every call. " * 11  # ~500 characters with characters to escape
    return Reply(
        kind="advice",
        lang="en",
        text="Late payment: a long one",
        title="Late payment",
        summary="Stay calm. " * 400,
        steps=tuple(f"{index}: {step[:500]}" for index in range(40)),
        script=("Hi Acme,\n" + "We agreed on the invoice. " * 200,),
        call_outline=tuple(f"talking point {index} & <say it>" for index in range(12)),
        avoid=tuple(f"pitfall {index} " + "x" * 300 for index in range(20)),
        more=("unbroken" * 900,),  # 7,200 characters without a space: must be cut hard, not dropped
        plan=tuple(
            PlanItem(f"t{index}", f"Problem {index}", "Because.", "Summary.", ("Do this.",)) for index in range(60)
        ),
        sources=tuple(f"Article {index} — «Section»" for index in range(200)),
        disclaimer="Not legal advice.",
        notice="You wrote a lot.",
        question="What next?",
        options=tuple(Choice(f"topic:t{index}", f"Topic {index} " + "y" * 90) for index in range(30)),
    )


def test_a_very_long_reply_is_split_within_limits_and_nothing_is_lost() -> None:
    reply = long_reply()
    messages = render(reply)

    assert len(messages) > 1, "more than 50 blocks' worth becomes several messages"
    assert_within_limits(messages)
    shown = squash(html.unescape("".join(t for m in messages for b in m.blocks for t in texts(b))))
    expected = [reply.summary, *reply.steps, *reply.script, *reply.call_outline, *reply.avoid, *reply.more]
    expected += [*reply.sources, t("call_outline", "en")]
    expected += [item.title for item in reply.plan] + [reply.disclaimer, reply.notice, reply.question]
    for part in expected:
        assert squash(part) in shown, part[:60]
    buttons = [e["action_id"] for m in messages for b in m.blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [choice.id for choice in reply.options]
    assert messages[0].blocks[0]["type"] == "header"


def test_the_steps_stay_in_order_and_each_section_holds_whole_steps() -> None:
    reply = long_reply()
    sections = [b["text"]["text"] for m in render(reply) for b in m.blocks if b["type"] == "section"]
    step_lines = [line for text in sections for line in text.splitlines() if re.match(r"\d+\. \d+:", line)]
    assert [int(line.split(".")[0]) for line in step_lines] == list(range(1, 41))


def test_escaping_and_mentions() -> None:
    assert escape("a & b <c> d") == "a &amp; b &lt;c&gt; d"
    for dangerous in ("<!channel>", "<!here|here>", "<!everyone>", "@channel", "@here", "@everyone"):
        out = escape(f"hi {dangerous} there")
        assert "<!" not in out and "&lt;!" not in out
        assert not re.search(r"@(channel|here|everyone)", out)
    assert "@\u200bboss" in neutralise("<@U123|boss>")
    assert "<@" not in neutralise("<@U123> and <@W456>")
    assert "@\u200bdevs" in neutralise("<!subteam^S1|@devs>")
    assert escape("mail me at ana@here.com") == "mail me at ana@here.com", "an e-mail address is left alone"


def test_user_text_in_every_field_is_neutralised() -> None:
    evil = "<!channel> & <@U1>"
    reply = Reply(
        kind="advice",
        lang="en",
        text=evil,
        title=evil,
        summary=evil,
        steps=(evil,),
        script=(evil,),
        avoid=(evil,),
        items=(evil,),
        sources=(evil,),
        notice=evil,
        question=evil,
        options=(Choice("topic:x", evil),),
    )
    [message] = render(reply)
    raw = repr(message)
    assert "<!channel>" not in raw and "<@U1>" not in raw and "&lt;!channel" not in raw


def test_a_title_too_long_for_a_header_becomes_a_section() -> None:
    [message] = render(Reply(kind="advice", lang="en", text="x", title="T" * 200, summary="s"))
    assert message.blocks[0]["type"] == "section"
    assert "T" * 200 in message.blocks[0]["text"]["text"]


def test_repeated_options_become_one_button() -> None:
    reply = Reply(kind="clarify", lang="en", text="?", options=(Choice("part:a:more", "More"),) * 2)
    [message] = render(reply)
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == ["part:a:more"]


def test_a_plain_confirmation_is_one_short_message() -> None:
    [message] = render(Reply(kind="confirmation", lang="en", text="Done & dusted."))
    assert message.text == "Done &amp; dusted."
    assert message.blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": "Done &amp; dusted."}}]


@pytest.mark.parametrize("limit", [10, 100, SECTION_LIMIT])
def test_split_text_never_cuts_an_escape(limit: int) -> None:
    text = escape("&" * 5000)
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join(pieces) == text
    assert all(re.fullmatch(r"(&amp;)+", p) for p in pieces)


def test_home_view_lists_every_topic_and_fits(fixture_kb: KnowledgeBase) -> None:
    view = home_view(fixture_kb, "ca", "ca")
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    raw = repr(view)
    for topic in fixture_kb.topics.values():
        assert topic.in_lang("ca").title in raw
    assert "topic:late-payment" in raw
