"""Which URLs a webhook may be sent to: http(s), no credentials, public addresses only."""

from __future__ import annotations

import pytest

from api.service.webhook_urls import WebhookUrlError, check_webhook_url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://8.8.8.8/x",
        "file:///etc/passwd",
        "http:///no-host",
        "https://user:pw@8.8.8.8/x",
        "https://8.8.8.8/x#fragment",
        "http://8.8.8.8:99999/x",
        "http://127.0.0.1/x",
        "http://[::1]/x",
        "http://10.1.2.3/x",
        "http://172.16.0.1/x",
        "http://192.168.1.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/x",
        "http://[fd00::1]/x",
        "https://8.8.8.8/" + "x" * 2000,
    ],
)
def test_a_url_breaking_the_rule_is_refused_in_both_languages(url: str) -> None:
    with pytest.raises(WebhookUrlError) as refused:
        check_webhook_url(url, allow_private=False)
    assert refused.value.field == "url" and refused.value.detail_zh


def test_a_public_address_is_accepted() -> None:
    assert check_webhook_url("https://8.8.8.8/hooks", allow_private=False)


def test_private_addresses_are_accepted_when_allowed() -> None:
    assert check_webhook_url("http://127.0.0.1:8080/hooks", allow_private=True)
