"""The users page, for supervisors: add, name, reset a password, revoke; refusals by field."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from api.ui.deps import password_store
from domain.vocabulary import Role
from tests.ui.conftest import csrf_of, new_browser, sign_in

pytestmark = pytest.mark.postgres

TOKEN = re.compile(r'<code class="hash" id="new-token">(sbk_[^<]+)</code>')


@pytest.fixture(scope="module")
def supervisors(
    client: TestClient, tokens: dict[Role, str], demo: list[str]
) -> dict[str, TestClient]:
    signed_in = {}
    for language in ("zh", "en"):
        browser = new_browser(client, language)
        sign_in(browser, tokens[Role.SUPERVISOR])
        signed_in[language] = browser
    return signed_in


def post(browser: TestClient, path: str, **fields: str) -> Any:
    page = browser.get("/ui/users")
    return browser.post(
        path, data={"csrf_token": csrf_of(page.text), **fields}, follow_redirects=False
    )


def fresh_name() -> str:
    return f"ui.{uuid.uuid4().hex[:8]}"


def test_adding_a_user_shows_their_token_once_and_their_password_signs_them_in(
    supervisors: dict[str, TestClient], client: TestClient, runtime: Runtime
) -> None:
    name = fresh_name()
    response = post(
        supervisors["zh"], "/ui/users", name=name, role="technician",
        display_name="李强", password="first pass 1",
    )  # fmt: skip
    assert response.status_code == 201
    token = TOKEN.search(response.text).group(1)  # type: ignore[union-attr]
    assert runtime.users.verify(token) is not None
    assert TOKEN.search(supervisors["zh"].get("/ui/users").text) is None  # shown once
    listed = {u.name: u for u in runtime.users.list()}[name]
    assert (listed.display_name, listed.role, listed.has_password) == ("李强", "technician", True)
    browser = new_browser(client)
    form = browser.get("/ui/sign-in")
    signed = browser.post(
        "/ui/sign-in",
        data={"csrf_token": csrf_of(form.text), "name": name, "password": "first pass 1"},
        follow_redirects=False,
    )
    assert signed.status_code == 303


@pytest.mark.parametrize(
    "language, fields, words",
    [
        ("zh", {"name": "Wang Fang", "role": "agent"}, "请使用 1–64 个小写字母"),
        ("en", {"name": "ok.name", "role": "system"}, "Choose a role."),
        ("en", {"name": "ok.name2", "role": "agent", "password": "short"}, "at least 8"),
        ("zh", {"name": "e2e.agent", "role": "agent"}, "永不复用"),
    ],
)
def test_a_refused_user_is_shown_at_its_field_and_not_added(
    supervisors: dict[str, TestClient],
    runtime: Runtime,
    language: str,
    fields: dict[str, str],
    words: str,
) -> None:
    before = len(runtime.users.list())
    response = post(supervisors[language], "/ui/users", **fields)
    assert response.status_code == 422
    assert words in response.text
    assert 'aria-invalid="true"' in response.text
    assert len(runtime.users.list()) == before


def test_a_supervisor_renames_a_user(supervisors: dict[str, TestClient], runtime: Runtime) -> None:
    name = fresh_name()
    runtime.users.add(name, Role.AGENT)
    response = post(supervisors["en"], f"/ui/users/{name}/display-name", display_name="赵敏")
    assert response.status_code == 303
    assert runtime.users.display_names()[name] == "赵敏"


def test_a_password_reset_lifts_a_lock_out(
    supervisors: dict[str, TestClient], runtime: Runtime
) -> None:
    name = fresh_name()
    runtime.users.add(name, Role.AGENT)
    store = password_store(runtime)
    store.set_password(name, "old password 1")
    for _ in range(runtime.settings.sign_in_max_failures):
        store.sign_in(name, "wrong guess")
    assert store.sign_in(name, "old password 1").locked_until is not None
    differs = post(
        supervisors["zh"], f"/ui/users/{name}/password",
        password="new password 2", password_again="new password 3",
    )  # fmt: skip
    assert differs.status_code == 422
    assert "两次输入的密码不一致" in differs.text
    reset = post(
        supervisors["zh"], f"/ui/users/{name}/password",
        password="new password 2", password_again="new password 2",
    )  # fmt: skip
    assert reset.status_code == 200
    assert store.sign_in(name, "new password 2").user is not None


def test_revoking_a_user_ends_their_token_but_not_ones_own(
    supervisors: dict[str, TestClient], runtime: Runtime
) -> None:
    name = fresh_name()
    token = runtime.users.add(name, Role.AGENT)
    assert post(supervisors["en"], f"/ui/users/{name}/revoke").status_code == 200
    assert runtime.users.verify(token) is None
    own = post(supervisors["en"], "/ui/users/e2e.supervisor/revoke")
    assert own.status_code == 422
    assert "cannot revoke yourself" in own.text


def test_an_unknown_user_or_field_is_refused(supervisors: dict[str, TestClient]) -> None:
    missing = post(supervisors["en"], "/ui/users/nobody.here/display-name", display_name="x")
    assert missing.status_code == 404
    extra = post(supervisors["en"], "/ui/users", name="ok.x", role="agent", admin="yes")
    assert extra.status_code == 422


def test_the_forms_need_their_csrf_token(
    supervisors: dict[str, TestClient], runtime: Runtime
) -> None:
    response = supervisors["en"].post(
        "/ui/users", data={"csrf_token": "forged", "name": fresh_name(), "role": "agent"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.AGENT, Role.SPECIALIST, Role.AUDITOR])
def test_only_supervisors_manage_users(as_role: dict[Role, TestClient], role: Role) -> None:
    assert as_role[role].get("/ui/users").status_code == 403
    page = as_role[role].get("/ui/claims")
    forged = as_role[role].post(
        "/ui/users", data={"csrf_token": csrf_of(page.text), "name": "x.y", "role": "agent"}
    )
    assert forged.status_code == 403
