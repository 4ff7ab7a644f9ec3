"""Slack payloads → ``Request`` plus the place the answer goes. Pure functions, no I/O.

Conversation ids: a channel thread is ``"<channel>:<thread_ts>"``, a DM is its channel, a thread in a DM
(every assistant thread is one) is ``"<channel>:<thread_ts>"`` too, ``/coach`` (whose answers only the user
sees) is ``"<channel>:<user>"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.messages import Request

Payload = Mapping[str, Any]

COMMAND_NAME = "coach"
HOME_LANG_ACTION = "home_lang"  # the App Home language menu
MESSAGE_SHORTCUT = "coach_me_on_this"  # the message shortcut's callback_id (deploy/slack-manifest.yaml)


@dataclass(frozen=True)
class Target:
    """Where an answer goes.

    ``response_url`` (a command or a button on an ephemeral message) wins, with
    chat.postEphemeral to ``channel`` for ``user`` when the URL has expired; with ``user``
    set, chat.postEphemeral for that user only (in ``thread_ts`` when set: a button on a
    public answer); otherwise chat.postMessage to ``channel`` (in ``thread_ts`` when set);
    with no channel, the DM with ``dm_user`` is opened first (App Home, a check-in).
    """

    channel: str = ""
    thread_ts: str | None = None
    response_url: str = ""
    user: str = ""
    dm_user: str = ""


@dataclass(frozen=True)
class Incoming:
    request: Request
    target: Target


def strip_mention(text: str, user_id: str) -> str:
    """The text without ``<@user_id>`` (the bot addressed), spaces tidied."""
    if not user_id:
        return text.strip()
    pattern = re.compile(rf"<@{re.escape(user_id)}(?:\|[^>]*)?>")
    return " ".join(pattern.sub(" ", text).split())


def unescape(text: str) -> str:
    """Slack's own escaping undone: user text arrives with ``&amp;``, ``&lt;`` and ``&gt;``.

    Only these three (``&amp;`` last, so ``&amp;lt;`` stays the literal ``&lt;`` the user typed);
    the renderer escapes again, exactly once, on the way out.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def user_text(text: str, bot_user_id: str) -> str:
    """What the user wrote: the bot's mention removed (while ``<`` is still markup), then unescaped."""
    return unescape(strip_mention(text, bot_user_id))


def _from_someone(event: Payload, bot_user_id: str) -> str | None:
    """The human author of a plain message, or None for bots, edits, joins and the bot itself."""
    user = event.get("user")
    if event.get("bot_id") or event.get("subtype") or not isinstance(user, str) or not user:
        return None
    return None if user == bot_user_id else user


def is_direct_channel(channel_id: str, channel_name: str = "") -> bool:
    return channel_id.startswith("D") or channel_name == "directmessage"


def from_mention(event: Payload, bot_user_id: str) -> Incoming | None:
    user = _from_someone(event, bot_user_id)
    channel = str(event.get("channel") or "")
    # A DM arrives as a message.im event too; answering both would answer twice.
    thread_ts = str(event.get("thread_ts") or event.get("ts") or "")
    if user is None or not channel or not thread_ts or is_direct_channel(channel) or event.get("channel_type") == "im":
        return None
    text = user_text(str(event.get("text") or ""), bot_user_id)
    request = Request("slack", user, f"{channel}:{thread_ts}", text, is_private=False)
    return Incoming(request, Target(channel=channel, thread_ts=thread_ts))


def from_direct_message(event: Payload, bot_user_id: str) -> Incoming | None:
    if event.get("channel_type") != "im":
        return None
    user = _from_someone(event, bot_user_id)
    channel = str(event.get("channel") or "")
    if user is None or not channel:
        return None
    text = user_text(str(event.get("text") or ""), bot_user_id)
    thread_ts = str(event.get("thread_ts") or "") or None
    request = Request("slack", user, dm_conversation(channel, thread_ts), text, is_private=True)
    return Incoming(request, Target(channel=channel, thread_ts=thread_ts))


def dm_conversation(channel: str, thread_ts: str | None) -> str:
    """A DM is one conversation; each thread in it (each assistant thread) is a conversation of its own."""
    return f"{channel}:{thread_ts}" if thread_ts else channel


def is_assistant_message(event: Payload) -> bool:
    """A message in one of Slack's assistant threads (split view), not a reply in an ordinary DM thread."""
    return isinstance(event.get("assistant_thread"), Mapping)


def from_thread_reply(event: Payload, bot_user_id: str) -> Incoming | None:
    """A plain reply in a channel thread (message.channels / message.groups), as a follow-up *candidate*.

    Whether the coach is part of that thread with this person is for the store to say; anything
    that is not a reply in a thread, or that mentions the bot (app_mention answers it), is None.
    """
    if event.get("channel_type") not in ("channel", "group"):
        return None
    user = _from_someone(event, bot_user_id)
    channel = str(event.get("channel") or "")
    thread_ts, ts = str(event.get("thread_ts") or ""), str(event.get("ts") or "")
    if user is None or not channel or not thread_ts or thread_ts == ts:
        return None
    raw = str(event.get("text") or "")
    if bot_user_id and f"<@{bot_user_id}" in raw:
        return None
    request = Request("slack", user, f"{channel}:{thread_ts}", user_text(raw, bot_user_id), is_private=False)
    return Incoming(request, Target(channel=channel, thread_ts=thread_ts))


def from_command(command: Payload) -> Incoming:
    user, channel = str(command["user_id"]), str(command["channel_id"])
    text = unescape(str(command.get("text") or "")).strip()
    request = Request("slack", user, f"{channel}:{user}", text, is_private=True, command=COMMAND_NAME)
    return Incoming(request, Target(channel=channel, response_url=str(command["response_url"]), user=user))


def message_text(message: Payload) -> str:
    """A message's words: its text, or what a shared or forwarded message carries in its attachments."""
    text = str(message.get("text") or "").strip()
    if text:
        return text
    parts = [str(a.get("text") or a.get("fallback") or "") for a in message.get("attachments") or []]
    return "\n\n".join(part.strip() for part in parts if part.strip())


def from_message_shortcut(body: Payload) -> Incoming | None:
    """ "Coach me on this" on any message: its text is the client's words, the answer only the user sees."""
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or "")
    if not user or not channel:
        return None
    text = unescape(message_text(body.get("message") or {}))
    conversation = f"{channel}:{user}"
    request = Request("slack", user, conversation, text, is_private=True, command=COMMAND_NAME, client_words=True)
    return Incoming(request, Target(channel=channel, response_url=str(body.get("response_url") or ""), user=user))


def from_action(body: Payload) -> Incoming | None:
    """A button press: the same conversation, and the same place, as the message it was on."""
    pressed = body.get("actions") or []
    if not pressed:
        return None
    action_id = str(pressed[0].get("value") or pressed[0].get("action_id") or "")
    user = str((body.get("user") or {}).get("id") or "")
    if not action_id or not user:
        return None
    container = body.get("container") or {}
    if container.get("type") == "view":
        # The App Home tab: the answer goes to the DM, whose channel id only conversations.open knows.
        return Incoming(_action_request(user, "", True, action_id), Target(dm_user=user))
    channel_info = body.get("channel") or {}
    channel = str(container.get("channel_id") or channel_info.get("id") or "")
    if not channel:
        return None
    if container.get("is_ephemeral"):
        request = _action_request(user, f"{channel}:{user}", True, action_id)
        return Incoming(request, Target(channel=channel, response_url=str(body.get("response_url") or ""), user=user))
    message = body.get("message") or {}
    thread = message.get("thread_ts")
    if is_direct_channel(channel, str(channel_info.get("name") or "")):
        thread_ts = str(thread) if thread else None
        request = _action_request(user, dm_conversation(channel, thread_ts), True, action_id)
        return Incoming(request, Target(channel=channel, thread_ts=thread_ts))
    thread_ts = str(thread or message.get("ts") or container.get("message_ts") or "")
    request = _action_request(user, f"{channel}:{thread_ts}", False, action_id)
    # A button on a public answer: whoever pressed it gets their answer privately, in that thread.
    return Incoming(request, Target(channel=channel, thread_ts=thread_ts or None, user=user))


def from_home_setting(body: Payload) -> Incoming | None:
    """A setting changed on the App Home tab (the language menu, a check-in's Cancel); None for anything else.

    The answer is the Home tab itself, published again: nothing goes to the DM.
    """
    pressed = body.get("actions") or []
    user = str((body.get("user") or {}).get("id") or "")
    if not pressed or not user or (body.get("container") or {}).get("type") != "view":
        return None
    action = pressed[0]
    conversation = f"home:{user}"
    if action.get("action_id") == HOME_LANG_ACTION:
        code = str((action.get("selected_option") or {}).get("value") or "")
        request = Request("slack", user, conversation, f"lang {code}", is_private=True, command=COMMAND_NAME)
        return Incoming(request, Target(dm_user=user))
    action_id = str(action.get("value") or action.get("action_id") or "")
    if action_id.startswith("cancel:"):
        return Incoming(_action_request(user, conversation, True, action_id), Target(dm_user=user))
    return None


def _action_request(user: str, conversation_id: str, is_private: bool, action_id: str) -> Request:
    return Request("slack", user, conversation_id, "", is_private=is_private, action=action_id)


def is_share(request: Request) -> bool:
    return bool(request.action and request.action.startswith("share:"))


def share_target(target: Target) -> Target:
    """Where "Share in channel" posts: the channel itself, never a thread or only-visible-to-you."""
    if target.response_url:
        return target
    return Target(channel=target.channel, dm_user=target.dm_user)


def incoming_for(body: Payload, bot_user_id: str) -> Incoming | None:
    """Whatever request this payload carried, for the places that only have the raw body (errors)."""
    if body.get("type") == "event_callback":
        event = body.get("event") or {}
        if event.get("type") == "app_mention":
            return from_mention(event, bot_user_id)
        if event.get("type") == "message":
            return from_direct_message(event, bot_user_id) or from_thread_reply(event, bot_user_id)
        return None
    if body.get("type") == "block_actions":
        return from_action(body)
    if body.get("type") == "message_action":
        return from_message_shortcut(body)
    if "command" in body and "response_url" in body and "user_id" in body and "channel_id" in body:
        return from_command(body)
    return None
