"""The ledger's integrity operations for the service and the CLI: verify, checkpoint, prove."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import PersistenceError
from psycopg import Connection

from api.service.logs import logger
from api.settings import Settings
from domain.application import ClaimsLedger
from domain.errors import InvalidInputError
from domain.integrity.checkpoints import CheckpointBody, SignedCheckpoint, public_key_b64
from domain.integrity.faults import LedgerIntegrityError, NothingSignedError, VerificationReport
from projections.audit.audit_export import ExportFilters, ExportHead, export_audit
from projections.audit.audit_queries import AuditRow
from storage.checkpoint_store import latest_checkpoint, write_checkpoints
from storage.hash_chain import LedgerTables
from storage.integrity_status import IntegrityStatus, latest_integrity_status
from storage.key_files import load_signing_key
from storage.proof_queries import claim_proof
from storage.recorder import datastore_of
from storage.snapshot_check import snapshot_replayer
from storage.verification import Progress, verify_ledger


class LedgerIntegrity:
    """Verification, checkpoints, proofs, status and exports of one open ledger."""

    def __init__(self, ledger: ClaimsLedger, settings: Settings) -> None:
        self.ledger = ledger
        self.settings = settings
        self.tables = LedgerTables.of(ledger)
        configured = settings.ledger_signing_key
        self.key = load_signing_key(
            configured.get_secret_value() if configured else None, settings.data_dir
        )

    @contextmanager
    def connection(self) -> Iterator[Connection[Any]]:
        with datastore_of(self.ledger).get_connection() as conn:
            yield conn

    def public_key(self) -> str:
        """The base64 Ed25519 public key auditors check checkpoints and proofs with."""
        return public_key_b64(self.key)

    def verify(
        self,
        from_position: int | None = None,
        to_position: int | None = None,
        progress: Progress | None = None,
        expected_head: SignedCheckpoint | None = None,
    ) -> VerificationReport:
        """Checks the log (or a range), and every snapshot when it checks everything.

        ``expected_head``: a checkpoint kept outside the database that the ledger
        must still hold (``sanbao verify --expect-head``).
        """
        if from_position and to_position and from_position > to_position:
            raise InvalidInputError("to", f"must not be before from ({from_position})")
        with self.connection() as conn:
            return verify_ledger(
                conn,
                self.tables,
                self.key.public_key(),
                from_position,
                to_position,
                progress,
                snapshot_replayer(self.ledger),
                expected_head,
            )

    def checkpoint(self) -> list[CheckpointBody]:
        """Signs checkpoints up to the head (LedgerIntegrityError over a tampered stretch)."""
        with self.connection() as conn:
            return write_checkpoints(conn, self.tables, self.key, self.settings.checkpoint_events)

    def signed_head(self) -> SignedCheckpoint:
        """The latest checkpoint, once signed up to the head.

        LedgerIntegrityError when the ledger is not intact; NothingSignedError when empty.
        """
        self.checkpoint()
        with self.connection() as conn:
            signed = latest_checkpoint(conn)
        if signed is None:
            raise NothingSignedError()
        return signed

    def proof(self, claim_id: UUID) -> dict[str, Any]:
        """The claim's proof, after signing a checkpoint over its latest events if needed."""
        try:
            self.checkpoint()
        except LedgerIntegrityError as error:
            # A fault elsewhere in the unsigned tail; the claim may still be covered.
            logger.warning("checkpoint refused", fault=error.fault.describe())
        with self.connection() as conn:
            return claim_proof(conn, self.tables, claim_id)

    def status(self) -> IntegrityStatus:
        with self.connection() as conn:
            return latest_integrity_status(conn)

    def export(self, filters: ExportFilters) -> Iterator[ExportHead | AuditRow]:
        """The audit rows, head first, on a connection held until the stream ends."""
        with self.connection() as conn:
            yield from export_audit(conn, filters)

    def run_checkpoints(self, stopping: threading.Event) -> None:
        """Signs checkpoints at once, then every ``checkpoint_seconds`` until ``stopping`` is set.

        Signing at start-up leaves no unsigned tail from before a restart waiting
        for the first interval.
        """
        self.sign_now()
        while not stopping.wait(self.settings.checkpoint_seconds):
            self.sign_now()

    def sign_now(self) -> list[CheckpointBody]:
        """Signs up to the head, logging (never raising) a refusal or a database error."""
        try:
            written = self.checkpoint()
        except LedgerIntegrityError as error:
            logger.error("ledger not intact; checkpoint refused", fault=error.fault.describe())
        except (psycopg.Error, PersistenceError) as error:
            logger.warning("checkpoint failed; will retry", error_type=type(error).__name__)
        else:
            if written:
                logger.info("checkpoint signed", seq=written[-1].seq, position=written[-1].position)
            return written
        return []
