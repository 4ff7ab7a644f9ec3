"""Find, parse and validate knowledge directories into a ``KnowledgeBase``.

The built-in knowledge ships inside the package; teams add directories of
their own (``COACH_KNOWLEDGE_DIRS``), validated the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.errors import KnowledgeError, Problem
from bot.kb.concepts import Concepts, check_concepts
from bot.kb.examples import check_examples
from bot.kb.model import Example, KnowledgeBase, Source, Topic
from bot.kb.validate import check_cross_references, check_sources, check_topic
from bot.kb.yaml_lines import AliasesNotAllowed, DuplicateKeyError, Path_, parse_with_lines

log = logging.getLogger("coach.kb")
CONCEPTS_FILE = "concepts.yaml"
# The largest shipped file (an examples file) is about 140 KB; past this a file is a mistake (or an attack).
MAX_FILE_BYTES = 2 * 1024 * 1024


def default_knowledge_dir() -> Path:
    """The built-in knowledge: the repository's ``knowledge/`` or the copy installed as ``bot/knowledge_data``."""
    checkout = Path(__file__).resolve().parents[2] / "knowledge"
    if (checkout / "sources.yaml").is_file():
        return checkout
    return Path(__file__).resolve().parents[1] / "knowledge_data"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path, problems: list[Problem]) -> tuple[Any, dict[Path_, int]] | None:
    name = _display(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # never more, whatever the file claims to be
        if len(raw) > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            problems.append(Problem(name, None, "", f"is larger than {limit} MB, the limit for a knowledge file"))
            return None
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, None, "", f"cannot be read: {exc.__class__.__name__}"))
        return None
    try:
        return parse_with_lines(text)
    except (AliasesNotAllowed, DuplicateKeyError) as exc:
        mark = exc.problem_mark
        problems.append(Problem(name, mark.line + 1 if mark is not None else None, "", str(exc.problem)))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or "is not valid YAML"
        problems.append(Problem(name, line, "", f"YAML syntax error: {what}"))
        return None


def _topic_files(directory: Path) -> list[Path]:
    nested = directory / "topics"
    base = nested if nested.is_dir() else directory
    return sorted(p for p in base.glob("*.yaml") if p.name not in ("sources.yaml", CONCEPTS_FILE))


def example_files(directory: Path) -> list[Path]:
    return sorted((directory / "examples").glob("*.yaml"))


def check_knowledge(
    builtin: Path | None = None, extra_dirs: Sequence[Path] = ()
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validate everything; return the knowledge base (None on any problem) and every problem."""
    builtin = builtin or default_knowledge_dir()
    problems: list[Problem] = []
    sources: dict[str, Source] = {}
    for directory in (builtin, *extra_dirs):
        if not directory.is_dir():
            problems.append(Problem(_display(directory), None, "", "knowledge directory does not exist"))
            continue
        if directory != builtin and not _topic_files(directory) and not example_files(directory):
            log.warning("knowledge directory %s holds no topic or example files", _display(directory))
        source_file = directory / "sources.yaml"
        if source_file.is_file():
            _merge_sources(source_file, sources, problems)
        elif directory == builtin:
            problems.append(Problem(_display(source_file), None, "", "is missing"))

    lines_by_file: dict[str, Mapping[Path_, int]] = {}
    topics: dict[str, Topic] = {}
    # Ids of files that exist but failed validation: their own problems are reported
    # already, so references to them from other files are not errors too.
    declared: set[str] = set()
    for directory in (builtin, *extra_dirs):
        is_team = directory != builtin
        if not directory.is_dir():
            continue
        for path in _topic_files(directory):
            parsed = _read(path, problems)
            if parsed is None:
                declared.add(path.stem)
                continue
            data, lines = parsed
            name = _display(path)
            declared.add(data["id"] if isinstance(data, dict) and isinstance(data.get("id"), str) else path.stem)
            lines_by_file[name] = lines
            topic, found = check_topic(name, path.stem, data, lines, sources)
            problems.extend(found)
            if topic is None:
                continue
            clash = topics.get(topic.id)
            if clash is not None and not (is_team and topic.overrides):
                problems.append(
                    Problem(
                        name,
                        lines.get(("id",)),
                        "id",
                        f"topic {topic.id!r} already exists in {clash.origin}; set `overrides: true` to replace it",
                    )
                )
                continue
            topics[topic.id] = topic

    problems.extend(
        check_cross_references(list(topics.values()), lambda f: lines_by_file.get(f, {}), declared | set(topics))
    )
    examples: list[Example] = []
    seen: dict[str, str] = {}  # each example's language and folded text -> where it was first given
    for directory in (builtin, *extra_dirs):
        for path in example_files(directory) if directory.is_dir() else ():
            parsed = _read(path, problems)
            if parsed is not None:
                labelled, example_problems = check_examples(_display(path), *parsed, declared | set(topics), seen)
                examples.extend(labelled)
                problems.extend(example_problems)
    concepts: Concepts = {}
    for directory in (builtin, *extra_dirs):
        path = directory / CONCEPTS_FILE
        parsed = _read(path, problems) if path.is_file() else None
        if parsed is not None:
            found_concepts, concept_problems = check_concepts(_display(path), *parsed)
            problems.extend(concept_problems)
            for concept, by_lang in found_concepts.items():
                merged = concepts.setdefault(concept, {})
                for lang, words in by_lang.items():
                    merged[lang] = (*merged.get(lang, ()), *words)
    if problems:
        return None, problems
    origins = tuple(_display(d) for d in (builtin, *extra_dirs))
    kb = KnowledgeBase(topics, sources, origins, tuple(examples), concepts)
    return kb, []


def _merge_sources(path: Path, sources: dict[str, Source], problems: list[Problem]) -> None:
    parsed = _read(path, problems)
    if parsed is None:
        return
    found, source_problems = check_sources(_display(path), *parsed)
    problems.extend(source_problems)
    for source in found:
        if source.id in sources:
            problems.append(Problem(_display(path), None, "sources", f"source id {source.id!r} is already defined"))
        else:
            sources[source.id] = source


def load_knowledge(builtin: Path | None = None, extra_dirs: Sequence[Path] = ()) -> KnowledgeBase:
    """Load and validate, failing fast with every problem named."""
    kb, problems = check_knowledge(builtin, extra_dirs)
    if kb is None:
        raise KnowledgeError(problems)
    return kb
