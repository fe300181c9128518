"""Who may do what: the role → permission matrix, in one table.

Permissions are named ``resource:action`` and are what a 403 names. The
claim commands' part comes from the command table (``api/command_table.py``),
whose rows name the roles that run them; accepting or declining a quote
records the customer's answer, which the agent on the phone (as in the
lamp-factory cases) or a specialist takes down. ``system`` (the SLA sweep) has
no API user.
"""

from __future__ import annotations

from api.command_table import COMMAND_TABLE
from domain.vocabulary import Role

# Reporting a claim is not a command on one (``POST /claims``): those who take the
# customer's call report, and the leads.
CLAIMS_REPORT = "claims:report"
REPORTERS = frozenset({Role.AGENT, Role.SPECIALIST, Role.SUPERVISOR})

# A unit's history is read by everyone who reads claims; those who report claims
# register units at sale time.
UNITS_READ = "units:read"
UNITS_REGISTER = "units:register"

# Stock (replacement units and spare parts): everyone who works claims reads it; the
# warehouse and the leads receive, return and reserve it.
STOCK_READ = "stock:read"
STOCK_MOVE = "stock:move"
STOCK_MOVERS = frozenset({Role.WAREHOUSE, Role.SPECIALIST, Role.SUPERVISOR})

# Reads. Everyone who works claims reads them; audit, reports and traceability are
# oversight (supervisors, auditors, specialists; technicians trace faults too).
READ_CLAIMS = frozenset({"claims:read", "history:read", "policy:read", "units:read", STOCK_READ})
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

# Operations: /metrics and the detail of /readyz (head, lag, quarantined events, request
# counts) tell an outsider how busy the ledger is; those who answer for it read them
# (a Prometheus scraper gets an auditor's token, or scrapes the metrics address).
METRICS_READ = "metrics:read"

# Events out: the public feed (no personal data, but every claim's business facts)
# is read by oversight and the integrations it feeds (an ERP or CRM gets an auditor's
# token); webhooks, which send those facts to a URL, are set up by supervisors only.
EVENTS_READ = "events:read"
WEBHOOKS_MANAGE = "webhooks:manage"

# The console: a queue is for those who are assigned claims (auditors are not);
# supervisors add and revoke users, name them and reset their passwords.
QUEUE_READ = "queue:read"
USERS_MANAGE = "users:manage"


def _commands(role: Role) -> frozenset[str]:
    """The command permissions the command table grants the role."""
    reports = {CLAIMS_REPORT, UNITS_REGISTER} if role in REPORTERS else set()
    stock = {STOCK_MOVE} if role in STOCK_MOVERS else set()
    return frozenset({e.permission for e in COMMAND_TABLE if role in e.roles} | reports | stock)


PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.AGENT: _commands(Role.AGENT) | READ_CLAIMS | {"sla:read", PERSONAL_READ, QUEUE_READ},
    Role.TECHNICIAN: _commands(Role.TECHNICIAN) | READ_CLAIMS | {"trace:read", QUEUE_READ},
    Role.SPECIALIST: _commands(Role.SPECIALIST)
    | ALL_READS
    | {PERSONAL_READ, EVENTS_READ, QUEUE_READ},
    Role.WAREHOUSE: _commands(Role.WAREHOUSE) | READ_CLAIMS | {QUEUE_READ},
    Role.SUPERVISOR: _commands(Role.SUPERVISOR)
    | ALL_READS
    | {PERSONAL_READ, CUSTOMERS_ERASE, ACCESS_LOG_READ, LEDGER_VERIFY, AUDIT_EXPORT, METRICS_READ}
    | {EVENTS_READ, WEBHOOKS_MANAGE, QUEUE_READ, USERS_MANAGE},
    Role.AUDITOR: ALL_READS
    | {ACCESS_LOG_READ, LEDGER_VERIFY, AUDIT_EXPORT, METRICS_READ, EVENTS_READ},
    Role.SYSTEM: frozenset(),
}
API_ROLES = [role for role in Role if role is not Role.SYSTEM]


def allows(role: Role, permission: str) -> bool:
    return permission in PERMISSIONS[role]
