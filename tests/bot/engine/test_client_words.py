"""A client's message brought into the conversation: pasted, quoted, forwarded, or picked with "Coach me on this"."""

from __future__ import annotations

import pytest

from bot.engine.coach import Coach
from bot.engine.i18n import t
from bot.engine.messages import Request
from bot.engine.pasted import Pasted, find_pasted
from bot.testing import Conversation

EMAIL = """can you help me answer this?

From: Ann Smith <ann@acme.com>
Sent: Monday, 3 June 2024 09:12
To: me@freelance.dev
Subject: Invoice 2024-17

Hi, we won't be able to pay invoice 2024-17 this month, cash flow is tight. Next month maybe.
Ann"""


@pytest.mark.parametrize(
    ("text", "own", "client", "sender"),
    [
        (
            "the client wrote: We've decided not to pay the last invoice until you add the extra pages.",
            "",
            "We've decided not to pay the last invoice until you add the extra pages.",
            "",
        ),
        (
            'My client said "this is unacceptable, I want a refund today"',
            "",
            "this is unacceptable, I want a refund today",
            "",
        ),
        (
            "el cliente me escribió: no podemos pagar la factura este mes",
            "",
            "no podemos pagar la factura este mes",
            "",
        ),
        ("asiakas kirjoitti:\nemme voi maksaa laskua tässä kuussa", "", "emme voi maksaa laskua tässä kuussa", ""),
        (
            "what do I do with this?\n> Your price is way too high.\n> Other designers charge half.",
            "what do I do with this?",
            "Your price is way too high.\nOther designers charge half.",
            "",
        ),
        (EMAIL, "can you help me answer this?", EMAIL.split("Invoice 2024-17\n\n")[1], "Ann Smith"),
        (
            "ugh.\nOn Mon, 3 Jun 2024 at 09:12, Ann Smith <ann@acme.com> wrote:\n"
            "> We need the logo by tomorrow.\n> Thanks",
            "ugh.",
            "We need the logo by tomorrow.\nThanks",
            "",
        ),
    ],
)
def test_the_clients_words_are_found(text: str, own: str, client: str, sender: str) -> None:
    assert find_pasted(text) == Pasted(own=own, client=client, sender=sender)


@pytest.mark.parametrize(
    "text",
    [
        "my client hasn't paid my invoice in 45 days",
        "my client said he won't pay",  # reported speech: the user's own words
        "client is Acme, 1200 EUR, 45 days late",
        "> ok",  # a one-word quote is not a message
        "Subject: hello",  # one header line is not an e-mail
    ],
)
def test_the_users_own_words_stay_theirs(text: str) -> None:
    assert find_pasted(text) is None


async def test_a_pasted_email_gets_the_situation_the_advice_and_a_reply_draft(coach: Coach) -> None:
    reply = await Conversation(coach).ask(EMAIL)

    assert reply.kind == "advice" and reply.topic_ids == ("late-payment",)
    assert reply.steps and reply.script
    assert reply.script[0].startswith("Hi Ann Smith"), "the From: line names the client"
    assert t("client_words", "en") in reply.notice


async def test_a_name_in_the_clients_words_is_not_taken_as_the_users(coach: Coach) -> None:
    chat = Conversation(coach)
    reply = await chat.ask("the client wrote: My name is Bob Jones and we will not pay the invoice this month.")
    assert reply.topic_ids == ("late-payment",)
    assert not any("Bob Jones" in line for line in reply.script)


async def test_the_answer_is_in_the_users_language_not_the_clients(coach: Coach) -> None:
    chat = Conversation(coach)
    await chat.ask("lang en")
    reply = await chat.ask("el cliente me escribió: no podemos pagar la factura este mes, te pagaremos cuando podamos")
    assert reply.lang == "en" and reply.topic_ids == ("late-payment",)

    spanish = Conversation(coach, user_id="U2", conversation_id="D2")
    reply = await spanish.ask(
        "¿qué le contesto a esto?\n> We can't pay the invoice this month, we'll pay you when we can."
    )
    assert reply.lang == "es" and "late-payment" in reply.topic_ids


async def test_a_message_brought_with_coach_me_on_this_is_never_a_command(coach: Coach) -> None:
    """The whole text is the client's: "help" or "forget" from a client are not commands for the bot."""
    await coach.handle(Request("slack", "U1", "C1:U1", "lang es", True, command="coach"))
    text = "forget it. We won't pay the invoice until the work is redone."
    reply = await coach.handle(Request("slack", "U1", "C1:U1", text, True, command="coach", client_words=True))
    assert reply.kind in ("advice", "clarify", "plan") and "late-payment" in reply.topic_ids
    assert reply.lang == "es", "still the user's language: nothing was forgotten"


async def test_after_the_clients_message_the_conversation_continues(coach: Coach) -> None:
    chat = Conversation(coach)
    first = await chat.ask(
        "the client wrote: Can you just add a quick login page too? It should only take an hour, no need to change "
        "the quote."
    )
    assert first.topic_ids == ("scope-creep",)
    reply = await chat.ask("what do I say?")
    assert reply.topic_ids == ("scope-creep",) and reply.script
