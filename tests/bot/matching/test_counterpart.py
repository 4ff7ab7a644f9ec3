"""Who the other person is: someone in the writer's own life, someone they hired, or (by default) a client."""

from __future__ import annotations

import pytest

from bot.kb.model import KnowledgeBase
from bot.matching.counterpart import WORK_CONCEPTS, read_counterpart


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("my boyfriend keeps shouting at me", "relation"),
        ("My Manager reads all my messages", "relation"),
        ("mi suegra se mete en todo", "relation"),
        ("la meva mare no em deixa en pau", "relation"),
        ("mun isä ei ymmärrä mun työtä", "relation"),
        ("pomoni soittaa lauantaisin", "relation"),
        ("my wedding photographer sent half the photos", "customer"),
        ("I'm paying a freelance dev and the code is a mess", "customer"),
        ("contraté a una diseñadora y desapareció", "customer"),
        ("palkkasin koodarin ja hän katosi", "customer"),
        # Ordering something: the writer is the customer; being ordered from is being a client's supplier.
        ("encargué unas camisetas y vinieron con otro color", "customer"),
        ("vaig encarregar unes cadires i n'han arribat dues de trencades", "customer"),
        ("tilasin takin ja sain väärän koon", "customer"),
        ("la veïna em va encarregar unes fotos i no paga", None),
        ("me encargó unas fotos y no me paga", None),
        ("naapuri tilasi minulta valokuvat eikä maksa", None),
        ("my friend's bakery hired me for photos", None),  # the friend's business is the client
        ("my colleague, a translator, has a client who never pays", None),  # someone else's client story
        ("my boss wants me to drop this client", None),  # a client is named
        ("un amigo de mi padre quiere un catálogo", None),  # the father's friend is the client
        ("la botiga de la meva cosina", None),
        ("el cliente no me paga", None),
        ("the client's lawyer wrote to me", None),
    ],
)
def test_the_role_named(text: str, role: str | None) -> None:
    assert read_counterpart(text).role == role


def test_work_for_them_is_recognised_in_each_language() -> None:
    for text in (
        "do it for free",
        "lo quiere gratis",
        "ho vol de franc",
        "haluaa sen ilmaiseksi",
        "my aunt asked me to design her menu",
        "mi suegro me encargó las cuentas de su empresa",
        "la meva cosina vol que li faci la web",
        "serkkuni tilasi minulta kotisivut",
    ):
        assert read_counterpart(text).works_for_them, text
    assert not read_counterpart("my freelance fees").works_for_them
    assert not read_counterpart("my boss asked me why I was late").works_for_them


def test_the_work_concepts_exist_in_the_shipped_lexicon(real_kb: KnowledgeBase) -> None:
    assert set(real_kb.concepts) >= WORK_CONCEPTS


def test_being_hired_is_recognised_but_not_being_employed() -> None:
    hired = ("my friend's bakery hired me", "mi vecina me encargó la web", "em va encarregar el logo", "tilasi minulta")
    for text in hired:
        assert read_counterpart(text).hired, text
    assert not read_counterpart("me contrataron de administrativa").hired
    assert not read_counterpart("I hired a designer").hired
