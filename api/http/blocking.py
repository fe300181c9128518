"""Blocking calls (the ledger's database work) from async routes, on threads of their own.

Starlette runs a plain ``def`` route through anyio's thread pool, which costs the
event loop a capacity limiter, cancel scopes and a lookup of the running async
library on every request; the loop's own executor is a queue and a callback. The
hot routes (commands, reading a claim) are ``async def`` and hand their ledger
call to ``run_blocking``; the request's context variables (its request id) go
with the call.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# As many threads as anyio's default limiter lets run at once: group commit keeps
# waiting writers parked on a thread each while one of them writes the batch.
_EXECUTOR = ThreadPoolExecutor(max_workers=40, thread_name_prefix="ledger-call")


async def run_blocking(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` on a worker thread, awaited without blocking the loop."""
    call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_EXECUTOR, call)
