"""A keyed command's result, rebuilt from the events its first attempt recorded.

When a process dies after a keyed command's events committed but before its answer
was stored, the retry finds the key's row ``committed`` with the events' positions
(``storage.idempotency``). The command routes then present the result those events
make instead of running the command again, so the retry gets the answer the
first attempt would have given and the ledger records nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec
from uuid import UUID

from domain.application import ClaimsLedger, CommandResult
from storage.idempotency import keyed_request

P = ParamSpec("P")


def recorded_result(ledger: ClaimsLedger) -> CommandResult | None:
    """The result of the command this keyed request's first attempt recorded, if it did."""
    keyed = keyed_request()
    if keyed is None or not keyed.recorded:
        return None
    position = keyed.recorded[-1]
    (notification,) = ledger.recorder.select_notifications(start=position, limit=1, stop=position)
    claim_id = UUID(str(notification.originator_id))
    claim = ledger.get_claim(claim_id, version=notification.originator_version)
    return CommandResult(claim.id, claim.claim_number, claim.version, position)


def run_once(
    command: Callable[Concatenate[ClaimsLedger, P], CommandResult],
    ledger: ClaimsLedger,
    *args: P.args,
    **kwargs: P.kwargs,
) -> CommandResult:
    """``command(ledger, ...)``, unless this keyed request's first attempt recorded it."""
    return recorded_result(ledger) or command(ledger, *args, **kwargs)
