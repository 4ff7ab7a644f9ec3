"""Fit the classifier's softmax temperature by cross-validation on the knowledge base's own examples.

    python benchmarks/calibrate.py [--folds 5]

Trains the topic model on k-1 folds of the training examples, scores the held-out
fold, and picks the temperature that minimises the held-out negative log-likelihood
(a one-parameter Platt/temperature scaling). Prints the NLL per temperature, the
best one, and a reliability table (confidence bucket -> accuracy) at that
temperature, next to the baseline of the temperature in ``TrainingConfig``.
Uses only the project's own material, never the evaluation sets.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("COACH_CACHE_DIR", "off")

from bot.kb.load import load_knowledge  # noqa: E402
from bot.kb.model import KnowledgeBase  # noqa: E402
from bot.matching.classifier import TrainingConfig, train  # noqa: E402
from bot.text.normalize import Stemmers, clean, tokenize  # noqa: E402

TEMPERATURES = (2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0)


def softmax(margins: np.ndarray, temperature: float) -> np.ndarray:
    scaled = temperature * (margins - margins.max(axis=1, keepdims=True))
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    kb = load_knowledge()
    stemmers = Stemmers()
    labelled = [e for e in kb.examples if e.topic is not None]
    negatives = [e for e in kb.examples if e.topic is None]
    rng = np.random.default_rng(7)
    fold_of = rng.integers(0, args.folds, len(labelled))
    margins: list[np.ndarray] = []
    truth: list[int] = []
    topic_ids = list(kb.topics)
    for fold in range(args.folds):
        kept = tuple(e for e, f in zip(labelled, fold_of, strict=True) if f != fold)
        model = train(KnowledgeBase(kb.topics, kb.sources, kb.origins, (*kept, *negatives), kb.concepts), stemmers)
        assert model is not None
        for example, f in zip(labelled, fold_of, strict=True):
            if f == fold:
                ids = model.feature_ids(tokenize(clean(example.text)), example.lang, stemmers)
                margins.append(model.margins(ids)[0])
                truth.append(topic_ids.index(example.topic or ""))
        print(f"fold {fold + 1}/{args.folds} done", flush=True)
    m = np.asarray(margins)
    y = np.asarray(truth)
    print(f"\n{len(y)} held-out examples; top-1 {np.mean(m.argmax(axis=1) == y):.3f}")
    best = min(TEMPERATURES, key=lambda t: -np.mean(np.log(softmax(m, t)[np.arange(len(y)), y] + 1e-12)))
    for t in TEMPERATURES:
        nll = -np.mean(np.log(softmax(m, t)[np.arange(len(y)), y] + 1e-12))
        print(f"temperature {t:>5.1f}: held-out NLL {nll:.3f}{'   <- best' if t == best else ''}")
    baseline = TrainingConfig().temperature
    for name, t in (("configured", baseline), ("best", best)):
        p = softmax(m, t)
        conf = p.max(axis=1)
        right = p.argmax(axis=1) == y
        cells = []
        for low, high in ((0.9, 1.01), (0.7, 0.9), (0.5, 0.7), (0.3, 0.5), (0.0, 0.3)):
            inside = (conf >= low) & (conf < high)
            rate = f"{right[inside].mean():.2f}" if inside.any() else "-"
            cells.append(f"{low:.1f}+ {rate} ({int(inside.sum())})")
        print(f"reliability at {name} temperature {t}: {'  '.join(cells)}")


if __name__ == "__main__":
    main()
