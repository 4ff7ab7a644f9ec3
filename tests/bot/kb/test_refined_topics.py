"""Topics that narrow one of the 33 (issue 13 items 6 and 12): recognised, declared, and honest in writing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.kb.model import LANGS, KnowledgeBase
from bot.matching.compiled import Compiled
from bot.matching.matcher import Matcher
from tests.conftest import matcher_for_tests

REPO = Path(__file__).parents[3]

REFINED = {
    "client-cancelled": {"refund-demand"},
    "client-ghosting": {"late-payment", "unclear-frustration"},
    "source-files-demand": {"late-payment", "contract-and-change-orders"},
    "nda-noncompete-surprise": {"contract-and-change-orders"},
    "confidentiality-slip": {"own-mistake"},
    "outage-unknown-cause": {"urgent-problem"},
}

# Messages written for these tests (not copied from the knowledge base or the examples).
MESSAGES = [
    ("client-cancelled", "the client cancelled our project halfway through and now asks me to return the deposit"),
    ("client-cancelled", "el cliente ha cancelado el proyecto a mitad y me pide que le devuelva el anticipo"),
    ("client-ghosting", "my client vanished in the middle of the project, no answer to emails for a month"),
    ("client-ghosting", "asiakas katosi kesken projektin eikä ole vastannut viesteihin kuukauteen"),
    ("source-files-demand", "the client insists I hand over the source code and the repository before paying"),
    ("source-files-demand", "el cliente exige los archivos fuente editables que nunca estuvieron en el presupuesto"),
    ("nda-noncompete-surprise", "the client sent me an NDA with a non-compete clause the day before we start"),
    ("nda-noncompete-surprise", "asiakas lähetti salassapitosopimuksen, jossa on kilpailukielto koko alalle"),
    ("confidentiality-slip", "I accidentally sent a confidential draft of one client to a different client"),
    ("confidentiality-slip", "he enviat per error un fitxer confidencial d'un client a un altre client"),
    ("outage-unknown-cause", "the client's site went down right after my deploy and I don't know yet if it was me"),
    ("outage-unknown-cause", "la web del cliente se ha caído tras mi actualización y aún no sé la causa"),
]


@pytest.fixture(scope="module")
def matcher(real_compiled: Compiled) -> Matcher:
    return matcher_for_tests(real_compiled)


def test_each_refining_topic_declares_what_it_narrows(real_kb: KnowledgeBase) -> None:
    for topic_id, broader in REFINED.items():
        assert set(real_kb.topics[topic_id].refines) == broader, topic_id
    assert not real_kb.topics["refund-demand"].refines


@pytest.mark.parametrize(("expected", "text"), MESSAGES)
def test_each_refining_topic_is_recognised(matcher: Matcher, expected: str, text: str) -> None:
    result = matcher.match(text)
    assert result.matches and result.matches[0].id == expected, [(m.id, round(m.score, 2)) for m in result.matches[:3]]


def test_refines_is_shown_in_the_export() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "export", "--json"], capture_output=True, text=True, check=True, cwd=REPO
    )
    topics = {t["id"]: t for t in json.loads(out.stdout)["topics"]}
    for topic_id, broader in REFINED.items():
        assert set(topics[topic_id]["refines"]) == broader, topic_id
    assert topics["late-payment"]["refines"] == []


def test_refines_is_on_every_match_in_match_json() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "match", "--json", "--top", "5", MESSAGES[0][1]],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    matches = json.loads(out.stdout)["matches"]
    assert matches[0]["id"] == "client-cancelled" and matches[0]["refines"] == ["refund-demand"]
    assert all("refines" in m for m in matches)
    for m in matches[1:]:
        assert set(m["refines"]) == REFINED.get(m["id"], set()), m


# Words that would put an admission of fault in writing, per language.
FAULT = {
    "en": re.compile(r"my (?:fault|mistake|error)|i (?:made a mistake|was wrong|messed up)|apologi[sz]e|sorry", re.I),
    "es": re.compile(r"culpa mía|mi culpa|me equivoqué|mi error|lo siento|disculp|perdón|perdona", re.I),
    "ca": re.compile(r"culpa meva|em vaig equivocar|el meu error|ho sento|disculp|perdó|perdona", re.I),
    "fi": re.compile(r"minun vikani|syyni|tein virheen|virheeni|pahoittel|anteeksi", re.I),
}


def test_the_cancellation_scripts_admit_no_fault(real_kb: KnowledgeBase) -> None:
    topic = real_kb.topics["client-cancelled"]
    assert topic.legal
    for lang in LANGS:
        scripts = topic.in_lang(lang).say_this
        assert scripts
        for script in scripts:
            assert not FAULT[lang].search(script), (lang, FAULT[lang].search(script))
