"""The claim page's evidence: uploaded from the console, shown as thumbnails, opened logged."""

from __future__ import annotations

import io
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from domain.vocabulary import Role
from tests.e2e.claims import new_claim
from tests.ui.conftest import csrf_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def claim_id(client: TestClient, tokens: dict[Role, str]) -> UUID:
    headers = {"Authorization": f"Bearer {tokens[Role.AGENT]}"}
    return UUID(new_claim(client, headers)["claim_id"])


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), "orange").save(out, "JPEG")
    return out.getvalue()


def upload(browser: TestClient, claim_id: UUID, content: bytes, kind: str = "photo"):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get(f"/ui/claims/{claim_id}").text)
    return browser.post(
        f"/ui/claims/{claim_id}/evidence/files",
        data={"csrf_token": token, "kind": kind, "description": "灯罩裂纹"},
        files={"file": ("crack.jpg", content, "image/jpeg")},
        follow_redirects=False,
    )


def test_a_photo_uploaded_from_the_page_shows_as_a_thumbnail_and_opens_logged(
    as_role: dict[Role, TestClient], claim_id: UUID
) -> None:
    browser = as_role[Role.TECHNICIAN]
    uploaded = upload(browser, claim_id, photo())
    assert uploaded.status_code == 303, uploaded.text
    page = browser.get(f"/ui/claims/{claim_id}")
    assert "证据文件" in page.text and "/thumbnail" in page.text and "灯罩裂纹" in page.text
    start = page.text.index(f"/ui/claims/{claim_id}/evidence/")
    url = page.text[start : page.text.index('"', start)]
    opened = browser.get(url)
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/jpeg"
    thumb = browser.get(url + "/thumbnail")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/png"
    log = as_role[Role.SUPERVISOR].get(f"/ui/access-log?claim={claim_id}")
    assert log.status_code == 200 and "e2e.technician" in log.text


def test_a_file_that_is_not_its_kind_is_refused_at_the_form_in_the_readers_language(
    as_role: dict[Role, TestClient], claim_id: UUID
) -> None:
    browser = as_role[Role.AGENT]
    refused = upload(browser, claim_id, b"MZ\x90\x00 not a photo at all")
    assert refused.status_code == 422, refused.text
    assert "须为" in refused.text  # the Chinese reason of the file's refusal
    page = browser.get(f"/ui/claims/{claim_id}")
    assert "尚未上传文件" in page.text
