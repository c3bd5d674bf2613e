"""``negotiation serve``: a single student's game on this computer, or a classroom game.

The command parses nothing itself (cli.py does); here the game is set up from the options,
the socket is bound (loopback unless ``--host`` is given with ``--class``), the addresses are
printed, the browser is opened and uvicorn serves until Ctrl-C. Everything a classroom game
needs to resume lives in its state folder (``--resume DIR``).
"""

from __future__ import annotations

import socket
import sys
import webbrowser
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
from rich.console import Console

from negotiation.config.errors import ConfigError, Problem
from negotiation.config.models import Scenario
from negotiation.config.paths import check_writable
from negotiation.config.resolve import parse_set, resolve
from negotiation.play import saves
from negotiation.play.commands import PLAY_SCENARIO, seats_of
from negotiation.play.session import Session
from negotiation.web.app import Host, create_app
from negotiation.web.room import Room, Settings
from negotiation.web.security import LOOPBACK_NAMES
from negotiation.web.state import StateError, Store

LOOPBACK = "127.0.0.1"
MAX_WS_BYTES = 65536  # frames above this are refused by the protocol layer before the app sees them


@dataclass(frozen=True)
class ServeOptions:
    """``negotiation serve``: one student's game, or with ``klass`` a classroom game (cli.py fills it)."""

    scenario: str | None = None
    port: int = 8000
    klass: bool = False  # a classroom game: join code, seats, the instructor's dashboard
    host: str | None = None  # the address to listen on (classroom only; default: loopback)
    seats: list[str] = field(default_factory=list)
    timer: int = 0
    team_size: int = 0
    state: Path | None = None
    resume: Path | None = None
    load: Path | None = None
    saves: Path = Path("saves")
    name: str | None = None
    compare: list[str] | None = None
    seed: int | None = None
    turns: int | None = None
    sets: list[str] = field(default_factory=list)
    no_browser: bool = False


def serve(args: ServeOptions, console: Console) -> int:
    _check(args)
    sock = _bind(args.host or LOOPBACK, args.port)  # first: a port in use must not leave a state folder behind
    try:
        host = _host(args)
    except BaseException:
        sock.close()
        raise
    port = sock.getsockname()[1]
    local = f"http://{LOOPBACK}:{port}"
    if host.classroom:
        assert host.room is not None and host.store is not None
        host.join_url = _join_url(args.host, port, host.room.join_code)
        host.hosts = allowed_hosts(args.host, host.join_url)
        admin = f"{local}/admin?token={host.room.admin_token}"
        console.print(f"Classroom game [bold]{host.scenario.name}[/bold] · state folder {host.store.folder}")
        console.print(f"(after a restart: negotiation serve --resume {host.store.folder})")
        console.print(f"Students join at [bold]{host.join_url}[/bold]  ·  join code [bold]{host.room.join_code}[/bold]")
        if not args.host:
            console.print("(served on this computer only; for students' laptops add --host 0.0.0.0)")
        console.print(f"Instructor's dashboard (keep this address to yourself): {admin}")
        opened = admin
    else:
        console.print(f"Playing [bold]{host.scenario.name}[/bold] at [bold]{local}/[/bold]  (Ctrl-C stops; the game "
                      f"is saved after every move in {host.saves}/)")
        opened = f"{local}/"
    sys.stdout.flush()  # the addresses must reach a piped console before the server blocks
    if not args.no_browser:
        webbrowser.open(opened)
    config = uvicorn.Config(create_app(host), log_level="warning", ws_max_size=MAX_WS_BYTES)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def _check(args: ServeOptions) -> None:
    clash = []
    if args.host and not args.klass:
        clash.append("--host needs --class: a single student's game is served on this computer only")
    if args.resume and (args.scenario or args.load or args.seats or args.sets or args.seed is not None):
        clash.append("--resume keeps the game's own settings; drop SCENARIO, --load, --as, --set and --seed")
    if args.load and args.klass:
        clash.append("--load resumes a single student's save; a classroom resumes with --resume STATE_DIR")
    if clash:
        raise ConfigError([Problem("serve", None, "", c) for c in clash])


def _host(args: ServeOptions) -> Host:
    if args.resume:
        return resumed_host(args.resume, args.compare)
    if args.load:
        try:
            session = saves.load(args.load)
        except saves.SaveError as exc:
            raise ConfigError([Problem(exc.file, None, "", exc.reason)]) from None
        host = Host(session.scenario, classroom=False, save_path=args.load, compare=args.compare)
        host.room = Room(session, classroom=False, persist=host.persist)
        return host
    overrides = parse_set(args.sets)
    if args.turns is not None:
        overrides["turns"] = args.turns
    scenario = resolve(args.scenario or PLAY_SCENARIO, overrides or None)
    if not args.klass:
        check_writable(args.saves, "--saves")
        host = Host(scenario, classroom=False, saves=args.saves, seed=args.seed, compare=args.compare)
        if args.seats:
            host.new_solo_room(seats_of(scenario, args.seats), args.name or "")
        return host
    seats = seats_of(scenario, args.seats) if args.seats else list(scenario.countries)
    if args.state is not None:
        check_writable(args.state, "--state")
    folder = args.state or Path("classes") / f"{scenario.name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    return classroom_host(scenario, seats, folder, seed=args.seed, name=args.name, timer=args.timer,
                          team_size=args.team_size, compare=args.compare)


def classroom_host(scenario: Scenario, seats: list[str], folder: Path, *, seed: int | None = None,
                   name: str | None = None, timer: float = 0, team_size: int = 0,
                   compare: list[str] | None = None) -> Host:
    """A new classroom game with its state folder (which must not hold a game yet)."""
    store = Store(folder)
    if store.exists():
        raise ConfigError([Problem(str(folder), None, "--state", "already holds a game; resume it with --resume "
                                                                 f"{folder}, or choose a new folder")])
    session = Session(scenario, seats, seed=seed, name=name or folder.name)
    host = Host(scenario, classroom=True, secret=store.secret(), store=store, compare=compare)
    host.room = Room(session, classroom=True, settings=Settings(timer=timer, team_size=team_size),
                     persist=host.persist)
    host.persist(host.room)
    return host


def resumed_host(folder: Path, compare: list[str] | None = None) -> Host:
    """The classroom game of a state folder, where it stopped."""
    store = Store(folder)
    try:
        data = store.read_room()
        session = store.load_game()
    except StateError as exc:
        raise ConfigError([Problem(str(folder), None, "--resume", str(exc))]) from None
    host = Host(session.scenario, classroom=True, secret=store.secret(), store=store, compare=compare)
    host.room = Room.from_data(data, session, persist=host.persist)
    return host


def _bind(address: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        raise ConfigError([Problem("--port", None, "", f"cannot listen on {address}:{port} ({exc.strerror}); "
                                                       "choose another with --port N")]) from None
    sock.listen(128)
    return sock


def allowed_hosts(bound: str | None, join_url: str) -> frozenset[str]:
    """The host names a browser may use to reach this server (any other name in a Host header is
    refused, which defeats DNS rebinding; IP addresses are always accepted): localhost, and with
    --host the name students are given and this computer's own name."""
    names = set(LOOPBACK_NAMES)
    if bound:
        hostname = socket.gethostname().lower()
        names |= {bound.strip("[]").lower(), (urlsplit(join_url).hostname or "").lower(), hostname,
                  f"{hostname}.local"}
    return frozenset(n for n in names if n)


def _join_url(bound: str | None, port: int, code: str) -> str:
    """The address students type: this computer's network address when serving beyond loopback."""
    name = LOOPBACK
    if bound and bound not in ("0.0.0.0", "::"):
        name = bound
    elif bound:
        addresses = sorted({str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
                            if not str(info[4][0]).startswith("127.")})
        name = addresses[0] if addresses else socket.gethostname()
    return f"http://{name}:{port}/join/{code}"
