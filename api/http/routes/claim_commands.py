"""``POST /claims/{id}/<action>``: one route per claim command, built from ``COMMAND_SPECS``.

Every command route is the same three steps (authorise, run one ledger command,
present its outcome); only the permission, request schema and summary differ,
so they are generated from the table rather than written out 25 times. They are
the service's hottest path: ``async`` with the ledger call on a worker thread,
and the answer serialised once.
"""

from typing import Annotated
from uuid import UUID

from fastapi import Response

from api.http import presenters
from api.http.blocking import run_blocking
from api.http.command_specs import COMMAND_SPECS, CommandSpec, run_command
from api.http.deps import Caller, command_caller
from api.http.routes import api_router
from api.http.schemas.claims import ClaimChange
from api.roles import command_permission

router = api_router(prefix="/claims", tags=["claim commands"])


def add_command_route(spec: CommandSpec) -> None:
    permission = command_permission(spec.action)
    Body = spec.schema  # noqa: N806 - a type, used in the signature below

    async def endpoint(
        claim_id: UUID,
        body: Body,  # type: ignore[valid-type]
        caller: Annotated[Caller, command_caller(permission)],
    ) -> Response:
        result = await run_blocking(
            run_command,
            caller.ledger,
            spec,
            claim_id,
            caller.user.actor,
            body,
            caller.expected_version,
        )
        return presenters.change_response(result)

    endpoint.__name__ = "claim_" + spec.method
    endpoint.__doc__ = spec.summary + "."
    router.add_api_route(
        f"/{{claim_id}}/{spec.action}",
        endpoint,
        methods=["POST"],
        response_model=ClaimChange,
        summary=spec.summary,
        description=f"Needs the permission `{permission}`.",
        operation_id=f"claim_{spec.method}",
    )


for _spec in COMMAND_SPECS:
    add_command_route(_spec)
