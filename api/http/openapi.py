"""The OpenAPI document: every error answer documented as ``application/problem+json``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.http.schemas.common import Problem

API_ERRORS = {
    "400": "The body could not be parsed",
    "401": "No valid bearer token",
    "403": "The role lacks the permission",
    "404": "Not found",
    "409": "Refused in the claim's state, or a conflicting change",
    "412": "If-Match is stale",
    "422": "Invalid request",
    "429": "Too many reveals of personal data in the past hour; see Retry-After",
    "503": "Database unavailable or views behind; see Retry-After",
}
OPS_ERRORS = {"503": API_ERRORS["503"]}
BODY_NOT_JSON = "The body was not sent as JSON (Content-Type: application/json)"
# Served to the metrics permission (or on the metrics address): a token may be refused.
GUARDED_OPS = ("/metrics", "/readyz")
GUARDED_OPS_ERRORS = {status: API_ERRORS[status] for status in ("401", "403", "503")}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problem_openapi(app: FastAPI) -> dict[str, Any]:
    """Generates (once) the document, replacing FastAPI's default error responses."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for definition in Problem.model_json_schema().get("$defs", {}):
        components.setdefault(definition, Problem.model_json_schema()["$defs"][definition])
    components["Problem"].pop("$defs", None)
    for path, operations in schema.get("paths", {}).items():
        errors = API_ERRORS if path.startswith("/api/") else OPS_ERRORS
        errors = GUARDED_OPS_ERRORS if path in GUARDED_OPS else errors
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in [s for s in responses if s.startswith(("4", "5"))]:
                del responses[status]
            documented = dict(errors)
            if "requestBody" in operation:
                documented["415"] = BODY_NOT_JSON
            for status, description in documented.items():
                responses[status] = {
                    "description": description,
                    "content": {"application/problem+json": {"schema": PROBLEM_REF}},
                }
    app.openapi_schema = schema
    return schema
