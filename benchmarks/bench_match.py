"""Matcher speed: load time and per-query latency, against a naive baseline, in one run.

    python benchmarks/bench_match.py [--queries N]

Prints the knowledge load time (YAML + validation, then index building), p50/p99
latency per query on the real knowledge base and on synthetic ones 10x and 100x
larger (generated from the real phrasings), and the same for a naive baseline:
rapidfuzz WRatio against every phrasing, with no precomputation. Targets: p99 <=
2 ms on the real knowledge base, <= 10 ms at 100x; warm load <= 200 ms.

The real knowledge base is matched by the trained situation classifier plus
retrieval (what users get). The synthetic 10x and 100x ones carry no training
examples (and exceed the classifier's topic limit), so they measure the
retrieval path, which is what a knowledge base that large would use.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.evaluate import load_cases  # noqa: E402
from bot.kb.load import load_knowledge  # noqa: E402
from bot.kb.model import Advice, KnowledgeBase, Topic  # noqa: E402
from bot.matching.compiled import load_compiled  # noqa: E402
from bot.matching.matcher import Matcher  # noqa: E402


def scaled(kb: KnowledgeBase, factor: int, seed: int = 1) -> KnowledgeBase:
    """``factor`` copies of every topic; each copy's phrasings are the originals with words
    shuffled among the topic's phrasings and a copy-specific word, so vocabulary grows too."""
    rng = random.Random(seed)
    topics: dict[str, Topic] = {}
    for copy in range(factor):
        for topic in kb.topics.values():
            advice: dict[str, Advice] = {}
            for lang, entry in topic.advice.items():
                words = [w for p in entry.phrasings for w in p.split()]
                phrasings = []
                for phrasing in entry.phrasings:
                    tokens = phrasing.split()
                    if copy:
                        tokens[rng.randrange(len(tokens))] = rng.choice(words)
                        tokens.append(f"x{copy}q{rng.randrange(50)}")
                    phrasings.append(" ".join(tokens))
                advice[lang] = replace(entry, phrasings=tuple(phrasings))
            tid = topic.id if copy == 0 else f"{topic.id}-{copy}"
            topics[tid] = replace(topic, id=tid, advice=advice, related=())
    return KnowledgeBase(topics=topics, sources=kb.sources)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered), p99


def time_queries(run: Callable[[str], object], queries: list[str]) -> tuple[float, float]:
    for q in queries[:20]:
        run(q)  # warm caches, as a long-running bot would be
    samples = []
    for q in queries:
        start = time.perf_counter()
        run(q)
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def naive(kb: KnowledgeBase) -> Callable[[str], object]:
    """The baseline: WRatio of the raw message against every phrasing, nothing precomputed."""

    def run(text: str) -> object:
        phrasings = [(p, t.id) for t in kb.topics.values() for a in t.advice.values() for p in a.phrasings]
        return process.extractOne(text, [p for p, _ in phrasings], scorer=fuzz.WRatio)

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()

    loads, builds, warm = [], [], []
    with tempfile.TemporaryDirectory() as cache:
        os.environ["COACH_CACHE_DIR"] = cache
        for _ in range(5):
            start = time.perf_counter()
            kb = load_knowledge()
            loaded = time.perf_counter()
            Matcher(kb)
            built = time.perf_counter()
            loads.append((loaded - start) * 1000)
            builds.append((built - loaded) * 1000)
        load_compiled()  # writes the compiled cache
        for _ in range(5):
            start = time.perf_counter()
            compiled = load_compiled()
            Matcher(compiled.kb, index=compiled.index, detector=compiled.detector, model=compiled.model)
            warm.append((time.perf_counter() - start) * 1000)
    load_ms, build_ms, warm_ms = statistics.median(loads), statistics.median(builds), statistics.median(warm)
    count = sum(len(a.phrasings) for t in kb.topics.values() for a in t.advice.values())
    print(f"knowledge: {len(kb.topics)} topics, {count} phrasings")
    cold = load_ms + build_ms
    print(f"cold load: YAML + validation {load_ms:.1f} ms, index build {build_ms:.1f} ms, total {cold:.1f} ms")
    print(
        f"warm load (compiled cache, what `coach` and the bot do after the first run): {warm_ms:.1f} ms"
        f"   [target <= 200 ms: {'ok' if warm_ms <= 200 else 'MISSED'}]"
    )

    texts = [
        c.text
        for f in (REPO.parent / "shared/eval/situations.yaml", REPO / "eval/generalisation.yaml")
        if f.exists()
        for c in load_cases(f)
    ]
    rng = random.Random(3)
    queries = [rng.choice(texts) for _ in range(args.queries)]

    header = f"{'knowledge base':<16}{'topics':>8}{'phrasings':>11}   {'matcher p50/p99 (ms)':>22}"
    print(f"\n{header}   {'naive p50/p99 (ms)':>20}   target")
    for factor, target in ((1, 2.0), (10, None), (100, 10.0)):
        big = kb if factor == 1 else scaled(kb, factor)
        phrasings = sum(len(a.phrasings) for t in big.topics.values() for a in t.advice.values())
        start = time.perf_counter()
        matcher = Matcher(big)
        build = (time.perf_counter() - start) * 1000
        m50, m99 = time_queries(lambda q, m=matcher: m.match(q), queries)
        naive_queries = queries if factor < 100 else queries[:60]
        n50, n99 = time_queries(naive(big), naive_queries)
        verdict = "" if target is None else ("ok" if m99 <= target else "MISSED") + f" (p99 <= {target:g} ms)"
        print(
            f"{f'real x{factor}':<16}{len(big.topics):>8}{phrasings:>11}   {m50:>10.3f} / {m99:<9.3f}   "
            f"{n50:>9.3f} / {n99:<8.3f}   {verdict}   (index build {build:.0f} ms)"
        )

    runs = []
    for _ in range(5):  # the median of five: one run on a shared machine says little
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "ask", "my client won't pay the invoice"],
            check=True,
            capture_output=True,
            cwd=REPO,
        )
        runs.append(time.perf_counter() - start)
    ask = statistics.median(runs)
    print(f"\n`coach ask` whole process: {ask:.2f} s   [target <= 0.5 s: {'ok' if ask <= 0.5 else 'MISSED'}]")


if __name__ == "__main__":
    main()
