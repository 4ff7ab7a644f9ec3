"""Validation of knowledge files: schema, types, counts and cross-references.

Every finding is a ``Problem`` naming the file, line, field and what is wrong.
Validation never stops at the first problem: authors get the whole list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.errors import Problem
from bot.kb.gender import gendered_in_advice
from bot.kb.model import (
    LANGS,
    PARTS,
    PLACEHOLDER_RE,
    PLACEHOLDERS,
    Advice,
    Citation,
    FollowUp,
    Option,
    Source,
    Stage,
    Topic,
)
from bot.kb.yaml_lines import Path_, dotted, line_for

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_KEYS = {"id", "legal", "overrides", "escalates", "refines", "sources", "related", *LANGS}
ADVICE_KEYS = {
    "title",
    "summary",
    "steps",
    "say_this",
    "avoid",
    "more",
    "phrasings",
    "keywords",
    "follow_up",
    "next_stage",
    "call_outline",
    "fill_in",
}
STAGE_KEYS = {"title", "summary", "steps", "say_this"}
FILL_IN_NAME = re.compile(r"^[a-z][a-z_]{1,30}$")
# A fill-in marker the engine cannot track: "[name]", "<client>", "(list the points)", "(e.g. ...)", "___", "XX".
# Every fact the user has to supply is a {placeholder} instead (known, or declared under `fill_in`).
UNTRACKED_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\[[^\]\n]*\]"), "square brackets"),
    (re.compile(r"<[^>\n]+>"), "angle brackets"),
    (re.compile(r"_{3,}|\bX{1,3}\b|…|\.\.\.|\bTBD\b"), "a blank"),
    (
        re.compile(
            r"\(\s*(?:your|tu|tus|el teu|la teva|les teves|els teus|list|insert|add|describe|name the|link|enlace|"
            r"enllaç|linkki|the fix|the compensation|the rule|la norma|la solución|la solució|la compensación|"
            r"la compensació|di cuál|digues quin|kerro)\b[^)\n]*\)",
            re.IGNORECASE,
        ),
        "an instruction in brackets",
    ),
    # "What I need from you: (materials, feedback ...)": brackets standing where the content should be.
    (re.compile(r":[ \t]*\([^)\n]*\)"), "brackets in place of the content"),
)
# A `fill_in` label names what to fill in ("the hours included"); it is shown as [label] in the script and listed
# under "Still to fill in". A sample value ("9:00-17:00") or a blank ("X") would read like a real fact or say nothing.
FAKE_LABEL = re.compile(r"^(?!.*[^\W\d_]{3}).*$|^\s*(?:X{1,3}|TBD|_+|\.+|…)\s*$", re.IGNORECASE)
# legal: true <=> the not-legal-advice note. The engine adds the note to every reply of a legal topic, so a topic
# that writes the note itself must be legal; and a legal topic must say in its own steps when to see a professional.
LEGAL_NOTE = {
    "en": re.compile(r"not (?:legal|a substitute for legal) advice", re.IGNORECASE),
    "es": re.compile(r"no (?:es |son )?(?:asesoramiento|consejo)s? (?:legal|jur[ií]dico)", re.IGNORECASE),
    "ca": re.compile(r"no (?:és |són )?(?:assessorament|consell)s? (?:legal|jur[ií]dic)", re.IGNORECASE),
    "fi": re.compile(r"ei(?: ole)? (?:oikeudellista neuvontaa|lakineuvontaa|oikeudellinen neuvo)", re.IGNORECASE),
}
PROFESSIONAL = {
    "en": re.compile(r"\b(?:lawyer|solicitor|attorney|legal professional|qualified professional)", re.IGNORECASE),
    "es": re.compile(r"\b(?:abogad[oa]|profesional cualificad[oa]|asesor[ií]a legal)", re.IGNORECASE),
    "ca": re.compile(r"\b(?:advocat|professional qualificat|assessorament legal)", re.IGNORECASE),
    "fi": re.compile(r"(?:lakimie|juristi|asianajaja|oikeudellinen asiantuntija|pätevän asiantuntijan)", re.IGNORECASE),
}
MIN_PHRASINGS = {"en": 12, "es": 8, "ca": 8, "fi": 8}
# (minimum, maximum) items for each list field of an advice entry.
LIST_BOUNDS: dict[str, tuple[int, int | None]] = {
    "steps": (3, 7),
    "say_this": (1, 3),
    "avoid": (2, 6),
    "more": (1, 3),
    "keywords": (0, 40),
}
# Talking points for a call are optional; a topic that has them gives enough to hold the call by.
CALL_OUTLINE_BOUNDS = (3, 7)


@dataclass
class FileChecker:
    """Collects problems for one file, resolving each field path to a line."""

    file: str
    lines: Mapping[Path_, int]
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.file, line_for(dict(self.lines), path), dotted(path), message))

    def text(self, data: Mapping[str, Any], path: Path_, key: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.add((*path, key), "is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add((*path, key), f"expected a non-empty string, got {describe(value)}")
            return ""
        return value.strip()

    def texts(self, data: Mapping[str, Any], path: Path_, key: str, low: int, high: int | None) -> tuple[str, ...]:
        value = data.get(key)
        where = (*path, key)
        span = f"{low}-{high}" if high is not None else f"at least {low}"
        if value is None:
            if low > 0:
                self.add(where, f"is required (a list of {span} strings)")
            return ()
        if not isinstance(value, list):
            self.add(where, f"expected a list of {span} strings, got {describe(value)}")
            return ()
        good: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                good.append(item.strip())
            else:
                self.add((*where, index), f"expected a non-empty string, got {describe(item)}")
        if len(value) < low or (high is not None and len(value) > high):
            self.add(where, f"expected a list of {span} strings, got {len(value)}")
        return tuple(good)

    def flag(self, data: Mapping[str, Any], path: Path_, key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.add((*path, key), f"expected true or false, got {describe(value)}")
            return False
        return value

    def unknown_keys(self, data: Mapping[str, Any], path: Path_, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.add((*path, str(key)), f"unknown key (allowed: {', '.join(sorted(allowed))})")


def describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def fold(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form used to spot duplicate phrasings."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", stripped).split())


def check_sources(file: str, data: Any, lines: Mapping[Path_, int]) -> tuple[list[Source], list[Problem]]:
    checker = FileChecker(file, lines)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        checker.add(("sources",), "expected a top-level `sources:` list")
        return [], checker.problems
    out: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["sources"]):
        path: Path_ = ("sources", index)
        if not isinstance(entry, dict):
            checker.add(path, f"expected a mapping, got {describe(entry)}")
            continue
        checker.unknown_keys(entry, path, {"id", "file", "title", "lang", "sections"})
        source_id = checker.text(entry, path, "id")
        if source_id and not ID_RE.match(source_id):
            checker.add((*path, "id"), f"{source_id!r} is not a lowercase-hyphenated id")
        if source_id in seen:
            checker.add((*path, "id"), f"duplicate source id {source_id!r}")
        seen.add(source_id)
        lang = checker.text(entry, path, "lang")
        sections = checker.texts(entry, path, "sections", 1, None)
        out.append(
            Source(
                id=source_id,
                title=checker.text(entry, path, "title"),
                lang=lang,
                file=checker.text(entry, path, "file", required=False),
                sections=sections,
            )
        )
    return out, checker.problems


def check_topic(
    file: str,
    stem: str,
    data: Any,
    lines: Mapping[Path_, int],
    sources: Mapping[str, Source],
) -> tuple[Topic | None, list[Problem]]:
    """Check one topic file on its own (cross-file checks come later)."""
    checker = FileChecker(file, lines)
    if not isinstance(data, dict):
        checker.add((), f"expected a mapping with id, sources, related, {', '.join(LANGS)}; got {describe(data)}")
        return None, checker.problems
    checker.unknown_keys(data, (), TOPIC_KEYS)
    topic_id = checker.text(data, (), "id")
    if topic_id and not ID_RE.match(topic_id):
        checker.add(("id",), f"{topic_id!r} is not a lowercase-hyphenated id")
    if topic_id and topic_id != stem:
        checker.add(("id",), f"id {topic_id!r} does not match the file name {stem!r}")
    citations = _check_citations(checker, data, sources)
    related = checker.texts(data, (), "related", 0, None)
    advice: dict[str, Advice] = {}
    for lang in LANGS:
        entry = _check_advice(checker, data, lang)
        if entry is not None:
            advice[lang] = entry
    _check_placeholders(checker, data, advice)
    legal = checker.flag(data, (), "legal")
    overrides = checker.flag(data, (), "overrides")
    escalates = checker.flag(data, (), "escalates")
    refines = checker.texts(data, (), "refines", 0, None)
    _check_escalation(checker, advice, escalates)
    _check_call_outline(checker, advice)
    _check_legal(checker, advice, legal)
    _check_markers(checker, advice)
    _check_gender(checker, advice)
    if checker.problems:
        return None, checker.problems
    topic = Topic(
        id=topic_id,
        legal=legal,
        sources=citations,
        related=related,
        advice=advice,
        origin=file,
        overrides=overrides,
        escalates=escalates,
        refines=refines,
    )
    return topic, []


def _check_escalation(checker: FileChecker, advice: Mapping[str, Advice], escalates: bool) -> None:
    """`escalates: true` promises a next stage in every language; a next stage needs the promise."""
    for lang, entry in advice.items():
        if escalates and entry.next_stage is None:
            checker.add(
                (lang, "next_stage"),
                "is required: the topic declares `escalates: true` (what to do when the first steps did not work)",
            )
        if not escalates and entry.next_stage is not None:
            checker.add((lang, "next_stage"), "is given but the topic does not declare `escalates: true`")
        for index, option in enumerate(entry.follow_up.options):
            if option.part == "next_stage" and not escalates:
                checker.add(
                    (lang, "follow_up", "options", index, "part"),
                    "points to `next_stage` but the topic does not declare `escalates: true`",
                )


def _check_call_outline(checker: FileChecker, advice: Mapping[str, Advice]) -> None:
    """A call outline in one language is owed in all of them: a user in any language may be told to call."""
    having = [lang for lang, entry in advice.items() if entry.call_outline]
    for lang, entry in advice.items():
        if having and not entry.call_outline:
            checker.add((lang, "call_outline"), f"is required: {', '.join(having)} give talking points for a call")
        for index, option in enumerate(entry.follow_up.options):
            if option.part == "call_outline" and not entry.call_outline:
                checker.add((lang, "follow_up", "options", index, "part"), "points to `call_outline` but there is none")


def _entry_text(entry: Advice) -> list[tuple[Path_, str]]:
    """Every piece of advice text of one language entry, with its path (for notes and markers)."""
    out: list[tuple[Path_, str]] = [(("summary",), entry.summary)]
    for name in ("steps", "say_this", "avoid", "more"):
        out.extend(((name, i), text) for i, text in enumerate(getattr(entry, name)))
    if entry.next_stage is not None:
        out.append((("next_stage", "summary"), entry.next_stage.summary))
        out.extend((("next_stage", "steps", i), text) for i, text in enumerate(entry.next_stage.steps))
        out.extend((("next_stage", "say_this", i), text) for i, text in enumerate(entry.next_stage.say_this))
    out.extend((("call_outline", i), text) for i, text in enumerate(entry.call_outline))
    return out


def _check_legal(checker: FileChecker, advice: Mapping[str, Advice], legal: bool) -> None:
    for lang, entry in advice.items():
        texts = _entry_text(entry)
        if not legal:
            for path, text in texts:
                if LEGAL_NOTE[lang].search(text):
                    checker.add(
                        (lang, *path),
                        "says it is not legal advice but the topic is `legal: false`: set `legal: true` "
                        "(the engine then adds the note to every reply) and drop the sentence",
                    )
        else:
            steps = [text for path, text in texts if path[0] in ("steps", "next_stage")]
            if not any(PROFESSIONAL[lang].search(text) for text in steps):
                checker.add(
                    (lang, "steps"),
                    "a `legal: true` topic must say in its steps when to see a lawyer or another qualified "
                    "professional",
                )


def _scripts(entry: Advice) -> list[tuple[Path_, str]]:
    """Everything the user says to the client, with its path: the messages, the next stage's, the call outline."""
    out: list[tuple[Path_, str]] = [(("say_this", i), m) for i, m in enumerate(entry.say_this)]
    if entry.next_stage is not None:
        out.extend((("next_stage", "say_this", i), m) for i, m in enumerate(entry.next_stage.say_this))
    out.extend((("call_outline", i), point) for i, point in enumerate(entry.call_outline))
    return out


def _check_markers(checker: FileChecker, advice: Mapping[str, Advice]) -> None:
    for lang, entry in advice.items():
        for path, message in _scripts(entry):
            for pattern, what in UNTRACKED_MARKERS:
                found = pattern.search(message)
                if found:
                    checker.add(
                        (lang, *path),
                        f"untracked fill-in marker {found.group(0)!r} ({what}): use a {{placeholder}} "
                        "(declare a new one under `fill_in`) so the engine can ask for it",
                    )


def _check_gender(checker: FileChecker, advice: Mapping[str, Advice]) -> None:
    """Spanish and Catalan advice speaks to anyone: no form that assumes the writer's or reader's gender."""
    for lang, entry in advice.items():
        for field_name, phrase in gendered_in_advice(entry, lang):
            checker.add(
                (lang, *_field_path(field_name)),
                f"{phrase!r} assumes a gender: rephrase it so it fits anyone (e.g. 'me alegra' for 'estoy encantado')",
            )


def _field_path(field_name: str) -> tuple[str | int, ...]:
    """'follow_up.options[2]' -> ('follow_up', 'options', 2), for the line lookup."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"[.\[\]]+", field_name) if part)


def _check_citations(
    checker: FileChecker, data: Mapping[str, Any], sources: Mapping[str, Source]
) -> tuple[Citation, ...]:
    raw = data.get("sources")
    if not isinstance(raw, list) or not raw:
        checker.add(("sources",), f"expected a list of at least 1 citation (article + section), got {describe(raw)}")
        return ()
    out: list[Citation] = []
    for index, item in enumerate(raw):
        path: Path_ = ("sources", index)
        if not isinstance(item, dict):
            checker.add(path, f"expected a mapping with article and section, got {describe(item)}")
            continue
        checker.unknown_keys(item, path, {"article", "section"})
        article = checker.text(item, path, "article")
        section = checker.text(item, path, "section")
        if article and article not in sources:
            checker.add((*path, "article"), f"unknown article {article!r} (known: {', '.join(sources)})")
        elif article and section and section not in sources[article].sections:
            checker.add((*path, "section"), f"article {article!r} has no section {section!r}")
        out.append(Citation(article, section))
    return tuple(out)


def _check_advice(checker: FileChecker, data: Mapping[str, Any], lang: str) -> Advice | None:
    raw = data.get(lang)
    if raw is None:
        checker.add((lang,), "is required: every topic needs en, es, ca and fi")
        return None
    if not isinstance(raw, dict):
        checker.add((lang,), f"expected a mapping, got {describe(raw)}")
        return None
    path: Path_ = (lang,)
    checker.unknown_keys(raw, path, ADVICE_KEYS)
    lists = {name: checker.texts(raw, path, name, low, high) for name, (low, high) in LIST_BOUNDS.items()}
    phrasings = checker.texts(raw, path, "phrasings", MIN_PHRASINGS[lang], None)
    next_stage = _check_stage(checker, raw.get("next_stage"), (*path, "next_stage"))
    call_outline = checker.texts(raw, path, "call_outline", 0, CALL_OUTLINE_BOUNDS[1])
    if call_outline and len(call_outline) < CALL_OUTLINE_BOUNDS[0]:
        checker.add(
            (*path, "call_outline"),
            f"expected a list of {CALL_OUTLINE_BOUNDS[0]}-{CALL_OUTLINE_BOUNDS[1]} talking points, "
            f"got {len(call_outline)}",
        )
    fill_in = _check_fill_in(checker, raw.get("fill_in"), (*path, "fill_in"))
    return Advice(
        title=checker.text(raw, path, "title"),
        summary=checker.text(raw, path, "summary"),
        steps=lists["steps"],
        say_this=lists["say_this"],
        avoid=lists["avoid"],
        more=lists["more"],
        phrasings=phrasings,
        keywords=lists["keywords"],
        follow_up=_check_follow_up(checker, raw.get("follow_up"), (*path, "follow_up")),
        next_stage=next_stage,
        call_outline=call_outline,
        fill_in=fill_in,
    )


def _check_stage(checker: FileChecker, raw: Any, path: Path_) -> Stage | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checker.add(path, f"expected a mapping with title, summary, steps and say_this, got {describe(raw)}")
        return None
    checker.unknown_keys(raw, path, STAGE_KEYS)
    return Stage(
        title=checker.text(raw, path, "title"),
        summary=checker.text(raw, path, "summary"),
        steps=checker.texts(raw, path, "steps", 2, 7),
        say_this=checker.texts(raw, path, "say_this", 0, 2),
    )


def _check_fill_in(checker: FileChecker, raw: Any, path: Path_) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        checker.add(path, f"expected a mapping of placeholder name to how to call it, got {describe(raw)}")
        return {}
    out: dict[str, str] = {}
    for name, label in raw.items():
        if not isinstance(name, str) or not FILL_IN_NAME.match(name):
            checker.add((*path, str(name)), "expected a lowercase_with_underscores placeholder name")
        elif name in PLACEHOLDERS:
            checker.add((*path, name), f"{{{name}}} is a built-in placeholder: do not declare it")
        elif not isinstance(label, str) or not label.strip():
            checker.add((*path, name), f"expected a non-empty string, got {describe(label)}")
        else:
            out[name] = label.strip()
            if FAKE_LABEL.match(label.strip()):
                checker.add(
                    (*path, name),
                    f"{label.strip()!r} is a sample value or a blank, not a label: say what to fill in "
                    '(e.g. "the number of hours"); it is shown as [label] and listed under "Still to fill in"',
                )
    return out


def _check_follow_up(checker: FileChecker, raw: Any, path: Path_) -> FollowUp:
    empty = FollowUp("", ())
    if not isinstance(raw, dict):
        checker.add(path, f"expected a mapping with question and options, got {describe(raw)}")
        return empty
    checker.unknown_keys(raw, path, {"question", "options"})
    question = checker.text(raw, path, "question")
    items = raw.get("options")
    if not isinstance(items, list) or not 2 <= len(items) <= 4:
        checker.add((*path, "options"), f"expected a list of 2-4 options, got {describe(items)}")
        return FollowUp(question, ())
    options: list[Option] = []
    for index, item in enumerate(items):
        where: Path_ = (*path, "options", index)
        if not isinstance(item, dict):
            checker.add(where, f"expected a mapping with label and topic or part, got {describe(item)}")
            continue
        checker.unknown_keys(item, where, {"label", "topic", "part"})
        label = checker.text(item, where, "label")
        topic, part = item.get("topic"), item.get("part")
        if (topic is None) == (part is None):
            checker.add(where, "needs exactly one of `topic` (a topic id) or `part` (a part of this entry)")
        elif part is not None and part not in PARTS:
            checker.add((*where, "part"), f"unknown part {part!r} (allowed: {', '.join(PARTS)})")
        elif topic is not None and not isinstance(topic, str):
            checker.add((*where, "topic"), f"expected a topic id, got {describe(topic)}")
        options.append(
            Option(label, topic if isinstance(topic, str) else None, part if isinstance(part, str) else None)
        )
    return FollowUp(question, tuple(options))


def _check_placeholders(checker: FileChecker, data: Mapping[str, Any], advice: Mapping[str, Advice]) -> None:
    per_lang: dict[str, set[str]] = {}
    for lang, entry in advice.items():
        names: set[str] = set()
        known = PLACEHOLDERS | set(entry.fill_in)
        for path, message in _scripts(entry):
            where: Path_ = (lang, *path)
            found = set(PLACEHOLDER_RE.findall(message))
            for unknown in sorted(found - known):
                checker.add(
                    where,
                    f"unknown placeholder {{{unknown}}} (known: {', '.join(sorted(known))}; "
                    "declare a topic's own under `fill_in`)",
                )
            names |= found
        for unused in sorted(set(entry.fill_in) - names):
            checker.add((lang, "fill_in", unused), f"{{{unused}}} is declared but no script uses it")
        per_lang[lang] = names
    reference = per_lang.get("en")
    if reference is None:
        return
    for lang, names in per_lang.items():
        if names != reference:
            missing = ", ".join(f"{{{n}}}" for n in sorted(reference - names)) or "none"
            extra = ", ".join(f"{{{n}}}" for n in sorted(names - reference)) or "none"
            checker.add((lang, "say_this"), f"placeholders differ from en: missing {missing}; extra {extra}")


def check_cross_references(
    topics: Sequence[Topic], lines_of: Callable[[str], Mapping[Path_, int]], known: set[str]
) -> list[Problem]:
    """Checks that need every topic: related ids, option targets, duplicate phrasings.

    ``known`` holds every topic id that exists, including those of files that failed validation.
    """
    problems: list[Problem] = []
    phrasing_owner: dict[str, tuple[str, str]] = {}
    for topic in topics:
        checker = FileChecker(topic.origin, lines_of(topic.origin))
        for index, rel in enumerate(topic.related):
            if rel == topic.id:
                checker.add(("related", index), "a topic cannot be related to itself")
            elif rel not in known:
                checker.add(("related", index), f"unknown topic id {rel!r}")
        for index, broader in enumerate(topic.refines):
            if broader == topic.id:
                checker.add(("refines", index), "a topic cannot refine itself")
            elif broader not in known:
                checker.add(("refines", index), f"unknown topic id {broader!r}")
        for lang, entry in topic.advice.items():
            for index, option in enumerate(entry.follow_up.options):
                if option.topic is not None and option.topic not in known:
                    checker.add((lang, "follow_up", "options", index, "topic"), f"unknown topic id {option.topic!r}")
            for index, phrasing in enumerate(entry.phrasings):
                key = fold(phrasing)
                owner = phrasing_owner.get(key)
                if owner is not None and owner[0] != topic.id:
                    checker.add(
                        (lang, "phrasings", index), f"the same phrasing is also under topic {owner[0]!r} ({owner[1]})"
                    )
                elif owner is None:
                    phrasing_owner[key] = (topic.id, f"{topic.origin}, {lang}.phrasings")
        problems.extend(checker.problems)
    return problems
