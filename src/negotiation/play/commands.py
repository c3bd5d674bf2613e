"""The bodies of ``negotiation play``, ``report`` and ``new-scenario``.

cli.py parses the command line and hands each command its typed options (the dataclasses
below), so a notebook or a test calls these with the same options as the command does.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from negotiation.config.errors import ConfigError, Problem, suggest
from negotiation.config.models import Scenario
from negotiation.config.paths import check_writable
from negotiation.config.resolve import parse_set, resolve
from negotiation.files import atomic_write
from negotiation.play import debrief, report, saves
from negotiation.play.saves import SaveError
from negotiation.play.script import Script
from negotiation.play.session import Session
from negotiation.play.terminal import Terminal

PLAY_SCENARIO = "classroom_intro"


@dataclass(frozen=True)
class PlayOptions:
    """``negotiation play``: a new game of ``scenario`` at ``seats`` (ids or names), or ``load`` a save."""

    scenario: str | None = None
    seats: list[str] = field(default_factory=list)
    load: Path | None = None
    save: Path | None = None
    name: str | None = None
    moves: str | None = None  # a moves file, '-' for standard input
    compare: list[str] | None = None  # strategies the debrief replays (None: the scenario's choice)
    seed: int | None = None
    turns: int | None = None
    sets: list[str] = field(default_factory=list)  # KEY=VALUE overrides


@dataclass(frozen=True)
class ReportOptions:
    """``negotiation report``: the saves (files or folders) to compare."""

    saves: list[Path]
    out: Path | None = None
    scenario: str | None = None


@dataclass(frozen=True)
class NewScenarioOptions:
    """``negotiation new-scenario``: write NAME.yaml, a copy of ``source`` (default: the template)."""

    name: str
    source: str | None = None


def seats_of(scenario: Scenario, wanted: list[str]) -> list[str]:
    """Country ids from ``--as`` values (an id or a name, any case); without any, the
    scenario's human seats."""
    if not wanted:
        seats = [cid for cid, c in scenario.countries.items() if c.player == "human" or c.strategy.name == "human"]
        if not seats:
            raise ConfigError([Problem("--as", None, "", f"scenario '{scenario.name}' has no human seat; choose one "
                                                         f"with --as COUNTRY ({_countries(scenario)})")])
        return seats
    by_word = {w.lower(): cid for cid, c in scenario.countries.items() for w in (cid, c.name)}
    names = [c.name for c in scenario.countries.values()]
    problems, seats = [], []
    for word in wanted:
        cid = by_word.get(word.lower())
        if cid is None:
            hint = suggest(word.title(), names) or suggest(word.upper(), list(scenario.countries))
            problems.append(Problem("--as", None, "", f"unknown country '{word}'{hint}; "
                                                      f"countries: {_countries(scenario)}"))
        elif cid not in seats:
            seats.append(cid)
    if problems:
        raise ConfigError(problems)
    return seats


def _countries(scenario: Scenario) -> str:
    return ", ".join(f"{cid} ({c.name})" for cid, c in scenario.countries.items())


def default_save_path(scenario: Scenario, seats: list[str], root: Path = Path("saves")) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{scenario.name}-{'-'.join(seats)}-{stamp}"
    path, n = base.with_suffix(".json"), 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}.json")
    return path


def _start(args: PlayOptions) -> tuple[Session, Path]:
    if args.load is not None:
        clash = [flag for flag, value in (("SCENARIO", args.scenario), ("--as", args.seats), ("--seed", args.seed),
                                          ("--turns", args.turns), ("--set", args.sets)) if value]
        if clash:
            raise ConfigError([Problem("--load", None, "", f"a saved game keeps its own settings; {', '.join(clash)} "
                                                           "cannot be combined with --load")])
        try:
            session = saves.load(args.load)
        except SaveError as exc:
            raise ConfigError([Problem(exc.file, None, "", exc.reason)]) from None
        return session, args.save or args.load
    overrides = parse_set(args.sets)
    if args.turns is not None:
        overrides["turns"] = args.turns
    scenario = resolve(args.scenario or PLAY_SCENARIO, overrides or None)
    seats = seats_of(scenario, args.seats)
    path = args.save or default_save_path(scenario, seats)
    check_writable(path, "--save", folder=False)
    if path.exists():
        raise ConfigError([Problem(str(path), None, "--save", "already exists; choose a new file so no game is "
                                                              "overwritten (or resume it with --load)")])
    return Session(scenario, seats, seed=args.seed, name=args.name or ""), path


def play(args: PlayOptions, console: Console) -> int:
    session, path = _start(args)
    script = None
    if args.moves is not None:
        script = Script.load(args.moves, sys.stdin.read() if args.moves == "-" else None)
        script.check_seats(session)
    compare = args.compare or None

    def debriefs(s: Session) -> list[debrief.Debrief]:
        return [debrief.make(s.result(), seat, compare, s.seats, session=s) for seat in s.seats]

    folder = path.with_name(path.stem + "-debrief")
    before = path.read_bytes() if path.is_file() else None
    console.print(f"Saving to [bold]{path}[/bold] after every turn.")
    try:
        return Terminal(session, path, console, script=script, debrief=debriefs, debrief_dir=folder).play()
    except ConfigError:
        if before is None:
            saves.save(session, path)  # a refused scripted move: keep the game played so far
        else:
            _restore(path, before)  # a failed command leaves the save it resumed as it was
        raise


def _restore(path: Path, data: bytes) -> None:
    """Put a file's earlier bytes back, atomically (saves are private to their owner)."""
    atomic_write(path, data, private=True)


def class_report(args: ReportOptions, console: Console) -> int:
    if args.out is not None:
        check_writable(args.out, "--out")
    paths = report.collect(args.saves)
    games, reference = report.read_games(paths, args.scenario)
    frame = report.table(games)
    for g in games:
        if g.problem:
            console.print(f"[yellow]left out[/yellow] {g.path}: {g.problem}", highlight=False)
    if frame.empty:
        raise ConfigError([Problem(" ".join(map(str, args.saves)), None, "", "no finished game to report"
                                   + (f" for scenario '{reference}'" if reference else ""))])
    folder = args.out or Path("reports") / f"{reference}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    written = report.write(frame, games, folder)
    shown = Table(title=f"class report: {reference} ({len(frame)} player(s))", title_justify="left")
    for col in ("game", "seat", "played_by", "score", "payoff", "objectives_met", "truce", "collapse_date",
                "collapse_cause", "breaches", "key_decisions"):
        shown.add_column(col.replace("_", " "), overflow="fold")
    for row in frame.itertuples():
        shown.add_row(row.game, row.seat, row.played_by or "-", f"{row.score:,.1f}", f"{row.payoff:,.1f}",
                      row.objectives_met, row.truce,
                      row.collapse_date or "-", row.collapse_cause or "-",
                      f"{row.breaches} ({row.recoveries} healed)", row.key_decisions)
    console.print(shown)
    console.print(f"report: [bold]{folder}[/bold] ({', '.join(p.name for p in written)})")
    return 0


def new_scenario(args: NewScenarioOptions, console: Console) -> int:
    from negotiation.config.scaffold import copy_scenario
    from negotiation.config.validate import validate_path

    path = copy_scenario(args.name, args.source)
    problems = validate_path(str(path))
    if problems:
        raise ConfigError(problems)
    origin = args.source or "the classroom template"
    console.print(f"wrote [bold]{path}[/bold], a copy of {origin}: edit it, check it with "
                  f"'negotiation validate {path}', play it with 'negotiation play {path}'.")
    return 0
