"""The command table is the one list of claim commands: catalogs and roles follow it."""

from __future__ import annotations

import inspect

import pytest

from api.command_table import COMMAND_TABLE, CommandEntry
from api.roles import CLAIMS_REPORT, PERMISSIONS
from api.ui.i18n import LANGUAGES, catalog
from domain.claim import Claim
from domain.vocabulary import Role

ENTRIES = pytest.mark.parametrize("entry", COMMAND_TABLE, ids=[e.action for e in COMMAND_TABLE])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_command_has_a_label_in_each_language(language: str) -> None:
    messages = catalog(language)
    assert [e.action for e in COMMAND_TABLE if f"command.{e.action}" not in messages] == []


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_the_role_matrix_grants_each_role_exactly_the_commands_the_table_names(
    role: Role,
) -> None:
    table = {e.permission for e in COMMAND_TABLE if role in e.roles}
    every_command = {e.permission for e in COMMAND_TABLE}
    assert PERMISSIONS[role] & every_command == table


def test_no_two_commands_share_an_action_or_a_method() -> None:
    assert len({e.action for e in COMMAND_TABLE}) == len(COMMAND_TABLE)
    assert len({e.method for e in COMMAND_TABLE}) == len(COMMAND_TABLE)


@ENTRIES
def test_each_command_is_a_public_method_of_the_claim(entry: CommandEntry) -> None:
    name = entry.method.__name__
    assert not name.startswith("_")
    assert inspect.getattr_static(Claim, name) is entry.method


@ENTRIES
def test_each_request_schema_gives_arguments_its_method_takes(entry: CommandEntry) -> None:
    """A diagnosis takes the person's arguments; the ledger adds the 三包 decision."""
    examples = entry.schema.model_config.get("json_schema_extra", {})["examples"]  # type: ignore[index]
    kwargs = entry.schema.model_validate(examples[0]).to_kwargs()
    kwargs.pop("occurred_at")
    if entry.method is Claim.diagnose:
        kwargs = {**kwargs, "decision": None}
        kwargs.pop("goods_used")
    inspect.signature(entry.method).bind(None, None, None, **kwargs)


def test_reporting_is_granted_apart_from_the_commands() -> None:
    assert {r for r in Role if CLAIMS_REPORT in PERMISSIONS[r]} == {
        Role.AGENT,
        Role.SPECIALIST,
        Role.SUPERVISOR,
    }
