"""Structured JSON logs: one object per line, each request's lines tagged with its id.

The request id comes from a sane ``X-Request-ID`` header or is generated, and is
bound in a context variable, so every log line of the request carries it. Log
lines name routes, users (staff ids) and error classes, never customer data; the
one line of an unexpected error (a 500) also carries its traceback, which names
code, not data. The standard library's loggers (uvicorn, the SLA sweep) are
rendered the same way, by class only.
"""

from __future__ import annotations

import logging
import random
import re
import sys

import structlog

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_PROCESSORS: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _drop_exception(
    _: object, __: str, event: structlog.types.EventDict
) -> structlog.types.EventDict:
    """Keeps only the exception's class: tracebacks may quote data and leak internals."""
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, tuple):
        exc_info = exc_info[1]
    if isinstance(exc_info, BaseException):
        event.setdefault("error_type", type(exc_info).__name__)
    return event


class _Stderr:
    """Whatever ``sys.stderr`` is at the time of writing (a test may capture it)."""

    def write(self, text: str) -> None:
        sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO") -> None:
    """Renders structlog's and the standard library's records as JSON lines on stderr.

    The service's own lines (one per request) skip the standard library's
    machinery, a good part of a request's cost; uvicorn's and the sweep's records
    go through it and are rendered the same way.
    """
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_PROCESSORS, _drop_exception],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(_Stderr())  # type: ignore[arg-type]
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # Each request is logged once by the API, with its request id; uvicorn's access log
    # would repeat it without the id.
    logging.getLogger("uvicorn.access").disabled = True
    structlog.configure(
        processors=[*_PROCESSORS, _drop_exception, renderer],
        logger_factory=structlog.WriteLoggerFactory(_Stderr()),  # type: ignore[arg-type]
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is short and plain, else a new one."""
    if header and REQUEST_ID.fullmatch(header):
        return header
    return f"{random.getrandbits(128):032x}"


logger = structlog.get_logger("sanbao.api")
