"""Load the knowledge and the matcher's index, compiled once and cached on disk.

Parsing and validating the YAML and building the index takes a few hundred
milliseconds; loading the compiled result takes a few dozen. The cache key is a
hash of every knowledge file's bytes plus the code version, so any edit (or an
upgrade) rebuilds it. The cache is the user's own (``COACH_CACHE_DIR``, default
``~/.cache/client-coach``); set ``COACH_CACHE_DIR=off`` to disable it. Anything
wrong with the cache (unreadable, corrupt, unwritable) falls back to building.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.kb.load import _topic_files, default_knowledge_dir, load_knowledge
from bot.kb.model import KnowledgeBase
from bot.matching.index import MatchIndex, build_index
from bot.text.language import LanguageDetector

log = logging.getLogger("coach.cache")
FORMAT = "client-coach-index"
# The code whose output is cached: any change to it invalidates the cache, like a .pyc.
_CODE = (
    "bot/matching/index.py",
    "bot/text/language.py",
    "bot/text/normalize.py",
    "bot/text/stopwords.py",
    "bot/text/markup.py",
    "bot/kb/model.py",
)
KEEP = 4  # compiled versions kept, newest first (e.g. while switching branches)


@dataclass
class Compiled:
    kb: KnowledgeBase
    index: MatchIndex
    detector: LanguageDetector


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
        files = [directory / "sources.yaml", *_topic_files(directory)] if directory.is_dir() else []
        for path in files:
            if path.is_file():
                digest.update(str(path.resolve()).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def load_compiled(extra_dirs: Sequence[Path] = (), builtin: Path | None = None) -> Compiled:
    """The validated knowledge with its index and language model, from the cache when it is current."""
    builtin = builtin or default_knowledge_dir()
    where = cache_dir()
    path = where / f"{fingerprint(builtin, extra_dirs)}.pickle" if where else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as handle:
                compiled = pickle.load(handle)
            if isinstance(compiled, Compiled):
                return compiled
        except Exception:  # a corrupt or foreign cache file is rebuilt, never trusted
            log.warning("ignoring unreadable index cache %s", path)
    kb = load_knowledge(builtin, extra_dirs)
    index = build_index(kb)
    compiled = Compiled(kb, index, LanguageDetector(index.language_corpus))
    if path is not None:
        _save(path, compiled)
    return compiled


def _save(path: Path, compiled: Compiled) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(compiled, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        stale = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for old in stale:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("index cache not written (%s); the knowledge is built at each start", exc.__class__.__name__)
