"""Recognise the freelancer's situation: ranked topics, calibrated scores, a decision.

Scoring has two stages. Every topic gets a TF-IDF cosine between the message
and the topic's word profile (all its phrasings, keywords, title and summary),
computed from posting lists with numpy, so the cost grows with the message,
not with the number of phrasings. The best few topics are then re-scored
against their individual phrasings (IDF-weighted overlap of stems), which is
what recognises short messages. Words the knowledge base has never seen are
snapped to a known word when they look like a typo of one (rapidfuzz).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.kb.model import LANGS, KnowledgeBase
from bot.matching.classifier import SituationModel, assess, train
from bot.matching.counterpart import (
    PERSONAL_WORK_CONCEPTS,
    WORK_CONCEPTS,
    WORKPLACE_CONCEPT,
    Counterpart,
    read_counterpart,
)
from bot.matching.features import features
from bot.matching.index import TYPO_MIN_LENGTH, FloatArray, IntArray, LangIndex, MatchIndex, build_index, with_bigrams
from bot.matching.result import Decision, Match, MatchResult
from bot.matching.segments import segments
from bot.text.language import LanguageDetector
from bot.text.normalize import clean, content_words, fold_accents, tokenize
from bot.text.stopwords import ALL_STOPWORDS, SMALL_TALK

# Typo correction is the costliest step for long messages full of unknown words; a typo
# that matters is rarely the 13th unknown word of a message.
MAX_TYPO_CORRECTIONS = 12
CORRECTION_CACHE = 50_000
# The languages a message is scored in, by detected language: its own, the one it is most often
# confused with (Spanish and Catalan), and English, which freelancers mix into every language.
_SCORED = {"en": ("en",), "es": ("es", "ca", "en"), "ca": ("ca", "es", "en"), "fi": ("fi", "en")}
COMPOUND_MIN_LENGTH = 8
# Messages with more clauses than this are stories, not lists of problems: no clause-by-clause check.
MAX_CLAUSES = 8
RESCUE_MIN_WORDS = 3
# ... and its situation must lead the clause's runner-up by this factor.
CLAUSE_LEAD = 3.0
COMPOUND_PART = 4


def top_positions(scores: FloatArray, k: int) -> IntArray:
    """Positions of the ``k`` highest scores, best first (ties by position), without sorting everything."""
    if len(scores) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        order = part[np.lexsort((part, -scores[part]))]
    else:
        order = np.lexsort((np.arange(len(scores)), -scores))
    result: IntArray = order.astype(np.int32)
    return result


def is_small_talk(tokens: list[str]) -> bool:
    """Nothing but greetings, thanks and filler (or nothing at all)."""
    return all(t in ALL_STOPWORDS or fold_accents(t) in SMALL_TALK or t.isdigit() for t in tokens)


@dataclass(frozen=True)
class MatcherConfig:
    candidates: int = 6
    # Calibration: a raw score at `midpoint` maps to 0.5; `steepness` sets how fast it rises.
    midpoint: float = 0.10
    steepness: float = 15.0
    # Below this calibrated score the message is out of scope.
    answer_from: float = 0.5
    # The runner-up is a real alternative when its score is this close to the best.
    ambiguous_ratio: float = 0.9
    # ... unless the best is this sure.
    sure_above: float = 0.85
    # A clause is its own problem when its topic scores this high on the clause alone
    # and `several_from` on the whole message.
    segment_from: float = 0.85
    several_from: float = 0.8
    # Query words in languages other than the detected one count this much.
    other_language_weight: float = 0.8
    # Raw score = (profile_weight * profile + (1 - profile_weight) * nearest) * coverage ** coverage_power,
    # where nearest is the mean of the `nearest_k` most similar phrasings.
    profile_weight: float = 0.3
    profile_scale: float = 3.0
    nearest_k: int = 3
    coverage_power: float = 0.5
    max_chars: int = 4000
    # With a trained situation model: the scope gate's threshold (probability the message is a client
    # problem), how much the strongest sentence's margins add to the whole message's, and how much the
    # retrieval score (0-1) adds to the classifier's margins. The gate's threshold balances refusing real
    # client problems against answering what is not one; people in the writer's own life are declined before
    # it (counterpart.py), so it can sit a little lower (BENCHMARKS.md has the figures at 0.45-0.6).
    in_scope_from: float = 0.55
    # ... unless retrieval recognises the message this surely and the gate gives it at least `rescue_from`.
    recognised_from: float = 0.9
    rescue_from: float = 0.2
    # ... or unless the classifier is all but certain which client situation it is ("invoice was net 30 and
    # we're at day 75"): the gate leans on words such as "client", which a message need not use.
    certain_from: float = 0.95
    sentence_weight: float = 0.3
    retrieval_weight: float = 0.4
    # A classified answer is given outright at this score; below it the user picks from the closest topics.
    confident_from: float = 0.5
    # When asking, a runner-up is offered if its probability is at least this share of the best one's.
    option_share: float = 0.1
    retrieval_option_share: float = 0.8
    # A clause names a situation of its own when the classifier is this sure of it on the clause alone.
    clause_from: float = 0.6


@dataclass
class _LangQuery:
    counts: Counter[str]
    known_norm: float
    coverage: float


class Matcher:
    def __init__(
        self,
        kb: KnowledgeBase,
        config: MatcherConfig | None = None,
        index: MatchIndex | None = None,
        detector: LanguageDetector | None = None,
        model: SituationModel | None = None,
        *,
        train_model: bool = True,
    ) -> None:
        """``model`` is the compiled situation classifier; without one it is trained here unless ``train_model``
        is false (then only retrieval scoring is used)."""
        self.config = config or MatcherConfig()
        self.index = index or build_index(kb)
        self.detector = detector or LanguageDetector(self.index.language_corpus)
        self.model = model if model is not None or not train_model else train(kb, self.index.stemmers)
        if self.model is not None and self.model.topic_ids != self.index.topic_ids:
            raise ValueError("the situation model was trained on other topics than the index holds")
        self._corrections: dict[tuple[str, str, bool], str | None] = {}
        # A message that is just a situation's name ("late payment", a title in any language) means that one.
        self._names = {
            " ".join(tokenize(clean(name))): tid
            for tid, titles in self.index.titles.items()
            for name in (tid.replace("-", " "), *titles.values())
        }

    # -- public -----------------------------------------------------------------

    def match(self, text: str, lang: str | None = None, fallback_lang: str = "en") -> MatchResult:
        c = self.config
        truncated = len(text) > c.max_chars
        body = text[: c.max_chars]
        tokens = tokenize(clean(body))
        detected = lang if lang in LANGS else (self.detector.detect(tokens).lang or fallback_lang)
        retrieval = self._scores(tokens, detected)
        named = self._names.get(" ".join(tokens))
        if named is not None:
            position = self.index.topic_ids.index(named)
            retrieval[position] = 1.0
        in_scope: float | None = None
        who = read_counterpart(body)
        scores = retrieval
        if self.model is not None and named is None and not is_small_talk(tokens):
            fix = self._typo_fixer(detected)
            found = assess(
                self.model,
                body,
                tokens,
                detected,
                self.index.stemmers,
                c.sentence_weight,
                fix,
                retrieval * c.retrieval_weight,
            )
            in_scope = found.in_scope
            recognised = float(retrieval.max()) if len(retrieval) else 0.0
            described = len(content_words(tokens)) >= RESCUE_MIN_WORDS  # a description, not a fragment
            if described and recognised >= c.recognised_from and in_scope >= c.rescue_from:
                # Close to the knowledge base's own phrasings, and the gate does not flatly reject it: a
                # short, direct description ("they're threatening to get a lawyer over the website").
                in_scope = max(in_scope, recognised)
            # Whoever hired the writer is a client ("my friend's bakery hired me ..."), and so is the other side
            # of a situation the classifier is all but certain of: unless the gate flatly rejects the message.
            certain = described and float(found.probabilities.max()) >= c.certain_from
            if in_scope >= c.rescue_from and (who.hired or certain):
                in_scope = max(in_scope, c.in_scope_from)
            # P(a client problem) x P(this situation | a client problem).
            scores = (in_scope * found.probabilities).astype(np.float32)
        order = np.argsort(-scores, kind="stable")
        matches = tuple(self._match(int(i), float(scores[i]), detected) for i in order[: max(c.candidates, 5)])
        decision: Decision = "out_of_scope"
        problems: tuple[str, ...] = ()
        if named is not None or not self._about_someone_else(who, tokens, detected):  # not "my boss yells"
            decision, problems = self._decide(body, matches, detected, retrieval, in_scope)
        options = self._options(matches, classified=in_scope is not None) if decision == "ambiguous" else ()
        return MatchResult(text, detected, decision, matches, problems, truncated, options)

    def _about_someone_else(self, who: Counterpart, tokens: list[str], lang: str) -> bool:
        """A partner, a relative, a boss or someone the writer hired, and no client: not a client problem. A
        relative or a friend the writer does paid work for is a client, though ("my cousin wants it for free")."""
        if who.role != "relation":
            return who.role == "customer"
        if who.works_for_them:
            return False
        concepts = self.model.concepts if self.model is not None else None
        if concepts is None:
            return True
        found = {f[2:] for f in features(tokens, lang, self.index.stemmers, concepts) if f.startswith("k:")}
        work = WORK_CONCEPTS if WORKPLACE_CONCEPT in found else WORK_CONCEPTS | PERSONAL_WORK_CONCEPTS
        return not found & work

    def _options(self, matches: tuple[Match, ...], classified: bool) -> tuple[str, ...]:
        """The best two or three situations to offer; a third only when it is not negligible."""
        top = matches[:3]
        if classified:  # probabilities share one unit among all topics: always offer a second
            share, kept = self.config.option_share, 2
        else:  # retrieval scores are each 0-1: only the close ones
            share, kept = self.config.retrieval_option_share, 1
        return tuple(m.id for i, m in enumerate(top) if i < kept or m.score >= share * top[0].score)

    # -- scoring ----------------------------------------------------------------

    def _match(self, position: int, score: float, lang: str) -> Match:
        tid = self.index.topic_ids[position]
        return Match(tid, score, self.index.titles[tid][lang])

    def _scores(self, tokens: list[str], detected: str, only_detected: bool = False) -> FloatArray:
        """Calibrated score in [0, 1] for every topic."""
        n = self.index.size
        best = np.zeros(n, dtype=np.float32)
        if n == 0 or is_small_talk(tokens):
            return best
        queries = {
            lang: self._lang_query(tokens, self.index.langs[lang], lang == detected)
            for lang in ((detected,) if only_detected else _SCORED[detected])
        }
        profile = np.zeros(n, dtype=np.float32)
        coverage = np.zeros(n, dtype=np.float32)
        for lang, query in queries.items():
            if not query.counts:
                continue
            cos = self._profile_cosine(query, self.index.langs[lang])
            if lang != detected:
                cos *= np.float32(self.config.other_language_weight)
            better = cos > profile
            profile[better] = cos[better]
            coverage[better] = query.coverage
        c = self.config
        ranked = top_positions(profile, c.candidates)
        top = ranked[profile[ranked] > 0]
        if len(top) == 0:
            return best
        nearest = np.zeros(len(top), dtype=np.float32)
        for lang, query in queries.items():
            if query.counts:
                index = self.index.langs[lang]
                found = self._nearest(self._phrase_overlap(query, index), index, top, query.known_norm or 1.0)
                if lang != detected:
                    found *= np.float32(c.other_language_weight)
                np.maximum(nearest, found, out=nearest)
        blended = c.profile_weight * np.minimum(1.0, c.profile_scale * profile[top]) + (1 - c.profile_weight) * nearest
        raw = blended * coverage[top] ** c.coverage_power
        best[top] = np.where(raw > 0, 1.0 / (1.0 + np.exp(-c.steepness * (raw - c.midpoint))), 0.0)
        return best

    def _lang_query(self, tokens: list[str], index: LangIndex, correct_typos: bool) -> _LangQuery:
        stemmers = self.index.stemmers
        stems: list[str] = []
        unknown = 0.0
        corrections_left = MAX_TYPO_CORRECTIONS if correct_typos else 0
        for word in content_words(tokens):
            stem = stemmers.stem(index.lang, word)
            if stem not in index.idf and corrections_left and len(word) >= TYPO_MIN_LENGTH:
                corrections_left -= 1
                stem = self._correct(fold_accents(word), index) or stem
            if stem in index.idf:
                stems.append(stem)
                continue
            parts = self._split_compound(word, index)
            if parts:
                stems.extend(parts)
            else:
                unknown += index.max_idf
                stems.append(stem)
        counts: Counter[str] = Counter(f for f in with_bigrams(stems) if f in index.idf)
        known = sum(index.idf[s] for s in stems if s in index.idf)
        norm = math.sqrt(sum((index.idf[s] * (1.0 + math.log(c))) ** 2 for s, c in counts.items()))
        coverage = known / (known + unknown) if known + unknown > 0 else 0.0
        return _LangQuery(counts, norm, coverage)

    def _correct(self, word: str, index: LangIndex) -> str | None:
        """The stem of the known word this one is a typo of."""
        known = self._correct_word(word, index)
        return index.surface_stem[known] if known is not None else None

    def _correct_word(self, word: str, index: LangIndex, *, not_itself: bool = False) -> str | None:
        """The known word this one is a typo of: one edit (a transposition counts as one) away.

        ``not_itself`` looks past the word itself when it is known (some phrasings carry a typo on purpose).
        """
        key = (index.lang, word, not_itself)
        if key in self._corrections:
            return self._corrections[key]
        choices = index.typo_candidates.get(len(word))
        if not_itself and choices:
            choices = [w for w in choices if w != word]
        found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=1) if choices else None
        known = str(found[0]) if found else None
        if len(self._corrections) < CORRECTION_CACHE:
            self._corrections[key] = known
        return known

    def _typo_fixer(self, lang: str) -> Callable[[str], str | None]:
        index = self.index.langs[lang]

        def fix(word: str) -> str | None:
            if len(word) < TYPO_MIN_LENGTH:
                return None
            folded = fold_accents(word)
            known = self._correct_word(folded, index)
            if known == folded:  # a misspelling some phrasing carries on purpose: find the word it stands for
                known = self._correct_word(folded, index, not_itself=True)
            return known

        return fix

    def _split_compound(self, word: str, index: LangIndex) -> list[str]:
        """Known stems a long unknown word is made of ("lisämaksu" → lisä + maksu), or nothing."""
        if len(word) < COMPOUND_MIN_LENGTH:
            return []
        stem = self.index.stemmers.stem
        for cut in range(len(word) - COMPOUND_PART, COMPOUND_PART - 1, -1):
            head, tail = stem(index.lang, word[:cut]), stem(index.lang, word[cut:])
            if head in index.idf and tail in index.idf:
                return [head, tail]
        return []

    def _profile_cosine(self, query: _LangQuery, index: LangIndex) -> FloatArray:
        spans = [index.spans[feature] for feature in query.counts]
        lengths = [end - start for start, end in spans]
        positions = np.concatenate([index.posting_topics[start:end] for start, end in spans])
        values = np.concatenate([index.posting_weights[start:end] for start, end in spans])
        query_weights = [index.idf[f] * (1.0 + math.log(n)) for f, n in query.counts.items()]
        values = values * np.repeat(np.asarray(query_weights, dtype=np.float32), lengths)
        summed = np.bincount(positions, weights=values, minlength=self.index.size)
        return (summed / (query.known_norm or 1.0)).astype(np.float32)

    def _phrase_overlap(self, query: _LangQuery, index: LangIndex) -> npt.NDArray[np.float64]:
        """For every phrasing of this language, the summed IDF² of the features it shares with the message."""
        size = len(index.phrase_norms)
        spans = [(f, index.phrase_spans[f]) for f in query.counts if f in index.phrase_spans]
        if not spans:
            return np.zeros(size, dtype=np.float64)
        ids = np.concatenate([index.phrase_ids[start:end] for _, (start, end) in spans])
        weights = np.repeat(
            np.asarray([index.idf[f] ** 2 for f, _ in spans], dtype=np.float32),
            [end - start for _, (start, end) in spans],
        )
        # With weights, bincount returns float64 (its stub says integers).
        return cast(npt.NDArray[np.float64], np.bincount(ids, weights=weights, minlength=size))

    def _nearest(
        self, overlap: npt.NDArray[np.float64], index: LangIndex, topics: IntArray, query_norm: float
    ) -> FloatArray:
        """For each topic, the mean cosine of its ``nearest_k`` phrasings closest to the message.

        Only the candidate topics' phrasings are normalised, so the cost does not grow with the knowledge base.
        """
        k = self.config.nearest_k
        ids = index.topic_phrase_matrix[topics]
        cosines = overlap[ids] / (index.phrase_norms[ids] * query_norm)
        sims: FloatArray = np.where(ids >= 0, cosines, 0.0).astype(np.float32)
        if sims.shape[1] > k:
            sims = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
        means: FloatArray = (sims.sum(axis=1) / k).astype(np.float32)
        return means

    # -- decision ---------------------------------------------------------------

    def _decide(
        self, body: str, matches: tuple[Match, ...], lang: str, retrieval: FloatArray, in_scope: float | None
    ) -> tuple[Decision, tuple[str, ...]]:
        c = self.config
        if not matches:
            return "out_of_scope", ()
        if in_scope is None:  # retrieval alone: its calibrated score decides
            if matches[0].score < c.answer_from:
                return "out_of_scope", ()
        elif in_scope < c.in_scope_from:
            # A list of problems can read as nothing in particular as a whole; each clause that the gate
            # lets in on its own and names its own situation still counts.
            several = self._several_classified(body, lang, gate_from=c.in_scope_from)
            return ("several", several) if several else ("out_of_scope", ())
        best = matches[0]
        several = self._several_classified(body, lang) if in_scope is not None else self._several(body, lang, retrieval)
        if len(several) > 1:
            return "several", several
        if in_scope is not None:
            return ("confident" if best.score >= c.confident_from else "ambiguous"), (best.id,)
        runner = matches[1] if len(matches) > 1 else None
        if runner and best.score < c.sure_above and runner.score >= c.ambiguous_ratio * best.score:
            return "ambiguous", (best.id,)
        return "confident", (best.id,)

    def _several_classified(self, body: str, lang: str, gate_from: float = 0.0) -> tuple[str, ...]:
        """Two or three situations, each the clear subject of its own clause (judged by the classifier);
        with ``gate_from``, only clauses the scope gate lets in that surely count."""
        found = self.clause_topics(body, lang, gate_from)
        return found if len(found) > 1 else ()

    def clause_topics(self, body: str, lang: str, gate_from: float = 0.0) -> tuple[str, ...]:
        """The situations (up to three) that are each the clear subject of a clause of a message of several
        clauses, in order; empty without the trained classifier."""
        model, c = self.model, self.config
        clauses = segments(body, lang)
        if model is None or not 2 <= len(clauses) <= MAX_CLAUSES:
            return ()
        found: list[str] = []
        for clause in clauses:
            tokens = tokenize(clean(clause))
            assessed = assess(model, clause, tokens, lang, self.index.stemmers, 0.0)
            position = int(np.argmax(assessed.probabilities))
            tid = model.topic_ids[position]
            # Unless asked, a short clause is judged on its topic alone (the whole message passed the gate).
            best, runner = np.sort(assessed.probabilities)[::-1][:2]
            sure = best >= c.clause_from and best >= CLAUSE_LEAD * runner and assessed.in_scope >= gate_from
            if sure and tid not in found:
                found.append(tid)
        return tuple(found[:3])

    def _several(self, body: str, lang: str, retrieval: FloatArray) -> tuple[str, ...]:
        """Two or more situations, each strong on its own clause (judged by retrieval scores)."""
        strong = np.flatnonzero(retrieval >= self.config.several_from)
        shortlisted = {self.index.topic_ids[int(i)] for i in strong}
        if len(shortlisted) < 2:
            return ()  # no second strong situation: skip scoring the clauses
        clauses = segments(body, lang)
        if len(clauses) < 2:
            return ()
        found: list[str] = []
        clauses = clauses[:12]
        for index, clause in enumerate(clauses):
            if len(found) + len(clauses) - index < 2:
                break  # the clauses left cannot make this more than one problem
            # A clause is judged in the message's language only: it is short, and this keeps the check cheap.
            scores = self._scores(tokenize(clean(clause)), lang, only_detected=True)
            position = int(np.argmax(scores))
            tid = self.index.topic_ids[position]
            if scores[position] >= self.config.segment_from and tid in shortlisted and tid not in found:
                found.append(tid)
        return tuple(found) if len(found) > 1 else ()
