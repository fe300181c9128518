"""Chart geometry for server-rendered inline SVG (no JavaScript), and each chart's CSV rows.

A chart is a title, its rows and the columns of its CSV; the templates draw
horizontal bars, stacked shares and a trend line from the numbers here.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from projections.reports.satisfaction import SatisfactionRow
from projections.reports.statistics import Figures, MonthlyStatistics

TARGET = 0.95  # the satisfaction target: 95 % for three consecutive months


@dataclass(frozen=True)
class Bar:
    key: str
    value: float
    length: float  # 0..1 of the longest bar
    flagged: bool = False


@dataclass(frozen=True)
class Segment:
    name: str
    share: float  # 0..1 of the group's items
    start: float  # 0..1, where the segment begins


@dataclass(frozen=True)
class Stack:
    key: str
    items: int
    segments: list[Segment]
    flagged: bool = False


@dataclass(frozen=True)
class TrendPoint:
    month: date
    surveys: int
    satisfied: int

    @property
    def share(self) -> float | None:
        return self.satisfied / self.surveys if self.surveys else None


@dataclass
class Chart:
    """One chart: its kind (bars, stacks, trend), data and CSV table."""

    name: str
    kind: str
    header: list[str]
    rows: list[list[Any]]
    bars: list[Bar] = field(default_factory=list)
    stacks: list[Stack] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)


def scaled(values: Iterable[tuple[str, float, bool]]) -> list[Bar]:
    pairs = list(values)
    top = max((v for _, v, _ in pairs), default=0) or 1
    return [Bar(k, v, v / top, flagged) for k, v, flagged in pairs]


def count_chart(name: str, groups: dict[str, Figures], flagged: Sequence[str] = ()) -> Chart:
    """Claims per group (cause, category …), most first."""
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1].claims, kv[0]))
    bars = scaled((k, f.claims, k in flagged) for k, f in ordered)
    rows = [[k, f.claims, f.items, f.complaints] for k, f in ordered]
    return Chart(name, "bars", ["key", "claims", "items", "complaints"], rows, bars=bars)


REMEDIES = ("repairs", "exchanges", "returns")


def share_chart(name: str, groups: dict[str, Figures], flagged: Sequence[str]) -> Chart:
    """Repair, exchange and return shares of each group's items, outliers flagged."""
    stacks, rows = [], []
    for key, f in sorted(groups.items()):
        start, segments = 0.0, []
        for remedy in REMEDIES:
            share = getattr(f, remedy) / f.items if f.items else 0.0
            segments.append(Segment(remedy, min(share, 1.0 - start), start))
            start = min(start + share, 1.0)
        if f.items and start < 1.0:
            # Items with none of the three (still open, or no remedy): labelled, never blank.
            segments.append(Segment("other", 1.0 - start, start))
        stacks.append(Stack(key, f.items, segments, key in flagged))
        rows.append([key, f.items, f.repairs, f.exchanges, f.returns, f.refunds, key in flagged])
    header = ["key", "items", "repairs", "exchanges", "returns", "refunds", "flagged"]
    return Chart(name, "stacks", header, rows, stacks=stacks)


def satisfaction_chart(rows: Sequence[SatisfactionRow], months: Sequence[date]) -> Chart:
    """Satisfied share of surveys in each of ``months`` (all teams), against the 95 % target."""
    surveys: dict[date, int] = defaultdict(int)
    satisfied: dict[date, int] = defaultdict(int)
    for row in rows:
        surveys[row.month] += row.surveys
        satisfied[row.month] += row.satisfied
    points = [TrendPoint(m, surveys[m], satisfied[m]) for m in months]
    table = [[p.month.isoformat(), p.surveys, p.satisfied, _round(p.share), TARGET] for p in points]
    header = ["month", "surveys", "satisfied", "satisfied_share", "target"]
    return Chart("satisfaction", "trend", header, table, trend=points)


def _round(share: float | None) -> float | None:
    return None if share is None else round(share, 4)


def monthly_charts(
    stats: MonthlyStatistics, satisfaction: Sequence[SatisfactionRow], months: Sequence[date]
) -> list[Chart]:
    """The monthly report's charts, in page order."""
    return [
        count_chart("cause", stats.by_cause),
        count_chart("category", stats.by_category),
        count_chart("problem", stats.by_problem),
        share_chart("region", stats.by_region, stats.outlier_regions),
        share_chart("model", stats.by_model, stats.outlier_models),
        satisfaction_chart(satisfaction, months),
    ]


def to_csv(chart: Chart) -> str:
    """The chart's table as CSV, with a byte-order mark so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(chart.header)
    writer.writerows(chart.rows)
    return out.getvalue()
