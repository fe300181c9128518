"""Which URLs a webhook may be sent to (against server-side request forgery).

A webhook URL must be ``http`` or ``https`` with a host, no user name or
password, no fragment, at most 2,000 characters. Every address its host
resolves to must be a public one: loopback, private (10/8, 172.16/12,
192.168/16, fc00::/7), link-local (169.254/16, cloud metadata), multicast and
reserved addresses are refused, unless ``SANBAO_WEBHOOK_ALLOW_PRIVATE`` is set
for an on-site receiver. The check runs when the subscription is made and again
before every delivery (a name may be pointed elsewhere later); deliveries never
follow redirects.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from domain.errors import InvalidInputError

MAX_URL = 2000


class WebhookUrlError(InvalidInputError):
    """Raised when a webhook URL breaks the rule above; says why in both languages."""

    def __init__(self, reason: str, reason_zh: str) -> None:
        super().__init__("url", reason)
        self.detail_zh = f"url：{reason_zh}"


def check_webhook_url(url: str, allow_private: bool) -> str:
    """The URL, checked (syntax and resolved addresses); WebhookUrlError otherwise."""
    if len(url) > MAX_URL:
        raise WebhookUrlError(f"at most {MAX_URL} characters", f"最多 {MAX_URL} 个字符")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise WebhookUrlError("must be an http or https URL", "必须是 http 或 https 网址")
    if not parts.hostname:
        raise WebhookUrlError("needs a host", "缺少主机名")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlError("must not carry a user name or password", "不得包含用户名或密码")
    if parts.fragment:
        raise WebhookUrlError("must not have a fragment (#…)", "不得包含片段（#…）")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookUrlError("has an invalid port", "端口无效") from None
    check_address(parts.hostname, port, allow_private)
    return url


def check_address(host: str, port: int, allow_private: bool) -> None:
    """Refuses a host that does not resolve, or resolves to a non-public address."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookUrlError(f"host {host} does not resolve", f"主机 {host} 无法解析") from None
    if allow_private:
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise WebhookUrlError(
                f"host {host} resolves to {address}, which is not a public address",
                f"主机 {host} 解析为非公网地址 {address}",
            )
