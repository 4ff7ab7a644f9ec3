"""Quality figures for labelled situation sets (the format of shared/eval/situations.yaml)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import CoachError
from bot.matching.matcher import Matcher
from bot.matching.result import MatchResult

# Lower bounds of the confidence buckets of the reliability table, highest first.
BUCKETS = (0.9, 0.7, 0.5, 0.3, 0.0)


def bucket(score: float) -> float:
    return next(b for b in BUCKETS if score >= b)


@dataclass(frozen=True)
class Case:
    text: str
    lang: str
    expect: tuple[str, ...]


@dataclass
class Report:
    name: str
    in_scope: int = 0
    out_of_scope: int = 0
    top1: int = 0
    top3: int = 0
    abstained_out: int = 0
    abstained_in: int = 0
    lang_ok: int = 0
    misses: list[tuple[Case, MatchResult]] = field(default_factory=list)
    # confidence bucket (its lower bound) -> [right, answered] among in-scope cases the matcher answered
    reliability: dict[float, list[int]] = field(default_factory=lambda: {b: [0, 0] for b in BUCKETS})
    # language -> [top-1 right, in-scope cases]
    by_lang: dict[str, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.in_scope + self.out_of_scope

    def figures(self) -> dict[str, float]:
        def rate(a: int, b: int) -> float:
            return a / b if b else 0.0

        return {
            "top1": rate(self.top1, self.in_scope),
            "top3": rate(self.top3, self.in_scope),
            "out_of_scope_abstention": rate(self.abstained_out, self.out_of_scope),
            "false_abstention": rate(self.abstained_in, self.in_scope),
            "language": rate(self.lang_ok, self.total),
        }


def load_cases(path: Path) -> list[Case]:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CoachError(f"{path}: cannot read the labelled set ({exc.__class__.__name__})") from None
    raw = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise CoachError(f"{path}: expected a top-level `cases:` list")
    cases: list[Case] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise CoachError(f"{path}: cases[{index}]: expected a mapping with text, lang and expect")
        cases.append(Case(item["text"], str(item.get("lang", "en")), tuple(item.get("expect") or ())))
    return cases


def evaluate(
    matcher: Matcher, cases: list[Case], name: str = "", refines: Mapping[str, Sequence[str]] | None = None
) -> Report:
    """``refines`` maps a narrower topic to the broader ids it refines: a set labelled with the broader
    ids counts a match of the narrower topic as a match of the one it narrows."""
    report = Report(name)
    narrows = refines or {}

    def labels(topic_id: str) -> set[str]:
        return {topic_id, *narrows.get(topic_id, ())}

    for case in cases:
        result = matcher.match(case.text)
        ids = [m.id for m in result.matches]
        report.lang_ok += result.lang == case.lang
        if case.expect:
            report.in_scope += 1
            expected = set(case.expect)
            ok1 = bool(ids) and bool(labels(ids[0]) & expected)
            report.top1 += ok1
            report.top3 += any(labels(i) & expected for i in ids[:3])
            report.abstained_in += not result.confident
            per_lang = report.by_lang.setdefault(case.lang, [0, 0])
            per_lang[0] += ok1
            per_lang[1] += 1
            if result.confident and result.best is not None:
                cell = report.reliability[bucket(result.best.score)]
                cell[0] += ok1
                cell[1] += 1
            if not ok1 or not result.confident:
                report.misses.append((case, result))
        else:
            report.out_of_scope += 1
            report.abstained_out += not result.confident
            if result.confident:
                report.misses.append((case, result))
        if result.lang != case.lang and (case, result) not in report.misses:
            report.misses.append((case, result))
    return report


def format_report(report: Report, show_misses: bool = False, show_details: bool = False) -> str:
    f = report.figures()
    lines = []
    if show_misses:
        for case, result in report.misses:
            got = ", ".join(f"{m.id}:{m.score:.2f}" for m in result.matches[:3])
            lines.append(
                f"  MISS [{case.lang}->{result.lang}] {result.decision:<12} expect={list(case.expect)} got={got}\n"
                f"       {case.text[:110]}"
            )
    lines.append(
        f"{report.name}: {report.total} cases ({report.in_scope} in scope, {report.out_of_scope} out of scope)"
    )
    lines.append(
        f"  top-1 {f['top1']:.3f}  top-3 {f['top3']:.3f}  out-of-scope abstention "
        f"{report.abstained_out}/{report.out_of_scope}  false abstention {f['false_abstention']:.3f}  "
        f"language {f['language']:.3f}"
    )
    if show_details and report.in_scope:
        langs = "  ".join(f"{lang} {right}/{total}" for lang, (right, total) in sorted(report.by_lang.items()))
        lines.append(f"  top-1 by language: {langs}")
        cells = []
        for low, (right, total) in report.reliability.items():
            rate = f"{right / total:.2f}" if total else "-"
            cells.append(f"{low:.1f}+ {rate} ({total})")
        lines.append(f"  reliability (confidence -> top-1 accuracy of answers given): {'  '.join(cells)}")
    return "\n".join(lines)
