"""``sanbao verify``, ``verify-proof``, ``export`` and ``sanbao ledger …``: integrity."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import psycopg
import typer
from rich.console import Console

from api.cli.progress import event_progress
from api.cli.terminal import console
from api.cli.times import TIME_LABEL, local
from api.service.bootstrap import open_ledger
from api.service.ledger_integrity import LedgerIntegrity
from api.settings import get_settings
from domain.errors import SanbaoError
from domain.integrity.checkpoints import SignedCheckpoint, public_key_from_b64
from domain.integrity.head import head_document, parse_head
from domain.integrity.proof import ProofError, verify_proof
from projections.audit.audit_export import ExportFilters, ExportHead
from projections.audit.export_formats import export_head_fields, export_lines
from projections.engine.quarantine import quarantined_events
from storage.evidence_files import EvidenceFiles
from storage.recorder import datastore_of
from storage.service_role import grant_service_role, opens_as_owner

app = typer.Typer(help="The tamper-evident ledger: checkpoints, the public key, proofs, status.")
errors = Console(stderr=True)
BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def register(main: typer.Typer) -> None:
    """Adds these commands to the ``sanbao`` command line."""
    main.command("verify")(verify)
    main.command("verify-proof")(verify_proof_file)
    main.command("export")(export)
    main.add_typer(app, name="ledger")


@contextmanager
def integrity_session() -> Iterator[LedgerIntegrity]:
    ledger, _ = open_ledger(get_settings())
    try:
        yield LedgerIntegrity(ledger, get_settings())
    except SanbaoError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()


def verify(
    from_position: Annotated[
        int | None, typer.Option("--from", min=1, help="first position")
    ] = None,
    to_position: Annotated[int | None, typer.Option("--to", min=1, help="last position")] = None,
    expect_head: Annotated[
        Path | None,
        typer.Option(
            "--expect-head",
            exists=True,
            dir_okay=False,
            help="a head written by `sanbao ledger head`: fail unless the ledger still holds it",
        ),
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence", help="also check every stored evidence file against its SHA-256 digest"
        ),
    ] = False,
) -> None:
    """Check the ledger (or positions --from..--to) against its hash chain and checkpoints."""
    expected = _read_head(expect_head) if expect_head is not None else None
    files_intact = True
    with integrity_session() as integrity:
        with event_progress(errors, "verifying", 0) as progress:
            report = integrity.verify(from_position, to_position, progress, expected)
        with integrity.connection() as conn:
            skipped = quarantined_events(conn)  # rows the views could not apply
        if evidence:
            files_intact = _verify_evidence(integrity)
    style = "green" if report.intact else "red"
    console.print(f"[{style}]{report.summary()}[/{style}]")
    signed = report.signed_up_to if report.signed_up_to is not None else "nothing yet"
    console.print(
        f"checked {report.checked} events ({report.events_per_second:,.0f} events/s), "
        f"{report.snapshots_checked} snapshots; signed checkpoints cover up to {signed}"
    )
    if expected is not None and report.intact:
        console.print(
            f"holds the expected head: checkpoint #{expected.body.seq} at position "
            f"{expected.body.position}"
        )
    for event in skipped:
        console.print(f"quarantined by the views: {event.describe()}", style="red", markup=False)
    if not report.intact or skipped or not files_intact:
        raise typer.Exit(code=1)


def _verify_evidence(integrity: LedgerIntegrity) -> bool:
    """Checks the stored evidence files; prints what it found; True when none is damaged."""
    ledger = integrity.ledger
    check = EvidenceFiles(datastore_of(ledger)).verify(ledger.customer_keys.key_of)
    style = "green" if check.intact else "red"
    console.print(
        f"[{style}]evidence files: {check.checked} checked, {check.shredded} shredded with "
        f"their customer's key, {len(check.damaged)} not matching their digest[/{style}]"
    )
    for sha256 in check.damaged:
        console.print(f"evidence file {sha256} does not match its digest", style="red")
    return check.intact


def _read_head(path: Path) -> SignedCheckpoint:
    try:
        return parse_head(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise typer.BadParameter(f"{path}: {error}", param_hint="--expect-head") from None


def verify_proof_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a proof (JSON)")],
    public_key: Annotated[
        str, typer.Option("--public-key", help="base64 public key, or a file holding it")
    ],
) -> None:
    """Check a claim's proof with nothing but the file and the ledger's public key."""
    text = Path(public_key).read_text().strip() if Path(public_key).is_file() else public_key
    try:
        result = verify_proof(json.loads(file.read_text()), public_key_from_b64(text))
    except (ProofError, ValueError) as error:
        console.print(f"[red]proof refused:[/red] {error}")
        raise typer.Exit(code=1) from None
    console.print(f"[green]{result.summary()}[/green]")


def _moment(value: str | None, end: bool) -> datetime | None:
    """A date means its whole business day (Asia/Shanghai); a datetime needs its offset."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise typer.BadParameter(
                f"{value!r} is not a date or a time: use 2026-12-01 or 2026-12-01T08:00:00+08:00",
                param_hint="--to" if end else "--from",
            ) from None
        if moment.tzinfo is None:
            raise typer.BadParameter(
                f"{value!r} needs a UTC offset, e.g. +08:00", param_hint="--to" if end else "--from"
            ) from None
        return moment
    return datetime.combine(day + timedelta(days=1 if end else 0), time(), BUSINESS_TZ)


def export(
    from_date: Annotated[
        str | None, typer.Option("--from", help="recorded on or after (date)")
    ] = None,
    to_date: Annotated[str | None, typer.Option("--to", help="recorded up to this date")] = None,
    claim: Annotated[str | None, typer.Option("--claim", help="claim number")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="user id of the actor")] = None,
    form: Annotated[str, typer.Option("--format", help="csv or ndjson")] = "ndjson",
    head_file: Annotated[
        Path | None,
        typer.Option(
            "--head-file", dir_okay=False, help="also write where the export was cut (JSON) here"
        ),
    ] = None,
) -> None:
    """Write the audit trail (CSV or NDJSON) to standard output; where it was cut goes to stderr
    (and to --head-file): a CSV holds only the table."""
    if form not in ("csv", "ndjson"):
        raise typer.BadParameter("csv or ndjson", param_hint="--format")
    filters = ExportFilters(_moment(from_date, False), _moment(to_date, True), claim, actor)
    with integrity_session() as integrity:
        items = integrity.export(filters)
        head = next(items)
        assert isinstance(head, ExportHead)
        with event_progress(errors, "exporting", head.rows) as progress:
            done = 0

            def counted() -> Iterator[object]:
                nonlocal done
                yield head
                for item in items:
                    done += 1
                    if done % 1000 == 0:
                        progress(done, head.rows)
                    yield item
                progress(done, head.rows)

            for line in export_lines(counted(), filters, form):  # type: ignore[arg-type]
                sys.stdout.write(line)
    sys.stdout.flush()
    cut_at = export_head_fields(head, filters)
    if head_file is not None:
        head_file.write_text(json.dumps(cut_at, ensure_ascii=False, indent=2) + "\n")
    errors.print(
        f"cut at ledger position {head.head_position}, head hash {head.head_hash or '-'}, "
        f"{head.rows:,} rows",
        highlight=False,
    )


@app.command("checkpoint")
def checkpoint() -> None:
    """Sign checkpoints of the log up to its head now."""
    with integrity_session() as integrity:
        written = integrity.checkpoint()
    if not written:
        console.print("nothing new to sign")
    for body in written:
        console.print(
            f"checkpoint #{body.seq}: positions {body.from_position + 1}..{body.position}, "
            f"log hash {body.log_hash}"
        )


@app.command("head")
def head() -> None:
    """Sign up to the head, then print the latest signed checkpoint (JSON) to keep elsewhere.

    Kept outside the database, it is what `sanbao verify --expect-head FILE`
    checks the ledger against: the only check that sees the newest checkpoints
    deleted by someone able to disable the ledger's triggers.
    """
    with integrity_session() as integrity:
        signed = integrity.signed_head()
        key = integrity.public_key()
    sys.stdout.write(json.dumps(head_document(signed, key), indent=1) + "\n")


@app.command("grant-service")
def grant_service(
    role: Annotated[str, typer.Argument(help="the database role the service runs as")],
) -> None:
    """As the owner role: open the ledger (creating its tables), then let ROLE append only.

    ROLE may then read and write the views and the service's tables, but only
    read and append to the ledger's events, chain, checkpoints and
    verifications. Run it again after an upgrade's migrations.
    """
    with integrity_session() as integrity, integrity.connection() as conn:
        if not opens_as_owner(conn):
            errors.print("[red]error:[/red] run this as the role that owns the ledger")
            raise typer.Exit(code=1)
        try:
            append_only = grant_service_role(conn, role, integrity.tables)
        except psycopg.errors.UndefinedObject:
            errors.print(f"[red]error:[/red] no database role {role!r}: create it first")
            raise typer.Exit(code=1) from None
    names = ", ".join(f"{schema}.{table}" for schema, table in append_only)
    console.print(f"{role} may append to, but never change: {names}")


@app.command("public-key")
def public_key() -> None:
    """Print the base64 Ed25519 public key that checks checkpoints and proofs."""
    with integrity_session() as integrity:
        console.print(integrity.public_key(), soft_wrap=True)


@app.command("proof")
def proof(number: Annotated[str, typer.Argument(help="claim number")]) -> None:
    """Write a claim's proof (JSON) to standard output, for sanbao verify-proof."""
    with integrity_session() as integrity:
        claim = integrity.ledger.get_claim_by_number(number)
        document = integrity.proof(claim.id)
    sys.stdout.write(json.dumps(document, indent=1) + "\n")


@app.command("status")
def status() -> None:
    """Show the chain head, the last checkpoint and the last verification's outcome."""
    with integrity_session() as integrity:
        current = integrity.status()
    console.print(f"head: position {current.head_position}, hash {current.head_hash}")
    console.print(f"last checkpoint: #{current.checkpoint_seq} at {current.checkpoint_position}")
    last = current.last_verification
    if last is None:
        console.print("never verified")
    elif last.intact:
        console.print(
            f"last verification ({local(last.finished_at)}, {TIME_LABEL}): "
            f"intact up to {last.last_good}"
        )
    else:
        console.print(
            f"last verification ({local(last.finished_at)}, {TIME_LABEL}): NOT intact at position "
            f"{last.fault_position}, claim {last.fault_claim}: "
            f"{last.fault_kind}: {last.fault_detail}"
        )
