"""A reader tailing the log while eight writers append sees every committed event: the
ledger makes events visible in position order, so reading on from the last position seen
never steps over one committed later (0 missed over every run)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.service.bootstrap import open_ledger
from domain.application import ClaimsLedger
from domain.claim import Claim
from domain.values import Actor, Customer, Item, Purchase
from domain.vocabulary import Channel, ClaimKind, Role
from tests.e2e.conftest import api_settings
from tests.support.business_day import business_today
from tests.support.tailing import TailingReader

from .conftest import full_or

pytestmark = [pytest.mark.postgres, pytest.mark.fault]
WRITERS = 8
COMMANDS_PER_WRITER = 25
AGENT = Actor("fault.writer", Role.AGENT)


@pytest.fixture(scope="module")
def ledger(api_database_url: str) -> Iterator[ClaimsLedger]:
    """The ledger as the service opens it (group commit, hash chain)."""
    opened, _ = open_ledger(api_settings(api_database_url, pool_size=WRITERS + 2))
    yield opened
    opened.close()


def report(ledger: ClaimsLedger, n: int) -> object:
    return ledger.report(
        AGENT,
        kind=ClaimKind.REPAIR,
        channel=Channel.PHONE,
        customer=Customer("客户", phone="13800000000", region="广东"),
        items=(Item("XD-450", "lighting", serial_no=f"TAIL-{n}"),),
        purchase=Purchase(business_today()),
        requested_remedy=None,
        description="不亮",
    ).claim_id


@pytest.mark.parametrize("run", range(full_or(10, 50)))
def test_a_tailing_reader_misses_nothing_eight_writers_commit(
    ledger: ClaimsLedger, api_database_url: str, run: int
) -> None:
    claims = [report(ledger, run * WRITERS + w) for w in range(WRITERS)]

    def write(claim_id: object) -> list[int]:
        return [
            ledger.command(Claim.add_note, claim_id, AGENT, text=f"note {n}").position  # type: ignore[arg-type]
            for n in range(COMMANDS_PER_WRITER)
        ]

    with TailingReader(api_database_url, "sanbaoledger_events") as reader:
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            positions = [p for written in pool.map(write, claims) for p in written]
    assert len(positions) == WRITERS * COMMANDS_PER_WRITER
    assert set(positions) <= set(reader.seen)
    assert reader.missed() == 0
