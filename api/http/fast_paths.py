"""The API's departures from plain FastAPI, each kept because a benchmark needs it.

Everything else in ``api/http`` is the framework's ordinary way: routers joined
with ``include_router``, dependencies as ``Annotated`` aliases, response models.
One earlier bypass was measured again and dropped: a single merged "caller"
dependency instead of the three plain ones (ledger, user, If-Match) gave no gain
beyond the rounds' noise (2026-12-07, ``python -m bench.api_throughput``).

The three below serve the hottest routes (the claim commands and reading a claim),
where the event loop's one thread is the service's bottleneck.

1. ``run_blocking``: the ledger call on a thread pool of our own instead of
   Starlette's ``run_in_threadpool``, whose capacity limiter, cancel scopes and
   async-library lookup took about a sixth of the loop's time per request
   (profiled under load, 2026-12-05; the routes are ``async def`` for it).
2. ``json_answer``: the route returns the JSON it built instead of a model that
   FastAPI validates again as the response model (about a tenth of the loop's
   time per request in the same profile); the declared response models still
   give the OpenAPI document.
3. ``add_routes``: the claim and claim-command routes sit on the app itself
   instead of behind ``include_router``. FastAPI 0.165 matches an included router
   by walking its routes with per-candidate bookkeeping (``_IncludedRouter``),
   twice for the router that answers: under the notes command's load that
   matching held the interpreter lock for 8-12 % of the process's time
   (``py-spy record --gil``, 2026-12-07: ``_IncludedRouter._match`` 4.8 % on its
   own, 8.4 % with what it calls; ``APIRouter.matches`` 4.5 %). The routers are
   built complete (prefix, tags, dependencies) by ``api_router``, so nothing of
   theirs is lost; the OpenAPI document is the same.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from fastapi import APIRouter, FastAPI, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

P = ParamSpec("P")
T = TypeVar("T")


# As many threads as anyio's default limiter lets run at once: group commit keeps
# waiting writers parked on a thread each while one of them writes the batch.
_EXECUTOR = ThreadPoolExecutor(max_workers=40, thread_name_prefix="ledger-call")


async def run_blocking(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` on a worker thread, awaited without blocking the loop
    (1. above); the request's context variables (its request id) go with the call."""
    call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_EXECUTOR, call)


def json_answer(model: BaseModel) -> Response:
    """The model as a JSON response, serialised once (2. above)."""
    return Response(model.model_dump_json(), media_type="application/json")


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes put on the app itself, not behind ``include_router`` (3. above)."""
    for route in router.routes:
        assert isinstance(route, APIRoute), f"{route!r} is not an API route"
        app.router.routes.append(route)
