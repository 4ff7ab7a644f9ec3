"""Validation of the concept lexicon (``concepts.yaml``): words in each language that carry one idea."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.errors import Problem
from bot.kb.model import LANGS
from bot.kb.validate import ID_RE, FileChecker, describe
from bot.kb.yaml_lines import Path_

Concepts = dict[str, dict[str, tuple[str, ...]]]


def check_concepts(file: str, data: Any, lines: Mapping[Path_, int]) -> tuple[Concepts, list[Problem]]:
    checker = FileChecker(file, lines)
    raw = data.get("concepts") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        checker.add(("concepts",), f"expected a top-level `concepts:` mapping, got {describe(raw)}")
        return {}, checker.problems
    checker.unknown_keys(data, (), {"concepts"})
    found: Concepts = {}
    for concept, by_lang in raw.items():
        where: Path_ = ("concepts", str(concept))
        if not isinstance(concept, str) or not ID_RE.match(concept):
            checker.add(where, f"{concept!r} is not a lowercase-hyphenated id")
            continue
        if not isinstance(by_lang, dict):
            checker.add(where, f"expected a mapping of language to words, got {describe(by_lang)}")
            continue
        checker.unknown_keys(by_lang, where, set(LANGS))
        found[concept] = {lang: checker.texts(by_lang, where, lang, 1, None) for lang in LANGS if lang in by_lang}
    return (found if not checker.problems else {}), checker.problems
