"""The read side of the claims view: filtered, keyset-paginated lists for ``GET /claims``.

Pages are ordered ``created_at DESC, claim_id DESC`` and continued by an opaque
cursor (the last row's created_at and claim_id, base64), so a page never repeats
or skips a claim while claims are added or change. Each row carries the claim's
open SLA clock with the earliest due time, joined from ``views.sla_clocks``, in
the same single round trip.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import class_row

from domain.errors import InvalidInputError
from projections.engine.view import VIEWS_SCHEMA

MAX_LIMIT = 200


@dataclass(frozen=True)
class ClaimFilters:
    """What a list of claims is narrowed to; every filter given must hold.

    ``category``, ``model`` and ``serial_no`` match any item of the claim (a
    serial matches the faulty item or its replacement). ``*_from`` bounds are
    inclusive, ``*_to`` exclusive. ``text`` is a case-insensitive substring of the
    claim number or the description. ``overdue`` selects claims with (True) or
    without (False) an open, unpaused SLA clock past its due time. ``batch`` and
    ``supplier`` select a recall's claims (``projections.trace.trace_queries``): about
    an item of the batch or supplier, or about a replacement unit that belongs to it
    (shipped from that batch; shipped for an item of that supplier), or shipping one.
    """

    status: str | None = None
    kind: str | None = None
    category: str | None = None
    problem_category: str | None = None
    priority: str | None = None
    assignee: str | None = None
    region: str | None = None
    model: str | None = None
    serial_no: str | None = None
    overdue: bool | None = None
    batch: str | None = None
    supplier: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    text: str | None = None


@dataclass(frozen=True)
class ClaimRow:
    """One claim as lists show it (no personal data: the customer is only a region)."""

    claim_id: UUID
    claim_number: str
    status: str
    kind: str
    channel: str
    categories: list[str]
    problem_category: str | None
    priority: str
    complaint_grade: str | None
    team: str | None
    assignee: str | None
    region: str | None
    models: list[str]  # model codes, which the ``model`` filter matches exactly
    model_names: list[str]  # their display names, in the same order ('' for none)
    serial_nos: list[str]
    item_stages: list[str]
    description: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    escalation_level: int
    satisfaction: int | None
    surveyed_at: datetime | None
    confirmed_at: datetime | None
    followed_up_at: datetime | None
    resolved_at: datetime | None  # business time of the claim's last resolution
    version: int
    position: int
    sla_clock: str | None
    sla_run: int | None
    sla_due_at: datetime | None
    sla_paused_since: datetime | None
    overdue: bool


@dataclass(frozen=True)
class ClaimsPage:
    rows: list[ClaimRow]
    next_cursor: str | None
    """Pass it back to read the next page; None on the last page."""


def list_claims(
    conn: Connection[Any],
    filters: ClaimFilters,
    cursor: str | None,
    limit: int,
    *,
    schema: str = VIEWS_SCHEMA,
) -> ClaimsPage:
    """One page of claims matching ``filters``, newest first, after ``cursor``.

    Raises InvalidInputError for a limit outside 1..MAX_LIMIT or a cursor this
    function did not produce.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError("limit", f"must be between 1 and {MAX_LIMIT}")
    conditions, params = _conditions(filters, schema)
    if cursor is not None:
        params["after_created"], params["after_id"] = decode_cursor(cursor)
        conditions.append(sql.SQL("(c.created_at, c.claim_id) < (%(after_created)s, %(after_id)s)"))
    params["limit"] = limit + 1  # one more tells whether another page follows
    where = sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true")
    # The page's claims first, their SLA clocks after: each clock probe then runs for
    # the listed claims only, never for every claim that matches before the sort.
    template = (
        "(SELECT c.* FROM {claims} c WHERE {where} ORDER BY c.created_at DESC, c.claim_id DESC"
        " LIMIT %(limit)s)"
    )
    if filters.region is not None:
        # The page's keys first, its rows after: keys alone can be found by an index-only
        # scan, and the region's keyset index carries the models (migration 0028), so a
        # page filtered by region and model walks the region's entries newest first,
        # filters the models in the index and stops at the page's end, reading as many
        # entries at any size of the log. Other pages keep the plain form: there the
        # join would only add planning and a key probe per row.
        template = (
            "(SELECT c.* FROM (SELECT c.claim_id FROM {claims} c WHERE {where}"
            " ORDER BY c.created_at DESC, c.claim_id DESC LIMIT %(limit)s) page"
            " JOIN {claims} c ON c.claim_id = page.claim_id)"
        )
    page = sql.SQL(template).format(claims=sql.Identifier(schema, "claims"), where=where)
    query = _select(schema, page) + sql.SQL(" ORDER BY c.created_at DESC, c.claim_id DESC")
    with conn.cursor(row_factory=class_row(ClaimRow)) as cur:
        rows = cur.execute(query, params).fetchall()
    if len(rows) <= limit:
        return ClaimsPage(rows, None)
    last = rows[limit - 1]
    return ClaimsPage(rows[:limit], encode_cursor(last.created_at, last.claim_id))


def matching_claims(
    conn: Connection[Any], filters: ClaimFilters, most: int, *, schema: str = VIEWS_SCHEMA
) -> list[ClaimRow]:
    """Every claim matching ``filters``, newest first, read a page at a time.

    Raises InvalidInputError when more than ``most`` match.
    """
    rows: list[ClaimRow] = []
    cursor: str | None = None
    while True:
        page = list_claims(conn, filters, cursor, MAX_LIMIT, schema=schema)
        rows.extend(page.rows)
        if len(rows) > most:
            raise InvalidInputError(
                "format", f"more than {most:,} claims match: narrow the filters"
            )
        if page.next_cursor is None:
            return rows
        cursor = page.next_cursor


def get_claim_row(
    conn: Connection[Any], claim_id: UUID, *, schema: str = VIEWS_SCHEMA
) -> ClaimRow | None:
    """The claim's row, or None when the view has not seen the claim (yet)."""
    query = _select(schema, sql.Identifier(schema, "claims")) + sql.SQL(
        " WHERE c.claim_id = %(claim_id)s"
    )
    with conn.cursor(row_factory=class_row(ClaimRow)) as cur:
        return cur.execute(query, {"claim_id": claim_id}).fetchone()


def encode_cursor(created_at: datetime, claim_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{claim_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """The (created_at, claim_id) a cursor stands for; InvalidInputError if malformed."""
    try:
        created_at, claim_id = base64.urlsafe_b64decode(cursor).decode().split("|")
        at = datetime.fromisoformat(created_at)
        if at.tzinfo is None:
            raise ValueError("no time zone")
        return at, UUID(claim_id)
    except (ValueError, binascii.Error):
        raise InvalidInputError("cursor", "is not a cursor this API returned") from None


_ROW_COLUMNS = [f.name for f in fields(ClaimRow) if not f.name.startswith(("sla_", "overdue"))]


def _overdue(schema: str, wanted: bool) -> sql.Composed:
    """Claim ``c`` has (``wanted``) or has not an open, unpaused SLA clock past its due time.

    The set of overdue claims is one range of the open clocks' due-time index. "Has"
    is a semi-join the planner reads either way round; "has not" is NOT IN, which is
    hashed once, so each claim walked costs a lookup. (NOT EXISTS may be planned,
    on statistics older than the clocks, as a nested loop reading every overdue
    clock for each claim walked.) ``claim_id`` is never NULL, so NOT IN means NOT
    EXISTS here.
    """
    if wanted:
        template = (
            "EXISTS (SELECT 1 FROM {} o WHERE o.claim_id = c.claim_id AND o.stopped_at IS NULL"
            " AND o.paused_since IS NULL AND o.due_at < now())"
        )
    else:
        template = (
            "c.claim_id NOT IN (SELECT o.claim_id FROM {} o WHERE o.stopped_at IS NULL"
            " AND o.paused_since IS NULL AND o.due_at < now())"
        )
    return sql.SQL(template).format(sql.Identifier(schema, "sla_clocks"))


def _select(schema: str, claims: sql.Composable) -> sql.Composed:
    """Claims (``claims``: the table, or a subquery of its rows) with their earliest-due
    open SLA clock and whether any clock is overdue.

    Both come from LATERAL subqueries with LIMIT 1, so each is a probe per listed
    claim of the open clocks' per-claim index (``sla_clocks_open_by_claim_idx``); a
    plain EXISTS in the select list may be planned as a hash of every clock instead.
    """
    return sql.SQL(
        "SELECT {columns}, s.clock AS sla_clock, s.run AS sla_run, s.due_at AS sla_due_at,"
        " s.paused_since AS sla_paused_since, o.overdue IS NOT NULL AS overdue"
        " FROM {claims} c"
        " LEFT JOIN LATERAL (SELECT clock, run, due_at, paused_since FROM {clocks} s"
        " WHERE s.claim_id = c.claim_id AND s.stopped_at IS NULL"
        " ORDER BY s.due_at, s.clock, s.run LIMIT 1) s ON true"
        " LEFT JOIN LATERAL (SELECT true AS overdue FROM {clocks} o"
        " WHERE o.claim_id = c.claim_id AND o.stopped_at IS NULL AND o.paused_since IS NULL"
        " AND o.due_at < now() LIMIT 1) o ON true"
    ).format(
        columns=sql.SQL(", ").join(sql.Identifier("c", name) for name in _ROW_COLUMNS),
        claims=claims,
        clocks=sql.Identifier(schema, "sla_clocks"),
    )


_EQUAL = ("status", "kind", "problem_category", "priority", "assignee", "region")
# Array containment, so the GIN indexes serve it.
_CONTAINS = {"category": "categories", "model": "models"}
_RANGES = {
    "created_from": ("created_at", "{} >= {}"),
    "created_to": ("created_at", "{} < {}"),
    "updated_from": ("updated_at", "{} >= {}"),
    "updated_to": ("updated_at", "{} < {}"),
}


def _conditions(filters: ClaimFilters, schema: str) -> tuple[list[sql.Composable], dict[str, Any]]:
    """The WHERE conditions for the filters given, and their parameters."""
    conditions: list[sql.Composable] = []
    params: dict[str, Any] = {}

    def where(template: str, name: str, value: Any, column: str = "") -> None:
        params[name] = value
        identifier = sql.Identifier("c", column or name)
        conditions.append(sql.SQL(template).format(identifier, sql.Placeholder(name)))

    for name in _EQUAL:
        if (value := getattr(filters, name)) is not None:
            where("{} = {}", name, value)
    for name, column in _CONTAINS.items():
        if (value := getattr(filters, name)) is not None:
            where("{} @> ARRAY[{}::text]", name, value, column)
    for name, (column, template) in _RANGES.items():
        if (moment := getattr(filters, name)) is not None:
            if moment.tzinfo is None:
                raise InvalidInputError(name, "must include a time zone")
            where(template, name, moment, column)
    if filters.serial_no is not None:
        # A serial is a needle, but the planner guesses 0.5 % of rows for any array
        # containment and walks the keyset index instead; an InitPlan over the GIN
        # index first takes 0.1 ms instead of a scan of every claim.
        params["serial_no"] = filters.serial_no
        conditions.append(
            sql.SQL(
                "c.claim_id = ANY(ARRAY(SELECT m.claim_id FROM {} m"
                " WHERE m.serial_nos @> ARRAY[%(serial_no)s::text]))"
            ).format(sql.Identifier(schema, "claims"))
        )
    for name in ("batch", "supplier"):
        if (value := getattr(filters, name)) is not None:
            params[name] = value
            conditions.append(
                sql.SQL("c.claim_id = ANY(ARRAY({}))").format(_recall_claims(name, schema))
            )
    if filters.overdue is not None:
        conditions.append(_overdue(schema, filters.overdue))
    if filters.text:
        pattern = _like(filters.text)
        where("({0} ILIKE {1} OR c.description ILIKE {1})", "text", pattern, "claim_number")
    return conditions, params


def _recall_claims(name: str, schema: str) -> sql.Composed:
    """The claims of a batch's or supplier's recall, from the trace view's tables."""
    items = sql.Identifier(schema, "trace_items")
    links = sql.Identifier(schema, "trace_replacements")
    if name == "batch":
        template = (
            "SELECT claim_id FROM {items} WHERE batch_no = %(batch)s"
            " UNION SELECT claim_id FROM {links} WHERE batch_no = %(batch)s"
            " UNION SELECT t.claim_id FROM {links} r JOIN {items} t ON t.serial_no = r.to_serial"
            " WHERE r.batch_no = %(batch)s"
        )
    else:
        template = (
            "SELECT claim_id FROM {items} WHERE supplier = %(supplier)s"
            " UNION SELECT t.claim_id FROM {items} i"
            " JOIN {links} r ON r.claim_id = i.claim_id AND r.item_no = i.item_no"
            " JOIN {items} t ON t.serial_no = r.to_serial WHERE i.supplier = %(supplier)s"
        )
    return sql.SQL(template).format(items=items, links=links)


def _like(text: str) -> str:
    """A LIKE pattern for the text as a substring (backslash is LIKE's default escape)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
