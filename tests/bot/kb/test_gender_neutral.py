"""Spanish and Catalan advice does not assume the gender of the writer or the reader (issue 13 item 10)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.kb.gender import gendered_forms, gendered_in_advice
from bot.kb.model import KnowledgeBase


# firing-a-client was left to another branch (issue 13 item 11), which made its scripts neutral but not this
# pitfall ("enviar el mensaje cuando todavía estás enfadado"). It is listed so that any other gendered form fails;
# drop it once the topic is fixed (e.g. "cuando todavía te dura el enfado", "quan encara et dura l'enuig").
@pytest.mark.parametrize(
    ("lang", "text", "form"),
    [
        ("es", "Hola: estoy encantado de ayudarte.", "estoy encantado"),
        ("es", "Entiendo que no estás contenta con la versión actual.", "estás contenta"),
        ("es", "Entiendo que no estás del todo contento.", "estás del todo contento"),
        ("es", "Estoy convencida de que lo resolveremos.", "Estoy convencida"),
        ("es", "Veo que la entrega te ha dejado frustrado.", "te ha dejado frustrado"),
        ("es", "Gracias por ser tan clara conmigo.", "por ser tan clara"),
        ("es", "Puedo seguir puliéndolo encantada.", "encantada"),
        ("es", "Bienvenido al proyecto, {client_name}.", "Bienvenido"),
        ("es", "Mostrarte tranquilo transmite fuerza.", "Mostrarte tranquilo"),
        ("es", "Proyectos de los que estés orgullosa.", "estés orgullosa"),
        ("ca", "Estic convençut que trobarem una solució.", "Estic convençut"),
        ("ca", "Entenc que no estàs content amb la versió.", "estàs content"),
        ("ca", "Veig que el lliurament t\u2019ha deixat frustrada.", "t'ha deixat frustrada"),
        ("ca", "Gràcies per ser tan clar amb mi.", "per ser tan clar"),
        ("ca", "Mostrar-te tranquil·la ajuda.", "Mostrar-te tranquil·la"),
        ("ca", "Hola. Benvinguda al projecte!", "Benvinguda"),
        ("ca", "No deixis de contestar perquè estàs ferit.", "estàs ferit"),
    ],
)
def test_speaker_and_listener_forms_are_found(lang: str, text: str, form: str) -> None:
    assert gendered_forms(text, lang) == [form]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "La versión actual no te convence."),
        ("es", "Confío en que daremos con una solución."),
        ("es", "Si no se queja, el cliente está contento."),  # a third party, named by a noun
        ("es", "Me encantará seguir puliéndolo."),  # a verb
        ("es", "Seguro que lo resolvemos."),
        ("es", "Te has equivocado y tienes que decírselo."),  # a perfect tense: the participle does not agree
        ("es", "Te paso la lista de cambios."),
        ("es", "Guárdalo con los materiales de bienvenida."),  # a noun
        ("es", "Tu proyecto estará listo el lunes."),
        ("ca", "Crec sincerament que trobarem una solució."),
        ("ca", "Un client molt enfadat t'ha escrit."),
        ("ca", "És clar que sí, t'has equivocat."),
        ("ca", "Els costos que agafen per sorpresa."),
        ("ca", "Això no et convenç: és un sol element."),
        ("en", "I'm delighted and sure you are too."),
        ("fi", "Olen varma, että löydämme ratkaisun."),
    ],
)
def test_neutral_wording_and_third_parties_are_not_flagged(lang: str, text: str) -> None:
    assert gendered_forms(text, lang) == []


def _gendered(kb: KnowledgeBase) -> set[tuple[str, str, str]]:
    return {
        (topic.id, lang, form)
        for topic in kb.topics.values()
        for lang in ("es", "ca")
        for _, form in gendered_in_advice(topic.in_lang(lang), lang)
    }


def test_shipped_spanish_and_catalan_advice_is_gender_neutral(real_kb: KnowledgeBase) -> None:
    assert _gendered(real_kb) == set()


def test_a_gendered_form_planted_in_a_shipped_script_is_caught(real_kb: KnowledgeBase) -> None:
    topic = real_kb.topics["refund-demand"]
    entry = topic.in_lang("es")
    planted = replace(entry, say_this=(entry.say_this[0] + "\n\nEstoy encantada de ayudarte.", *entry.say_this[1:]))
    kb = replace(real_kb, topics={**real_kb.topics, topic.id: replace(topic, advice={**topic.advice, "es": planted})})
    assert _gendered(kb) == {("refund-demand", "es", "Estoy encantada")}
    assert ("say_this[0]", "Estoy encantada") in gendered_in_advice(planted, "es")


def test_every_field_the_bot_says_is_checked_but_not_the_users_phrasings(real_kb: KnowledgeBase) -> None:
    entry = real_kb.topics["micromanaging-client"].in_lang("ca")
    option = replace(entry.follow_up.options[0], label="Estic esgotat")
    stage_entry = real_kb.topics["scope-creep"].in_lang("ca")
    assert stage_entry.next_stage is not None
    checked = replace(
        entry,
        follow_up=replace(entry.follow_up, options=(option, *entry.follow_up.options[1:])),
        next_stage=replace(stage_entry.next_stage, summary="Estàs cansada? Normal."),
        fill_in={"reason": "per ser tan sincera"},
        call_outline=("Dir-li que estic preocupada pel termini", *entry.call_outline),
        phrasings=("estic farta d'aquest client", *entry.phrasings),
    )
    assert sorted(gendered_in_advice(checked, "ca")) == [
        ("call_outline[0]", "estic preocupada"),
        ("fill_in.reason", "per ser tan sincera"),
        ("follow_up.options[0]", "Estic esgotat"),
        ("next_stage.summary", "Estàs cansada"),
    ]
