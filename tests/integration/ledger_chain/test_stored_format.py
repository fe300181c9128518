"""Claims stored with the library's JSON transcoder read, load and verify with the
ledger's orjson transcoder, and the reverse: real rows in PostgreSQL, same bytes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import JSONTranscoder, Transcoder

from api.settings import eventsourcing_env
from domain.application import ClaimsLedger
from domain.orjson_transcoder import OrjsonTranscoder
from storage.snapshot_check import snapshot_replayer
from tests.integration.ledger_chain.conftest import verify
from tests.support.generate import build_claim


class LibraryJSONLedger(ClaimsLedger):
    """The ledger storing as it did before orjson: the library's own JSON transcoder."""

    name = ClaimsLedger.name  # the same tables

    def construct_transcoder(self) -> Transcoder:
        transcoder = JSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder


@pytest.fixture
def library_ledger(ledger: ClaimsLedger, chain_database_url: str) -> Any:
    """The library-transcoder ledger on the same (emptied) database as ``ledger``."""
    other = LibraryJSONLedger(env=eventsourcing_env(chain_database_url, pool_size=2))
    yield other
    other.close()


@pytest.mark.parametrize("writer_name", ["library", "orjson"])
def test_claims_and_snapshots_stored_by_one_transcoder_read_the_same_with_the_other(
    writer_name: str,
    ledger: ClaimsLedger,
    library_ledger: LibraryJSONLedger,
    conn: psycopg.Connection[Any],
) -> None:
    assert type(library_ledger.mapper.transcoder) is JSONTranscoder
    assert type(ledger.mapper.transcoder) is OrjsonTranscoder
    writer, reader = (
        (library_ledger, ledger) if writer_name == "library" else (ledger, library_ledger)
    )
    rng = random.Random(19)
    start = datetime(2026, 5, 4, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    claims = [build_claim(writer, n, start + timedelta(hours=n), rng) for n in range(12)]
    writer.save(*claims)
    for claim in claims:
        writer.take_snapshot(claim.id)

    for claim in claims:
        events = list(writer.events.get(claim.id))
        assert len(events) == 10
        assert list(reader.events.get(claim.id)) == events
        assert list(reader.snapshots.get(claim.id)) == list(writer.snapshots.get(claim.id))
        assert vars(reader.repository.get(claim.id)) == vars(claim)
        # The rows as stored: the other transcoder writes back exactly the same bytes.
        rows = [
            *writer.recorder.select_events(claim.id),
            *writer.snapshots.recorder.select_events(claim.id),
        ]
        for row in rows:
            assert reader.mapper.transcoder.encode(reader.mapper.transcoder.decode(row.state)) == (
                row.state
            )

    # The chain over those rows holds, and each snapshot matches its claim replayed
    # by the reader (decoding both the snapshot and the events with its transcoder).
    report = verify(conn, reader, replay=snapshot_replayer(reader))
    assert report.intact, report.summary()
    assert report.snapshots_checked == len(claims)
