"""A tail cut below the signed checkpoints: the events and their chain rows after a
position deleted, as an insider able to disable the ledger's triggers would do it.

The issue's case (events and chain cut at 80 while checkpoints at 83 and 84 remained)
verified "intact". Now the checkpoints beyond the head, a checkpoint an earlier
verification saw, or the head an auditor kept outside the database each show the cut;
only a cut that also removes its checkpoints and every verification run that saw them
goes unseen from inside the database, and ``verify --expect-head`` shows it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fault.signed_ledger import (  # noqa: F401 - the fixtures, used by name
    SignedLedger,
    signed_fixture,
    template_fixture,
    write_claims,
)
from tests.support.tampering import triggers_off

pytestmark = [pytest.mark.postgres, pytest.mark.fault]
EVENTS, SNAPSHOTS = "sanbaoledger_events", "sanbaoledger_snapshots"


def cut_below_last_two_checkpoints(signed: SignedLedger) -> int:
    """Deletes the events and chain rows after a position below the last two checkpoints."""
    checkpoints = signed.checkpoints()
    assert len(checkpoints) >= 3, checkpoints
    cut = checkpoints[-2][1] - 3
    with signed.connect() as conn, triggers_off(conn):
        conn.execute(f"DELETE FROM {EVENTS} WHERE notification_id > %s", (cut,))
        conn.execute("DELETE FROM ledger.chain WHERE notification_id > %s", (cut,))
        # Snapshots of versions no longer in the log go too: the cut is made consistent.
        conn.execute(
            f"DELETE FROM {SNAPSHOTS} s WHERE NOT EXISTS (SELECT 1 FROM {EVENTS} e "
            "WHERE e.originator_id = s.originator_id "
            "AND e.originator_version = s.originator_version)"
        )
    return cut


def delete_checkpoints_after(signed: SignedLedger, position: int) -> None:
    with signed.connect() as conn, triggers_off(conn):
        conn.execute("DELETE FROM ledger.checkpoints WHERE position > %s", (position,))


def test_an_untouched_copy_verifies_intact_up_to_its_signed_head(signed: SignedLedger) -> None:
    result = signed.sanbao("verify")
    assert result.exit_code == 0, result.output
    assert f"intact up to position {signed.head}" in result.output
    assert f"signed checkpoints cover up to {signed.head}" in result.output


def test_a_cut_below_two_checkpoints_fails_naming_the_checkpoint_beyond_the_head(
    signed: SignedLedger,
) -> None:
    beyond = signed.checkpoints()[-2]
    cut = cut_below_last_two_checkpoints(signed)
    result = signed.sanbao("verify")
    assert result.exit_code == 1, result.output
    assert "truncated" in result.output
    assert f"checkpoint #{beyond[0]} was signed at position {beyond[1]}" in result.output
    assert f"beyond the log's head {cut}" in result.output


def test_after_a_cut_nothing_more_is_signed_and_new_events_stay_refused(
    signed: SignedLedger, tmp_path: Path
) -> None:
    cut_below_last_two_checkpoints(signed)
    before = signed.checkpoints()
    refused = signed.sanbao("ledger", "checkpoint")
    assert refused.exit_code == 1 and "truncated" in refused.output
    write_claims(signed.url, tmp_path, claims=1, notes=2, sign=False)  # the service goes on
    assert signed.sanbao("ledger", "checkpoint").exit_code == 1
    assert signed.checkpoints() == before
    assert signed.sanbao("verify").exit_code == 1


def test_a_cut_that_also_deletes_its_checkpoints_fails_against_an_earlier_verification(
    signed: SignedLedger,
) -> None:
    assert signed.sanbao("verify").exit_code == 0  # an auditor's run, recorded
    cut = cut_below_last_two_checkpoints(signed)
    delete_checkpoints_after(signed, cut)
    result = signed.sanbao("verify")
    assert result.exit_code == 1, result.output
    assert "checkpoint-missing" in result.output
    assert f"the checkpoint at position {signed.head}, seen by the verification" in result.output


def test_a_cut_hidden_from_every_record_in_the_database_fails_against_the_kept_head(
    signed: SignedLedger, tmp_path: Path
) -> None:
    head = signed.sanbao("ledger", "head")
    assert head.exit_code == 0, head.output
    kept = tmp_path / "head.json"
    kept.write_text(head.stdout)
    assert json.loads(head.stdout)["position"] == signed.head
    cut = cut_below_last_two_checkpoints(signed)
    delete_checkpoints_after(signed, cut)
    with signed.connect() as conn, triggers_off(conn):
        conn.execute("DELETE FROM ledger.verifications")
    # The stated limit: inside the database nothing is left that knew the longer log.
    assert signed.sanbao("verify").exit_code == 0
    result = signed.sanbao("verify", "--expect-head", str(kept))
    assert result.exit_code == 1, result.output
    assert "head-missing" in result.output
    assert f"at position {signed.head}, is no longer in the ledger" in result.output
