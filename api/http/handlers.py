"""Installs the exception handlers that answer every error as ``application/problem+json``."""

from __future__ import annotations

import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.http_errors import StandbyUnavailableError
from api.http.problem_language import chosen_language, in_language
from api.http.problems import (
    INTERNAL,
    PROBLEM_JSON,
    PROBLEMS,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION,
    ProblemType,
    problem_body,
    problem_type,
    retry_after,
)
from api.http.validation_reasons import json_syntax, reasons
from api.service.logs import logger

HTTP_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
}
HTTP_DETAILS_ZH = {
    404: "没有这个地址",
    405: "该地址不支持此请求方法",
    406: "无法以所请求的格式回答",
}


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def respond(request: Request, kind: ProblemType, body: dict[str, Any]) -> ProblemResponse:
    """The problem answer, its title and detail in the language the caller prefers."""
    request.state.problem = kind.slug  # counted as a refusal reason by the metrics
    headers = retry_after(kind, body)
    if kind.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    language = chosen_language(request.headers.get("accept-language"))
    headers["Content-Language"] = language
    headers["Vary"] = "Accept-Language"
    return ProblemResponse(in_language(body, language), status_code=kind.status, headers=headers)


async def known_error(request: Request, error: Exception) -> ProblemResponse:
    kind = problem_type(error) or INTERNAL
    if kind.status >= 500:
        logger.warning("request failed", problem=kind.slug, error_type=type(error).__name__)
    if kind.slug == "database-unavailable" and not isinstance(error, StandbyUnavailableError):
        # The database is known to be down: later requests are told so at once.
        request.app.state.runtime.database_lost()
    return respond(request, kind, problem_body(error, kind, request.url.path))


async def validation_error(request: Request, error: Exception) -> ProblemResponse:
    """Pydantic's errors as ``errors: [{field, reason}]``, without echoing the input: each
    reason says the form expected (with an example), a JSON syntax error its line and
    column; a body that is not JSON is 415."""
    assert isinstance(error, RequestValidationError)
    if isinstance(error.body, bytes | bytearray) and error.body:
        return not_json(request)
    errors = [field_error(e, error.body) for e in error.errors()]
    body = {
        "type": VALIDATION.uri,
        "title": VALIDATION.title,
        "status": VALIDATION.status,
        "detail": f"{len(errors)} invalid value(s) in the request",
        "detail_zh": f"请求中有 {len(errors)} 处取值无效",
        "instance": request.url.path,
        "errors": errors,
    }
    return respond(request, VALIDATION, body)


def field_error(error: Any, document: Any) -> dict[str, Any]:
    """One refusal of the validator as ``{field, reason}`` (``reason_zh`` where it has one)."""
    location = tuple(error["loc"])
    if error.get("type") == "json_invalid" and isinstance(document, str | bytes):
        cause = str((error.get("ctx") or {}).get("error", "invalid JSON"))
        return json_syntax(document, int(location[-1]), cause)
    reason, reason_zh = reasons(error)
    found = {"field": _field(location), "reason": reason}
    if reason_zh:
        found["reason_zh"] = reason_zh
    return found


def not_json(request: Request) -> ProblemResponse:
    """415: a body sent without ``Content-Type: application/json`` (or with another type)."""
    sent = request.headers.get("content-type") or "none"
    body = {
        "type": UNSUPPORTED_MEDIA_TYPE.uri,
        "title": UNSUPPORTED_MEDIA_TYPE.title,
        "status": UNSUPPORTED_MEDIA_TYPE.status,
        "detail": f"the body must be JSON sent with Content-Type: application/json "
        f"(the request's Content-Type: {sent})",
        "detail_zh": f"请求体须为 JSON，并带 Content-Type: application/json（本请求为：{sent}）",
        "instance": request.url.path,
        "errors": [{"field": "Content-Type", "reason": "must be application/json"}],
    }
    return respond(request, UNSUPPORTED_MEDIA_TYPE, body)


def _field(location: tuple[int | str, ...]) -> str:
    """``("body", "items", 0, "model")`` → ``items.0.model``."""
    return ".".join(str(part) for part in location[1:]) or str(location[0])


async def http_error(request: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, StarletteHTTPException)
    title = HTTP_TITLES.get(error.status_code, "HTTP error")
    kind = ProblemType(error.status_code, title.lower().replace(" ", "-"), title)
    body = {
        "type": kind.uri,
        "title": title,
        "status": error.status_code,
        "detail": str(error.detail),
        "instance": request.url.path,
    }
    if error.status_code in HTTP_DETAILS_ZH:
        body["detail_zh"] = HTTP_DETAILS_ZH[error.status_code]
    return respond(request, kind, body)


async def unexpected_error(request: Request, error: Exception) -> ProblemResponse:
    """Anything unforeseen: 500, logged with its traceback and the request's id."""
    log_unexpected(request, error)
    body = {
        "type": INTERNAL.uri,
        "title": INTERNAL.title,
        "status": 500,
        "detail": "an unexpected error occurred; it was logged with this request's id",
        "detail_zh": "发生意外错误，已按本请求的编号记录日志",
        "instance": request.url.path,
    }
    response = respond(request, INTERNAL, body)
    # Sent from outside the middleware that adds the id to every other answer.
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        response.headers["X-Request-ID"] = request_id
    return response


def log_unexpected(request: Request, error: BaseException) -> None:
    """One error line: the class, the traceback and the request id.

    This handler runs outside the middleware that binds the request id to the
    log context, so the id is taken from the request's state.
    """
    logger.error(
        "unexpected error",
        request_id=getattr(request.state, "request_id", None),
        error_type=type(error).__name__,
        traceback="".join(traceback.format_exception(error)),
    )


def install_problem_handlers(app: FastAPI) -> None:
    for error_class in PROBLEMS:
        app.add_exception_handler(error_class, known_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
