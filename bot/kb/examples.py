"""Validation of training-example files (``examples/*.yaml`` beside ``topics/``).

An examples file holds messages in one language, written the way freelancers
write, labelled with a topic id (``topics:``) or as not a client problem
(``out_of_scope:``, by kind). They teach the situation recogniser; they are
never shown to users.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping
from typing import Any

from bot.errors import Problem
from bot.kb.model import LANGS, OUT_OF_SCOPE_KINDS, Example
from bot.kb.validate import FileChecker, describe, fold
from bot.kb.yaml_lines import Path_

EXAMPLE_KEYS = {"lang", "topics", "out_of_scope"}
MAX_EXAMPLE_CHARS = 2000


def check_examples(
    file: str,
    data: Any,
    lines: Mapping[Path_, int],
    topic_ids: Collection[str],
    seen: MutableMapping[str, str] | None = None,
) -> tuple[list[Example], list[Problem]]:
    """``seen`` carries each example's language and folded text to where it was first given, across files:
    a message given twice teaches nothing more, and under two labels it contradicts itself."""
    checker = FileChecker(file, lines)
    seen = {} if seen is None else seen
    if not isinstance(data, dict):
        checker.add((), f"expected a mapping with lang, topics and/or out_of_scope; got {describe(data)}")
        return [], checker.problems
    checker.unknown_keys(data, (), EXAMPLE_KEYS)
    lang = checker.text(data, (), "lang")
    if lang and lang not in LANGS:
        checker.add(("lang",), f"{lang!r} is not one of {', '.join(LANGS)}")
    found: list[Example] = []
    for section, allowed in (("topics", topic_ids), ("out_of_scope", OUT_OF_SCOPE_KINDS)):
        raw = data.get(section)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            checker.add(
                (section,),
                f"expected a mapping of {'topic id' if section == 'topics' else 'kind'} "
                f"to a list of messages, got {describe(raw)}",
            )
            continue
        for label, texts in raw.items():
            where: Path_ = (section, str(label))
            if label not in allowed:
                what = "topic id" if section == "topics" else "kind"
                checker.add(where, f"unknown {what} {label!r}")
                continue
            if not isinstance(texts, list):
                checker.add(where, f"expected a list of messages, got {describe(texts)}")
                continue
            for index, text in enumerate(texts):
                if not isinstance(text, str) or not text.strip():
                    checker.add((*where, index), f"expected a non-empty string, got {describe(text)}")
                elif len(text) > MAX_EXAMPLE_CHARS:
                    checker.add((*where, index), f"is {len(text)} characters long (at most {MAX_EXAMPLE_CHARS})")
                elif (key := f"{lang}:{fold(text)}") in seen:
                    checker.add((*where, index), f"the same message is already an example ({seen[key]})")
                else:
                    seen[key] = f"{file}, {section}.{label}"
                    if section == "topics":
                        found.append(Example(text.strip(), lang, str(label)))
                    else:
                        found.append(Example(text.strip(), lang, None, str(label)))
    if "topics" not in data and "out_of_scope" not in data:
        checker.add((), "has neither `topics:` nor `out_of_scope:`")
    return (found if not checker.problems else []), checker.problems
