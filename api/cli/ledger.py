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
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.console import Console

from api.cli.error_text import error_text
from api.cli.messages import t
from api.cli.progress import event_progress
from api.cli.terminal import console
from api.cli.times import local, time_label
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

app = typer.Typer(help=t("ledger.help"))
errors = Console(stderr=True)
BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def register(main: typer.Typer) -> None:
    """Adds these commands to the ``sanbao`` command line."""
    main.command("verify", help=t("ledger.verify_help"))(verify)
    main.command("verify-proof", help=t("ledger.verify_proof_help"))(verify_proof_file)
    main.command("export", help=t("ledger.export_help"))(export)
    main.add_typer(app, name="ledger")


@contextmanager
def integrity_session() -> Iterator[LedgerIntegrity]:
    ledger, _ = open_ledger(get_settings())
    try:
        yield LedgerIntegrity(ledger, get_settings())
    except SanbaoError as error:
        errors.print(t("common.error", message=error_text(error)), highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        ledger.close()


def verify(
    from_position: Annotated[
        int | None, typer.Option("--from", min=1, help=t("ledger.from_position"))
    ] = None,
    to_position: Annotated[
        int | None, typer.Option("--to", min=1, help=t("ledger.to_position"))
    ] = None,
    expect_head: Annotated[
        Path | None,
        typer.Option(
            "--expect-head",
            exists=True,
            dir_okay=False,
            help=t("ledger.expect_head"),
        ),
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option("--evidence", help=t("ledger.evidence")),
    ] = False,
) -> None:
    """Check the ledger (or positions --from..--to) against its hash chain and checkpoints."""
    expected = _read_head(expect_head) if expect_head is not None else None
    files_intact = True
    with integrity_session() as integrity:
        with event_progress(errors, t("ledger.verifying"), 0) as progress:
            report = integrity.verify(from_position, to_position, progress, expected)
        with integrity.connection() as conn:
            skipped = quarantined_events(conn)  # rows the views could not apply
        if evidence:
            files_intact = _verify_evidence(integrity)
    style = "green" if report.intact else "red"
    if report.fault is None:
        outcome = t("ledger.intact", last_good=report.last_good, hash=report.head_hash)
    else:
        outcome = t("ledger.not_intact", fault=report.fault.describe(), last_good=report.last_good)
    console.print(f"[{style}]{outcome}[/{style}]", highlight=False)
    signed = report.signed_up_to if report.signed_up_to is not None else t("ledger.nothing_yet")
    checked = {"events": report.checked, "rate": report.events_per_second}
    console.print(t("ledger.checked", **checked, snapshots=report.snapshots_checked, signed=signed))
    if expected is not None and report.intact:
        seq, position = expected.body.seq, expected.body.position
        console.print(t("ledger.holds_head", seq=seq, position=position))
    for event in skipped:
        shown = t("ledger.quarantined", event=event.describe())
        console.print(shown, style="red", markup=False)
    if not report.intact or skipped or not files_intact:
        raise typer.Exit(code=1)


def _verify_evidence(integrity: LedgerIntegrity) -> bool:
    """Checks the stored evidence files; prints what it found; True when none is damaged."""
    ledger = integrity.ledger
    check = EvidenceFiles(datastore_of(ledger)).verify(ledger.customer_keys.key_of)
    style = "green" if check.intact else "red"
    counts = {"checked": check.checked, "shredded": check.shredded, "damaged": len(check.damaged)}
    console.print(f"[{style}]{t('ledger.evidence_files', **counts)}[/{style}]")
    for sha256 in check.damaged:
        console.print(t("ledger.evidence_damaged", sha256=sha256), style="red")
    return check.intact


def _read_head(path: Path) -> SignedCheckpoint:
    try:
        return parse_head(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise typer.BadParameter(f"{path}: {error}", param_hint="--expect-head") from None


def trusted_public_key(value: str) -> Ed25519PublicKey:
    """A ``--public-key`` option: the base64 key, or a file holding it."""
    text = Path(value).read_text().strip() if Path(value).is_file() else value
    try:
        return public_key_from_b64(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--public-key") from None


def verify_proof_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=t("ledger.proof_file"))],
    public_key: Annotated[str, typer.Option("--public-key", help=t("ledger.public_key_option"))],
) -> None:
    """Check a claim's proof with nothing but the file and the ledger's public key."""
    key = trusted_public_key(public_key)
    try:
        result = verify_proof(json.loads(file.read_text()), key)
    except (ProofError, ValueError) as error:
        console.print(t("ledger.proof_refused", error=error), highlight=False)
        raise typer.Exit(code=1) from None
    seqs = ", ".join(f"#{seq}" for seq in result.checkpoints)
    holds = {"claim": result.claim_id, "versions": result.versions, "seqs": seqs}
    console.print(
        f"[green]{t('ledger.proof_holds', **holds, position=result.last_position)}[/green]"
    )


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
                t("ledger.not_a_moment", value=value),
                param_hint="--to" if end else "--from",
            ) from None
        if moment.tzinfo is None:
            raise typer.BadParameter(
                t("ledger.needs_offset", value=value), param_hint="--to" if end else "--from"
            ) from None
        return moment
    return datetime.combine(day + timedelta(days=1 if end else 0), time(), BUSINESS_TZ)


def export(
    from_date: Annotated[str | None, typer.Option("--from", help=t("ledger.export_from"))] = None,
    to_date: Annotated[str | None, typer.Option("--to", help=t("ledger.export_to"))] = None,
    claim: Annotated[str | None, typer.Option("--claim", help=t("ledger.export_claim"))] = None,
    actor: Annotated[str | None, typer.Option("--actor", help=t("ledger.export_actor"))] = None,
    form: Annotated[str, typer.Option("--format", help=t("ledger.export_format"))] = "ndjson",
    head_file: Annotated[
        Path | None,
        typer.Option("--head-file", dir_okay=False, help=t("ledger.head_file")),
    ] = None,
) -> None:
    """Write the audit trail (CSV or NDJSON) to standard output; where it was cut goes to stderr
    (and to --head-file): a CSV holds only the table."""
    if form not in ("csv", "ndjson"):
        raise typer.BadParameter(t("ledger.export_format"), param_hint="--format")
    filters = ExportFilters(_moment(from_date, False), _moment(to_date, True), claim, actor)
    with integrity_session() as integrity:
        items = integrity.export(filters)
        head = next(items)
        assert isinstance(head, ExportHead)
        with event_progress(errors, t("ledger.exporting"), head.rows) as progress:
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
    cut = {"position": head.head_position, "hash": head.head_hash or "-", "rows": head.rows}
    errors.print(t("ledger.cut_at", **cut), highlight=False)


@app.command("checkpoint", help=t("ledger.checkpoint_help"))
def checkpoint() -> None:
    """Sign checkpoints of the log up to its head now."""
    with integrity_session() as integrity:
        written = integrity.checkpoint()
    if not written:
        console.print(t("ledger.nothing_to_sign"))
    for body in written:
        first, last = body.from_position + 1, body.position
        console.print(
            t("ledger.checkpoint", seq=body.seq, first=first, last=last, hash=body.log_hash)
        )


@app.command("head", help=t("ledger.head_help"))
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


@app.command("grant-service", help=t("ledger.grant_help"))
def grant_service(
    role: Annotated[str, typer.Argument(help=t("ledger.grant_role"))],
) -> None:
    """As the owner role: open the ledger (creating its tables), then let ROLE append only.

    ROLE may then read and write the views and the service's tables, but only
    read and append to the ledger's events, chain, checkpoints and
    verifications. Run it again after an upgrade's migrations.
    """
    with integrity_session() as integrity, integrity.connection() as conn:
        if not opens_as_owner(conn):
            errors.print(t("common.error", message=t("ledger.not_owner")))
            raise typer.Exit(code=1)
        try:
            append_only = grant_service_role(conn, role, integrity.tables)
        except psycopg.errors.UndefinedObject:
            errors.print(t("common.error", message=t("ledger.no_role", role=role)))
            raise typer.Exit(code=1) from None
    names = ", ".join(f"{schema}.{table}" for schema, table in append_only)
    console.print(t("ledger.granted", role=role, names=names))


@app.command("public-key", help=t("ledger.public_key_help"))
def public_key() -> None:
    """Print the base64 Ed25519 public key that checks checkpoints and proofs."""
    with integrity_session() as integrity:
        console.print(integrity.public_key(), soft_wrap=True)


@app.command("proof", help=t("ledger.proof_help"))
def proof(number: Annotated[str, typer.Argument(help=t("ledger.export_claim"))]) -> None:
    """Write a claim's proof (JSON) to standard output, for sanbao verify-proof."""
    with integrity_session() as integrity:
        claim = integrity.ledger.get_claim_by_number(number)
        document = integrity.proof(claim.id)
    sys.stdout.write(json.dumps(document, indent=1) + "\n")


@app.command("status", help=t("ledger.status_help"))
def status() -> None:
    """Show the chain head, the last checkpoint and the last verification's outcome."""
    with integrity_session() as integrity:
        current = integrity.status()
    console.print(t("ledger.status_head", position=current.head_position, hash=current.head_hash))
    seq, position = current.checkpoint_seq, current.checkpoint_position
    console.print(t("ledger.status_checkpoint", seq=seq, position=position))
    last = current.last_verification
    if last is None:
        console.print(t("ledger.never_verified"))
        return
    when = {"when": local(last.finished_at), "time_label": time_label()}
    if last.intact:
        console.print(t("ledger.verified_intact", **when, last_good=last.last_good))
    else:
        fault = {"position": last.fault_position, "claim": last.fault_claim}
        detail = {"kind": last.fault_kind, "detail": last.fault_detail}
        console.print(t("ledger.verified_broken", **when, **fault, **detail))
