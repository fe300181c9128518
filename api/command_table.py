"""The claim commands, in one table: URL action, ``Claim`` method, request schema, who may.

Each row is read by every entry point: the JSON API makes one route per row
(``api/http/routes/claim_commands.py``), the role matrix grants each row's
permission to its roles (``api/roles.py``), the console builds a form from the
row's schema and offers the row when the claim's state allows it
(``api/ui/actions.py``), and the console's catalogs name each action
(``command.<action>`` in ``api/ui/locales``). The method is the aggregate's own
command; ``ClaimsLedger.command`` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from api.http.schemas import command_bodies as s
from domain.application import ClaimCommand, ClaimsLedger, CommandResult
from domain.claim import Claim
from domain.values import Actor
from domain.vocabulary import Role

# Who runs which commands. Agents talk to the customer (and take down their answer
# to a quote), technicians diagnose and repair, the warehouse moves goods;
# specialists and supervisors may do everything, and the ending of a claim is theirs.
LEADS = frozenset({Role.SPECIALIST, Role.SUPERVISOR})
AGENTS = LEADS | {Role.AGENT}
TECHNICIANS = LEADS | {Role.TECHNICIAN}
WAREHOUSE = LEADS | {Role.WAREHOUSE}
EVERY_HAND = AGENTS | TECHNICIANS | WAREHOUSE


@dataclass(frozen=True)
class CommandEntry:
    """One claim command as the entry points offer it."""

    action: str
    """The last URL segment: ``POST /claims/{id}/<action>``; also the catalogs' key."""
    method: ClaimCommand
    """The aggregate's command, e.g. ``Claim.classify``."""
    schema: type[s.CommandBody]
    """The request body; ``to_kwargs`` gives the method's arguments."""
    summary: str
    """The OpenAPI summary."""
    roles: frozenset[Role]
    """The roles whose matrix holds ``permission``."""

    @property
    def permission(self) -> str:
        """The permission the command needs, e.g. ``claims:accept-quote``."""
        return f"claims:{self.action}"

    @property
    def operation_id(self) -> str:
        """The OpenAPI operation id, after the method: ``claim_accept_quote``."""
        return f"claim_{self.method.__name__}"

    def run(
        self,
        ledger: ClaimsLedger,
        claim_id: UUID,
        actor: Actor,
        body: s.CommandBody,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Runs the command on the ledger with the request's arguments."""
        kwargs = body.to_kwargs()
        return ledger.command(
            self.method, claim_id, actor, expected_version=expected_version, **kwargs
        )


E = CommandEntry
# fmt: off
COMMAND_TABLE = (
    E("classify", Claim.classify, s.ClaimClassify, "Classify the problem and priority", AGENTS),
    E("assign", Claim.assign, s.ClaimAssign, "Assign the claim to a team and person", AGENTS),
    E("acknowledge", Claim.acknowledge, s.ClaimAcknowledge, "Record the first response", AGENTS),
    E("diagnose", Claim.diagnose, s.ClaimDiagnose,
      "Record a diagnosis and 三包 decision", TECHNICIANS),
    E("quote", Claim.quote, s.ClaimQuote, "Quote paid work on an item", TECHNICIANS),
    E("accept-quote", Claim.accept_quote, s.ClaimAcceptQuote, "Record a quote accepted", AGENTS),
    E("decline-quote", Claim.decline_quote, s.ClaimDeclineQuote,
      "Record a quote declined", AGENTS),
    E("schedule-repair", Claim.schedule_repair, s.ClaimScheduleRepair,
      "Schedule an item's repair", TECHNICIANS),
    E("start-repair", Claim.start_repair, s.ClaimStartRepair,
      "Start an item's repair", TECHNICIANS),
    E("record-repair", Claim.record_repair, s.ClaimRecordRepair,
      "Record a repair's outcome", TECHNICIANS),
    E("ship-replacement", Claim.ship_replacement, s.ClaimShipReplacement,
      "Ship a replacement item", WAREHOUSE),
    E("receive-return", Claim.receive_return, s.ClaimReceiveReturn,
      "Receive returned goods", WAREHOUSE),
    E("refund", Claim.refund, s.ClaimRefund, "Refund an item to the original route", LEADS),
    E("escalate", Claim.escalate, s.ClaimEscalate, "Escalate the claim", AGENTS),
    E("pause-sla", Claim.pause_sla, s.ClaimPauseSla, "Pause the SLA clocks", AGENTS),
    E("resume-sla", Claim.resume_sla, s.ClaimResumeSla, "Resume the SLA clocks", AGENTS),
    E("confirm", Claim.confirm, s.ClaimConfirm, "Record the customer's confirmation", AGENTS),
    E("follow-up", Claim.follow_up, s.ClaimFollowUp, "Record a follow-up call", AGENTS),
    E("survey", Claim.survey, s.ClaimSurvey, "Record a satisfaction survey", AGENTS),
    E("close", Claim.close, s.ClaimClose, "Close a resolved claim", LEADS),
    E("reopen", Claim.reopen, s.ClaimReason, "Reopen an ended claim", LEADS),
    E("reject", Claim.reject, s.ClaimReason, "Reject the claim", LEADS),
    E("withdraw", Claim.withdraw, s.ClaimReason, "Record the customer's withdrawal", LEADS),
    E("notes", Claim.add_note, s.ClaimNote, "Add a note", EVERY_HAND),
    E("evidence", Claim.attach_evidence, s.ClaimEvidence, "Attach evidence by hash", EVERY_HAND),
)
# fmt: on
"""Every claim command, in the order the API documents and the console offers them."""

BY_ACTION = {entry.action: entry for entry in COMMAND_TABLE}
