"""Command-line tools: ``flask --app server <command>``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from server.core import migrate


def register(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(create_admin)
    app.cli.add_command(signing_key)
    app.cli.add_command(audit_group)
    app.cli.add_command(seed_demo)
    app.cli.add_command(evidence_group)
    app.cli.add_command(sync_group)
    app.cli.add_command(rollup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(notify_group)


@click.group("db", cls=AppGroup, help="Database migrations (Alembic).")
def db_group():
    pass


@db_group.command("upgrade", help="Migrate the database to a revision (default: the newest).")
@click.argument("revision", default="head")
def db_upgrade(revision):
    migrate.upgrade(revision)
    click.echo(f"database at {revision}")


@db_group.command("downgrade", help="Migrate the database back to a revision ('base': empty).")
@click.argument("revision")
def db_downgrade(revision):
    migrate.downgrade(revision)
    click.echo(f"database at {revision}")


@db_group.command("current", help="Show the database's revision.")
def db_current():
    migrate.current()


@db_group.command("revision", help="Write a new migration from the models (review it!).")
@click.option("-m", "--message", required=True)
def db_revision(message):
    migrate.revision(message)


@click.command("create-admin", help="Create an administrator for a unit (asks the password).")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Display name")
@click.option("--unit-code", required=True, help="Code of the unit he administers")
@click.password_option(help="At least 10 characters")
@with_appcontext
def create_admin(username, display_name, unit_code, password):
    from server.accounts import service
    from server.core.api import DomainError
    from server.core.db import db

    if len(password) < 10:
        raise click.BadParameter("at least 10 characters", param_hint="password")
    try:
        unit = service.unit_by_code(unit_code)
        service.create_user(
            username=username,
            display_name=display_name,
            password=password,
            unit=unit,
            roles=["admin"],
        )
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.message}: {exc.fields}") from exc
    db.session.commit()
    click.echo(f"admin {username} created for {unit.name} ({unit.code})")


@click.command(
    "signing-key",
    help="Put an officer's own signing key (a PKCS#12 file from the agency's CA) on his "
    "account; he types its passphrase, which is not kept.",
)
@click.argument("username")
@click.argument("p12", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--passphrase", prompt=True, hide_input=True, help="The officer types it")
@with_appcontext
def signing_key(username, p12, passphrase):
    import sqlalchemy as sa

    from server.accounts import signing
    from server.accounts.models import User
    from server.core.api import DomainError
    from server.core.db import db, utcnow

    user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise click.BadParameter(f"no account {username}", param_hint="username")
    try:
        cert = signing.enrol(user, p12.read_bytes(), passphrase, utcnow())
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.message}") from exc
    db.session.commit()
    click.echo(
        f"{username}: signs with {cert.subject.human_friendly} (serial {cert.serial_number:x})"
    )


@click.group("audit", cls=AppGroup, help="The hash-chained audit log.")
def audit_group():
    pass


@audit_group.command(
    "verify",
    help="Recompute every chain (the county's and each township's) and the county's seals "
    "of the township heads; exit 1 if any is broken.",
)
@click.option(
    "--tsa-root",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The time-stamping authority's root certificate (PEM): its stamps must chain to it.",
)
def audit_verify(tsa_root):
    from server.audit.chain import COUNTY, verify
    from server.audit.stamps import verify_stamps

    result = verify()
    townships = len(result.chains) - 1
    stamped, problems = verify_stamps(tsa_root)
    for problem in problems:
        click.echo(f"TIME STAMP DOES NOT HOLD: {problem}", err=True)
    if stamped:
        click.echo(f"{stamped} time stamps of chain heads verified")
    if result.ok and not problems:
        click.echo(
            f"audit chain intact: {result.checked} entries verified in {len(result.chains)} "
            f"chains (the county's and {townships} townships')"
        )
        sealed = townships - len(result.unsealed)
        click.echo(
            f"the county's chain seals the heads of {sealed} of {townships} township chains"
            + (f"; newer entries in {', '.join(result.unsealed)}" if result.unsealed else "")
        )
        return
    if result.ok:  # the chains hold, a stamp does not
        sys.exit(1)
    names = _unit_names({b.chain for b in result.breaks} - {COUNTY})
    for broken in result.breaks:
        label = (
            "the county's"
            if broken.chain == COUNTY
            else f"{broken.chain} {names.get(broken.chain, '')}".strip()
        )
        click.echo(
            f"AUDIT CHAIN BROKEN: chain {label}, at entry {broken.seq}: {broken.problem} "
            f"({broken.checked} entries of it verified before)",
            err=True,
        )
    click.echo(f"{result.checked} entries verified in {len(result.chains)} chains", err=True)
    sys.exit(1)


@audit_group.command(
    "seal",
    help="Append every township chain's head to the county's chain (run it every few "
    "minutes, and before a backup).",
)
def audit_seal():
    from server.audit.chain import seal
    from server.core.db import db

    seq = seal()
    db.session.commit()
    if seq is None:
        click.echo("nothing to seal: no township chain moved since the last seal")
    else:
        click.echo(f"sealed: entry {seq} of the county's chain")
    url = current_app.config["TSA_URL"]
    if url:
        from server.audit.chain import COUNTY
        from server.audit.stamps import stamp_head

        stamp = stamp_head(url, COUNTY)
        if stamp is None:
            click.echo("the county's head is stamped already")
        else:
            click.echo(
                f"stamped: entry {stamp.seq} of the county's chain, by the time-stamping "
                f"authority at {stamp.stamped_at.isoformat()}"
            )


def _unit_names(codes: set[str]) -> dict[str, str]:
    import sqlalchemy as sa

    from server.core.db import db
    from server.units.models import AdminUnit

    if not codes:
        return {}
    rows = db.session.execute(
        sa.select(AdminUnit.code, AdminUnit.name).where(AdminUnit.code.in_(codes))
    )
    return dict(rows.all())


@click.group("evidence", cls=AppGroup, help="Evidence files and exports.")
def evidence_group():
    pass


@evidence_group.command(
    "verify-export", help="Check an evidence export offline; exit 1 if anything is off."
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--tsa-root",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The time-stamping authority's root certificate (PEM): the export's time stamp "
    "must be there and chain to it.",
)
def evidence_verify_export(path, tsa_root):
    from server.evidence.export import verify

    with open(path, "rb") as f:
        report = verify(f.read(), tsa_root)
    if report.ok:
        click.echo(
            f"export intact: {report.files_checked} files, {report.evidence_checked} pieces "
            f"of evidence, {report.audit_entries_checked} audit entries verified; "
            f"export entry {report.export_entry_hash} (compare with the server's chain)"
        )
        if report.stamped_at:
            trust = "by the authority's root given" if tsa_root else "no root given to trust"
            click.echo(f"time-stamped at {report.stamped_at.isoformat()} ({trust})")
        return
    click.echo("EXPORT DOES NOT VERIFY:", err=True)
    for problem in report.problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(1)


@evidence_group.command(
    "verify-store",
    help="Check every file the database names is in the evidence store with the bytes its "
    "hash says (after a restore); exit 1 if any is missing or altered.",
)
def evidence_verify_store():
    from server.evidence.service import store
    from server.evidence.store_check import check_store

    report = check_store(store())
    click.echo(
        f"evidence store: {report.files + len(report.missing)} files in the database, "
        f"{report.files - len(report.corrupt)} intact, {len(report.missing)} missing, "
        f"{len(report.corrupt)} altered ({report.bytes:,} bytes read)"
    )
    if report.unrecorded:
        click.echo(
            f"note: {report.unrecorded} stored files have no row in the database "
            "(stored after the database was backed up: harmless)"
        )
    for upload_id in report.broken_uploads:
        click.echo(
            f"warning: unfinished upload {upload_id} has lost pieces (it finished after the "
            "database was backed up): flask evidence purge-uploads --lost-pieces"
        )
    if report.ok:
        click.echo("every file the database names is in the store, intact")
        return
    click.echo("EVIDENCE STORE DOES NOT MATCH THE DATABASE:", err=True)
    for key in report.missing:
        click.echo(f"  missing  {key}", err=True)
    for key, actual in report.corrupt:
        click.echo(f"  altered  {key} (its bytes hash to {actual})", err=True)
    for held in report.held_without_file:
        click.echo(f"  held but no file row  evidence {held}", err=True)
    sys.exit(1)


@evidence_group.command(
    "purge-uploads", help="Discard unfinished uploads past their expiry, with their bytes."
)
@click.option(
    "--lost-pieces",
    is_flag=True,
    help="Also discard unfinished uploads whose pieces are gone (after a restore; run it "
    "before the app serves again).",
)
def evidence_purge_uploads(lost_pieces):
    from server.evidence.service import purge_expired, purge_lost_pieces

    click.echo(f"{purge_expired()} expired uploads discarded")
    if lost_pieces:
        click.echo(f"{purge_lost_pieces()} uploads with lost pieces discarded")


@click.group("sync", cls=AppGroup, help="The sync engine's upkeep.")
def sync_group():
    pass


@sync_group.command(
    "purge-waiting",
    help="Hand children that waited longer than SYNC_WAITING_DAYS for their parent to "
    "their author's supervisors, as conflict records (nothing is dropped).",
)
def sync_purge_waiting():
    from server.sync_api.waiting import purge

    click.echo(f"{purge()} waiting records handed to their supervisors")


@click.command("seed-demo", help="Load the demo county, people, catalogue and clues.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data")
@with_appcontext
def seed_demo(if_empty):
    from server import demo

    if if_empty and demo.has_data():
        click.echo("database already has data; demo not loaded again")
        logins = demo.logins_in_database()
    else:
        logins = demo.seed()
    click.echo(demo.format_logins(logins))
    _demo_base_map()
    made = demo.seal_keys()
    if made:
        click.echo(
            f"Documents are sealed with a test authority's keys ({made.keystore}); "
            f"its root certificate, to check a seal with: {made.root}"
        )


def _demo_base_map():
    """The demo county's base map and areas, into the instance folder, once (a few seconds)."""
    from server.demo import geography, tiles

    config = current_app.config
    package, areas = Path(config["MAP_TILES_PACKAGE"]), Path(config["MAP_AREAS"])
    if config["MAP_AREAS"] and not areas.exists():
        geography.write_areas(areas)
    if config["MAP_TILE_URL"] or not config["MAP_TILES_PACKAGE"] or package.exists():
        return
    made = tiles.build(package)
    click.echo(
        f"Base map: {made['tiles']} tiles ({made['distinct']} distinct), "
        f"{made['bytes'] / 1e6:.1f} MB, drawn in {made['seconds']} s: {package}"
    )


@click.command("rollup", help="Rebuild the dashboard's month roll-ups from every clue.")
@with_appcontext
def rollup_command():
    """After a clue was changed by hand (without a new change sequence), or to build the
    roll-ups before the first dashboard asks for them on a large database."""
    from server.console import rollup

    click.echo(f"{rollup.refresh(full=True)} unit-months counted")


@click.command(
    "restore",
    help="Put the database back from a backup folder of ops/backup.sh, start a new server "
    "generation (phones then resend what the backup lacks) and put back the evidence files "
    "the store lacks. Stop every app server first. docs/BACKUP.md.",
)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces the database with the backup's. Go on?")
@with_appcontext
def restore_command(folder):
    from server.core.restore import RestoreError, restore
    from server.evidence.service import store

    try:
        started, files = restore(folder, store())
    except RestoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"database restored from {folder.name}; server generation {started.id} started "
        f"(number {started.number}): phones reset and send again what the backup lacks"
    )
    click.echo(f"{files} evidence files put back from the backup")
    click.echo("next: flask --app server audit verify; flask --app server evidence verify-store")


@click.group("notify", cls=AppGroup, help="Notifications (tasks, answers, cases awaiting a step).")
def notify_group():
    pass


@notify_group.command(
    "send",
    help="Send the notifications that are due through NOTIFY_CHANNEL; with --every, keep "
    "doing so every that many seconds (a worker).",
)
@click.option("--every", type=float, default=None, help="Seconds between rounds (a worker)")
def notify_send(every):
    import time

    from server.cases import eservice
    from server.notify.sender import send_due

    while True:
        counts = send_due()
        click.echo(
            f"{counts['sent']} sent, {counts['failed']} to try again, {counts['given_up']} given up"
        )
        served = eservice.send_due()  # electronic service on parties (电子送达)
        click.echo(
            f"electronic service: {served['delivered']} delivered, {served['failed']} to try "
            f"again, {served['given_up']} given up"
        )
        if every is None:
            return
        time.sleep(every)
