"""Uploading an evidence file to a claim: check it, store it, record it (API, console, demo).

The file is checked first (``domain.evidence_files``: its sniffed media type
must be one its kind accepts, within the size limit), then stored by digest
(``storage.evidence_files``; an invoice sealed under the customer's key), then
the claim records ``EvidenceAttached``. When the claim refuses the command
(closed, for instance), a file this upload stored is removed again, so a
refused upload leaves nothing behind.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.application import ClaimsLedger, CommandResult
from domain.claim import Claim
from domain.errors import CustomerErasedError
from domain.evidence_files import EvidenceKind, check_upload
from domain.values import Actor, Evidence
from storage.evidence_files import EvidenceFiles
from storage.recorder import datastore_of


def upload_evidence_file(
    ledger: ClaimsLedger,
    claim_id: UUID,
    actor: Actor,
    content: bytes,
    kind: EvidenceKind,
    max_bytes: int,
    description: str = "",
    occurred_at: datetime | None = None,
) -> CommandResult:
    """Stores the file and records it on the claim; raises (storing nothing) if refused."""
    checked = check_upload(content, kind, max_bytes)
    claim = ledger.get_claim(claim_id)
    sealed_for, key = "", None
    if checked.personal:
        sealed_for = getattr(claim.customer, "customer_id", "")
        key = ledger.customer_keys.key_of(sealed_for) if sealed_for else None
        if key is None:
            raise CustomerErasedError(sealed_for)
    files = EvidenceFiles(datastore_of(ledger))
    new = files.store(content, checked.sha256, checked.media_type, sealed_for, key)
    evidence = Evidence(
        checked.sha256,
        checked.media_type,
        description,
        size=checked.size,
        kind=kind.value,
        uploaded_by=actor.user_id,
        uploaded_at=ledger.clock(),
        sealed_for=sealed_for,
    )
    try:
        return ledger.command(
            Claim.attach_evidence, claim_id, actor, occurred_at, evidence=evidence
        )
    except Exception:
        if new:  # a refused upload leaves no file behind
            files.discard(checked.sha256, sealed_for)
        raise
