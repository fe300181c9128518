"""Signing in with a token opens a cookie session; signing out or revoking ends it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.service.runtime import Runtime
from domain.vocabulary import Role
from tests.ui.conftest import csrf_of, new_browser, sign_in

pytestmark = pytest.mark.postgres


def test_a_page_without_a_session_redirects_to_sign_in(client: TestClient) -> None:
    response = new_browser(client).get("/ui/claims?status=closed", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/sign-in?next=%2Fui%2Fclaims%3Fstatus%3Dclosed"


def test_signing_in_sets_an_http_only_same_site_strict_session_cookie(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    browser = new_browser(client)
    form = browser.get("/ui/sign-in")
    response = browser.post(
        "/ui/sign-in",
        data={"csrf_token": csrf_of(form.text), "token": tokens[Role.AUDITOR], "next": "/ui/sla"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/sla"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("sanbao_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Path=/ui" in cookie
    assert browser.get("/ui/claims").status_code == 200


def test_an_unknown_token_is_refused_without_a_session(client: TestClient) -> None:
    browser = new_browser(client)
    form = browser.get("/ui/sign-in")
    response = browser.post(
        "/ui/sign-in", data={"csrf_token": csrf_of(form.text), "token": "sbk_wrong"}
    )
    assert response.status_code == 401
    assert "令牌无效或已被吊销" in response.text
    assert "sanbao_session" not in browser.cookies


def test_the_sign_in_form_is_refused_without_its_csrf_value(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    browser = new_browser(client)
    browser.get("/ui/sign-in")
    response = browser.post(
        "/ui/sign-in", data={"csrf_token": "forged", "token": tokens[Role.SUPERVISOR]}
    )
    assert response.status_code == 403
    assert "sanbao_session" not in browser.cookies


def test_signing_out_ends_the_session_even_for_a_kept_cookie(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    browser = new_browser(client)
    sign_in(browser, tokens[Role.AGENT])
    replay = new_browser(client)
    replay.cookies.set("sanbao_session", browser.cookies["sanbao_session"], path="/ui")
    assert replay.get("/ui/claims", follow_redirects=False).status_code == 200
    page = browser.get("/ui/claims")
    response = browser.post(
        "/ui/sign-out", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert replay.get("/ui/claims", follow_redirects=False).status_code == 303


def test_revoking_the_users_token_ends_their_sessions(client: TestClient, runtime: Runtime) -> None:
    token = runtime.users.add("ui.leaver", Role.SUPERVISOR)
    browser = new_browser(client)
    sign_in(browser, token)
    assert browser.get("/ui/claims", follow_redirects=False).status_code == 200
    runtime.users.revoke("ui.leaver")
    assert browser.get("/ui/claims", follow_redirects=False).status_code == 303
