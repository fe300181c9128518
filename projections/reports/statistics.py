"""Monthly statistics from the traceability view, with outlier flags (one query per report).

A month's figures are those of the claims *reported* in that month (China
time): their items, causes, repairs, exchanges, returns and refunds, whenever
those happened. Counting by report month keeps each rate's numerator and
denominator the same claims; the figures of a recent month still grow while
its claims are worked on.

Two outlier rules, both one-sided (only "too many" is news), thresholds in ``OutlierRules``:

* **Fault count by model** (the lamp factory's LED bulb). A model's faults are
  its items diagnosed as quality defects. The ledger has no sales volumes, so
  counts are compared between models, not rates. A model is flagged when it
  has at least ``min_faults`` faults and more than the mean + ``sd_factor`` ×
  standard deviation of the *other* models' counts (leave-one-out: with the
  model itself in the mean and deviation, one model among five can never
  exceed mean + 2 SD, however many faults it has). The deviation is floored at
  ``sd_floor`` because the other models often have identical counts (SD 0),
  where any small excess would otherwise be flagged. At least
  ``min_other_models`` other models with claims that month are needed.
* **Return/exchange share by region**. A region's share is its claims with an
  item exchanged, returned or refunded over its claims. It is tested against
  all other regions together with a one-sided binomial z-test,
  z = (x − n·p₀) / √(n·p₀·(1 − p₀)), p₀ the others' share (with half a claim
  added, so that p₀ is never 0 or 1); flagged when z > ``z_threshold`` (2.33 is
  the 1 % level) and both the region and the others have at least
  ``min_claims`` claims, because the normal approximation needs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from psycopg import Connection
from psycopg.rows import dict_row

from projections.reports.processing_time import MonthlyProcessingTime
from projections.reports.warranty_costs import WarrantyCosts
from projections.sla.breach_owners import OwnerBreaches
from projections.trace import final_remedy

# One statement, three sections in one result set (figures, model faults, region
# shares), so a report costs one round trip and sees one snapshot of the view.
# Exchanges and returns count each item once, by its final remedy.
MONTHLY = f"""
WITH items AS (
    SELECT claim_id, category, model, cause, repairs, failed_repairs, exchanged, returned,
           refunds, refunded_amount,
           coalesce(problem_category, 'unclassified') AS problem,
           coalesce(cause, claim_cause, 'undiagnosed') AS any_cause,
           coalesce(nullif(region, ''), 'unknown') AS region,
           kind = 'complaint' OR complaint_grade IS NOT NULL AS complaint,
           {final_remedy.SENT_BACK} AS sent_back
    FROM views.trace_items WHERE month = %(month)s
),
figures AS (
    SELECT CASE WHEN GROUPING(category) = 0 THEN 'category'
                WHEN GROUPING(problem) = 0 THEN 'problem'
                WHEN GROUPING(any_cause) = 0 THEN 'cause'
                WHEN GROUPING(model) = 0 THEN 'model'
                WHEN GROUPING(region) = 0 THEN 'region' ELSE 'total' END AS section,
           coalesce(category, problem, any_cause, model, region, 'all') AS key,
           count(DISTINCT claim_id) AS claims, count(*) AS items,
           coalesce(sum(repairs), 0) AS repairs, coalesce(sum(failed_repairs), 0) AS failed,
           {final_remedy.EXCHANGES} AS exchanges, {final_remedy.RETURNS} AS returns,
           coalesce(sum(refunds), 0) AS refunds, coalesce(sum(refunded_amount), 0) AS amount,
           count(DISTINCT claim_id) FILTER (WHERE complaint) AS complaints
    FROM items
    GROUP BY GROUPING SETS ((category), (problem), (any_cause), (model), (region), ())
),
model_counts AS (
    SELECT model, count(*) FILTER (WHERE cause = 'quality_defect') AS faults
    FROM items GROUP BY model
),
model_others AS (  -- leave-one-out: each model against the other models
    SELECT model, faults, count(*) OVER () - 1 AS m,
           (sum(faults) OVER () - faults)::float8 AS s,
           (sum(faults * faults) OVER () - faults * faults)::float8 AS q
    FROM model_counts
),
model_scores AS (
    SELECT model, faults, m,
           CASE WHEN m > 0 THEN s / m END AS others_mean,
           CASE WHEN m > 1 THEN sqrt(greatest((q - s * s / m) / (m - 1), 0)) END AS others_sd
    FROM model_others
),
region_counts AS (
    SELECT region, count(DISTINCT claim_id) AS claims,
           count(DISTINCT claim_id) FILTER (WHERE sent_back) AS x
    FROM items GROUP BY region
),
region_others AS (
    SELECT region, claims, x, sum(claims) OVER () - claims AS n0, sum(x) OVER () - x AS x0,
           -- half a claim added so that p0 is never 0 or 1
           (sum(x) OVER () - x + 0.5)::float8 / (sum(claims) OVER () - claims + 1) AS p0
    FROM region_counts
)
SELECT section, key, claims, items, repairs, failed AS failed_repairs, exchanges, returns,
       refunds, amount AS refund_amount, complaints,
       complaints::float8 / nullif(claims, 0) AS complaint_rate,
       NULL::bigint AS faults, NULL::float8 AS others_mean, NULL::float8 AS others_sd,
       NULL::float8 AS threshold, NULL::bigint AS returned_or_exchanged, NULL::float8 AS share,
       NULL::float8 AS others_share, NULL::float8 AS z, NULL::boolean AS flagged
FROM figures
UNION ALL
SELECT 'model_faults', model, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       faults, others_mean, others_sd, threshold, NULL, NULL, NULL, NULL,
       coalesce(m >= %(min_other_models)s AND faults >= %(min_faults)s
                AND faults > threshold, false)
FROM (SELECT *, others_mean + %(sd_factor)s * greatest(others_sd, %(sd_floor)s) AS threshold
      FROM model_scores) AS scored
UNION ALL
SELECT 'region_returns', region, claims, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, x, x::float8 / claims,
       CASE WHEN n0 > 0 THEN x0::float8 / n0 END, z,
       coalesce(claims >= %(min_claims)s AND n0 >= %(min_claims)s AND z > %(z_threshold)s, false)
FROM (SELECT *, CASE WHEN n0 > 0 THEN (x - claims * p0) / sqrt(claims * p0 * (1 - p0)) END AS z
      FROM region_others) AS tested
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class OutlierRules:
    """The thresholds of both outlier rules (see the module docstring)."""

    min_faults: int = 3
    sd_factor: float = 2.0
    sd_floor: float = 1.0
    min_other_models: int = 2
    z_threshold: float = 2.33
    min_claims: int = 10

    def describe(self) -> dict[str, str]:
        return {
            "model": (
                f"faults >= {self.min_faults} and > mean + {self.sd_factor} x max(SD, "
                f"{self.sd_floor}) of the other models' fault counts "
                f"(at least {self.min_other_models} other models)"
            ),
            "region": (
                f"one-sided binomial z-test of the region's return/exchange share against "
                f"all other regions, z > {self.z_threshold}, at least {self.min_claims} "
                f"claims on both sides"
            ),
        }


@dataclass(frozen=True)
class Figures:
    """Counts for one group of a month's claims (a category, cause, model, region or all)."""

    claims: int
    items: int
    repairs: int
    failed_repairs: int
    exchanges: int
    returns: int
    refunds: int
    refund_amount: Decimal
    complaints: int
    complaint_rate: float | None  # complaint claims / all claims; None for a group without claims


@dataclass(frozen=True)
class ModelFaults:
    model: str
    faults: int
    others_mean: float | None
    others_sd: float | None
    threshold: float | None  # the count the model had to exceed
    flagged: bool


@dataclass(frozen=True)
class RegionReturns:
    region: str
    claims: int
    returned_or_exchanged: int
    share: float
    others_share: float | None
    z: float | None
    flagged: bool


@dataclass(frozen=True)
class MonthlyStatistics:
    """One month's figures by dimension, and both outlier tests with their method.

    ``processing_time``, ``sla_breaches`` and ``warranty_costs`` are filled by
    ``projections.reports.monthly_report`` (they need the business calendar, the
    SLA view and the cost view); ``monthly_statistics`` alone leaves them empty.
    """

    month: date
    total: Figures
    by_category: dict[str, Figures]
    by_problem: dict[str, Figures]
    by_cause: dict[str, Figures]
    by_model: dict[str, Figures]
    by_region: dict[str, Figures]
    model_faults: list[ModelFaults]
    region_returns: list[RegionReturns]
    methods: dict[str, str] = field(default_factory=dict)
    processing_time: MonthlyProcessingTime | None = None
    sla_breaches: list[OwnerBreaches] = field(default_factory=list)
    warranty_costs: dict[str, WarrantyCosts] = field(default_factory=dict)

    @property
    def outlier_models(self) -> list[str]:
        return [m.model for m in self.model_faults if m.flagged]

    @property
    def outlier_regions(self) -> list[str]:
        return [r.region for r in self.region_returns if r.flagged]


def monthly_statistics(
    conn: Connection[Any], month: date, rules: OutlierRules | None = None
) -> MonthlyStatistics:
    """The statistics of the claims reported in ``month`` (any day of it), in one query."""
    rules = rules or OutlierRules()
    params: dict[str, Any] = {"month": month.replace(day=1), **vars(rules)}
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(MONTHLY, params).fetchall()
    groups: dict[str, dict[str, Figures]] = {}
    models, regions = [], []
    for row in rows:
        section, key = row.pop("section"), row.pop("key")
        if section == "model_faults":
            models.append(ModelFaults(model=key, **_pick(row, ModelFaults)))
        elif section == "region_returns":
            regions.append(RegionReturns(region=key, **_pick(row, RegionReturns)))
        else:
            groups.setdefault(section, {})[key] = Figures(**_pick(row, Figures))
    empty = Figures(0, 0, 0, 0, 0, 0, 0, Decimal("0"), 0, 0.0)
    return MonthlyStatistics(
        month=params["month"],
        total=groups.get("total", {}).get("all", empty),
        by_category=groups.get("category", {}),
        by_problem=groups.get("problem", {}),
        by_cause=groups.get("cause", {}),
        by_model=groups.get("model", {}),
        by_region=groups.get("region", {}),
        model_faults=models,
        region_returns=regions,
        methods=rules.describe(),
    )


def _pick(row: dict[str, Any], cls: type) -> dict[str, Any]:
    """The row's columns that are fields of ``cls`` (one result set carries all sections)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in row.items() if k in names}
