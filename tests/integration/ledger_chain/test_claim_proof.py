"""A claim's proof checks out with only the file and the public key; any edit is refused."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.application import ClaimsLedger
from domain.integrity.faults import LedgerIntegrityError
from domain.integrity.proof import ProofError, verify_proof
from storage.proof_queries import claim_proof
from tests.integration.ledger_chain.conftest import (
    KEY,
    checkpoint,
    tables,
    write_claims,
)
from tests.support.tampering import triggers_off


def proof_of(conn: psycopg.Connection[Any], ledger: ClaimsLedger, max_events: int = 5) -> Any:
    claims = write_claims(ledger, claims=3, versions=4)
    checkpoint(conn, ledger, max_events=max_events)
    return claims[1], claim_proof(conn, tables(ledger), claims[1])


def test_a_proof_spanning_several_checkpoints_verifies_offline(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claim, document = proof_of(conn, ledger)
    result = verify_proof(json.loads(json.dumps(document)), KEY.public_key())
    assert (result.claim_id, result.versions) == (claim, 4)
    assert len(result.checkpoints) > 1


def test_a_proof_file_with_any_one_byte_edited_is_refused(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    _, document = proof_of(conn, ledger)
    text = json.dumps(document)
    refused = 0
    for at in range(0, len(text), 5):  # every fifth byte of the file
        edited = text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1 :]
        try:
            parsed = json.loads(edited)
        except json.JSONDecodeError:
            continue  # no longer JSON at all: refused before any check
        if parsed == document:
            continue  # the byte was formatting, e.g. a space: the proof is unchanged
        with pytest.raises(ProofError):
            verify_proof(parsed, KEY.public_key())
        refused += 1
    assert refused > len(text) // 10


def test_a_proof_is_refused_under_another_public_key(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    _, document = proof_of(conn, ledger)
    stranger = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ProofError, match="not signed"):
        verify_proof(document, stranger)


def test_a_proof_needs_the_claims_events_under_a_checkpoint(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claims = write_claims(ledger, claims=1, versions=2)
    with pytest.raises(LedgerIntegrityError, match="not yet covered"):
        claim_proof(conn, tables(ledger), claims[0])


def test_a_proof_of_a_tampered_claim_is_not_issued(
    ledger: ClaimsLedger, conn: psycopg.Connection[Any]
) -> None:
    claims = write_claims(ledger, claims=1, versions=2)
    checkpoint(conn, ledger)
    with triggers_off(conn):
        conn.execute(f"UPDATE {tables(ledger).events} SET state = '{{}}'::bytea")
    with pytest.raises(LedgerIntegrityError, match="does not match the chain"):
        claim_proof(conn, tables(ledger), claims[0])
