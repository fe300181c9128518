"""Command forms, generated from the API's own request schemas, and parsed back into them.

Each command's form is built from its pydantic schema (``api/http/schemas/command_bodies.py``):
an enum becomes a select, a date a date picker, a list of lines a few repeated
rows. A posted form is turned into the JSON the API would receive and
validated by the same schema, so a form fails with the API's field errors.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Union, get_args, get_origin

from pydantic import AwareDatetime, BaseModel, ValidationError
from pydantic.fields import FieldInfo

from api.http.schemas.command_bodies import CommandBody
from api.ui.labels import enum_group

LINE_ROWS = 3  # empty rows offered for quote lines and deductions
FORM_EXTRAS = ("expected_version",)  # the claim version the form was drawn at
BUSINESS_OFFSET = "+08:00"  # a datetime-local value is China time


@dataclass(frozen=True)
class FormField:
    """One input of a command form."""

    name: str
    kind: str  # select, text, textarea, number, decimal, date, datetime, checkbox, lines, list
    required: bool
    group: str = ""  # the catalog group of a select's values
    options: tuple[str, ...] = ()
    subfields: tuple[FormField, ...] = ()
    rows: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class FormErrors(Exception):
    """Raised when a posted form does not validate; ``errors`` as the API lists them."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(f"{len(errors)} invalid value(s) in the request")
        self.errors = errors


def _bare(annotation: Any) -> tuple[Any, bool]:
    """``X | None`` → (X, True); anything else → (annotation, False)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def form_field(name: str, info: FieldInfo) -> FormField:
    """The input for one schema field."""
    annotation, optional = _bare(info.annotation)
    required = info.is_required()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        options = tuple(member.value for member in annotation)
        return FormField(name, "select", required, enum_group(annotation), options)
    if get_origin(annotation) is list:
        (inner,) = get_args(annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            subfields = tuple(form_field(n, i) for n, i in inner.model_fields.items())
            return FormField(name, "lines", required, subfields=subfields, rows=LINE_ROWS)
        return FormField(name, "list", required)
    kinds = {bool: "checkbox", int: "number", Decimal: "decimal", date: "date"}
    if annotation in (datetime, AwareDatetime):
        return FormField(name, "datetime", required)
    if annotation in kinds:
        return FormField(name, kinds[annotation], required)
    long_text = any(getattr(m, "max_length", 0) and m.max_length >= 1000 for m in info.metadata)
    return FormField(name, "textarea" if long_text else "text", required)


def form_fields(schema: type[CommandBody]) -> list[FormField]:
    """The inputs of a command's form, the business time last."""
    fields = [form_field(n, i) for n, i in schema.model_fields.items() if n != "occurred_at"]
    return [*fields, form_field("occurred_at", schema.model_fields["occurred_at"])]


def _value(kind: str, raw: str) -> Any:
    if kind == "datetime" and len(raw) <= 19:  # datetime-local: no offset, China time
        return raw + BUSINESS_OFFSET
    return raw


def form_to_json(schema: type[CommandBody], form: dict[str, str]) -> dict[str, Any]:
    """The JSON body the API would have received for this form (empty inputs left out)."""
    body: dict[str, Any] = {}
    for spec in form_fields(schema):
        if spec.kind == "checkbox":
            body[spec.name] = spec.name in form
        elif spec.kind == "lines":
            rows = []
            for row in range(spec.rows):
                values = {
                    sub.name: form.get(f"{spec.name}.{row}.{sub.name}", "").strip()
                    for sub in spec.subfields
                }
                if any(values.values()):
                    rows.append({k: v for k, v in values.items() if v})
            if rows or spec.required:
                body[spec.name] = rows
        elif spec.kind == "list":
            raw = form.get(spec.name, "")
            parts = [p.strip() for p in raw.replace("、", ",").replace("\n", ",").split(",")]
            body[spec.name] = [p for p in parts if p]
        elif (raw := form.get(spec.name, "").strip()) != "":
            body[spec.name] = _value(spec.kind, raw)
    return body


def form_names(schema: type[CommandBody]) -> set[str]:
    """Every field name the command's form may send."""
    names = set(FORM_EXTRAS)
    for spec in form_fields(schema):
        if spec.kind == "lines":
            names |= {
                f"{spec.name}.{r}.{sub.name}" for r in range(spec.rows) for sub in spec.subfields
            }
        else:
            names.add(spec.name)
    return names


def parse_form(schema: type[CommandBody], form: dict[str, str]) -> CommandBody:
    """The command's request, validated by its API schema; FormErrors as the API's errors.

    A field the form does not have is refused, as the API refuses unknown members.
    """
    unknown = sorted(set(form) - form_names(schema))
    if unknown:
        raise FormErrors([{"field": "body", "reason": f"unknown field(s): {len(unknown)}"}])
    try:
        return schema.model_validate(form_to_json(schema, form))
    except ValidationError as error:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "reason": e["msg"]}
            for e in error.errors()
        ]
        raise FormErrors(errors) from None
