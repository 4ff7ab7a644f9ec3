"""Function words per language: ignored for matching, counted for language detection."""

from __future__ import annotations

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a about after again all also am an and any are as at be because been before being but by can cant
        could d did didnt do does doesnt doing don dont down during each even ever every for from get got
        had has have having he hello her here hey hi him his how i id if im in into is isnt it its ive just
        like ll m me more most my myself no nor not now of off oh ok okay on once only or other our out over
        own quite re really s same she should so some still such t than that the their them then there these
        they this those through to too under until up us ve very was wasnt we well were what when where
        which while who whom why will with wont would yeah you your yours yourself
        haven hasn hadn didn doesn won wouldn isn aren wasn weren couldn shouldn ain needn mustn
        hasnt havent hadnt wouldnt couldnt shouldnt arent werent""".split()
    ),
    "es": frozenset(
        """a ahí al algo algunas algunos ante antes así bueno como con contra cual cuando cómo de del desde
        donde durante e el ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba estado
        estamos estan estar este esto estos estoy está están fue fueron ha habia han has hasta hay he hola
        la las le les lo los mas me mi mis mucho muy más mí nada ni no nos nosotros o os otra otro para pero
        poco por porque pues que quien qué se sea ser si sin sobre su sus tambien también te tengo tiene
        tienen todo todos tu tus tú un una uno unos vale y ya yo él""".split()
    ),
    "ca": frozenset(
        """a així al als amb aquell aquella aquest aquesta aquestes aquests ara com d de del dels des doncs el
        els em en era eren es estan estic està fa fer fins ha han has havia he hi hola i ja jo l la les li
        lo m meu meus meva mi molt n ne ni no nosaltres o on per perquè però poc quan que qui què res s se
        sense seu seva si sobre son sí sóc t també te tinc tot tots tu un una uns vostre és""".split()
    ),
    "fi": frozenset(
        """aina ei eikä eivät emme en et ette että he hei heidän hyvin hän hänen ihan ja jo joka jos jotka
        kaikki kanssa koska kuin kun kyllä me meidän miksi mikä mikään minua minulla minulle minun minä
        missä miten mitä mitään moi mutta myös ne niin niitä nyt nämä ole olen olet oli olla on ovat paljon
        se sen siitä sille sinun sinä sitten sitä tai te tosi tämä tämän tässä tätä vaan vain vielä""".split()
    ),
}

ALL_STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS.values())

# Greetings, thanks and chat filler: a message made only of these is small talk, not a situation.
SMALL_TALK: frozenset[str] = frozenset(
    """hi hello hey hiya yo morning evening afternoon good day night everyone everybody all guys folks team
    thanks thank thx ty cheers great cool nice awesome perfect lol haha hahaha lmao omg ok okay k bye cya see
    welcome sorry test testing ping please yes no yeah nope sure
    hola buenas buenos dias tardes noches gracias muchas vale genial adios saludos todos jaja perfecto
    bon dia bona tarda nit gracies moltes merci adeu salutacions tothom fins aviat perfecte
    moi hei terve moikka huomenta paivaa iltaa kiitos kiitti kiitoksia kaikille heippa nahdaan jees okei joo
    selva""".split()
)
