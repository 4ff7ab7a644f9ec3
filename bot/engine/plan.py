"""Ordering several problems into a plan: which to handle first, and why."""

from __future__ import annotations

from bot.engine.i18n import t

# Lower comes first. Topics not listed (a team's own) go in the middle.
_STAGES: dict[str, tuple[int, str]] = {
    "legal-threat": (0, "why_legal"),
    "urgent-problem": (1, "why_urgent"),
    "own-mistake": (2, "why_own"),
    "work-makes-client-look-bad": (2, "why_own"),
    "apologizing-right": (2, "why_own"),
    "abusive-client": (3, "why_calm"),
    "angry-client-message": (3, "why_calm"),
    "arguing-being-right": (3, "why_calm"),
    "taking-it-personally": (3, "why_calm"),
    "unclear-frustration": (4, "why_understand"),
    "result-not-as-expected": (4, "why_understand"),
    "relationship-turned-sour": (4, "why_understand"),
    "lost-trust": (4, "why_understand"),
    "refund-demand": (5, "why_money"),
    "late-payment": (5, "why_money"),
    "price-pushback": (5, "why_money"),
    "scope-creep": (6, "why_agreement"),
    "keep-client-informed": (6, "why_agreement"),
    "contract-and-change-orders": (6, "why_agreement"),
    "out-of-hours-demands": (6, "why_agreement"),
    "firing-a-client": (8, "why_decide"),
    "after-bad-project": (9, "why_decide"),
}
_DEFAULT = (7, "why_general")

REASONS: dict[str, dict[str, str]] = {
    "why_legal": {
        "en": "a legal threat raises the stakes, so secure your records and get qualified advice before anything else.",
        "es": "una amenaza legal sube lo que está en juego: reúne tus registros y busca asesoría cualificada "
        "antes de nada.",
        "ca": "una amenaça legal apuja el que hi ha en joc: reuneix els teus registres i busca assessorament "
        "qualificat abans de res.",
        "fi": "oikeustoimilla uhkaaminen nostaa panoksia, joten kokoa dokumenttisi ja hae pätevää neuvoa ennen muuta.",
    },
    "why_urgent": {
        "en": "the client's business is hurting right now; a quick fix calms everything else.",
        "es": "el negocio del cliente sufre ahora mismo; una solución rápida calma todo lo demás.",
        "ca": "el negoci del client pateix ara mateix; una solució ràpida calma tota la resta.",
        "fi": "asiakkaan liiketoiminta kärsii juuri nyt; nopea korjaus rauhoittaa kaiken muun.",
    },
    "why_own": {
        "en": "owning your part first makes the client willing to hear the rest.",
        "es": "reconocer primero tu parte hace que el cliente esté dispuesto a escuchar el resto.",
        "ca": "reconèixer primer la teva part fa que el client estigui disposat a escoltar la resta.",
        "fi": "kun otat ensin vastuun omasta osuudestasi, asiakas kuuntelee loputkin.",
    },
    "why_calm": {
        "en": "lower the temperature first; nothing gets solved in a heated exchange.",
        "es": "baja primero la tensión; en plena discusión no se resuelve nada.",
        "ca": "abaixa primer la tensió; enmig d'una discussió no es resol res.",
        "fi": "laske ensin tunteiden lämpöä; kiihtyneessä keskustelussa mikään ei ratkea.",
    },
    "why_understand": {
        "en": "find out what is really wrong before you try to fix it.",
        "es": "averigua qué falla de verdad antes de intentar arreglarlo.",
        "ca": "esbrina què falla de debò abans d'intentar arreglar-ho.",
        "fi": "selvitä, mikä oikeasti on vialla, ennen kuin yrität korjata sitä.",
    },
    "why_money": {
        "en": "settle the money question in writing, once the conversation is calm.",
        "es": "resuelve la cuestión del dinero por escrito, cuando la conversación esté en calma.",
        "ca": "resol la qüestió dels diners per escrit, quan la conversa estigui calmada.",
        "fi": "hoida rahakysymys kirjallisesti, kun keskustelu on rauhoittunut.",
    },
    "why_agreement": {
        "en": "put the agreement in writing so the same problem does not come back.",
        "es": "pon el acuerdo por escrito para que el mismo problema no vuelva.",
        "ca": "posa l'acord per escrit perquè el mateix problema no torni.",
        "fi": "kirjaa sopimus ylös, ettei sama ongelma palaa.",
    },
    "why_general": {
        "en": "deal with this once the more pressing parts are handled.",
        "es": "ocúpate de esto cuando lo más urgente esté resuelto.",
        "ca": "ocupa't d'això quan el més urgent estigui resolt.",
        "fi": "hoida tämä, kun kiireellisemmät asiat on hoidettu.",
    },
    "why_decide": {
        "en": "decide about the relationship last, with the other problems handled and the facts in hand.",
        "es": "decide sobre la relación al final, con lo demás resuelto y los hechos delante.",
        "ca": "decideix sobre la relació al final, amb la resta resolta i els fets al davant.",
        "fi": "päätä yhteistyön jatkosta viimeisenä, kun muut asiat on hoidettu ja tosiasiat ovat selvillä.",
    },
}


def order_problems(topic_ids: list[str] | tuple[str, ...]) -> list[str]:
    """Most pressing first; ties keep the order the user mentioned them in."""
    return sorted(topic_ids, key=lambda tid: _STAGES.get(tid, _DEFAULT)[0])


def reason(topic_id: str, lang: str, first: bool) -> str:
    text = REASONS[_STAGES.get(topic_id, _DEFAULT)[1]]
    why = text.get(lang) or text["en"]
    return t("plan_first" if first else "plan_then", lang, reason=why)
