"""Checkpoint bodies: one canonical text, signed and checked with Ed25519."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.integrity.checkpoints import (
    CheckpointBody,
    public_key_b64,
    public_key_from_b64,
    sign,
    signing_key,
)

BODY = CheckpointBody(
    seq=1,
    position=10,
    from_position=0,
    events=10,
    log_hash="aa" * 32,
    merkle_root="bb" * 32,
    previous="00" * 32,
    created_at="2026-11-23T08:00:00+00:00",
)
KEY = signing_key(base64.b64encode(bytes(32)).decode())


def test_a_signed_body_checks_with_its_public_key_only() -> None:
    signed = sign(BODY, KEY)
    assert signed.signed_by(public_key_from_b64(public_key_b64(KEY)))
    assert not signed.signed_by(Ed25519PrivateKey.generate().public_key())


def test_a_body_parses_back_only_from_its_canonical_text() -> None:
    text = BODY.canonical().decode()
    assert CheckpointBody.parse(text) == BODY
    with pytest.raises(ValueError, match="canonical"):
        CheckpointBody.parse(text.replace(",", ", ", 1))


@pytest.mark.parametrize("seed", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_signing_key_must_be_a_32_byte_base64_seed(seed: str) -> None:
    with pytest.raises(ValueError):
        signing_key(seed)
