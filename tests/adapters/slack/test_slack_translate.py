"""Slack payloads → Request and Target, without the network."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from adapters.slack.translate import (
    Target,
    from_action,
    from_command,
    from_direct_message,
    from_mention,
    incoming_for,
    is_assistant_message,
    share_target,
    strip_mention,
)
from tests.adapters.slack.fake_slack_api import (
    BOT_USER,
    action_payload,
    assistant_message,
    command_body,
    direct_message,
    mention,
)


def test_the_bots_own_mention_is_stripped_and_others_kept() -> None:
    assert strip_mention("<@UBOT>   my client <@U2>  won't pay", "UBOT") == "my client <@U2> won't pay"
    assert strip_mention("<@UBOT|coach> help", "UBOT") == "help"


def test_mention_becomes_a_public_request_in_its_thread() -> None:
    incoming = from_mention(mention("my client won't pay", ts="5.5"), BOT_USER)
    assert incoming is not None
    request = incoming.request
    assert (request.user_id, request.text, request.is_private) == ("U1", "my client won't pay", False)
    assert request.conversation_id == "C1:5.5"
    assert incoming.target == Target(channel="C1", thread_ts="5.5")
    threaded = from_mention(mention("x", ts="6.6", thread_ts="5.5"), BOT_USER)
    assert threaded is not None and threaded.request.conversation_id == "C1:5.5"


def test_direct_message_is_private_and_keyed_by_channel() -> None:
    incoming = from_direct_message(direct_message("hello <@UBOT>"), BOT_USER)
    assert incoming is not None
    assert incoming.request.is_private and incoming.request.conversation_id == "D1"
    assert incoming.request.text == "hello"
    assert incoming.target == Target(channel="D1")
    assert from_direct_message(direct_message("x", subtype="message_deleted"), BOT_USER) is None
    assert from_direct_message(direct_message("x", user=BOT_USER), BOT_USER) is None


def test_each_thread_in_a_dm_is_a_conversation_of_its_own() -> None:
    """Every assistant thread (and any reply thread in a DM) keeps its own situation; the DM itself is another."""
    plain = from_direct_message(direct_message("x", ts="2.2", thread_ts="1.1"), BOT_USER)
    assistant = from_direct_message(assistant_message("x", thread_ts="1.1"), BOT_USER)
    for incoming in (plain, assistant):
        assert incoming is not None and incoming.request.conversation_id == "D1:1.1"
        assert incoming.target == Target(channel="D1", thread_ts="1.1")
    assert is_assistant_message(assistant_message("x")) and not is_assistant_message(direct_message("x"))


def test_command_is_private_ephemeral_and_keyed_by_channel_and_user() -> None:
    form = {k: v[0] for k, v in parse_qs(command_body(" tip late payment ", "https://hooks/r")).items()}
    incoming = from_command(form)
    request = incoming.request
    assert (request.command, request.text, request.is_private) == ("coach", "tip late payment", True)
    assert request.conversation_id == "C1:U1"
    assert incoming.target == Target(channel="C1", response_url="https://hooks/r", user="U1")


def test_buttons_answer_where_they_were_pressed() -> None:
    ephemeral = from_action(action_payload("fb:up:x", ephemeral=True, response_url="https://hooks/e"))
    assert ephemeral is not None
    assert ephemeral.request.action == "fb:up:x" and ephemeral.request.text == ""
    assert ephemeral.request.conversation_id == "C1:U1" and ephemeral.request.is_private
    assert ephemeral.target == Target(channel="C1", response_url="https://hooks/e", user="U1")

    in_thread = from_action(action_payload("topic:x", message_ts="9.9", thread_ts="1.1"))
    assert in_thread is not None and not in_thread.request.is_private
    assert in_thread.request.conversation_id == "C1:1.1"
    assert in_thread.target == Target(channel="C1", thread_ts="1.1", user="U1")  # only the clicker sees it

    dm = from_action(action_payload("topic:x", channel="D1"))
    assert dm is not None and dm.request.is_private and dm.request.conversation_id == "D1"
    assert dm.target == Target(channel="D1")

    dm_thread = from_action(action_payload("topic:x", channel="D1", message_ts="9.9", thread_ts="1.1"))
    assert dm_thread is not None and dm_thread.request.conversation_id == "D1:1.1", "an assistant thread's own"
    assert dm_thread.target == Target(channel="D1", thread_ts="1.1")

    home = from_action(action_payload("topic:x", home=True))
    assert home is not None and home.target == Target(dm_user="U1")


def test_share_goes_to_the_channel_not_a_thread() -> None:
    assert share_target(Target(channel="C1", thread_ts="1.1")) == Target(channel="C1")
    assert share_target(Target(response_url="https://hooks/e")) == Target(response_url="https://hooks/e")


def test_incoming_for_recognises_every_payload_kind() -> None:
    event_mention = {"type": "event_callback", "event": mention("x")}
    assert incoming_for(event_mention, BOT_USER) is not None
    assert incoming_for({"type": "event_callback", "event": direct_message("x")}, BOT_USER) is not None
    form = {k: v[0] for k, v in parse_qs(command_body("x", "https://hooks/r")).items()}
    assert incoming_for(form, BOT_USER) is not None
    assert incoming_for(json.loads(json.dumps(action_payload("none"))), BOT_USER) is not None
    assert incoming_for({"type": "event_callback", "event": {"type": "app_home_opened"}}, BOT_USER) is None


def test_slacks_html_entities_are_decoded_on_the_way_in() -> None:
    """Slack escapes &, < and > in what users type; the engine must see what they typed."""
    dm = from_direct_message(direct_message("client is Smith &amp; Sons, 3 &lt; 5 &gt; 4"), BOT_USER)
    assert dm is not None and dm.request.text == "client is Smith & Sons, 3 < 5 > 4"
    said = from_mention(mention("the R&amp;D portal"), BOT_USER)
    assert said is not None and said.request.text == "the R&D portal"
    command = from_command(parse_qs_flat(command_body("tip Smith &amp; Sons", "https://hooks/c")))
    assert command.request.text == "tip Smith & Sons"
    # An entity the user typed literally arrives as &amp;lt; and comes out as the literal text, once.
    literal = from_direct_message(direct_message("I typed &amp;lt; here"), BOT_USER)
    assert literal is not None and literal.request.text == "I typed &lt; here"


def parse_qs_flat(body: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(body).items()}
