"""Traceability: one row per claim item, and every replacement serial shipped.

A batch is applied in three steps: the rows of the claims it touches are read
(one query), the events are applied to them in memory by handlers named after
the events, and the rows are written back: new rows with COPY, changed rows
through a temporary table and one UPDATE. Reading the rows first makes every
counter (repairs, exchanges …) correct whichever batch an event falls in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from psycopg import Cursor, sql
from psycopg.rows import dict_row

from domain.claim import business_date
from projections.engine.envelope import Envelope
from projections.engine.view import View, handler_name

Row = dict[str, Any]

# Column types, in table order: binary COPY needs them, and spares the server
# parsing text (about half the cost of a JSON or text round trip here).
COLUMNS = dict(
    pair.split(":")
    for pair in """claim_id:uuid item_no:int4 claim_number:text kind:text channel:text
    region:text reported_at:timestamptz month:date problem_category:text complaint_grade:text
    model:text model_name:text category:text serial_no:text batch_no:text supplier:text
    price:numeric quantity:int4 cause:text claim_cause:text rule_id:text policy_version:text
    remedy:text free:bool responsible:text diagnosed_at:timestamptz quoted_amount:numeric
    repairs:int4 failed_repairs:int4 exchanged:int4 replacement_serial_no:text
    replacement_batch_no:text returned:int4 refunds:int4 refunded_amount:numeric stage:text
    claim_status:text escalation_level:int4 updated_at:timestamptz closed_at:timestamptz""".split()
)
# Facts of the report, which no later event changes: updates leave them alone.
REPORTED = frozenset(
    "claim_number kind channel region reported_at month model model_name category serial_no "
    "batch_no supplier price quantity".split()
)
KEY = ("claim_id", "item_no")
CHANGING = tuple(c for c in COLUMNS if c not in REPORTED and c not in KEY)
LINKS = {
    "position": "int8", "unit": "int4", "claim_id": "uuid", "item_no": "int4",
    "from_serial": "text", "to_serial": "text", "batch_no": "text", "shipped_at": "timestamptz",
}  # fmt: skip
# Counters start at zero rather than NULL, so handlers can add to them.
ZEROS = {"repairs": 0, "failed_repairs": 0, "exchanged": 0, "returned": 0, "refunds": 0,
         "escalation_level": 0, "refunded_amount": Decimal("0")}  # fmt: skip


@dataclass
class TracedClaim:
    """The item rows of one claim while a batch is applied, and the links it adds."""

    items: list[Row]
    stored: bool = False  # the rows exist in the table (the claim was reported earlier)
    links: list[tuple[Any, ...]] = field(default_factory=list)

    def item(self, e: Envelope) -> Row:
        row: Row = self.items[e.data["item_no"] - 1]
        row["updated_at"] = e.occurred_at
        return row

    def each(self, e: Envelope) -> list[Row]:
        for row in self.items:
            row["updated_at"] = e.occurred_at
        return self.items


Handler = Callable[[Any, TracedClaim, Envelope], None]


def item_stage(stage: str) -> Handler:
    """A handler that only moves the item to ``stage`` (quote accepted, repair started …)."""

    def handle(_: Any, claim: TracedClaim, e: Envelope) -> None:
        claim.item(e)["stage"] = stage

    return handle


def claim_status(status: str) -> Handler:
    """A handler that ends (or reopens) the claim on every item row."""

    def handle(_: Any, claim: TracedClaim, e: Envelope) -> None:
        for row in claim.each(e):
            row["claim_status"] = status
            row["closed_at"] = None if status == "open" else e.occurred_at

    return handle


# Handler names are derived once per event type, not once per event.


def blank(text: str) -> str | None:
    """Empty serial, batch and supplier fields are stored as NULL, never matched as ''."""
    return text.strip() or None


def names(columns: Iterable[str], prefix: str = "") -> sql.Composed:
    return sql.SQL(", ").join(sql.SQL(prefix) + sql.Identifier(c) for c in columns)


class TraceView(View):
    """Items of claims with their causes, decisions and remedies (``trace_items``)."""

    name = "trace"
    tables = ("trace_items", "trace_replacements")

    def apply(self, cur: Cursor[Any], batch: Sequence[Envelope]) -> None:
        handled = [(e, h) for e in batch if (h := getattr(self, handler_name(e.event_type), None))]
        # Rows of claims reported in this batch do not exist yet; the others are read once.
        reported = {e.claim_id for e, _ in handled if e.event_type == "Reported"}
        claims = self.load(cur, {e.claim_id for e, _ in handled} - reported)
        for e, handle in handled:
            handle(claims.setdefault(e.claim_id, TracedClaim(items=[])), e)
        self.save(cur, list(claims.values()))

    def load(self, cur: Cursor[Any], claim_ids: set[UUID]) -> dict[UUID, TracedClaim]:
        """The changing columns of the claims' rows (and the serial, which links need)."""
        claims: dict[UUID, TracedClaim] = {}
        if not claim_ids:
            return claims
        query = sql.SQL("SELECT {} FROM {} WHERE claim_id = ANY(%s) ORDER BY claim_id, item_no")
        columns = (*KEY, "serial_no", *CHANGING)
        with cur.connection.cursor(row_factory=dict_row) as read:
            rows = read.execute(
                query.format(names(columns), self.table("trace_items")), (list(claim_ids),)
            )
            for row in rows:
                claim = claims.setdefault(row["claim_id"], TracedClaim(items=[], stored=True))
                claim.items.append(row)
        return claims

    def save(self, cur: Cursor[Any], claims: list[TracedClaim]) -> None:
        """New rows and links go in with COPY; changed rows through a temporary table."""
        new = [row for claim in claims if not claim.stored for row in claim.items]
        self.copy(cur, self.table("trace_items"), COLUMNS, new)
        changed = [row for claim in claims if claim.stored for row in claim.items]
        if changed:
            columns = (*KEY, *CHANGING)
            cur.execute(
                sql.SQL(
                    "CREATE TEMPORARY TABLE trace_changes AS SELECT {} FROM {} WITH NO DATA"
                ).format(names(columns), self.table("trace_items"))
            )
            self.copy(
                cur, sql.Identifier("trace_changes"), {c: COLUMNS[c] for c in columns}, changed
            )
            # Dropped at once: a rebuild's swap applies several batches in one transaction.
            cur.execute(
                sql.SQL(
                    "UPDATE {} AS t SET ({}) = ROW({}) FROM trace_changes AS c "
                    "WHERE t.claim_id = c.claim_id AND t.item_no = c.item_no; "
                    "DROP TABLE trace_changes"
                ).format(self.table("trace_items"), names(CHANGING), names(CHANGING, "c."))
            )
        links = [dict(zip(LINKS, link, strict=True)) for claim in claims for link in claim.links]
        self.copy(cur, self.table("trace_replacements"), LINKS, links)

    @staticmethod
    def copy(
        cur: Cursor[Any], table: sql.Composable, types: dict[str, str], rows: Sequence[Row]
    ) -> None:
        """Binary COPY of ``rows`` into the ``types`` columns of ``table``."""
        if not rows:
            return
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)")
        with cur.copy(statement.format(table, names(types))) as copy:
            copy.set_types(list(types.values()))
            for row in rows:
                copy.write_row([row[c] for c in types])

    # -- handlers, named after the events they apply -------------------------------

    def on_reported(self, claim: TracedClaim, e: Envelope) -> None:
        d = e.data
        reported_on: date = business_date(e.occurred_at)
        for no, item in enumerate(d["items"], start=1):
            row: Row = dict.fromkeys(COLUMNS) | ZEROS
            row.update(
                claim_id=e.claim_id,
                item_no=no,
                claim_number=d["claim_number"],
                kind=d["kind"].value,
                channel=d["channel"].value,
                region=d["customer"].region,
                reported_at=e.occurred_at,
                month=reported_on.replace(day=1),
                model=item.model,
                model_name=item.model_name or None,
                category=item.category,
                serial_no=blank(item.serial_no),
                batch_no=blank(item.batch_no),
                supplier=blank(item.supplier),
                price=item.price,
                quantity=item.quantity,
                stage="pending",
                claim_status="open",
                updated_at=e.occurred_at,
            )
            claim.items.append(row)

    def on_classified(self, claim: TracedClaim, e: Envelope) -> None:
        grade = e.data["complaint_grade"]
        for row in claim.each(e):
            row["problem_category"] = e.data["problem_category"].value
            row["complaint_grade"] = grade.value if grade else None

    def on_diagnosed(self, claim: TracedClaim, e: Envelope) -> None:
        d = e.data
        if d["item_no"] is None:  # a finding about the whole claim, e.g. a service complaint
            for row in claim.each(e):
                row["claim_cause"] = d["cause"].value
            return
        row, decision = claim.item(e), d["decision"]
        row.update(
            cause=d["cause"].value,
            rule_id=decision.rule_id,
            policy_version=decision.policy_version,
            remedy=d["remedy"].value if d["remedy"] else None,
            free=decision.free,
            responsible=decision.responsible.value,
            diagnosed_at=e.occurred_at,
            stage="diagnosed" if d["remedy"] else "no_remedy",
        )

    def on_quoted(self, claim: TracedClaim, e: Envelope) -> None:
        row = claim.item(e)
        row.update(quoted_amount=e.data["amount"], stage="quoted")

    on_quote_accepted = item_stage("quote_accepted")
    on_quote_declined = item_stage("quote_declined")
    on_repair_scheduled = item_stage("repair_scheduled")
    on_repair_started = item_stage("in_repair")

    def on_repaired(self, claim: TracedClaim, e: Envelope) -> None:
        row = claim.item(e)
        row["repairs"] += 1
        if e.data["outcome"].value == "fixed":
            row["stage"] = "repaired"
        else:
            row["failed_repairs"] += 1
            row["stage"] = "repair_failed"

    def on_replacement_shipped(self, claim: TracedClaim, e: Envelope) -> None:
        """One link per replacement unit shipped, each under the shipment's batch.

        Shipments recorded before quantities name one serial; a line's units share
        its serial field, so each unit's link starts from the serial the line held.
        """
        row = claim.item(e)
        held = row["replacement_serial_no"] or row["serial_no"]
        serials = tuple(e.data.get("serial_nos") or ()) or (e.data["serial_no"],)
        batch_no = blank(e.data["batch_no"])
        item_no, at = row["item_no"], e.occurred_at
        for unit, serial in enumerate(serials):
            claim.links.append((e.position, unit, e.claim_id, item_no, held, serial, batch_no, at))
        row["exchanged"] += 1
        row.update(
            replacement_serial_no=serials[-1], replacement_batch_no=batch_no, stage="replaced"
        )

    def on_return_received(self, claim: TracedClaim, e: Envelope) -> None:
        row = claim.item(e)
        row["returned"] += 1
        row["stage"] = "return_received"

    def on_refunded(self, claim: TracedClaim, e: Envelope) -> None:
        row = claim.item(e)
        row["refunds"] += 1
        row["refunded_amount"] += e.data["amount"]
        row["stage"] = "refunded"

    def on_escalated(self, claim: TracedClaim, e: Envelope) -> None:
        for row in claim.each(e):
            row["escalation_level"] = e.data["level"]

    on_closed = claim_status("closed")
    on_rejected = claim_status("rejected")
    on_withdrawn = claim_status("withdrawn")
    on_reopened = claim_status("open")
