"""The API's departures from plain FastAPI, each kept because a benchmark needs it.

Everything else in ``api/http`` is the framework's ordinary way: routers joined
with ``include_router``, dependencies as ``Annotated`` aliases, response models.
Two earlier bypasses were measured again and dropped (2026-12-07, ``python -m
bench.api_throughput --seconds 5 --rounds 2`` on the machine's PostgreSQL 15,
load average 5-8 on two cores; notes command over the bare INSERT endpoint, per
round): routes appended onto the app instead of ``include_router`` gave 0.41 /
0.43 against 0.43 / 0.39 / 0.33 / 0.35 included; one merged caller dependency
instead of the three plain ones gave no gain either (included routes, plain
dependencies: 0.44 / 0.30 / 0.46 / 0.36 / 0.40 / 0.34 / 0.46 / 0.40). Both are
within the rounds' noise.

The two below serve the hottest routes (the claim commands and reading a claim),
where the event loop's one thread is the service's bottleneck.

1. ``run_blocking``: the ledger call on a thread pool of our own instead of
   Starlette's ``run_in_threadpool``, whose capacity limiter, cancel scopes and
   async-library lookup took about a sixth of the loop's time per request
   (profiled under load, 2026-12-05; the routes are ``async def`` for it).
2. ``json_answer``: the route returns the JSON it built instead of a model that
   FastAPI validates again as the response model (about a tenth of the loop's
   time per request in the same profile); the declared response models still
   give the OpenAPI document.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from fastapi import Response
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
