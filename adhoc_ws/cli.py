"""The ``adhoc-ws`` command: init, load, import-gbav, serve, vraag, …

A user's mistake (a wrong database URL, a database without tables, one that cannot be
reached, a file that cannot be read, a bad option value) is one line and exit status 1, never
a traceback. Commands that only read (``vraag``, ``protocol``, ``route``, ``routeringen``,
``berichten``) never make a database: a SQLite file that is not there stays not there.
"""
from __future__ import annotations

import functools
import json
import secrets
import sys
import time
from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from . import catalogue, oauth, protocol, serving, web
from .accounts import Accounts, AfnemersFileError, load_afnemers, read_autorisatie_file, store_afnemers
from .answer import Antwoord
from .afnemer import OPEN
from .berichten.versturen import ROUTERING_MAILBOX
from .mailboxen import Mailboxen
from .service import SEARCH_TIMEOUT, AdhocService
from .storage import database, gbav, loader
from .vraag import Vraag, Zoekparameter

CANONICAL_LOCATION = "http://localhost:8000/gba-v/online/lo3services/adhoc"


def demo_fixtures() -> Path:
    """The demo fixtures: in the source tree, or where a wheel install put them."""
    here = Path(__file__).resolve().parent.parent / "fixtures"
    return here if here.is_dir() else Path(sys.prefix) / "share" / "adhoc-ws" / "fixtures"


def _shown(url: str) -> str:
    """A database URL to show: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _engine(ctx, *, create: bool = False):
    """The database of ``--db``. Unless ``create`` (a command that makes the tables it lacks),
    it must have the adhoc-ws tables; it is then opened once here, to say so in one line."""
    url = ctx.obj["db"]
    shown = _shown(url)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("sqlite", "postgresql"):
        raise click.ClickException(f"{shown} is not a database URL adhoc-ws uses: give "
                                   f"sqlite:///FILE or postgresql://user@host/name")
    no_tables = click.ClickException(f"no adhoc-ws tables in {shown}: run adhoc-ws init or load first")
    if not create and _sqlite_file_missing(url):
        raise no_tables
    try:
        engine = database.open_engine(url)
    except (ArgumentError, ImportError) as e:
        raise click.ClickException(f"cannot open {shown}: {e}") from None
    ctx.call_on_close(engine.dispose)
    if not create:
        missing = database.missing_tables(engine)
        if len(missing) == len(database.metadata.tables):
            raise no_tables
        if missing:
            raise click.ClickException(f"{shown} lacks the adhoc-ws tables {', '.join(missing)}: "
                                       f"run adhoc-ws init")
    return engine


def _sqlite_file_missing(url: str) -> bool:
    parsed = make_url(url)
    path = parsed.database
    return (parsed.get_backend_name() == "sqlite" and bool(path) and path != ":memory:"
            and not path.startswith("file:") and not Path(path).exists())


class _Command(click.Group):
    """Turns what the database or the file system refuses into one line, without traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DBAPIError as e:
            reason = (str(e.orig).strip().splitlines() or [type(e.orig).__name__])[0]
            raise click.ClickException(f"cannot use the database {_shown(ctx.obj['db'])}: {reason}") from None
        except OSError as e:
            where = f"{e.filename}: " if e.filename else ""
            raise click.ClickException(f"{where}{e.strerror or e}") from None


@click.group(cls=_Command)
@click.option("--db", envvar=database.ENV_VAR, default=None, metavar="URL",
              help=f"Database URL (default: ${database.ENV_VAR}, else {database.DEFAULT_URL}). "
                   "postgresql://user@host/name works the same.")
@click.pass_context
def main(ctx, db):
    """adhoc-ws: the BRP-V Ad hoc webservice (LrdPlus 1.1), to run yourself."""
    ctx.obj = {"db": database.database_url(db)}


@main.command()
@click.pass_context
def init(ctx):
    """Create the tables (existing data is kept)."""
    database.init(_engine(ctx, create=True))
    click.echo(f"initialised {_shown(ctx.obj['db'])}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.pass_context
def load(ctx, files):
    """Load persoonslijsten from JSON files (or folders of them), all or nothing.

    A persoonslijst whose A-nummer is already stored replaces the stored one.
    """
    pls = _read(_json_files(files))
    engine = _engine(ctx, create=True)
    database.init(engine)
    _load(engine, pls)


def _json_files(paths) -> list[Path]:
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            in_folder = sorted(p.glob("*.json"))
            if not in_folder:
                raise click.ClickException(f"nothing loaded: no .json files in {p}")
            found += in_folder
        else:
            found.append(p)
    return found


def _read(files: list[Path]) -> list[tuple[Path, list]]:
    """The persoonslijsten of each file, checked (before any database is touched)."""
    try:
        return [(f, loader.read_file(f)) for f in files]
    except loader.LoadError as e:
        raise click.ClickException(f"nothing loaded: {e}") from None


def _load(engine, pls: list[tuple[Path, list]]) -> int:
    try:
        total = sum(len(p) for _, p in pls)
        with click.progressbar(length=total, label="loading", file=sys.stderr,
                               show_pos=True) as bar:
            count = loader.load_checked(engine, pls, progress=bar.update)
    except loader.LoadError as e:
        raise click.ClickException(f"nothing loaded: {e}") from None
    click.echo(f"loaded {count} persoonslijsten from {len(pls)} file(s)")
    return count


@main.command(name="import-gbav")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def import_gbav(ctx, files):
    """Import GBA-V dumps (INSERT statements, .sql or .sql.gz), all or nothing.

    A persoonslijst whose A-nummer is already stored is left as it is, so an import can be
    repeated. The SQL is read, never executed.
    """
    engine = _engine(ctx, create=True)
    started = time.perf_counter()
    try:
        summary = gbav.import_files(engine, files)
    except gbav.DumpError as e:
        raise click.ClickException(f"nothing imported: {e}") from None
    click.echo(f"imported {summary.persoonslijsten} persoonslijsten from {len(files)} file(s) in "
               f"{time.perf_counter() - started:.1f} s; {summary.already_present} already present")
    for table, count in sorted(summary.inserted.items()):
        click.echo(f"  {table}: {count} rows")
    if summary.present:
        click.echo(f"  {sum(summary.present.values())} row(s) of persoonslijsten already present: "
                   f"left as stored")
    if summary.repeated:
        click.echo(f"  {summary.repeated} row(s) repeat an earlier row exactly: skipped")
    if summary.renumbered:
        click.echo(f"  {summary.renumbered} persoonslijst(en) got another pl_id (theirs was taken)")
    if summary.without_address:
        click.echo(f"  {summary.without_address} verblijfplaats row(s) refer to an address the dump "
                   f"does not hold: stored without address")
    if summary.orphans:
        ids = ", ".join(map(str, sorted(summary.orphans)[:10]))
        click.echo(f"  {sum(summary.orphans.values())} row(s) of {len(summary.orphans)} pl_id(s) without "
                   f"lo3_pl row belong to no persoonslijst: skipped (pl_id {ids}"
                   f"{', …' if len(summary.orphans) > 10 else ''})")
    for table, count in sorted(summary.dropped_values.items()):
        click.echo(f"  {table}: {count} value(s) in columns past the GBA-V schema: not stored")
    for table, count in sorted(summary.other_tables.items()):
        click.echo(f"  {table}: {count} row(s) of a table adhoc-ws does not store: skipped")


search_timeout = click.option(
    "--search-timeout", type=float, default=SEARCH_TIMEOUT, show_default=True,
    envvar="ADHOC_WS_SEARCH_TIMEOUT", metavar="SECONDS",
    help="Stop a search that runs longer and answer T031 (0: no limit).")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def afnemers(ctx, file):
    """Load afnemers (autorisatie, accounts) and Berichten API mailboxes from an autorisatie
    file, all or nothing."""
    try:
        checked = read_autorisatie_file(file)
    except AfnemersFileError as e:
        raise click.ClickException(f"nothing loaded: {e}") from None
    engine = _engine(ctx, create=True)
    database.init(engine)
    loaded = store_afnemers(engine, *checked)
    click.echo(f"loaded {loaded.afnemers} afnemer(s) and {loaded.mailboxen} mailbox(es) from {file}")


@main.command()
@click.option("--count", type=click.IntRange(min=0), required=True, help="How many persoonslijsten to add.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--processes", type=int, default=None,
              help="PostgreSQL sessions working side by side (default: cores).")
@click.pass_context
def generate(ctx, count, seed, processes):
    """Add a synthetic, realistic population (households, history, RNI, overledenen)."""
    from .generate import TooMany, generate as make

    engine = _engine(ctx, create=True)
    started = time.perf_counter()
    with click.progressbar(length=count, label="generating", file=sys.stderr, show_pos=True) as bar:
        try:
            make(engine, count, seed=seed, processes=processes, progress=bar.update)
        except TooMany as e:
            raise click.ClickException(str(e)) from None
    seconds = time.perf_counter() - started
    click.echo(f"generated {count:,} persoonslijsten in {seconds:.1f} s ({count / seconds:,.0f} per second)")


@main.command(name="protocol")
@click.option("--afnemer", type=int, help="Only this afnemersindicatie")
@click.option("--since", type=click.DateTime(), help="From this moment (YYYY-MM-DD[ HH:MM:SS])")
@click.option("--until", type=click.DateTime(), help="Before this moment")
@click.option("--anummer", help="Only requests that delivered this A-nummer (pl:<pl_id> for a PL without one)")
@click.option("--resultaat", help="Only this result, e.g. A000, G033, X010")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.pass_context
def protocol_command(ctx, afnemer, since, until, anummer, resultaat, limit):
    """List the protocol of vragen and adresvragen, newest first."""
    rows = protocol.entries(_engine(ctx), afnemer=afnemer, since=since, until=until,
                            a_nummer=anummer, resultaat=resultaat, limit=limit)
    for r in rows:
        afnemer_code = "------" if r.afnemer_code is None else f"{r.afnemer_code:06d}"
        click.echo(f"{r.tijdstip:%Y-%m-%d %H:%M:%S} {afnemer_code} {r.gebruikersnaam or '-'} "
                   f"{r.operatie} {r.resultaat} {r.referentie} historie={r.historie} "
                   f"masker={r.masker} parameters={r.parameters} a-nummers={r.a_nummers or '-'}")


@main.command()
@click.option("--bsn", help="Route an Og21 for this BSN")
@click.option("--anummer", help="Route an Og11 for this A-nummer")
@click.pass_context
def route(ctx, bsn, anummer):
    """Show where the routeringsvoorziening would send an Og21 (Og11) now, without sending."""
    from .berichten import routering

    if bool(bsn) == bool(anummer):
        raise click.UsageError("give --bsn or --anummer")
    bericht_type, inhoud = ("Og21", {"burgerservicenummer": bsn}) if bsn else ("Og11", {"aNummer": anummer})
    with _engine(ctx).connect() as conn:
        besluit = routering.beslis(conn, bericht_type, inhoud)
    click.echo(f"{bericht_type} {besluit.sleutel} {besluit.waarde}: regel {besluit.regel}; "
               f"persoonslijsten (A-nummer) {' '.join(besluit.a_nummers) or '-'}")
    if besluit.fout is not None:
        click.echo(f"not delivered: {besluit.fout['berichtType']} back to the sender: "
                   f"{json.dumps(besluit.fout, ensure_ascii=False)}")
    else:
        mailbox = Mailboxen(_engine(ctx)).get(besluit.ontvanger)
        who = f"{mailbox.naam}{'' if mailbox.berichten_api else ', as Vb01'}" if mailbox else "no such mailbox"
        click.echo(f"to mailbox {besluit.ontvanger:07d} ({who})")


@main.command()
@click.option("--bsn", help="Only decisions for this BSN")
@click.option("--anummer", help="Only decisions for this A-nummer (Og11)")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.pass_context
def routeringen(ctx, bsn, anummer, limit):
    """List the routeringsvoorziening's decisions, newest first."""
    from .berichten import store

    with _engine(ctx).connect() as conn:
        rows = store.decisions(conn, waarde=bsn or anummer, limit=limit)
    for r in rows:
        ontvanger = "-" if r.ontvanger is None else f"{r.ontvanger:07d}"
        click.echo(f"{r.tijdstip:%Y-%m-%d %H:%M:%S} {r.bericht_type} from {r.afzender:07d} berichtId {r.bericht_id} "
                   f"{r.sleutel} {r.waarde} a-nummers={r.a_nummers or '-'} regel={r.regel} -> {ontvanger} "
                   f"{r.geleverd or 'not delivered'} {r.geleverd_transport_id or ''}".rstrip())


@main.command()
@click.option("--mailbox", required=True, help="The mailbox number, e.g. 0599010")
@click.option("--alles", is_flag=True, help="Also deleted and expired messages")
@click.option("--inhoud", is_flag=True, help="Print each message's berichtInhoud")
@click.option("--lo3", type=click.Path(file_okay=False), metavar="DIR",
              help="Write each Vb01 as an LO3 message in Teletex (<berichtTransportId>.GBA)")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.pass_context
def berichten(ctx, mailbox, alles, inhoud, lo3, limit):
    """List a mailbox of the Berichten API, newest first (nothing changes for its owner)."""
    from .berichten import store, vb01
    from .mailboxen import number

    nummer = number(mailbox)
    if nummer is None:
        raise click.UsageError("--mailbox: a mailbox number of up to 7 digits")
    with _engine(ctx).connect() as conn:
        rows = store.mailbox_rows(conn, nummer, alles=alles, limit=limit)
    for r in rows:
        state = "verwijderd" if r.verwijderd else r.status
        click.echo(f"{r.volgnummer} {store.timestamp(r.ontvangen)} {r.bericht_type} from {r.afzender:07d} "
                   f"berichtId {r.bericht_id} {state} {r.transport_id}")
        content = store.inhoud(r)
        if inhoud and content is not None:
            click.echo(content["vrijeTekst"] if r.bericht_type == "Vb01" else
                       json.dumps(content, ensure_ascii=False, indent=1))
        if lo3 and r.bericht_type == "Vb01" and content is not None:
            Path(lo3).mkdir(parents=True, exist_ok=True)
            (Path(lo3) / f"{r.transport_id}.GBA").write_bytes(vb01.lo3(content["vrijeTekst"]))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=serving.Options.workers, show_default=True, type=int,
              help="Worker processes.")
@click.option("--threads", default=serving.Options.threads, show_default=True, type=int,
              help="Threads per worker.")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False),
              help="Serve HTTPS with this certificate (PEM; may hold the key too).")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="Its private key.")
@click.option("--tls-client-ca", type=click.Path(exists=True, dir_okay=False),
              help="Demand a client certificate signed by this CA (as the real service does).")
@click.option("--graceful-timeout", default=30, show_default=True, type=int, metavar="SECONDS",
              help="On SIGTERM, how long requests in progress may take to finish.")
@click.option("--read-timeout", default=serving.Options.read_timeout, show_default=True,
              type=click.IntRange(1, 60),
              metavar="SECONDS", help="How long a client may take to send a request's headers, "
                                      "and again its body.")
@click.option("--demo", is_flag=True,
              help="Create the tables and load the demo persoonslijsten and afnemers first.")
@click.option("--open", "open_access", is_flag=True,
              help="Serve everyone, unauthenticated, as one afnemer allowed everything "
                   "(for a closed test network only).")
@click.option("--routering-mailbox", default=ROUTERING_MAILBOX, show_default=True, type=int,
              help="The routeringsvoorziening's mailbox number in the Berichten API (RvIG's is not public).")
@click.option("--token-key", type=click.Path(exists=True, dir_okay=False),
              help="Sign OAuth bearer tokens with this key (a file of at least 32 bytes); "
                   "default: a new key at each start, shared by the workers.")
@click.option("--public-url", metavar="URL",
              help="The address clients reach the service at (behind a proxy), written in the WSDL "
                   "and the OpenAPI documents; default: each request's own, if valid.")
@search_timeout
@click.pass_context
def serve(ctx, host, port, workers, threads, tls_cert, tls_key, tls_client_ca, graceful_timeout,
          read_timeout, demo, open_access, routering_mailbox, token_key, public_url, search_timeout):
    """Serve the Ad hoc webservice, the bewoning API and the Berichten API over HTTP(S)."""
    if tls_client_ca and not tls_cert:
        raise click.UsageError("--tls-client-ca needs --tls-cert")
    if public_url is not None:
        try:
            public_url = web.public_url(public_url)
        except ValueError as e:
            raise click.UsageError(f"--public-url: {e}") from None
    web.configure_logging()
    try:  # made here, before the fork: every worker checks the tokens any worker issued
        key = oauth.read_key(token_key) if token_key else secrets.token_bytes(oauth.MIN_KEY)
    except (OSError, ValueError) as e:
        raise click.UsageError(f"--token-key: {e}") from None
    url = ctx.obj["db"]
    engine = _engine(ctx, create=True)
    database.init(engine)
    if demo:
        _load(engine, _read(_json_files([demo_fixtures()])))
        load_afnemers(engine, demo_fixtures() / "afnemers" / "demo-afnemers.json")
    accounts = Accounts(engine)
    names = [] if open_access else accounts.gebruikersnamen()
    mailboxen = accounts.mailboxen()
    engine.dispose()  # each worker opens its own

    base = f"{'https' if tls_cert else 'http'}://{host}:{port}"
    message = (f"adhoc-ws is serving ({workers} worker(s) x {threads} thread(s), database "
               f"{make_url(url).render_as_string(hide_password=True)}):\n"
               f"  Ad hoc webservice  {base}/gba-v/online/lo3services/adhoc  (WSDL: ?wsdl)\n"
               f"  bewoning API       {base}/haalcentraal/api/bewoning/bewoningen\n"
               f"  Berichten API      {base}/api/v1/berichten  (routeringsvoorziening "
               f"{routering_mailbox:07d})\n"
               f"  OAuth tokens       {base}/oauth2/token\n"
               f"  health             {base}/health\n"
               f"accounts: {_accounts_line(names, open_access, demo)}\n"
               f"mailboxes: {_listed(mailboxen, demo) if mailboxen else 'none (adhoc-ws afnemers FILE)'}")
    try:
        serving.run(functools.partial(served_app, url, open_access, search_timeout, routering_mailbox,
                                      key, public_url),
                    serving.Options(host, port, workers, threads, tls_cert, tls_key, tls_client_ca,
                                    graceful_timeout, read_timeout),
                    started=lambda: click.echo(message))
    except serving.CannotServe as e:
        raise click.ClickException(str(e)) from None


def _accounts_line(names: list[str], open_access: bool, demo: bool) -> str:
    if open_access:
        return "none: --open serves everyone without authentication, with every rubriek"
    if not names:
        return ("none loaded (adhoc-ws afnemers FILE): a SOAP request with credentials is answered X010, "
                "one without 401")
    return _listed(names, demo)


def _listed(names: list[str], demo: bool) -> str:
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return shown + (" (the demo ones; their passwords are in README.md)" if demo else "")


def served_app(url: str, open_access: bool, search_timeout: float,
               routering_mailbox: int = ROUTERING_MAILBOX, token_key: bytes | None = None,
               public_url: str | None = None):
    """The application one serving worker runs, on an engine of its own; ``token_key`` signs
    the bearer tokens (the same in every worker; a new one when None); ``public_url`` is
    the address the APIs give of themselves (None: each request's own)."""
    from .app import build as build_app

    engine = database.open_engine(url)
    connections = database.Connections(engine, search_timeout)  # one per thread, for both
    accounts = None if open_access else Accounts(engine, connections=connections)
    return build_app(AdhocService(engine, accounts=accounts, search_timeout=search_timeout,
                                  connections=connections),
                     routering_mailbox=routering_mailbox,
                     tokens=oauth.Tokens(token_key) if token_key else None, public_url=public_url)


@main.command()
@click.option("--location", default=CANONICAL_LOCATION, show_default=True,
              help="The service address to write in the WSDL.")
def wsdl(location):
    """Print the WSDL the service serves (as in wsdl/adhoc-ws.wsdl)."""
    from .soap.wsdl import served_wsdl

    click.echo(served_wsdl(location).decode(), nl=False)


def _rubrieknummer(text: str, option: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a rubrieknummer (e.g. 10240)", param_hint=option) from None


def _rubrieken(text: str, *, default: list[int]) -> list[int]:
    if not text:
        return default
    return [_rubrieknummer(r, "--masker") for r in text.replace(",", " ").split()]


@main.command()
@click.option("--anummer", help="A-nummer (01.01.10)")
@click.option("--bsn", help="Burgerservicenummer (01.01.20)")
@click.option("--geslachtsnaam", help="Geslachtsnaam (01.02.40)")
@click.option("--geboortedatum", help="Geboortedatum (01.03.10), YYYYMMDD")
@click.option("--postcode", help="Postcode (08.11.60)")
@click.option("-p", "--param", "params", multiple=True, metavar="RUBRIEK=WAARDE",
              help="Any zoekparameter, e.g. -p 10210='Jan Hein'")
@click.option("--masker", default="", help="Rubrieken to answer, e.g. 10120,10240,81160 "
                                           "(default: every actual rubriek)")
@click.option("--historie", is_flag=True, help="Also search historic voorkomens")
@click.option("--adresvraag", is_flag=True, help="Ask an adresvraag")
@click.option("--afnemer", type=click.IntRange(min=0), metavar="AFNEMERSINDICATIE",
              help="Ask with this afnemer's autorisatie (default: every rubriek)")
@search_timeout
@click.pass_context
def vraag(ctx, anummer, bsn, geslachtsnaam, geboortedatum, postcode, params, masker, historie,
          adresvraag, afnemer, search_timeout):
    """Ask a question and print the answer, as the service would give it."""
    parameters = [Zoekparameter(r, v) for r, v in
                  ((10110, anummer), (10120, bsn), (10240, geslachtsnaam),
                   (10310, geboortedatum), (81160, postcode)) if v is not None]
    for p in params:
        rubriek, _, waarde = p.partition("=")
        parameters.append(Zoekparameter(_rubrieknummer(rubriek, "--param"), waarde))
    actual = [r.nummer for r in catalogue.RUBRIEKEN.values() if not r.historic]
    question = Vraag(int(adresvraag), int(historie), _rubrieken(masker, default=actual), parameters)
    engine = _engine(ctx)
    who = OPEN
    if afnemer is not None:
        who = Accounts(engine).afnemer(str(afnemer))
        if who is None:
            raise click.ClickException(f"no current autorisatie for afnemer {afnemer}")
    answer = AdhocService(engine, search_timeout=search_timeout).vraag(question, afnemer=who)
    click.echo(format_antwoord(answer))
    if answer.resultaat.letter not in "AG":
        sys.exit(1)


def format_antwoord(answer: Antwoord) -> str:
    r = answer.resultaat
    lines = [f"{r.letter}{r.code:03d} {r.omschrijving} (referentie {r.referentie})"]
    for i, pl in enumerate(answer.persoonslijsten or [], 1):
        lines.append(f"\npersoonslijst {i}")
        for stapel in pl:
            for categorienummer, elementen in stapel:
                categorie = catalogue.categorie(categorienummer)
                historic = " (historisch)" if categorienummer > catalogue.HISTORIE_OFFSET else ""
                lines.append(f"  {categorienummer:02d} {categorie.name}{historic}")
                for nummer, waarde in elementen:
                    element = catalogue.ELEMENTS[f"{nummer:04d}"]
                    lines.append(f"    {categorienummer:02d}.{nummer // 100:02d}.{nummer % 100:02d}"
                                 f" {element.name}: {waarde}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
