"""Signing in with a name and password: argon2 hashes, a lock-out counted in PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from api.ui.deps import password_store
from domain.errors import InvalidInputError
from domain.vocabulary import Role
from storage.passwords import PasswordStore
from storage.recorder import datastore_of
from tests.ui.conftest import csrf_of, new_browser

pytestmark = pytest.mark.postgres


def user_with_password(runtime: Runtime, name: str, password: str, role: Role) -> None:
    runtime.users.add(name, role, display_name="王芳")
    assert password_store(runtime).set_password(name, password)


def post_password(browser: TestClient, name: str, password: str) -> Any:
    form = browser.get("/ui/sign-in")
    return browser.post(
        "/ui/sign-in",
        data={"csrf_token": csrf_of(form.text), "name": name, "password": password,
              "next": "/ui/claims"},
        follow_redirects=False,
    )  # fmt: skip


def test_the_right_password_opens_a_session(client: TestClient, runtime: Runtime) -> None:
    user_with_password(runtime, "pw.wang", "correct horse 1", Role.AGENT)
    browser = new_browser(client)
    response = post_password(browser, "pw.wang", "correct horse 1")
    assert response.status_code == 303
    assert browser.get("/ui/claims", follow_redirects=False).status_code == 200


def test_the_password_is_stored_as_an_argon2_hash(runtime: Runtime) -> None:
    user_with_password(runtime, "pw.hash", "correct horse 2", Role.AGENT)
    with datastore_of(runtime.ledger).get_connection() as conn:
        row = conn.execute("SELECT password_hash FROM api.users WHERE name = 'pw.hash'").fetchone()
    assert row is not None
    assert row["password_hash"].startswith("$argon2id$")
    assert "correct horse 2" not in row["password_hash"]


@pytest.mark.parametrize("language, words", [("zh", "用户名或密码错误"), ("en", "Wrong user name")])
def test_a_wrong_password_or_unknown_name_is_refused_in_the_same_words(
    client: TestClient, runtime: Runtime, language: str, words: str
) -> None:
    user_with_password(runtime, f"pw.wrong.{language}", "correct horse 3", Role.AGENT)
    for name, password in ((f"pw.wrong.{language}", "not it at all"), ("pw.nobody", "whatever1")):
        browser = new_browser(client, language)
        response = post_password(browser, name, password)
        assert response.status_code == 401
        assert words in response.text
        assert "sanbao_session" not in browser.cookies


def test_repeated_failures_lock_the_user_out_until_a_supervisor_resets_the_password(
    client: TestClient, runtime: Runtime
) -> None:
    user_with_password(runtime, "pw.locked", "correct horse 4", Role.TECHNICIAN)
    limit = runtime.settings.sign_in_max_failures
    for _ in range(limit):
        assert post_password(new_browser(client), "pw.locked", "wrong guess").status_code == 401
    locked = post_password(new_browser(client), "pw.locked", "correct horse 4")
    assert locked.status_code == 401
    assert "已锁定至" in locked.text
    assert password_store(runtime).set_password("pw.locked", "a new password 5")
    assert post_password(new_browser(client), "pw.locked", "a new password 5").status_code == 303


def test_failures_are_counted_in_postgresql_across_stores_and_a_lock_ends_by_time(
    runtime: Runtime,
) -> None:
    datastore = datastore_of(runtime.ledger)
    one, other = (PasswordStore(datastore, 3, timedelta(minutes=15)) for _ in range(2))
    runtime.users.add("pw.shared", Role.AGENT)
    one.set_password("pw.shared", "correct horse 6")
    assert one.sign_in("pw.shared", "wrong 1").locked_until is None
    assert other.sign_in("pw.shared", "wrong 2").locked_until is None
    assert one.sign_in("pw.shared", "wrong 3").locked_until is not None
    assert other.sign_in("pw.shared", "correct horse 6").user is None
    with datastore.get_connection() as conn:  # the lock-out's time has passed
        conn.execute(
            "UPDATE api.users SET locked_until = now() - interval '1 second'"
            " WHERE name = 'pw.shared'"
        )
    signed_in = other.sign_in("pw.shared", "correct horse 6")
    assert signed_in.user is not None and signed_in.user.role is Role.AGENT


def test_a_revoked_user_cannot_sign_in_with_their_password(runtime: Runtime) -> None:
    user_with_password(runtime, "pw.gone", "correct horse 7", Role.AGENT)
    runtime.users.revoke("pw.gone")
    assert password_store(runtime).sign_in("pw.gone", "correct horse 7").user is None
    assert not password_store(runtime).set_password("pw.gone", "correct horse 8")


@pytest.mark.parametrize("password", ["short", "x" * 257, "tab\there1"])
def test_a_password_too_short_too_long_or_with_control_characters_is_refused(
    runtime: Runtime, password: str
) -> None:
    runtime.users.add(f"pw.bad.{len(password)}", Role.AGENT)
    with pytest.raises(InvalidInputError) as refused:
        password_store(runtime).set_password(f"pw.bad.{len(password)}", password)
    assert refused.value.field == "password"


def test_signing_in_with_a_token_still_works(client: TestClient, tokens: dict[Role, str]) -> None:
    browser = new_browser(client)
    form = browser.get("/ui/sign-in")
    response = browser.post(
        "/ui/sign-in",
        data={"csrf_token": csrf_of(form.text), "token": tokens[Role.AUDITOR]},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_a_new_password_ends_the_users_console_sessions(
    client: TestClient, runtime: Runtime
) -> None:
    user_with_password(runtime, "pw.reset", "correct horse 9", Role.AGENT)
    browser = new_browser(client)
    assert post_password(browser, "pw.reset", "correct horse 9").status_code == 303
    assert browser.get("/ui/claims", follow_redirects=False).status_code == 200
    password_store(runtime).set_password("pw.reset", "another horse 10")
    assert browser.get("/ui/claims", follow_redirects=False).status_code == 303
