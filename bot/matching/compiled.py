"""Load the knowledge, the matcher's index and the situation classifier, compiled once and cached on disk.

Parsing and validating the YAML, building the index and training the
classifier take a few seconds; loading the compiled result takes a few dozen
milliseconds. The cache key is a hash of every knowledge file's bytes, the
configured knowledge directories (and whether each exists) and the code
version, so any edit, a changed setting or an upgrade rebuilds it. The cache is
the user's own (``COACH_CACHE_DIR``, default ``~/.cache/client-coach``,
created 0700); set ``COACH_CACHE_DIR=off`` to disable it.

The cache is a plain ``.npz`` (numpy arrays and JSON, read with
``allow_pickle=False``), so a planted file cannot run code; files not owned by
the current user are ignored. Anything wrong with the cache (unreadable,
corrupt, foreign, unwritable) falls back to building.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.kb.load import CONCEPTS_FILE, _topic_files, default_knowledge_dir, example_files, load_knowledge
from bot.kb.model import LANGS, KnowledgeBase
from bot.kb.serialize import kb_from_data, kb_to_data
from bot.matching.classifier import SituationModel, train
from bot.matching.features import concepts_from_data, concepts_to_data
from bot.matching.index import LangIndex, MatchIndex, build_index, typo_candidates
from bot.matching.packing import Packer, Unpacker
from bot.text.language import LanguageDetector
from bot.text.normalize import Stemmers

log = logging.getLogger("coach.cache")
FORMAT = "client-coach-index-2"
SUFFIX = ".npz"
# The code whose output is cached: any change to it invalidates the cache, like a .pyc.
_CODE = (
    "bot/matching/index.py",
    "bot/matching/classifier.py",
    "bot/matching/features.py",
    "bot/matching/compiled.py",
    "bot/matching/packing.py",
    "bot/text/language.py",
    "bot/text/normalize.py",
    "bot/text/stopwords.py",
    "bot/text/markup.py",
    "bot/kb/model.py",
    "bot/kb/examples.py",
    "bot/kb/concepts.py",
    "bot/kb/serialize.py",
)
KEEP = 4  # compiled versions kept, newest first (e.g. while switching branches)


@dataclass
class Compiled:
    kb: KnowledgeBase
    index: MatchIndex
    detector: LanguageDetector
    model: SituationModel | None = None


def cache_dir(env: dict[str, str] | None = None) -> Path | None:
    env = dict(os.environ) if env is None else env
    configured = env.get("COACH_CACHE_DIR", "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "client-coach"


def fingerprint(builtin: Path, extra_dirs: Sequence[Path]) -> str:
    digest = hashlib.blake2b(FORMAT.encode(), digest_size=16)
    package_root = Path(__file__).resolve().parents[2]
    for name in _CODE:
        digest.update((package_root / name).read_bytes())
    for directory in (builtin, *extra_dirs):
        exists = directory.is_dir()
        digest.update(f"\0dir {directory.resolve()} {exists}\0".encode())
        files = (
            [directory / "sources.yaml", directory / CONCEPTS_FILE, *_topic_files(directory), *example_files(directory)]
            if exists
            else []
        )
        for path in files:
            if path.is_file():
                digest.update(str(path.resolve()).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def is_compiled(extra_dirs: Sequence[Path] = (), builtin: Path | None = None) -> bool:
    """Whether the cache holds the current compiled knowledge (so loading it is quick)."""
    where = cache_dir()
    return where is not None and _cache_path(where, builtin or default_knowledge_dir(), extra_dirs).is_file()


def _cache_path(where: Path, builtin: Path, extra_dirs: Sequence[Path]) -> Path:
    return where / f"{fingerprint(builtin, extra_dirs)}{SUFFIX}"


def compile_knowledge(extra_dirs: Sequence[Path] = (), builtin: Path | None = None) -> Compiled:
    """Validate, index and train from scratch (no cache)."""
    kb = load_knowledge(builtin or default_knowledge_dir(), extra_dirs)
    index = build_index(kb)
    return Compiled(kb, index, LanguageDetector(index.language_corpus), train(kb, index.stemmers))


def load_compiled(extra_dirs: Sequence[Path] = (), builtin: Path | None = None) -> Compiled:
    """The validated knowledge with its index, language model and classifier, from the cache when it is current."""
    builtin = builtin or default_knowledge_dir()
    where = _usable_dir(cache_dir())
    path = _cache_path(where, builtin, extra_dirs) if where else None
    if path is not None and path.is_file():
        if _owned(path):
            try:
                return _read(path)
            except Exception:  # a corrupt or foreign cache file is rebuilt, never trusted
                log.warning("ignoring unreadable index cache %s", path)
        else:
            log.warning("ignoring index cache %s: it belongs to another user", path)
    compiled = compile_knowledge(extra_dirs, builtin)
    if path is not None:
        _save(path, compiled)
    return compiled


def _owned(path: Path) -> bool:
    return not hasattr(os, "getuid") or path.stat().st_uid == os.getuid()


def _usable_dir(where: Path | None) -> Path | None:
    """The cache directory, created private; None when it exists but is not ours."""
    if where is None:
        return None
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    if not _owned(where):
        log.warning("not using cache directory %s: it belongs to another user", where)
        return None
    return where


def _save(path: Path, compiled: Compiled) -> None:
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            _pack(compiled).write(handle)
        os.replace(handle.name, path)
        stale = sorted(path.parent.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for old in [*stale, *path.parent.glob("*.pickle")]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("index cache not written (%s); the knowledge is built at each start", exc.__class__.__name__)


def _pack(compiled: Compiled) -> Packer:
    pack = Packer()
    index = compiled.index
    pack.json("format", FORMAT)
    # Training examples are what the model was fitted on; answering never reads them, so they stay out.
    pack.json("kb", kb_to_data(replace(compiled.kb, examples=())))
    pack.json("index", {"topic_ids": index.topic_ids, "titles": index.titles, "corpus": index.language_corpus})
    for lang, li in index.langs.items():
        pack.json(f"{lang}.max_idf", li.max_idf)
        pack.table(f"{lang}.idf", li.idf, np.float64)
        pack.table(f"{lang}.spans", li.spans, np.int64)
        pack.table(f"{lang}.phrase_spans", li.phrase_spans, np.int64)
        pack.strings(f"{lang}.surface", list(li.surface_stem))
        pack.strings(f"{lang}.surface_stems", list(li.surface_stem.values()))
        for name in ("posting_topics", "posting_weights", "phrase_ids", "phrase_norms", "topic_phrase_matrix"):
            pack.array(f"{lang}.{name}", getattr(li, name))
    log_prob, unseen = compiled.detector.state()
    pack.json("detector.unseen", unseen)
    for lang, table in log_prob.items():
        pack.table(f"detector.{lang}", table, np.float64)
    model = compiled.model
    if model is not None:
        info = {"topic_ids": model.topic_ids, "gate_bias": model.gate_bias, "temperature": model.temperature}
        pack.json("model", info)
        pack.strings("model.vocab", list(model.vocab))
        if model.concepts is not None:
            pack.json("model.concepts", concepts_to_data(model.concepts))
        for name in ("idf", "weights", "bias", "gate_weights"):
            pack.array(f"model.{name}", getattr(model, name))
    return pack


def _read(path: Path) -> Compiled:
    data = Unpacker(path)
    if data.json("format") != FORMAT:
        raise ValueError("another cache format")
    meta = data.json("index")
    langs: dict[str, LangIndex] = {}
    for lang in LANGS:
        surface = dict(zip(data.strings(f"{lang}.surface"), data.strings(f"{lang}.surface_stems"), strict=True))
        langs[lang] = LangIndex(
            lang=lang,
            idf=data.table(f"{lang}.idf"),
            spans=data.table(f"{lang}.spans"),
            posting_topics=data.array(f"{lang}.posting_topics"),
            posting_weights=data.array(f"{lang}.posting_weights"),
            phrase_spans=data.table(f"{lang}.phrase_spans"),
            phrase_ids=data.array(f"{lang}.phrase_ids"),
            phrase_norms=data.array(f"{lang}.phrase_norms"),
            topic_phrase_matrix=data.array(f"{lang}.topic_phrase_matrix"),
            max_idf=float(data.json(f"{lang}.max_idf")),
            typo_candidates=typo_candidates(surface),
            surface_stem=surface,
        )
    index = MatchIndex(meta["topic_ids"], meta["titles"], langs, Stemmers(), meta["corpus"])
    detector = LanguageDetector.from_state(
        {lang: data.table(f"detector.{lang}") for lang in LANGS}, data.json("detector.unseen")
    )
    model = None
    if "model" in data.arrays:
        info = data.json("model")
        vocab = data.strings("model.vocab")
        model = SituationModel(
            topic_ids=info["topic_ids"],
            vocab=dict(zip(vocab, range(len(vocab)), strict=True)),
            idf=data.array("model.idf"),
            weights=data.array("model.weights"),
            bias=data.array("model.bias"),
            gate_weights=data.array("model.gate_weights"),
            gate_bias=float(info["gate_bias"]),
            temperature=float(info["temperature"]),
        )
        if "model.concepts" in data.arrays:
            model.concepts = concepts_from_data(data.json("model.concepts"))
    return Compiled(kb_from_data(data.json("kb")), index, detector, model)
