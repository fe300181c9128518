"""Traceability reads: a serial number's whole story, and batch / model / supplier summaries.

A replacement that fails later comes back in a new claim under its own serial
number, so a serial's story follows the replacement links both ways (a
recursive query) and gathers every claim about any serial of the chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import class_row, dict_row

from projections.trace import final_remedy

# Events that tell an item's story; notes, evidence, SLA pauses and triage are left out.
KEY_EVENTS = [
    "Reported", "Diagnosed", "Quoted", "QuoteAccepted", "QuoteDeclined", "RepairStarted",
    "Repaired", "ReplacementShipped", "ReturnReceived", "Refunded", "Escalated",
    "CustomerConfirmed", "Closed", "Rejected", "Withdrawn", "Reopened",
]  # fmt: skip
# The causes the supplier answers for, against the customer's doing and the carrier's.
QUALITY = ("quality_defect",)
MISUSE = ("misuse", "unauthorised_repair")
TRANSPORT = ("transport_damage",)


@dataclass(frozen=True)
class StoryEvent:
    position: int
    event_type: str
    actor: str
    occurred_at: datetime
    summary: str


@dataclass(frozen=True)
class StoryEventData(StoryEvent):
    """A key event with its data as the audit trail keeps it (personal data reduced to the
    region), for the console to word it in the reader's language; the API answers without."""

    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoryItem:
    """One claim about one serial of the chain, with the claim's key events for that item."""

    claim_id: UUID
    claim_number: str
    item_no: int
    serial_no: str
    model: str  # the model code, which lookups match
    model_name: str | None  # its display name, only shown
    batch_no: str | None
    reported_at: datetime
    cause: str | None
    rule_id: str | None
    remedy: str | None
    repairs: int
    failed_repairs: int
    replacement_serial_no: str | None
    stage: str
    claim_status: str
    events: list[StoryEvent]


@dataclass(frozen=True)
class SerialStory:
    """Every claim about a serial number and the serials it replaced or was replaced by."""

    serial_no: str
    chain: list[str]  # from the first serial sold to the latest replacement
    claims: list[StoryItem]


CHAIN = """
WITH RECURSIVE chain(serial_no) AS (
    SELECT %(serial)s::text
    UNION  -- not UNION ALL: a serial already in the chain is not followed again
    SELECT CASE WHEN r.from_serial = c.serial_no THEN r.to_serial ELSE r.from_serial END
    FROM chain c JOIN views.trace_replacements r
      ON r.from_serial = c.serial_no OR r.to_serial = c.serial_no
)
"""
LINKS = (
    CHAIN
    + """
SELECT from_serial, to_serial FROM views.trace_replacements
WHERE to_serial IN (SELECT serial_no FROM chain) ORDER BY position, unit
"""
)
STORY = (
    CHAIN
    + """
SELECT t.claim_id, t.claim_number, t.item_no, t.serial_no, t.model, t.model_name, t.batch_no,
       t.reported_at,
       t.cause, t.rule_id, t.remedy, t.repairs, t.failed_repairs, t.replacement_serial_no,
       t.stage, t.claim_status,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'position', a.position, 'event_type', a.event_type, 'actor', a.actor,
                   'occurred_at', a.occurred_at, 'summary', a.summary,
                   'payload', a.payload) ORDER BY a.position)
                   -- a filter, not a condition: the claim's few events by its key, never
                   -- the event types' index (every claim's Reported) beside it
                   FILTER (WHERE a.event_type = ANY(%(key_events)s)), '[]')
          FROM views.audit_trail a
         WHERE a.claim_id = t.claim_id
           -- claim-wide events (no item_no) belong to every item's story
           AND coalesce((a.payload ->> 'item_no')::int, t.item_no) = t.item_no) AS events
FROM views.trace_items t
-- The chain first (an InitPlan of a few serials), then the serial index: a join with the
-- recursive CTE is estimated at hundreds of serials, read every item and cost enough
-- to compile the plan (JIT) on each page.
WHERE t.serial_no = ANY(ARRAY(SELECT serial_no FROM chain))
ORDER BY t.reported_at, t.claim_number, t.item_no
"""
)


def serial_story(conn: Connection[Any], serial_no: str, with_data: bool = False) -> SerialStory:
    """The item's story across claims, following faulty serial → replacement both ways.

    The key events come from the audit trail, so they are as fresh as that view.
    """
    serial = serial_no.strip()
    params = {"serial": serial, "key_events": KEY_EVENTS}
    if not serial:
        return SerialStory(serial_no=serial_no, chain=[], claims=[])
    with conn.cursor(row_factory=dict_row) as cur:
        links = cur.execute(LINKS, params).fetchall()
        rows = cur.execute(STORY, params).fetchall()
    chain: list[str] = []
    # Replacements happen one after another, so ledger order is the chain's order.
    for link in links:
        for serial in (link["from_serial"], link["to_serial"]):
            if serial and serial not in chain:
                chain.append(serial)
    claims = [
        StoryItem(
            **{k: v for k, v in row.items() if k != "events"},
            events=[story_event(e, with_data) for e in row["events"]],
        )
        for row in rows
    ]
    return SerialStory(serial_no=serial_no, chain=chain or [serial], claims=claims)


def story_event(found: dict[str, Any], with_data: bool) -> StoryEvent:
    """One key event of the story; with its data only when asked (the console's)."""
    values = {**found, "occurred_at": datetime.fromisoformat(found["occurred_at"])}
    payload = values.pop("payload", None) or {}
    return StoryEventData(**values, payload=payload) if with_data else StoryEvent(**values)


@dataclass(frozen=True)
class Responsibility:
    """Diagnosed items by who answers for the fault; shares are of diagnosed items."""

    diagnosed: int
    quality: int  # quality defects: the supplier's responsibility
    misuse: int  # misuse or unauthorised repair: the customer's
    transport: int  # transport damage: the seller's (logistics)
    other: int  # force majeure, wear, no fault found, mismatch, preference …

    def share(self, count: int) -> float:
        return count / self.diagnosed if self.diagnosed else 0.0

    @property
    def supplier_share(self) -> float:
        return self.share(self.quality)


@dataclass(frozen=True)
class TraceSummary:
    """What happened to the items of one batch, model or supplier.

    ``model_names`` are the display names recorded for the items' model codes
    (shown only: the key matches codes exactly).
    """

    key: str
    model_names: list[str]
    claims: int
    items: int
    causes: dict[str, int]
    repairs: int
    failed_repairs: int
    exchanges: int
    returns: int
    refunds: int
    refunded_amount: Decimal
    quoted_amount: Decimal
    responsibility: Responsibility
    replacements: int = 0  # replacement units shipped that belong here (a batch: its own)
    serials: list[str] = field(default_factory=list)  # affected: the items' and replacements'
    claim_numbers: list[str] = field(default_factory=list)  # the claims about them
    serial_count: int = 0  # how many serials are affected (``serials`` may list fewer)
    claim_number_count: int = 0  # how many claims are about them (``claim_numbers`` likewise)


# The affected units of a batch, model or supplier, one row per unit and claim
# (``RecallUnit``): the items of the key, the replacement units that belong to it
# (``_shipped``) with the claim that shipped them, and the claims about them since.
UNITS = """
picked AS (SELECT * FROM views.trace_items WHERE {column} = %(key)s),
shipped AS ({shipped}),
units AS (SELECT DISTINCT * FROM (
    SELECT t.serial_no, t.batch_no, t.model, t.supplier, 'item' AS belongs,
           'reported' AS claim_event, t.claim_id, t.claim_number, t.item_no,
           t.reported_at AS at, t.cause, t.remedy, t.stage, t.claim_status
      FROM picked t
    UNION ALL
    SELECT s.to_serial, s.batch_no, t.model, t.supplier, 'replacement', 'shipped',
           t.claim_id, t.claim_number, t.item_no, s.shipped_at, t.cause, t.remedy, t.stage,
           t.claim_status
      FROM shipped s JOIN views.trace_items t ON t.claim_id = s.claim_id AND t.item_no = s.item_no
    UNION ALL
    SELECT t.serial_no, s.batch_no, t.model, t.supplier, 'replacement', 'reported',
           t.claim_id, t.claim_number, t.item_no, t.reported_at, t.cause, t.remedy, t.stage,
           t.claim_status
      FROM shipped s JOIN views.trace_items t ON t.serial_no = s.to_serial
     WHERE t.{column} IS DISTINCT FROM %(key)s
) AS u)
"""


# A summary reads the key's items once. ``extra``: the claims about replacement units
# that belong to the key while their own item does not (those count where the
# replacement belongs). Units are not gathered row by row as the recall does (a DISTINCT
# over every column of 10,000 items was half the query's time): the affected serials
# are the items' and the replacements', the claims those of the items and of the
# shipments. Distinct values are found by hashing and compared bytewise (COLLATE "C":
# the same equality); only the listed ones are sorted (in code point order, as Python
# sorts) and sent, ``listed`` at most (NULL: all of them).
SUMMARY = f"""
WITH shipped AS ({{shipped}}),
extra AS (SELECT * FROM views.trace_items
           WHERE serial_no IN (SELECT to_serial FROM shipped)
             AND {{column}} IS DISTINCT FROM %(key)s),
items AS MATERIALIZED (
    SELECT claim_id, claim_number, serial_no, model_name, cause, repairs, failed_repairs,
           exchanged, refunds, refunded_amount, quoted_amount
      FROM views.trace_items WHERE {{column}} = %(key)s
    UNION ALL
    SELECT claim_id, claim_number, serial_no, model_name, cause, repairs, failed_repairs,
           exchanged, refunds, refunded_amount, quoted_amount
      FROM extra),
shipments AS (SELECT DISTINCT s.to_serial, s.batch_no, s.claim_id, s.item_no, s.shipped_at,
                              t.claim_number
                FROM shipped s JOIN views.trace_items t
                  ON t.claim_id = s.claim_id AND t.item_no = s.item_no),
affected_serials AS MATERIALIZED (
    SELECT serial_no COLLATE "C" FROM items WHERE serial_no IS NOT NULL
    UNION SELECT to_serial COLLATE "C" FROM shipments),
affected_claims AS MATERIALIZED (
    SELECT claim_number COLLATE "C" FROM items
    UNION SELECT claim_number COLLATE "C" FROM shipments)
SELECT (SELECT count(*) FROM (SELECT DISTINCT claim_id FROM items) AS c) AS claims,
       count(*) AS items,
       coalesce(sum(repairs), 0) AS repairs, coalesce(sum(failed_repairs), 0) AS failed_repairs,
       {final_remedy.EXCHANGES} AS exchanges, {final_remedy.RETURNS} AS returns,
       coalesce(sum(refunds), 0) AS refunds,
       coalesce(sum(refunded_amount), 0) AS refunded_amount,
       coalesce(sum(quoted_amount), 0) AS quoted_amount,
       count(cause) AS diagnosed,
       count(*) FILTER (WHERE cause = ANY(%(quality)s)) AS quality,
       count(*) FILTER (WHERE cause = ANY(%(misuse)s)) AS misuse,
       count(*) FILTER (WHERE cause = ANY(%(transport)s)) AS transport,
       (SELECT coalesce(jsonb_object_agg(cause, n), '{{{{}}}}') FROM (SELECT cause, count(*) AS n
          FROM items WHERE cause IS NOT NULL GROUP BY cause) AS by_cause) AS causes,
       (SELECT coalesce(array_agg(model_name ORDER BY model_name), '{{{{}}}}') FROM (
            SELECT DISTINCT model_name FROM items WHERE model_name IS NOT NULL) AS m)
           AS model_names,
       (SELECT count(*) FROM shipments) AS replacements,
       (SELECT count(*) FROM affected_serials) AS serial_count,
       (SELECT coalesce(array_agg(serial_no ORDER BY serial_no), '{{{{}}}}') FROM (
            SELECT * FROM affected_serials AS a(serial_no) ORDER BY 1 LIMIT %(listed)s) AS l)
           AS serials,
       (SELECT count(*) FROM affected_claims) AS claim_number_count,
       (SELECT coalesce(array_agg(claim_number ORDER BY claim_number), '{{{{}}}}') FROM (
            SELECT * FROM affected_claims AS a(claim_number) ORDER BY 1 LIMIT %(listed)s) AS l)
           AS claim_numbers
FROM items
"""


def _summary(
    conn: Connection[Any], column: str, key: str, listed: int | None = None
) -> TraceSummary:
    query = sql.SQL(SUMMARY).format(column=sql.Identifier(column), shipped=_shipped(column))
    params = {
        "key": key,
        "listed": listed,
        "quality": list(QUALITY),
        "misuse": list(MISUSE),
        "transport": list(TRANSPORT),
    }
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(query, params).fetchone()
    assert row is not None  # an aggregate always returns one row
    counts = {k: row.pop(k) for k in ("diagnosed", "quality", "misuse", "transport")}
    other = counts["diagnosed"] - counts["quality"] - counts["misuse"] - counts["transport"]
    return TraceSummary(key=key, **row, responsibility=Responsibility(**counts, other=other))


def batch_summary(conn: Connection[Any], batch_no: str, listed: int | None = None) -> TraceSummary:
    """Claims, causes, remedies and responsibility for the items of one production batch;
    the first ``listed`` affected serials and claim numbers (all when None)."""
    return _summary(conn, "batch_no", batch_no, listed)


def model_summary(conn: Connection[Any], model: str, listed: int | None = None) -> TraceSummary:
    """Claims, causes, remedies and responsibility for the items of one model (``listed``:
    as ``batch_summary``)."""
    return _summary(conn, "model", model, listed)


def supplier_summary(
    conn: Connection[Any], supplier: str, listed: int | None = None
) -> TraceSummary:
    """Claims, causes, remedies and responsibility for the items of one supplier (``listed``:
    as ``batch_summary``)."""
    return _summary(conn, "supplier", supplier, listed)


# -- recalls ----------------------------------------------------------------------


@dataclass(frozen=True)
class RecallUnit:
    """One affected unit in one claim: a recall list's row.

    ``belongs`` says why the unit is on the list: ``item`` (the claim's item is of
    the batch, model or supplier) or ``replacement`` (it was shipped as a
    replacement that belongs there: a batch counts a replacement under its own
    batch, a model or supplier under the item it replaced). ``claim_event`` is
    ``reported`` (the claim is about this serial) or ``shipped`` (the claim shipped
    it as a replacement); ``at`` is that event's business time.
    """

    serial_no: str | None
    batch_no: str | None
    model: str
    supplier: str | None
    belongs: str
    claim_event: str
    claim_id: UUID
    claim_number: str
    item_no: int
    at: datetime
    cause: str | None
    remedy: str | None
    stage: str
    claim_status: str


RECALL_FIELDS = [f.name for f in fields(RecallUnit)]

RECALL = (
    "WITH "
    + UNITS
    + """
SELECT * FROM units ORDER BY serial_no NULLS LAST, at, claim_number, item_no
"""
)


def _shipped(column: str) -> sql.Composable:
    """The replacement links that belong to the key: by their own batch, else by the item's."""
    if column == "batch_no":
        return sql.SQL("SELECT * FROM views.trace_replacements WHERE batch_no = %(key)s")
    return sql.SQL(
        "SELECT r.* FROM views.trace_replacements r JOIN views.trace_items i"
        " ON i.claim_id = r.claim_id AND i.item_no = r.item_no WHERE i.{} = %(key)s"
    ).format(sql.Identifier(column))


def _recall(conn: Connection[Any], column: str, key: str) -> list[RecallUnit]:
    query = sql.SQL(RECALL).format(column=sql.Identifier(column), shipped=_shipped(column))
    with conn.cursor(row_factory=class_row(RecallUnit)) as cur:
        return cur.execute(query, {"key": key}).fetchall()


RECALL_KEYS = {"batch": "batch_no", "model": "model", "supplier": "supplier"}


def recall_list(conn: Connection[Any], kind: str, key: str) -> list[RecallUnit]:
    """Every affected unit of a batch, model or supplier, each with its claims.

    The items of the key, the replacement units that belong to it (a batch's own
    replacements, a model's or supplier's replacements of its items) and every
    claim later reported about those replacements.
    """
    return _recall(conn, RECALL_KEYS[kind], key)
