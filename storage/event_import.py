"""Bulk import of historical claims into the ledger's events table with COPY.

Lines (``domain.history_import``) are checked and encoded by the ledger's own
mapper, possibly in worker processes (``encode_chunk``); ``EventWriter`` then
writes each chunk in one transaction that takes the same table lock as the
event store (``LOCK TABLE … IN EXCLUSIVE MODE``, so positions are still issued
in commit order), skips claims already in the ledger (an interrupted import
can simply be run again), COPYs the rows through the table (its defaults and
triggers apply as for any append) and notifies the channel the views listen on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper
from psycopg import sql

from domain.application import ClaimsLedger
from domain.errors import InvalidInputError
from domain.history_import import claim_events

Row = tuple[UUID, int, str, bytes]


@dataclass
class EncodedChunk:
    """A chunk of lines as rows to COPY, or the first line that was refused."""

    first_line: int
    claims: list[UUID] = field(default_factory=list)
    rows: list[list[Row]] = field(default_factory=list)
    error: str | None = None


_mapper: Mapper[UUID] | None = None


def start_encoder(env: dict[str, str]) -> None:
    """Prepares this process's mapper: the ledger's transcodings, cipher and compression."""
    global _mapper
    _mapper = ClaimsLedger(env={**env, "PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper


def encode_chunk(first_line: int, lines: Sequence[bytes]) -> EncodedChunk:
    """Checks and encodes lines (numbered from ``first_line``); stops at the first bad one."""
    assert _mapper is not None, "start_encoder() first"
    chunk = EncodedChunk(first_line)
    for number, line in enumerate(lines, start=first_line):
        try:
            events = claim_events(_mapper.transcoder.decode(line))
        except InvalidInputError as error:
            chunk.error = f"line {number}: {error}"
            return chunk
        except (ValueError, KeyError, TypeError) as error:  # not JSON, or a bad tagged value
            chunk.error = f"line {number}: not a valid claim record ({error})"
            return chunk
        stored = [_mapper.to_stored_event(e) for e in events]
        chunk.claims.append(events[0].originator_id)
        rows = [(s.originator_id, s.originator_version, s.topic, s.state) for s in stored]
        chunk.rows.append(rows)  # type: ignore[arg-type]
    return chunk


class EventWriter:
    """Writes encoded chunks into the ledger's events table, one transaction each."""

    def __init__(self, ledger: ClaimsLedger) -> None:
        recorder: Any = ledger.recorder
        self.datastore = recorder.datastore
        self.lock_statements = recorder.lock_table_statements
        self.table = sql.SQL("{}.{}").format(
            sql.Identifier(self.datastore.schema), sql.Identifier(recorder.events_table_name)
        )
        self.channel = sql.Identifier(recorder.channel_name)

    def write(self, chunk: EncodedChunk) -> tuple[int, int]:
        """Writes the chunk's new claims; returns (events written, claims already present)."""
        with self.datastore.transaction(commit=True) as cur:
            for statement in self.lock_statements:
                cur.execute(statement)
            present = {
                row["originator_id"]
                for row in cur.execute(
                    sql.SQL(
                        "SELECT originator_id FROM {} "
                        "WHERE originator_id = ANY(%s) AND originator_version = 1"
                    ).format(self.table),
                    (chunk.claims,),
                )
            }
            written = 0
            copy = sql.SQL(
                "COPY {} (originator_id, originator_version, topic, state) "
                "FROM STDIN (FORMAT BINARY)"
            ).format(self.table)
            with cur.copy(copy) as rows:
                rows.set_types(["uuid", "int8", "text", "bytea"])
                for claim_id, claim_rows in zip(chunk.claims, chunk.rows, strict=True):
                    if claim_id in present:
                        continue
                    for row in claim_rows:
                        rows.write_row(row)
                    written += len(claim_rows)
            if written:
                cur.execute(sql.SQL("NOTIFY {}").format(self.channel))
        return written, len(present)
