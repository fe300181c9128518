"""Who may do what: the role → permission matrix, in one table.

Permissions are named ``resource:action`` and are what a 403 names. Commands
follow the issue's roles; accepting or declining a quote records the
customer's answer, which the agent on the phone (as in the lamp-factory
cases) or a specialist takes down. ``system`` (the SLA sweep) has no API user.
"""

from __future__ import annotations

from domain.vocabulary import Role

# Every command action, as it appears in the URL (``POST /claims/{id}/<action>``).
AGENT_COMMANDS = frozenset(
    {
        "report", "classify", "assign", "acknowledge", "notes", "evidence", "escalate",
        "pause-sla", "resume-sla", "confirm", "follow-up", "survey", "accept-quote",
        "decline-quote",
    }
)  # fmt: skip
TECHNICIAN_COMMANDS = frozenset(
    {"diagnose", "quote", "schedule-repair", "start-repair", "record-repair", "notes", "evidence"}
)
SPECIALIST_ONLY = frozenset(
    {"ship-replacement", "receive-return", "refund", "reject", "close", "reopen", "withdraw"}
)
WAREHOUSE_COMMANDS = frozenset({"receive-return", "ship-replacement", "notes", "evidence"})
ALL_COMMANDS = AGENT_COMMANDS | TECHNICIAN_COMMANDS | SPECIALIST_ONLY

# Reads. Everyone who works claims reads them; audit, reports and traceability are
# oversight (supervisors, auditors, specialists; technicians trace faults too).
READ_CLAIMS = frozenset({"claims:read", "history:read", "policy:read"})
OVERSIGHT = frozenset({"audit:read", "trace:read", "reports:read", "sla:read"})
ALL_READS = READ_CLAIMS | OVERSIGHT

# Personal data (the customer's name, phone, email, address): those who talk to the
# customer see it, masked unless revealed, every time logged; technicians,
# warehouse staff and auditors see the region only. Only supervisors erase a
# customer; supervisors and auditors read the access log.
PERSONAL_READ = "personal:read"
CUSTOMERS_ERASE = "customers:erase"
ACCESS_LOG_READ = "access-log:read"

# The tamper-evident ledger: verifying it, claim proofs and audit exports are
# for those who answer for the record (supervisors) and check it (auditors).
LEDGER_VERIFY = "ledger:verify"
AUDIT_EXPORT = "audit:export"


def _commands(actions: frozenset[str]) -> frozenset[str]:
    return frozenset(f"claims:{action}" for action in actions)


PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.AGENT: _commands(AGENT_COMMANDS) | READ_CLAIMS | {"sla:read", PERSONAL_READ},
    Role.TECHNICIAN: _commands(TECHNICIAN_COMMANDS) | READ_CLAIMS | {"trace:read"},
    Role.SPECIALIST: _commands(ALL_COMMANDS) | ALL_READS | {PERSONAL_READ},
    Role.WAREHOUSE: _commands(WAREHOUSE_COMMANDS) | READ_CLAIMS,
    Role.SUPERVISOR: _commands(ALL_COMMANDS)
    | ALL_READS
    | {PERSONAL_READ, CUSTOMERS_ERASE, ACCESS_LOG_READ, LEDGER_VERIFY, AUDIT_EXPORT},
    Role.AUDITOR: ALL_READS | {ACCESS_LOG_READ, LEDGER_VERIFY, AUDIT_EXPORT},
    Role.SYSTEM: frozenset(),
}
API_ROLES = [role for role in Role if role is not Role.SYSTEM]


def command_permission(action: str) -> str:
    """The permission a command needs, e.g. ``claims:accept-quote``."""
    return f"claims:{action}"


def allows(role: Role, permission: str) -> bool:
    return permission in PERMISSIONS[role]
