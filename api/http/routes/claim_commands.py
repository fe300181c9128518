"""``POST /claims/{id}/<action>``: one route per row of the command table.

Every command route is the same three steps (authorise, run the row's claim
command on the ledger, present its outcome); only the permission, request
schema and summary differ, so the routes are made from ``COMMAND_TABLE``
rather than written out 25 times. They are the service's hottest path, so they
take the fast paths of ``api/http/fast_paths.py``: the ledger call on a worker
thread of our own, the answer serialised once.
"""

from typing import Annotated

from fastapi import Response

from api.command_table import COMMAND_TABLE, CommandEntry
from api.http import presenters
from api.http.claim_refs import ClaimRef, naming
from api.http.deps import ExpectedVersion, LedgerDep, requires
from api.http.fast_paths import run_blocking
from api.http.recorded_results import run_once
from api.http.routes import api_router
from api.http.schemas.claims import ClaimChange
from storage.users import User

router = api_router(prefix="/claims", tags=["claim commands"])


def add_command_route(entry: CommandEntry) -> None:
    """Adds the route that runs one claim command."""
    Body = entry.schema  # noqa: N806 - a type, used in the signature below

    async def endpoint(
        claim_id: ClaimRef,
        body: Body,  # type: ignore[valid-type]
        ledger: LedgerDep,  # first: 503 before 401 when the database is unreachable
        user: Annotated[User, requires(entry.permission)],
        expected_version: ExpectedVersion,
    ) -> Response:
        with naming(claim_id) as found:
            result = await run_blocking(
                run_once, entry.run, ledger, found, user.actor, body, expected_version
            )
        return presenters.change_response(result)

    endpoint.__name__ = entry.operation_id
    endpoint.__doc__ = entry.summary + "."
    router.add_api_route(
        f"/{{claim_id}}/{entry.action}",
        endpoint,
        methods=["POST"],
        response_model=ClaimChange,
        summary=entry.summary,
        description=f"Needs the permission `{entry.permission}`.",
        operation_id=entry.operation_id,
    )


for _entry in COMMAND_TABLE:
    add_command_route(_entry)
