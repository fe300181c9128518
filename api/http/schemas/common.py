"""Schemas shared by every resource: the problem document."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    field: str
    reason: str


class Problem(BaseModel):
    """An error answer (RFC 9457, ``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="stable URI of the kind of problem")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="for validation errors")
    action: str | None = Field(default=None, description="for lifecycle errors: what was tried")
    state: str | None = Field(default=None, description="for lifecycle errors: the claim's state")
    role: str | None = Field(default=None, description="for 403: the user's role")
    permission: str | None = Field(default=None, description="for 403: the missing permission")
