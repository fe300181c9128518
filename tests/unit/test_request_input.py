"""Numbers read from requests are ASCII digits only; bodies over the limit are refused."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from api.http.body_limit import BodyLimitMiddleware
from domain.numerals import ascii_number

LIMIT = 2048


@given(st.integers(min_value=0, max_value=10**18 - 1))
def test_ascii_digits_read_as_their_number(number: int) -> None:
    assert ascii_number(str(number)) == number


@given(st.text(min_size=1, max_size=20).filter(lambda t: not t.isascii() or not t.isdigit()))
def test_anything_but_ascii_digits_is_no_number(text: str) -> None:
    assert ascii_number(text) is None


def test_superscripts_and_other_scripts_digits_are_no_number() -> None:
    for text in ("²", "7²", "٣", "७", "１", " 7", "-1", "", None):
        assert ascii_number(text) is None


def echo_app() -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"received": len(await request.body())})

    app = Starlette(routes=[Route("/", echo, methods=["POST"])])
    app.add_middleware(BodyLimitMiddleware, limit=LIMIT)
    return app


def pieces(total: int) -> Iterator[bytes]:
    while total > 0:
        yield b"x" * min(500, total)
        total -= 500


@given(st.integers(min_value=0, max_value=3 * LIMIT), st.booleans())
def test_a_body_passes_whole_up_to_the_limit_and_is_refused_past_it(
    size: int, chunked: bool
) -> None:
    client = TestClient(echo_app())
    response = client.post("/", content=pieces(size) if chunked else b"x" * size)
    if size <= LIMIT:
        assert (response.status_code, response.json()) == (200, {"received": size})
    else:
        assert response.status_code == 413
        assert response.json()["limit"] == LIMIT
