"""Signed checkpoints deleted, as an insider able to disable the ledger's triggers would.

Deleting the newest checkpoint, or all of them, verified "intact". Checkpoints are
numbered 1, 2, … and each names the previous one's digest, so a deleted one leaves
a gap; the newest ones leave none, but an earlier verification run saw them, and
the head an auditor kept outside the database (``sanbao ledger head``) names them.
Signing again after a deletion does not hide it from that head.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fault.signed_ledger import (  # noqa: F401 - the fixtures, used by name
    SignedLedger,
    signed_fixture,
    template_fixture,
)
from tests.support.tampering import triggers_off

pytestmark = [pytest.mark.postgres, pytest.mark.fault]


def delete_checkpoints(signed: SignedLedger, where: str, *args: int) -> None:
    with signed.connect() as conn, triggers_off(conn):
        conn.execute(f"DELETE FROM ledger.checkpoints WHERE {where}", args)


def forget_verifications(signed: SignedLedger) -> None:
    with signed.connect() as conn, triggers_off(conn):
        conn.execute("DELETE FROM ledger.verifications")


def keep_head(signed: SignedLedger, path: Path) -> Path:
    """``sanbao ledger head`` written to a file, as an auditor keeps it."""
    result = signed.sanbao("ledger", "head")
    assert result.exit_code == 0, result.output
    path.write_text(result.stdout)
    return path


def test_a_checkpoint_deleted_from_the_middle_is_named_missing(signed: SignedLedger) -> None:
    assert len(signed.checkpoints()) >= 4
    delete_checkpoints(signed, "seq = 3")
    result = signed.sanbao("verify")
    assert result.exit_code == 1, result.output
    assert "checkpoint-missing" in result.output
    assert "checkpoint #3 before checkpoint #4 is missing" in result.output


def test_the_first_checkpoints_deleted_are_named_missing(signed: SignedLedger) -> None:
    delete_checkpoints(signed, "seq <= 2")
    result = signed.sanbao("verify", "--from", "50")
    assert result.exit_code == 1, result.output
    assert "checkpoint #1..#2 before checkpoint #3 is missing" in result.output


def test_the_newest_checkpoint_deleted_fails_against_an_earlier_verification(
    signed: SignedLedger,
) -> None:
    assert signed.sanbao("verify").exit_code == 0
    newest = signed.checkpoints()[-1]
    delete_checkpoints(signed, "seq = %s", newest[0])
    result = signed.sanbao("verify")
    assert result.exit_code == 1, result.output
    assert f"the checkpoint at position {newest[1]}, seen by the verification" in result.output


def test_every_checkpoint_deleted_fails_against_an_earlier_verification(
    signed: SignedLedger,
) -> None:
    assert signed.sanbao("verify").exit_code == 0
    delete_checkpoints(signed, "true")
    result = signed.sanbao("verify")
    assert result.exit_code == 1 and "checkpoint-missing" in result.output, result.output
    refused = signed.sanbao("ledger", "checkpoint")  # nor does signing anew launder it
    assert refused.exit_code == 1 and "checkpoint-missing" in refused.output
    assert signed.checkpoints() == []


def test_the_newest_checkpoint_deleted_with_every_record_of_it_fails_against_the_kept_head(
    signed: SignedLedger, tmp_path: Path
) -> None:
    kept = keep_head(signed, tmp_path / "head.json")
    assert signed.sanbao("verify", "--expect-head", str(kept)).exit_code == 0
    newest = signed.checkpoints()[-1]
    delete_checkpoints(signed, "seq = %s", newest[0])
    forget_verifications(signed)
    # The stated limit: inside the database nothing is left that knew the newest one.
    assert signed.sanbao("verify").exit_code == 0
    result = signed.sanbao("verify", "--expect-head", str(kept))
    assert result.exit_code == 1, result.output
    assert f"checkpoint #{newest[0]} at position {newest[1]}, is no longer" in result.output


def test_every_checkpoint_deleted_and_signed_again_fails_against_the_kept_head(
    signed: SignedLedger, tmp_path: Path
) -> None:
    kept = keep_head(signed, tmp_path / "head.json")
    before = signed.checkpoints()
    delete_checkpoints(signed, "true")
    forget_verifications(signed)
    assert signed.sanbao("ledger", "checkpoint").exit_code == 0  # the service signs at start-up
    assert signed.checkpoints() == before  # the same numbers and positions, signed anew
    result = signed.sanbao("verify", "--expect-head", str(kept))
    assert result.exit_code == 1, result.output
    assert f"checkpoint #{before[-1][0]} differs from the expected head" in result.output


def test_a_head_file_that_is_not_a_head_is_refused_as_bad_input(
    signed: SignedLedger, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"format": "something else"}')
    result = signed.sanbao("verify", "--expect-head", str(wrong))
    assert result.exit_code == 2
    assert "not a ledger head" in result.output
