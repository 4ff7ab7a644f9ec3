"""A linear situation classifier and scope gate, trained from the knowledge base at compile time.

Two linear models read the same sparse TF-IDF features (``features.py``):

- the topic model scores every topic (one-vs-rest linear SVM), turned into
  probabilities with a softmax at a fixed temperature;
- the scope gate says how likely the message is a freelancer's problem with a
  client at all (logistic regression), trained against the out-of-scope examples:
  personal life, workplace, customers complaining as customers, other freelancing
  topics, small talk and fragments.

scikit-learn trains them (imported only when training); scoring is a few numpy
gathers, and the weights are plain arrays, so the compiled cache can store them
without pickling.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.kb.model import KnowledgeBase
from bot.matching.features import ConceptIndex, build_concepts, features, sequence_features, word_features
from bot.text.normalize import Stemmers, clean, content_words, tokenize

FloatArray = npt.NDArray[np.float32]
HalfArray = npt.NDArray[np.float16]
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
SENTENCE_MIN_WORDS = 4
SENTENCE_CHARS = 4000
MAX_SENTENCES = 12
WORD_MEMO = 100_000
MAX_TOPICS = 100
NO_EVIDENCE = -10.0
# Training text from the advice itself: what it is about, in the knowledge base's words.
ADVICE_FIELDS = ("phrasings", "keywords", "title")


@dataclass(frozen=True)
class TrainingConfig:
    topic_c: float = 0.5
    gate_c: float = 4.0
    min_df: int = 1
    # Softmax temperature applied to the SVM margins. Cross-validation on our own examples prefers 8
    # (benchmarks/calibrate.py), but real posts are harder than our examples: at 4, answers scored 0.9 or
    # more are right at least 9 times in 10 on real freelancers' posts (BENCHMARKS.md, reliability table).
    temperature: float = 4.0


@dataclass
class SituationModel:
    topic_ids: list[str]
    vocab: dict[str, int]
    idf: FloatArray
    weights: HalfArray  # (features, topics), half precision: the largest array by far
    bias: FloatArray  # (topics,)
    gate_weights: FloatArray  # (features,)
    gate_bias: float
    temperature: float
    # Rebuilt from the knowledge base's concept lexicon when loaded (cheap), never stored.
    concepts: ConceptIndex | None = None
    _word_ids: dict[tuple[str, str], tuple[str, list[int]]] = field(default_factory=dict, repr=False, compare=False)
    _rare_from: float | None = field(default=None, repr=False, compare=False)

    def vector(self, feats: Sequence[str]) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """The normalised TF-IDF vector of string features (how training texts are read)."""
        return self._vector([self.vocab[f] for f in feats if f in self.vocab])

    def _vector(self, ids: list[int]) -> tuple[npt.NDArray[np.int64], FloatArray]:
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        unique, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
        values = ((1.0 + np.log(counts)) * self.idf[unique]).astype(np.float32)
        values /= np.float32(np.linalg.norm(values) or 1.0)
        return unique, values

    def feature_ids(
        self, tokens: list[str], lang: str, stemmers: Stemmers, fix: Callable[[str], str | None] | None = None
    ) -> list[int]:
        """Vocabulary ids of a message's features: the same features as ``features()``, with each
        word's own features memoised (a running bot sees the same words again and again)."""
        stems: list[str] = []
        ids: list[int] = []
        memo = self._word_ids
        for word in content_words(tokens):
            hit = memo.get((lang, word))
            if hit is None:
                stem = stemmers.stem(lang, word)
                found = word_features(word, stem, lang, self.concepts)
                if fix is not None and self._rare(f"w:{stem}"):
                    # Unknown or seen once or twice (maybe as a typo in some phrasing): add what it may stand for.
                    known = fix(word)
                    if known is not None and known != word:
                        found += word_features(known, stemmers.stem(lang, known), lang, self.concepts)
                hit = (stem, [self.vocab[f] for f in found if f in self.vocab])
                if len(memo) < WORD_MEMO:
                    memo[(lang, word)] = hit
            stems.append(hit[0])
            ids.extend(hit[1])
        ids.extend(self.vocab[f] for f in sequence_features(stems, lang, self.concepts) if f in self.vocab)
        return ids

    def _rare(self, feature: str) -> bool:
        position = self.vocab.get(feature)
        if position is None:
            return True
        if self._rare_from is None:  # the IDF of a feature seen in two training texts
            self._rare_from = float(self.idf.max()) - math.log(1.5) - 1e-6
        return bool(self.idf[position] >= self._rare_from)

    def margins(self, ids: list[int]) -> tuple[FloatArray, float]:
        """Raw topic margins and the scope gate's log-odds for one message's feature ids."""
        unique, values = self._vector(ids)
        if len(unique) == 0:  # not one known word: nothing says this is a client problem
            return self.bias.copy(), NO_EVIDENCE
        topic = values @ self.weights[unique].astype(np.float32) + self.bias
        gate = float(values @ self.gate_weights[unique]) + self.gate_bias
        return topic.astype(np.float32), gate

    def probabilities(self, margins: FloatArray) -> FloatArray:
        scaled = self.temperature * (margins - margins.max())
        exp = np.exp(scaled)
        result: FloatArray = (exp / exp.sum()).astype(np.float32)
        return result


@dataclass(frozen=True)
class Assessment:
    """The classifier's view of one message: topic probabilities and how likely it is a client problem."""

    probabilities: FloatArray
    in_scope: float


def assess(
    model: SituationModel,
    text: str,
    tokens: list[str],
    lang: str,
    stemmers: Stemmers,
    sentence_weight: float,
    fix: Callable[[str], str | None] | None = None,
    prior: FloatArray | None = None,
) -> Assessment:
    """Whole-message evidence plus the strongest single sentence's, for long posts whose telling line is buried.

    ``fix`` maps a word the model does not know to the known word it is probably a typo of; ``prior`` is
    added to the topic margins (other evidence, such as retrieval scores).
    """
    parts = _SENTENCE.split(text[:SENTENCE_CHARS]) if sentence_weight else []
    if len(parts) < 2:
        margins, gate = model.margins(model.feature_ids(tokens, lang, stemmers, fix))
        if prior is not None:
            margins = margins + prior
        return Assessment(model.probabilities(margins), sigmoid(gate))
    per_sentence = [model.feature_ids(tokenize(clean(part)), lang, stemmers, fix) for part in parts]
    margins, gate = model.margins([i for ids in per_sentence for i in ids])
    scored = [
        model.margins(ids)
        for part, ids in zip(parts, per_sentence, strict=True)
        if len(part.split()) >= SENTENCE_MIN_WORDS
    ][:MAX_SENTENCES]
    if len(scored) > 1:
        # A weighted mean, not a sum: a long post must not look surer than a short message.
        margins = (margins + sentence_weight * np.max([m for m, _ in scored], axis=0)) / (1.0 + sentence_weight)
        gate = max(gate, max(g for _, g in scored))
    if prior is not None:
        margins = margins + prior
    return Assessment(model.probabilities(margins), sigmoid(gate))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))


@dataclass(frozen=True)
class Labelled:
    text: str
    lang: str
    topic: str
    # Whether it reads like a message (a phrasing or an example), not a title or a keyword. Only messages
    # teach the scope gate: a lone keyword ("revisions") is a fragment, which the gate must decline.
    message: bool


def training_texts(kb: KnowledgeBase) -> tuple[list[Labelled], list[tuple[str, str]]]:
    """Each topic example and advice text with its topic; (text, lang) for each out-of-scope example."""
    labelled: list[Labelled] = []
    for tid, topic in kb.topics.items():
        for lang, advice in topic.advice.items():
            labelled.extend(Labelled(text, lang, tid, True) for text in advice.phrasings)
            labelled.extend(Labelled(text, lang, tid, False) for text in (*advice.keywords, advice.title))
    negatives: list[tuple[str, str]] = []
    for example in kb.examples:
        if example.topic is None:
            negatives.append((example.text, example.lang))
        elif example.topic in kb.topics:
            labelled.append(Labelled(example.text, example.lang, example.topic, True))
    return labelled, negatives


def train(kb: KnowledgeBase, stemmers: Stemmers, config: TrainingConfig | None = None) -> SituationModel | None:
    """Fit both models; None when there is too little to learn from.

    That is fewer than two topics, or no out-of-scope examples (without them the gate cannot learn what to
    decline), or more topics than ``MAX_TOPICS`` (dense weights grow with topics x features): the matcher then
    ranks with retrieval scores alone.
    """
    config = config or TrainingConfig()
    labelled, negatives = training_texts(kb)
    topic_ids = list(kb.topics)
    if not 2 <= len(topic_ids) <= MAX_TOPICS or not negatives:
        return None
    from scipy import sparse  # noqa: PLC0415 - training only: start-up from the cache never pays for it
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.svm import LinearSVC  # noqa: PLC0415

    concepts = build_concepts(kb.concepts, stemmers)
    docs = [features(tokenize(clean(item.text)), item.lang, stemmers, concepts) for item in labelled]
    neg_docs = [features(tokenize(clean(text)), lang, stemmers, concepts) for text, lang in negatives]
    df: Counter[str] = Counter()
    for doc in (*docs, *neg_docs):
        df.update(set(doc))
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in df.items() if n >= config.min_df))}
    total = len(docs) + len(neg_docs)
    idf = np.zeros(len(vocab), dtype=np.float32)
    for feature, i in vocab.items():
        idf[i] = math.log((1 + total) / (1 + df[feature])) + 1.0
    model = SituationModel(
        topic_ids,
        vocab,
        idf,
        np.zeros((len(vocab), len(topic_ids)), dtype=np.float16),
        np.zeros(len(topic_ids), dtype=np.float32),
        np.zeros(len(vocab), dtype=np.float32),
        0.0,
        config.temperature,
        concepts,
    )

    def matrix(rows: list[list[str]]) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        for feats in rows:
            ids, values = model.vector(feats)
            indices.extend(ids.tolist())
            data.extend(values.tolist())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices), np.asarray(indptr)),
            shape=(len(rows), len(vocab)),
        )

    x = matrix(docs)
    position = {tid: i for i, tid in enumerate(topic_ids)}
    y = np.asarray([position[item.topic] for item in labelled])
    svm = LinearSVC(C=config.topic_c, random_state=0)
    svm.fit(x, y)
    coef = np.zeros((len(topic_ids), len(vocab)), dtype=np.float32)
    bias = np.full(len(topic_ids), -10.0, dtype=np.float32)  # topics with no training text never win
    classes = list(svm.classes_)
    if len(classes) == 2:  # sklearn keeps one row for two classes
        coef[classes[1]], bias[classes[1]] = svm.coef_[0], svm.intercept_[0]
        coef[classes[0]], bias[classes[0]] = -svm.coef_[0], -svm.intercept_[0]
    else:
        for row, cls in enumerate(classes):
            coef[cls], bias[cls] = svm.coef_[row], svm.intercept_[row]
    # Half precision: half the memory, cache size and load time, and a freshly trained model answers exactly
    # as the cached one does.
    model.weights = np.ascontiguousarray(coef.T).astype(np.float16)
    model.bias = bias
    messages = np.flatnonzero([item.message for item in labelled])
    gate_x = sparse.vstack([x[messages], matrix(neg_docs)])
    gate_y = np.concatenate([np.ones(len(messages)), np.zeros(len(neg_docs))])
    gate = LogisticRegression(C=config.gate_c, class_weight="balanced", solver="liblinear")
    gate.fit(gate_x, gate_y)
    model.gate_weights = gate.coef_[0].astype(np.float32)
    model.gate_bias = float(gate.intercept_[0])
    return model
