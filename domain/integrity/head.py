"""The signed head an auditor keeps outside the database: the latest checkpoint, as a file.

``sanbao ledger head`` writes it; ``sanbao verify --expect-head FILE`` fails
when the ledger no longer holds that checkpoint exactly as it was signed. As
checkpoints are chained (each names the previous one's digest) and verification
checks the chain from checkpoint #1, holding the head means holding everything
signed before it: the file is the only check that sees the newest checkpoints
deleted, or the whole tail cut with them, by someone who can disable triggers.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from domain.integrity.checkpoints import CheckpointBody, SignedCheckpoint

HEAD_FORMAT = "sanbao-ledger-head/1"


def head_document(signed: SignedCheckpoint, public_key: str) -> dict[str, Any]:
    """The file's content: the checkpoint's exact signed text, its signature and key."""
    return {
        "format": HEAD_FORMAT,
        "seq": signed.body.seq,
        "position": signed.body.position,
        "log_hash": signed.body.log_hash,
        "checkpoint": signed.text,
        "signature": base64.b64encode(signed.signature).decode("ascii"),
        "public_key": public_key,
    }


def parse_head(text: str) -> SignedCheckpoint:
    """The signed checkpoint a head file holds; ValueError naming what is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    if not isinstance(document, dict) or document.get("format") != HEAD_FORMAT:
        raise ValueError(f"not a ledger head (format {HEAD_FORMAT!r} expected)")
    checkpoint, signature = document.get("checkpoint"), document.get("signature")
    if not isinstance(checkpoint, str) or not isinstance(signature, str):
        raise ValueError("checkpoint and signature must be strings")
    body = CheckpointBody.parse(checkpoint)
    try:
        raw = base64.b64decode(signature, validate=True)
    except (ValueError, binascii.Error):
        raise ValueError("the signature is not base64") from None
    named = (document.get("seq"), document.get("position"), document.get("log_hash"))
    if named != (body.seq, body.position, body.log_hash):
        raise ValueError("seq, position or log_hash differ from the signed checkpoint")
    return SignedCheckpoint(body, checkpoint, raw)
