"""The claim commands the API offers: URL action, ledger method, request schema, summary."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from api.http.schemas import command_bodies as s
from domain.application import ClaimsLedger, CommandResult
from domain.values import Actor


@dataclass(frozen=True)
class CommandSpec:
    action: str
    """The last URL segment: ``POST /claims/{id}/<action>``."""
    method: str
    """The ledger's command (``ClaimsLedger.command``) or ``diagnose``."""
    schema: type[s.CommandBody]
    summary: str


COMMAND_SPECS = (
    CommandSpec("classify", "classify", s.ClaimClassify, "Classify the problem and priority"),
    CommandSpec("assign", "assign", s.ClaimAssign, "Assign the claim to a team and person"),
    CommandSpec("acknowledge", "acknowledge", s.ClaimAcknowledge, "Record the first response"),
    CommandSpec("diagnose", "diagnose", s.ClaimDiagnose, "Record a diagnosis and 三包 decision"),
    CommandSpec("quote", "quote", s.ClaimQuote, "Quote paid work on an item"),
    CommandSpec("accept-quote", "accept_quote", s.ClaimAcceptQuote, "Record a quote accepted"),
    CommandSpec("decline-quote", "decline_quote", s.ClaimDeclineQuote, "Record a quote declined"),
    CommandSpec(
        "schedule-repair", "schedule_repair", s.ClaimScheduleRepair, "Schedule an item's repair"
    ),
    CommandSpec("start-repair", "start_repair", s.ClaimStartRepair, "Start an item's repair"),
    CommandSpec("record-repair", "record_repair", s.ClaimRecordRepair, "Record a repair's outcome"),
    CommandSpec(
        "ship-replacement", "ship_replacement", s.ClaimShipReplacement, "Ship a replacement item"
    ),
    CommandSpec("receive-return", "receive_return", s.ClaimReceiveReturn, "Receive returned goods"),
    CommandSpec("refund", "refund", s.ClaimRefund, "Refund an item to the original route"),
    CommandSpec("escalate", "escalate", s.ClaimEscalate, "Escalate the claim"),
    CommandSpec("pause-sla", "pause_sla", s.ClaimPauseSla, "Pause the SLA clocks"),
    CommandSpec("resume-sla", "resume_sla", s.ClaimResumeSla, "Resume the SLA clocks"),
    CommandSpec("confirm", "confirm", s.ClaimConfirm, "Record the customer's confirmation"),
    CommandSpec("follow-up", "follow_up", s.ClaimFollowUp, "Record a follow-up call"),
    CommandSpec("survey", "survey", s.ClaimSurvey, "Record a satisfaction survey"),
    CommandSpec("close", "close", s.ClaimReason, "Close a resolved claim"),
    CommandSpec("reopen", "reopen", s.ClaimReason, "Reopen an ended claim"),
    CommandSpec("reject", "reject", s.ClaimReason, "Reject the claim"),
    CommandSpec("withdraw", "withdraw", s.ClaimReason, "Record the customer's withdrawal"),
    CommandSpec("notes", "add_note", s.ClaimNote, "Add a note"),
    CommandSpec("evidence", "attach_evidence", s.ClaimEvidence, "Attach evidence by hash"),
)


def run_command(
    ledger: ClaimsLedger,
    spec: CommandSpec,
    claim_id: UUID,
    actor: Actor,
    body: s.CommandBody,
    expected_version: int | None,
) -> CommandResult:
    """Runs one command on the ledger with the request's arguments."""
    kwargs = body.to_kwargs()
    if spec.method == "diagnose":
        return ledger.diagnose(claim_id, actor, expected_version=expected_version, **kwargs)
    return ledger.command(spec.method, claim_id, actor, expected_version=expected_version, **kwargs)
