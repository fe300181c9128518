"""``sanbao import FILE.csv|FILE.xlsx``: claims from the claim template, all checked first.

Every row is checked (``api.cli.claim_template``) before anything is written:
with any error, each is printed with its row number and nothing is imported.
Then each claim is reported as the operator (``sanbao --as USER``) would report
it through the API. A claim number already in the ledger is skipped, so a run
can be repeated.
"""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.claim_template import check_claims, group_claims, read_rows
from api.cli.ledger_session import ledger_session
from api.cli.messages import t
from api.cli.operator import operator_user
from api.cli.terminal import console
from api.roles import CLAIMS_REPORT
from domain.application import ClaimsLedger
from domain.errors import ClaimNotFoundError

TEMPLATE_SUFFIXES = (".csv", ".xlsx")


def import_template(file: Path) -> None:
    with ledger_session() as ledger:
        actor = operator_user(ledger, CLAIMS_REPORT).actor
        claims = group_claims(read_rows(file))
        reports, errors = check_claims(ledger, actor, claims)
        if errors:
            for error in errors:
                console.print(f"[red]{error}[/red]", highlight=False)
            console.print(t("import.template_errors", count=len(errors)))
            raise typer.Exit(code=1)
        imported, skipped = [], []
        for report in reports:
            if report.claim_number and _recorded(ledger, report.claim_number):
                skipped.append(report.claim_number)
                continue
            imported.append(ledger.report(actor, **report.to_kwargs()).claim_number)
    numbers = ", ".join(imported) or "-"
    console.print(t("import.template_imported", count=len(imported), numbers=numbers))
    if skipped:
        console.print(t("import.template_skipped", numbers=", ".join(skipped)))


def _recorded(ledger: ClaimsLedger, claim_number: str) -> bool:
    try:
        ledger.get_claim_by_number(claim_number)
    except ClaimNotFoundError:
        return False
    return True
