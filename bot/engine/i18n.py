"""The bot's own words (labels, prompts, notices) in every supported language.

Advice text lives in knowledge/; this is only the frame around it.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from babel import Locale
from babel.numbers import format_decimal

LANGS = ("en", "es", "ca", "fi")

STRINGS: dict[str, dict[str, str]] = {
    "steps": {"en": "What to do", "es": "Qué hacer", "ca": "Què fer", "fi": "Mitä tehdä"},
    "script": {"en": "What to say", "es": "Qué decir", "ca": "Què dir", "fi": "Mitä sanoa"},
    "avoid": {"en": "Avoid", "es": "Evita", "ca": "Evita", "fi": "Vältä"},
    "call_outline": {
        "en": "If you tell them on a call: talking points (not a script to read out)",
        "es": "Si se lo dices por teléfono: puntos para la llamada (no un guion para leer)",
        "ca": "Si li ho dius per telèfon: punts per a la trucada (no un guió per llegir)",
        "fi": "Jos kerrot puhelimessa: puhelun runko (ei luettava käsikirjoitus)",
    },
    "options": {"en": "You can go on with", "es": "Puedes seguir con", "ca": "Pots continuar amb", "fi": "Voit jatkaa"},
    "next_stage_intro": {
        "en": "If the first steps didn't work, this is the next stage:",
        "es": "Si los primeros pasos no han funcionado, esta es la siguiente fase:",
        "ca": "Si els primers passos no han funcionat, aquesta és la fase següent:",
        "fi": "Jos ensimmäiset askeleet eivät auttaneet, tämä on seuraava vaihe:",
    },
    "next_stage_question": {
        "en": "Where to now?",
        "es": "¿Y ahora?",
        "ca": "I ara?",
        "fi": "Mitä seuraavaksi?",
    },
    "more": {"en": "Why this works", "es": "Por qué funciona", "ca": "Per què funciona", "fi": "Miksi tämä toimii"},
    "sources": {"en": "Sources", "es": "Fuentes", "ca": "Fonts", "fi": "Lähteet"},
    "btn_script": {"en": "What do I say?", "es": "¿Qué le digo?", "ca": "Què li dic?", "fi": "Mitä sanon?"},
    "btn_more": {"en": "Tell me more", "es": "Cuéntame más", "ca": "Explica'm més", "fi": "Kerro lisää"},
    "btn_full": {"en": "Full answer", "es": "Respuesta completa", "ca": "Resposta completa", "fi": "Koko vastaus"},
    "btn_helpful": {"en": "Helpful", "es": "Me ha servido", "ca": "M'ha servit", "fi": "Hyödyllinen"},
    "btn_not_helpful": {"en": "Not helpful", "es": "No me ha servido", "ca": "No m'ha servit", "fi": "Ei auttanut"},
    "btn_share": {
        "en": "Share in channel",
        "es": "Compartir en el canal",
        "ca": "Comparteix al canal",
        "fi": "Jaa kanavalle",
    },
    "btn_checkin": {
        "en": "Check on me in 3 days",
        "es": "Pregúntame en 3 días",
        "ca": "Pregunta-m'ho d'aquí a 3 dies",
        "fi": "Kysy minulta 3 päivän päästä",
    },
    "btn_all_topics": {
        "en": "All {count} situations",
        "es": "Las {count} situaciones",
        "ca": "Les {count} situacions",
        "fi": "Kaikki {count} tilannetta",
    },
    "btn_none": {"en": "None of these", "es": "Ninguna de estas", "ca": "Cap d'aquestes", "fi": "Ei mikään näistä"},
    "btn_yes": {
        "en": "Yes, it worked out",
        "es": "Sí, se resolvió",
        "ca": "Sí, s'ha resolt",
        "fi": "Kyllä, asia ratkesi",
    },
    "btn_no": {"en": "No, not yet", "es": "No, todavía no", "ca": "No, encara no", "fi": "Ei vielä"},
    "related": {"en": "Related", "es": "Relacionado", "ca": "Relacionat", "fi": "Liittyy"},
    "disclaimer": {
        "en": "This is not legal advice. If money or a contract dispute matters to you, or the client mentions a "
        "lawyer, court or chargeback, talk to a lawyer or another qualified professional where you work before "
        "you commit to anything.",
        "es": "Esto no es asesoramiento legal. Si hay dinero o un contrato en juego, o el cliente menciona abogados, "
        "juicios o un contracargo, consulta con un abogado u otro profesional cualificado de tu país antes de "
        "comprometerte a nada.",
        "ca": "Això no és assessorament legal. Si hi ha diners o un contracte en joc, o el client parla d'advocats, "
        "de judicis o d'una devolució del càrrec, consulta un advocat o un altre professional qualificat del teu "
        "país abans de comprometre't a res.",
        "fi": "Tämä ei ole oikeudellista neuvontaa. Jos kyse on rahasta tai sopimusriidasta, tai asiakas mainitsee "
        "asianajajan, oikeuden tai veloituksen peruutuksen, käänny asianajajan tai muun pätevän asiantuntijan "
        "puoleen ennen kuin sitoudut mihinkään.",
    },
    "clarify": {
        "en": "I want to get this right. Which of these is closest to what's happening?",
        "es": "Quiero acertar. ¿Cuál de estas se parece más a lo que te pasa?",
        "ca": "Vull encertar-la. Quina d'aquestes s'assembla més al que et passa?",
        "fi": "Haluan ymmärtää oikein. Mikä näistä on lähimpänä tilannettasi?",
    },
    "plan_intro": {
        "en": "You're dealing with {n} things at once. Here's an order that usually works:",
        "es": "Estás lidiando con {n} cosas a la vez. Este orden suele funcionar:",
        "ca": "Estàs gestionant {n} coses alhora. Aquest ordre sol funcionar:",
        "fi": "Sinulla on {n} asiaa hoidettavana yhtä aikaa. Tämä järjestys toimii yleensä:",
    },
    "plan_first": {
        "en": "Start here: {reason}",
        "es": "Empieza por aquí: {reason}",
        "ca": "Comença per aquí: {reason}",
        "fi": "Aloita tästä: {reason}",
    },
    "plan_then": {
        "en": "Then: {reason}",
        "es": "Después: {reason}",
        "ca": "Després: {reason}",
        "fi": "Sitten: {reason}",
    },
    "fallback": {
        "en": "I don't have advice for that one. I help freelancers with difficult client situations: angry e-mails, "
        "late payments, endless changes, mistakes to own up to and more. Describe what's going on with your "
        "client, or pick one of the most common situations:",
        "es": "No tengo consejos para eso. Ayudo a freelancers con situaciones difíciles con clientes: correos "
        "enfadados, pagos atrasados, cambios sin fin, errores que hay que reconocer y más. Cuéntame qué pasa con "
        "tu cliente o elige una de las situaciones más habituales:",
        "ca": "No tinc consells per a això. Ajudo freelancers amb situacions difícils amb clients: correus enfadats, "
        "pagaments endarrerits, canvis sense fi, errors que cal reconèixer i més. Explica'm què passa amb el teu "
        "client o tria una de les situacions més habituals:",
        "fi": "Tähän minulla ei ole neuvoja. Autan freelancereita hankalissa asiakastilanteissa: vihaiset viestit, "
        "myöhässä olevat maksut, loputtomat muutokset, omat virheet ja paljon muuta. Kerro, mitä asiakkaasi kanssa "
        "on tapahtunut, tai valitse jokin yleisimmistä tilanteista:",
    },
    "resumed": {
        "en": 'We were talking about: {title}. Carry on, or say "forget" to start afresh.',
        "es": 'Estábamos hablando de: {title}. Sigue, o di "olvida" para empezar de cero.',
        "ca": 'Parlàvem de: {title}. Continua, o digues "oblida" per començar de nou.',
        "fi": 'Puhuimme aiheesta: {title}. Jatka, tai sano "unohda", niin aloitetaan alusta.',
    },
    "fallback_ongoing": {
        "en": "That doesn't read like a client situation to me, so I'll leave it aside. We were talking about: "
        "{title}. Tell me more about it, or describe another problem with a client.",
        "es": "Eso no me parece una situación con un cliente, así que lo dejo a un lado. Estábamos hablando de: "
        "{title}. Cuéntame más sobre ello o descríbeme otro problema con un cliente.",
        "ca": "Això no em sembla una situació amb un client, així que ho deixo de banda. Parlàvem de: {title}. "
        "Explica-me'n més o descriu-me un altre problema amb un client.",
        "fi": "Tämä ei kuulosta minusta asiakastilanteelta, joten jätän sen sivuun. Puhuimme aiheesta: {title}. "
        "Kerro siitä lisää tai kuvaile jokin toinen ongelma asiakkaan kanssa.",
    },
    "btn_back_to": {
        "en": "Back to: {title}",
        "es": "Volver a: {title}",
        "ca": "Tornar a: {title}",
        "fi": "Takaisin: {title}",
    },
    "greeting": {
        "en": "Hi! Tell me what's going on with your client and I'll help you handle it.",
        "es": "¡Hola! Cuéntame qué pasa con tu cliente y te ayudo a gestionarlo.",
        "ca": "Hola! Explica'm què passa amb el teu client i t'ajudo a gestionar-ho.",
        "fi": "Hei! Kerro, mitä asiakkaasi kanssa on meneillään, niin autan sinua.",
    },
    "empty": {
        "en": "It looks like your message was empty. Describe what's happening with your client in a sentence or "
        'two, or type "help".',
        "es": "Parece que tu mensaje llegó vacío. Describe en una o dos frases qué pasa con tu cliente, o escribe "
        '"ayuda".',
        "ca": "Sembla que el missatge ha arribat buit. Descriu en una o dues frases què passa amb el teu client, o "
        'escriu "ajuda".',
        "fi": "Viestisi näyttää tyhjältä. Kerro parilla lauseella, mitä asiakkaasi kanssa tapahtuu, tai kirjoita "
        '"apua".',
    },
    "truncated": {
        "en": "Your message was long, so I read {chars}.",
        "es": "Tu mensaje era largo, así que he leído {chars}.",
        "ca": "El teu missatge era llarg, així que n'he llegit {chars}.",
        "fi": "Viestisi oli pitkä, joten luin siitä {chars}.",
    },
    "go_private": {
        "en": "Your message includes details that look private (amounts, e-mail addresses or names). For the full "
        "conversation, message me directly.",
        "es": "Tu mensaje incluye datos que parecen privados (importes, correos o nombres). Para seguir con calma, "
        "escríbeme por mensaje directo.",
        "ca": "El teu missatge inclou dades que semblen privades (imports, correus o noms). Per continuar amb calma, "
        "escriu-me per missatge directe.",
        "fi": "Viestissäsi on tietoja, jotka näyttävät yksityisiltä (summia, sähköpostiosoitteita tai nimiä). "
        "Jatketaan mieluummin yksityisviestillä.",
    },
    "short_hint": {
        "en": "This is the short version. Ask for the full answer, or message me directly to talk it through.",
        "es": "Esta es la versión corta. Pide la respuesta completa o escríbeme por privado para hablarlo.",
        "ca": "Aquesta és la versió curta. Demana la resposta completa o escriu-me en privat per parlar-ne.",
        "fi": "Tämä on lyhyt versio. Pyydä koko vastaus tai laita minulle yksityisviesti, niin käydään asia läpi.",
    },
    "script_intro": {
        "en": "Here's a message you can adapt and send:",
        "es": "Aquí tienes un mensaje que puedes adaptar y enviar:",
        "ca": "Aquí tens un missatge que pots adaptar i enviar:",
        "fi": "Tässä viesti, jota voit muokata ja lähettää:",
    },
    "script_fill": {
        "en": 'Tell me the details (e.g. "client is Acme, 1200 EUR, 45 days late") and I\'ll fill them in.',
        "es": 'Dime los detalles (p. ej. "el cliente es Acme, 1200 EUR, 45 días de retraso") y los completo.',
        "ca": 'Digues-me els detalls (p. ex. "el client és Acme, 1200 EUR, 45 dies de retard") i els completo.',
        "fi": 'Kerro yksityiskohdat (esim. "asiakas on Acme, 1200 EUR, 45 päivää myöhässä"), niin täydennän ne.',
    },
    "call_intro": {
        "en": "Before the call, jot these points down in your own words; keep to them and then listen:",
        "es": "Antes de llamar, anota estos puntos con tus palabras; cíñete a ellos y luego escucha:",
        "ca": "Abans de trucar, apunta aquests punts amb les teves paraules; cenyeix-t'hi i després escolta:",
        "fi": "Kirjoita nämä kohdat ennen puhelua omin sanoin muistiin, pysy niissä ja kuuntele sitten:",
    },
    "more_intro": {"en": "Going deeper:", "es": "Más a fondo:", "ca": "Més a fons:", "fi": "Syvemmälle:"},
    "still_intro": {
        "en": "If that doesn't settle it, the next question is:",
        "es": "Si con eso no basta, la siguiente pregunta es:",
        "ca": "Si amb això no n'hi ha prou, la pregunta següent és:",
        "fi": "Jos tämä ei riitä, seuraava kysymys on:",
    },
    "thanks": {
        "en": "You're welcome, and good luck. You've got this. If anything changes, just tell me.",
        "es": "De nada, y mucha suerte. Puedes con esto. Si algo cambia, cuéntamelo.",
        "ca": "De res, i molta sort. Te'n sortiràs. Si alguna cosa canvia, explica-m'ho.",
        "fi": "Ole hyvä, ja onnea matkaan. Pärjäät kyllä. Jos jokin muuttuu, kerro minulle.",
    },
    "feedback_thanks": {
        "en": "Thanks for telling me. It helps me improve the advice.",
        "es": "Gracias por decírmelo. Me ayuda a mejorar los consejos.",
        "ca": "Gràcies per dir-m'ho. M'ajuda a millorar els consells.",
        "fi": "Kiitos palautteesta. Se auttaa parantamaan neuvoja.",
    },
    "checkin_offer": {
        "en": "Want me to check back with you in a few days to see how it went?",
        "es": "¿Quieres que te pregunte en unos días cómo ha ido?",
        "ca": "Vols que et pregunti d'aquí a uns dies com ha anat?",
        "fi": "Haluatko, että kysyn muutaman päivän päästä, miten kävi?",
    },
    "checkin_set": {
        "en": 'Done. I\'ll check back with you in {when} about "{title}".',
        "es": 'Hecho. Te preguntaré en {when} por "{title}".',
        "ca": 'Fet. Et preguntaré d\'aquí a {when} per "{title}".',
        "fi": 'Selvä. Kysyn sinulta {when} päästä aiheesta "{title}".',
    },
    "checkin_question": {
        "en": 'Checking in about "{title}": did it work out?',
        "es": 'Te escribo por "{title}": ¿se ha resuelto?',
        "ca": "T'escric per \"{title}\": s'ha resolt?",
        "fi": 'Kysyn aiheesta "{title}": ratkesiko asia?',
    },
    "outcome_resolved": {
        "en": "Great news, well done. I've noted that it worked out.",
        "es": "¡Buenas noticias, bien hecho! He anotado que se resolvió.",
        "ca": "Bones notícies, ben fet! He anotat que s'ha resolt.",
        "fi": "Hienoa, hyvin tehty! Merkitsin, että asia ratkesi.",
    },
    "outcome_unresolved": {
        "en": "Thanks for telling me. Let's look at the next step:",
        "es": "Gracias por contármelo. Veamos el siguiente paso:",
        "ca": "Gràcies per explicar-m'ho. Mirem el pas següent:",
        "fi": "Kiitos, kun kerroit. Katsotaan seuraava askel:",
    },
    "forgotten": {
        "en": "Done. I've deleted everything I held about you: conversations, preferences and check-ins, and your "
        "feedback is no longer linked to you.",
        "es": "Hecho. He borrado todo lo que guardaba sobre ti: conversaciones, preferencias y recordatorios, y tus "
        "valoraciones ya no están vinculadas a ti.",
        "ca": "Fet. He esborrat tot el que tenia sobre tu: converses, preferències i recordatoris, i les teves "
        "valoracions ja no estan vinculades a tu.",
        "fi": "Valmis. Poistin kaiken, mitä minulla oli sinusta: keskustelut, asetukset ja muistutukset, eikä "
        "palautteesi ole enää yhdistettävissä sinuun.",
    },
    "lang_set": {
        "en": "Okay, I'll answer in English.",
        "es": "De acuerdo, te responderé en español.",
        "ca": "D'acord, et respondré en català.",
        "fi": "Selvä, vastaan suomeksi.",
    },
    "lang_usage": {
        "en": "Choose a language: lang en, lang es, lang ca or lang fi.",
        "es": "Elige un idioma: lang en, lang es, lang ca o lang fi.",
        "ca": "Tria una llengua: lang en, lang es, lang ca o lang fi.",
        "fi": "Valitse kieli: lang en, lang es, lang ca tai lang fi.",
    },
    "topics": {
        "en": "Situations I can help with:",
        "es": "Situaciones en las que puedo ayudarte:",
        "ca": "Situacions en què et puc ajudar:",
        "fi": "Tilanteet, joissa voin auttaa:",
    },
    "tip": {"en": "Tip of the day", "es": "Consejo del día", "ca": "Consell del dia", "fi": "Päivän vinkki"},
    "unknown_topic": {
        "en": 'I don\'t know a topic called "{name}". Here are the ones I have:',
        "es": 'No conozco ningún tema llamado "{name}". Estos son los que tengo:',
        "ca": 'No conec cap tema anomenat "{name}". Aquests són els que tinc:',
        "fi": 'En tunne aihetta "{name}". Nämä aiheet minulla on:',
    },
    "help": {
        "en": "I'm Client Coach. Describe a situation with a client in your own words and I'll tell you what to do, "
        "what to say and what to avoid, with the sources.",
        "es": "Soy Client Coach. Describe con tus palabras una situación con un cliente y te digo qué hacer, qué "
        "decir y qué evitar, con las fuentes.",
        "ca": "Sóc Client Coach. Descriu amb les teves paraules una situació amb un client i et dic què fer, què dir "
        "i què evitar, amb les fonts.",
        "fi": "Olen Client Coach. Kuvaile asiakastilanne omin sanoin, niin kerron, mitä tehdä, mitä sanoa ja mitä "
        "välttää, lähteineen.",
    },
    "help_commands": {
        "en": "help · topics · tip [topic] · lang en|es|ca|fi · forget (delete what I hold about you)",
        "es": "ayuda · temas · consejo [tema] · lang en|es|ca|fi · olvidar (borra lo que guardo sobre ti)",
        "ca": "ajuda · temes · consell [tema] · lang en|es|ca|fi · oblida (esborra el que tinc sobre tu)",
        "fi": "apua · aiheet · vinkki [aihe] · lang en|es|ca|fi · unohda (poistaa tietosi)",
    },
    "checkin_private": {
        "en": "I check back in private conversations only: message me directly and ask me there (\"remind me on "
        "Friday\").",
        "es": "Solo hago seguimiento en conversaciones privadas: escríbeme por mensaje directo y pídemelo allí "
        "(«recuérdame el viernes»).",
        "ca": "Només faig seguiment en converses privades: escriu-me per missatge directe i demana-m'ho allà "
        "(«recorda'm divendres»).",
        "fi": "Seuraan tilannetta vain yksityiskeskusteluissa: lähetä minulle yksityisviesti ja pyydä siellä "
        "(\"muistuta perjantaina\").",
    },
    "help_private": {
        "en": 'In a direct message I coach you step by step: ask "what do I say?", "what if they still refuse?", '
        '"more", give details to fill in the message, or ask me to check back in a few days.',
        "es": 'Por mensaje directo te acompaño paso a paso: pregunta "¿qué le digo?", "¿y si sigue negándose?", '
        '"más", dame detalles para completar el mensaje o pídeme que te pregunte en unos días.',
        "ca": 'Per missatge directe t\'acompanyo pas a pas: pregunta "què li dic?", "i si continua negant-s\'hi?", '
        "\"més\", dona'm detalls per completar el missatge o demana'm que et pregunti d'aquí a uns dies.",
        "fi": 'Yksityisviestissä valmennan vaihe vaiheelta: kysy "mitä sanon?", "entä jos hän kieltäytyy '
        'edelleen?", "lisää", kerro yksityiskohdat viestiin tai pyydä minua kysymään muutaman päivän päästä.',
    },
    "stats_denied": {
        "en": "Only the bot's admins can see the statistics.",
        "es": "Solo los administradores del bot pueden ver las estadísticas.",
        "ca": "Només els administradors del bot poden veure les estadístiques.",
        "fi": "Vain botin ylläpitäjät näkevät tilastot.",
    },
    "stats_title": {"en": "Statistics", "es": "Estadísticas", "ca": "Estadístiques", "fi": "Tilastot"},
    "stats_empty": {
        "en": "No feedback recorded yet.",
        "es": "Todavía no hay valoraciones.",
        "ca": "Encara no hi ha valoracions.",
        "fi": "Palautetta ei ole vielä kirjattu.",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "es": "Lo siento, algo ha fallado por mi parte. Vuelve a intentarlo en un momento.",
        "ca": "Ho sento, alguna cosa ha fallat per part meva. Torna-ho a provar d'aquí a un moment.",
        "fi": "Pahoittelen, jotain meni vikaan minun päässäni. Yritä hetken päästä uudelleen.",
    },
    "store_down": {
        "en": "Sorry, my memory is unavailable right now, so I can't keep track of our conversation. Here's the "
        "advice anyway; please try again later for the rest.",
        "es": "Lo siento, ahora mismo no tengo acceso a mi memoria y no puedo seguir la conversación. Aquí tienes el "
        "consejo igualmente; inténtalo más tarde para lo demás.",
        "ca": "Ho sento, ara mateix no tinc accés a la meva memòria i no puc seguir la conversa. Aquí tens el consell "
        "igualment; torna-ho a provar més tard per a la resta.",
        "fi": "Pahoittelen, muistini ei ole juuri nyt käytettävissä, joten en pysty seuraamaan keskustelua. Tässä "
        "neuvo silti; yritä muuta myöhemmin uudelleen.",
    },
    "slow_down": {
        "en": "You're sending messages faster than I can coach. Take a breath and try again in {wait}.",
        "es": "Me estás escribiendo más rápido de lo que puedo responder. Respira y vuelve a intentarlo en {wait}.",
        "ca": "M'escrius més de pressa del que puc respondre. Respira i torna-ho a provar d'aquí a {wait}.",
        "fi": "Lähetät viestejä nopeammin kuin ehdin vastata. Hengähdä hetki ja yritä {wait} päästä.",
    },
    "no_context": {
        "en": "Tell me first what's happening with your client, and then I can help with that.",
        "es": "Cuéntame primero qué pasa con tu cliente y luego te ayudo con eso.",
        "ca": "Explica'm primer què passa amb el teu client i després t'hi ajudo.",
        "fi": "Kerro ensin, mitä asiakkaasi kanssa tapahtuu, niin autan sitten siinä.",
    },
    "script_missing": {
        "en": 'Still to fill in: {names}. Tell me (e.g. "the project is the new website") and I\'ll add them.',
        "es": 'Falta completar: {names}. Dímelo (p. ej. "el proyecto es la web nueva") y lo añado.',
        "ca": 'Falta completar: {names}. Digues-m\'ho (p. ex. "el projecte és la web nova") i ho afegeixo.',
        "fi": 'Vielä täydennettävä: {names}. Kerro ne (esim. "projekti on uusi verkkosivu"), niin lisään.',
    },
    "assistant_prompts_title": {
        "en": "Tell me what's going on with your client, or start with one of these:",
        "es": "Cuéntame qué pasa con tu cliente o empieza con una de estas:",
        "ca": "Explica'm què passa amb el teu client o comença amb una d'aquestes:",
        "fi": "Kerro, mitä asiakkaasi kanssa tapahtuu, tai aloita jollakin näistä:",
    },
    "assistant_status": {
        "en": "is reading your situation…",
        "es": "está leyendo tu situación…",
        "ca": "està llegint la teva situació…",
        "fi": "lukee tilannettasi…",
    },
    "starter_late_payment_title": {
        "en": "My client hasn't paid",
        "es": "Mi cliente no me paga",
        "ca": "El meu client no em paga",
        "fi": "Asiakas ei ole maksanut",
    },
    "starter_late_payment": {
        "en": "My client hasn't paid my invoice and it's overdue. What should I do?",
        "es": "Mi cliente no me ha pagado la factura y ya está vencida. ¿Qué hago?",
        "ca": "El meu client no m'ha pagat la factura i ja ha vençut. Què faig?",
        "fi": "Asiakas ei ole maksanut laskuani ja se on jo myöhässä. Mitä teen?",
    },
    "starter_scope_creep_title": {
        "en": "Endless small changes",
        "es": "Cambios pequeños sin fin",
        "ca": "Canvis petits sense fi",
        "fi": "Loputtomat pienet muutokset",
    },
    "starter_scope_creep": {
        "en": "My client keeps asking for more changes that weren't in the agreed scope.",
        "es": "Mi cliente me pide cada vez más cambios y revisiones pequeñas que no estaban en el presupuesto.",
        "ca": "El meu client em demana cada cop més canvis i revisions petites que no eren al pressupost.",
        "fi": "Asiakas pyytää jatkuvasti lisää muutoksia, jotka eivät kuuluneet sovittuun laajuuteen.",
    },
    "starter_angry_title": {
        "en": "An angry client",
        "es": "Un cliente enfadado",
        "ca": "Un client enfadat",
        "fi": "Vihainen asiakas",
    },
    "starter_angry": {
        "en": "My client just sent me an angry message. How do I answer?",
        "es": "Mi cliente me acaba de enviar un mensaje enfadado. ¿Cómo le respondo?",
        "ca": "El meu client m'acaba d'enviar un missatge enfadat. Com li responc?",
        "fi": "Asiakas lähetti minulle juuri vihaisen viestin. Miten vastaan?",
    },
    "starter_topics_title": {
        "en": "What can you help with?",
        "es": "¿En qué me puedes ayudar?",
        "ca": "En què em pots ajudar?",
        "fi": "Missä voit auttaa?",
    },
    "starter_topics": {"en": "topics", "es": "temas", "ca": "temes", "fi": "aiheet"},
    "how_title": {"en": "How to ask", "es": "Cómo preguntarme", "ca": "Com preguntar-me", "fi": "Näin kysyt"},
    "how_mention": {
        "en": "Mention me in a channel (@Client Coach my client won't pay) and I answer in the thread.",
        "es": "Mencióname en un canal (@Client Coach mi cliente no me paga) y te respondo en el hilo.",
        "ca": "Menciona'm en un canal (@Client Coach el meu client no em paga) i et responc al fil.",
        "fi": "Mainitse minut kanavalla (@Client Coach asiakas ei maksa) niin vastaan ketjussa.",
    },
    "how_command": {
        "en": "Type /coach and your situation for an answer only you can see; share it if it helps others.",
        "es": "Escribe /coach y tu situación para una respuesta que solo ves tú; compártela si ayuda a otros.",
        "ca": "Escriu /coach i la teva situació per a una resposta que només veus tu; comparteix-la si ajuda.",
        "fi": "Kirjoita /coach ja tilanteesi, niin saat vastauksen, jonka vain sinä näet; jaa se, jos siitä on apua.",
    },
    "how_dm": {
        "en": "Message me directly (the Messages tab) and I coach you step by step, in private.",
        "es": "Escríbeme por mensaje directo (la pestaña Mensajes) y te acompaño paso a paso, en privado.",
        "ca": "Escriu-me per missatge directe (la pestanya Missatges) i t'acompanyo pas a pas, en privat.",
        "fi": "Lähetä minulle yksityisviesti (Viestit-välilehti), niin valmennan sinua vaihe vaiheelta.",
    },
    "language": {"en": "Language", "es": "Idioma", "ca": "Llengua", "fi": "Kieli"},
    "language_auto": {"en": "automatic", "es": "automático", "ca": "automàtica", "fi": "automaattinen"},
    "checkins_title": {
        "en": "Your check-ins",
        "es": "Tus seguimientos",
        "ca": "Els teus seguiments",
        "fi": "Tarkistuksesi",
    },
    "checkins_none": {
        "en": "No check-ins planned. Ask me to check on you in a few days after an answer.",
        "es": "No hay seguimientos previstos. Después de una respuesta, pídeme que te pregunte en unos días.",
        "ca": "No hi ha seguiments previstos. Després d'una resposta, demana'm que et pregunti d'aquí a uns dies.",
        "fi": "Ei suunniteltuja tarkistuksia. Pyydä vastauksen jälkeen, että kysyn parin päivän päästä.",
    },
    "checkin_due": {"en": "{title}, {when}", "es": "{title}, {when}", "ca": "{title}, {when}", "fi": "{title}, {when}"},
    "btn_cancel": {"en": "Cancel", "es": "Cancelar", "ca": "Cancel·la", "fi": "Peru"},
    "checkin_cancelled": {
        "en": "Check-in cancelled.",
        "es": "Seguimiento cancelado.",
        "ca": "Seguiment cancel·lat.",
        "fi": "Tarkistus peruttu.",
    },
    "checkin_gone": {
        "en": "That check-in was already sent or cancelled.",
        "es": "Ese seguimiento ya se envió o se canceló.",
        "ca": "Aquest seguiment ja s'ha enviat o cancel·lat.",
        "fi": "Tarkistus on jo lähetetty tai peruttu.",
    },
    "lang_pick": {"en": "Choose a language", "es": "Elige un idioma", "ca": "Tria una llengua", "fi": "Valitse kieli"},
    "lang_auto_set": {
        "en": "Done. I'll answer in the language you write in.",
        "es": "Hecho. Te responderé en el idioma en que me escribas.",
        "ca": "Fet. Et respondré en la llengua en què m'escriguis.",
        "fi": "Selvä. Vastaan sillä kielellä, jolla kirjoitat.",
    },
    "client_words": {
        "en": "I read the client's message as their words, not yours: here is what is going on and what to answer.",
        "es": "He leído el mensaje del cliente como palabras suyas, no tuyas: esto es lo que pasa y qué responder.",
        "ca": "He llegit el missatge del client com a paraules seves, no teves: això és el que passa i què respondre.",
        "fi": "Luin asiakkaan viestin hänen sanoinaan, ei sinun: tässä mitä on meneillään ja mitä vastata.",
    },
    # Put before a client's words for matching: the situations are described from the freelancer's side.
    "client_frame": {
        "en": "my client sent me this message:",
        "es": "mi cliente me ha enviado este mensaje:",
        "ca": "el meu client m'ha enviat aquest missatge:",
        "fi": "asiakas lähetti minulle tämän viestin:",
    },
    "details_noted": {
        "en": "Got it. Here's the message with your details filled in:",
        "es": "Entendido. Aquí tienes el mensaje con tus datos:",
        "ca": "Entesos. Aquí tens el missatge amb les teves dades:",
        "fi": "Selvä. Tässä viesti sinun tiedoillasi:",
    },
    "ws_title": {
        "en": "Settings for everyone here",
        "es": "Ajustes para todos aquí",
        "ca": "Configuració per a tothom aquí",
        "fi": "Asetukset kaikille täällä",
    },
    "ws_only_admins": {
        "en": "Only admins see this. The language applies to members who haven't chosen their own.",
        "es": "Solo lo ven los administradores. El idioma se aplica a quien no haya elegido el suyo.",
        "ca": "Només ho veuen els administradors. La llengua s'aplica a qui no n'hagi triat cap.",
        "fi": "Vain ylläpitäjät näkevät tämän. Kieli koskee jäseniä, jotka eivät ole valinneet omaansa.",
    },
    "ws_lang": {"en": "Default language", "es": "Idioma por defecto", "ca": "Llengua per defecte", "fi": "Oletuskieli"},
    "ws_lang_env": {
        "en": "the bot's default ({code})",
        "es": "el del bot ({code})",
        "ca": "la del bot ({code})",
        "fi": "botin oletus ({code})",
    },
    "ws_admins": {
        "en": "Who can see the statistics",
        "es": "Quién puede ver las estadísticas",
        "ca": "Qui pot veure les estadístiques",
        "fi": "Kuka näkee tilastot",
    },
    "ws_admins_none": {
        "en": "nobody here (only the bot's operators)",
        "es": "nadie aquí (solo quienes gestionan el bot)",
        "ca": "ningú d'aquí (només qui gestiona el bot)",
        "fi": "ei kukaan täällä (vain botin ylläpitäjät)",
    },
    "ws_pick_admins": {
        "en": "Choose people",
        "es": "Elige personas",
        "ca": "Tria persones",
        "fi": "Valitse henkilöt",
    },
    "ws_saved": {
        "en": "Saved: these settings now apply to everyone here.",
        "es": "Guardado: estos ajustes ya se aplican a todos aquí.",
        "ca": "Desat: aquesta configuració ja s'aplica a tothom aquí.",
        "fi": "Tallennettu: asetukset koskevat nyt kaikkia täällä.",
    },
    "ws_denied_discord": {
        "en": "Only members who can manage this server can change its settings.",
        "es": "Solo quien puede gestionar este servidor puede cambiar sus ajustes.",
        "ca": "Només qui pot gestionar aquest servidor en pot canviar la configuració.",
        "fi": "Vain palvelimen hallintaoikeuden omaavat voivat muuttaa sen asetuksia.",
    },
    "ws_not_in_server": {
        "en": "Settings belong to a server where I am installed: use this command there.",
        "es": "Los ajustes son de un servidor donde estoy instalado: usa este comando allí.",
        "ca": "La configuració és d'un servidor on estic instal·lat: fes servir l'ordre allà.",
        "fi": "Asetukset kuuluvat palvelimelle, jolle minut on asennettu: käytä komentoa siellä.",
    },
}


PLACEHOLDER_NAMES: dict[str, dict[str, str]] = {
    "client_name": {"en": "client name", "es": "nombre del cliente", "ca": "nom del client", "fi": "asiakkaan nimi"},
    "your_name": {"en": "your name", "es": "tu nombre", "ca": "el teu nom", "fi": "oma nimesi"},
    "project": {"en": "project", "es": "proyecto", "ca": "projecte", "fi": "projekti"},
    "amount": {"en": "amount", "es": "importe", "ca": "import", "fi": "summa"},
    "invoice_number": {
        "en": "invoice number",
        "es": "número de factura",
        "ca": "número de factura",
        "fi": "laskun numero",
    },
    "days_overdue": {"en": "days overdue", "es": "días de retraso", "ca": "dies de retard", "fi": "myöhästymispäivät"},
    "due_date": {"en": "due date", "es": "fecha de vencimiento", "ca": "data de venciment", "fi": "eräpäivä"},
    "deadline": {"en": "deadline", "es": "fecha límite", "ca": "termini", "fi": "määräaika"},
    "new_date": {"en": "new date", "es": "nueva fecha", "ca": "nova data", "fi": "uusi päivämäärä"},
    "hours": {"en": "hours", "es": "horas", "ca": "hores", "fi": "tunnit"},
}


def placeholder_name(name: str, lang: str) -> str:
    names = PLACEHOLDER_NAMES.get(name)
    return (names.get(lang) or names["en"]) if names else name.replace("_", " ")


def locale_lang(locale: str | None) -> str | None:
    """The supported language of a platform locale ("es-ES", "fi_FI", "en"), or None."""
    if not locale:
        return None
    code = locale.split("-")[0].split("_")[0].lower()
    return code if code in LANGS else None


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English if missing), with ``{name}`` values filled."""
    table = STRINGS[key]
    text = table.get(lang) or table["en"]
    return text.format(**values) if values else text


# Counted words, by CLDR plural category (babel knows which category a number falls in, language by language:
# "one" and "other" here, and Spanish and Catalan "many" for round millions). "other" is the fallback.
Unit = Literal["day", "hour", "second", "character"]
PLURALS: dict[Unit, dict[str, dict[str, str]]] = {
    "day": {
        "en": {"one": "{n} day", "other": "{n} days"},
        "es": {"one": "{n} día", "many": "{n} de días", "other": "{n} días"},
        "ca": {"one": "{n} dia", "many": "{n} de dies", "other": "{n} dies"},
        "fi": {"one": "{n} päivän", "other": "{n} päivän"},  # "3 päivän päästä": the genitive, as after one
    },
    "hour": {
        "en": {"one": "{n} hour", "other": "{n} hours"},
        "es": {"one": "{n} hora", "many": "{n} de horas", "other": "{n} horas"},
        "ca": {"one": "{n} hora", "many": "{n} d'hores", "other": "{n} hores"},
        "fi": {"one": "{n} tunnin", "other": "{n} tunnin"},
    },
    "second": {
        "en": {"one": "{n} second", "other": "{n} seconds"},
        "es": {"one": "{n} segundo", "many": "{n} de segundos", "other": "{n} segundos"},
        "ca": {"one": "{n} segon", "many": "{n} de segons", "other": "{n} segons"},
        "fi": {"one": "{n} sekunnin", "other": "{n} sekunnin"},
    },
    "character": {  # "so I read {chars}"
        "en": {"one": "only the first character", "other": "the first {n} characters"},
        "es": {
            "one": "solo el primer carácter",
            "many": "los primeros {n} de caracteres",
            "other": "los primeros {n} caracteres",
        },
        "ca": {
            "one": "només el primer caràcter",
            "many": "els primers {n} de caràcters",
            "other": "els primers {n} caràcters",
        },
        "fi": {"one": "vain ensimmäisen merkin", "other": "ensimmäiset {n} merkkiä"},
    },
}


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGS else "en")


def count(unit: Unit, n: int, lang: str) -> str:
    """``n`` of ``unit`` in ``lang`` with the right plural form and number format: "1 day", "3 días", "4 000 ..."."""
    lang = lang if lang in LANGS else "en"
    forms = PLURALS[unit][lang]
    locale = _locale(lang)
    text = forms.get(locale.plural_form(n), forms["other"])
    return text.format(n=format_decimal(n, locale=locale))
