"""The README's HTTP API table is the app's routes: every route is in it and every row is a
route, and the query parameters it names are the routes' own (and each route's are named).

A row's first cell holds its routes as code spans (``GET /claims/{id}/history``),
paths under ``/api/v1`` unless they are the operations routes; ``{a,b}`` lists
alternatives, ``[x]`` an optional part, ``?p=&q=`` parameters, and
``POST /claims/{id}/<action>`` one route per action the row's text lists. Path
parameters match by position, whatever their names.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from api.http.app import create_app
from api.http.query_names import declared_query_names
from api.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
API_PREFIX = "/api/v1"
DOCUMENTED_ONCE = {"min_position"}  # the read-your-writes paragraph names it for every view read
ROUTE_SPAN = re.compile(r"`((?:GET|POST|PUT|PATCH|DELETE) [^`]+)`")
Route = tuple[str, str]  # (method, path with its parameters as {})


def readme_rows() -> list[tuple[str, str]]:
    """(first cell, whole row) of every row of the HTTP API section's route table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## HTTP API\n", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows, "the HTTP API section has no route table"
    return [(re.split(r"(?<!\\)\|", row)[1], row) for row in rows]


def expand(pattern: str) -> list[str]:
    """``/trace/{a,b}/{key}/recall[.csv]`` → every path it stands for."""
    options = re.split(r"(\{[^}]*,[^}]*\}|\[[^\]]*\])", pattern)
    choices = []
    for part in options:
        if part.startswith("{") and "," in part:
            choices.append(part[1:-1].split(","))
        elif part.startswith("["):
            choices.append(["", part[1:-1]])
        else:
            choices.append([part])
    return ["".join(combination) for combination in itertools.product(*choices)]


def normalised(path: str) -> str:
    path = path.removeprefix(API_PREFIX)
    return re.sub(r"\{[^}]*\}", "{}", path)


def readme_routes() -> dict[Route, tuple[set[str], str]]:
    """Each route the table names, with the parameters its cell names and its row."""
    found: dict[Route, tuple[set[str], str]] = {}
    for cell, row in readme_rows():
        for span in ROUTE_SPAN.findall(cell):
            method, target = span.split(" ", 1)
            for full in expand(target.replace("\\|", "|")):
                path, _, query = full.partition("?")
                names = {pair.split("=", 1)[0] for pair in query.split("&") if pair}
                if "<action>" in path:
                    actions = re.findall(r"[a-z][a-z-]+", row.split("|")[2])
                    for action in actions:
                        found[(method, normalised(path.replace("<action>", action)))] = (
                            names,
                            row,
                        )
                else:
                    found[(method, normalised(path))] = (names, row)
    return found


def app_routes() -> dict[Route, set[str]]:
    """Each route of the API (not the console's pages, not the docs) with its query names."""
    app = create_app(Settings(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"))  # type: ignore[call-arg]
    routes: dict[Route, set[str]] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        path = str(context.path)
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        if path.startswith("/ui"):
            continue
        for method in route.methods:
            routes[(method, normalised(path))] = set(declared_query_names(route.dependant))
    return routes


def test_every_route_is_in_the_readme_table_and_every_row_is_a_route() -> None:
    documented, served = set(readme_routes()), set(app_routes())
    assert sorted(served - documented) == [], "routes missing from the README's table"
    assert sorted(documented - served) == [], "README rows naming no route"


def test_the_parameters_the_readme_names_exist() -> None:
    served = app_routes()
    wrong = {
        route: sorted(names - served[route])
        for route, (names, _) in readme_routes().items()
        if route in served and names - served[route]
    }
    assert wrong == {}


@pytest.mark.parametrize("route", sorted(app_routes()), ids=lambda r: " ".join(r))
def test_each_route_s_parameters_are_named_in_its_row(route: Route) -> None:
    documented = readme_routes()
    if route not in documented:
        pytest.skip("not in the table (the test above fails)")
    _, row = documented[route]
    words = set(re.findall(r"[a-z_]+", row))
    assert sorted(app_routes()[route] - DOCUMENTED_ONCE - words) == []
