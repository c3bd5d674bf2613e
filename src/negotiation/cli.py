"""The ``negotiation`` command: thin subcommands over the library.

Every bad input ends in one line per problem on standard error and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from rich.console import Console
from rich.table import Table

from negotiation import __version__
from negotiation.config.constants import MAX_TURNS
from negotiation.config.errors import ConfigError, Problem
from negotiation.config.paths import check_writable
from negotiation.config.shipped import DEFAULT_SCENARIO, builtin_scenarios

EXIT_RUN_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
MAX_SEED = 2**63 - 1  # seeds are stored as int64 in sweep results
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _error(line: str) -> None:
    # plain print: one problem is one line, never wrapped to the terminal width
    print(line, file=sys.stderr)

def _whole(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``minimum`` (to ``maximum``), refused in one line otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text) if len(text) <= 40 else None
        except ValueError:
            value = None
        if value is None:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}, got '{text[:40]}'")
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}, got {value}")
        return value

    return parse


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        _error(f"{self.prog}: {message} (see '{self.prog} --help')")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="negotiation",
        description="A trade-truce negotiation game: the US, China, Japan, Australia and the EU trade "
                    "concessions over the late-2025 US-China truce and the allied rare-earth deals.",
        epilog="Start with 'negotiation run' (the default scenario), then 'negotiation run --help'.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser(
        "run", help="run a scenario and write a run folder",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run one game with computer players and write a run folder: the resolved scenario "
                    "(re-running it gives the identical run), the per-turn timeline, summary.json and plots.",
        epilog="examples:\n"
               "  negotiation run                               # the default scenario, busan_truce_2025\n"
               "  negotiation run rare_earth_shock --seed 7\n"
               "  negotiation run --set countries.CN.preferences.patience=0.3\n"
               "  negotiation run --set countries.US.strategy.name=grim_trigger --turns 24\n"
               "  negotiation run runs/<folder>/scenario.yaml   # reproduce an earlier run\n"
               f"built-in scenarios: {', '.join(builtin_scenarios())}")
    run.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                     help=f"built-in scenario name or YAML path (default: {DEFAULT_SCENARIO})")
    run.add_argument("--seed", type=_whole(0, MAX_SEED), help="random seed (default: the scenario's own seed)")
    run.add_argument("--turns", type=_whole(1, MAX_TURNS), help="number of turns to play (default: the scenario's)")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override a scenario field by its dotted key; repeatable")
    run.add_argument("--out", type=Path, help="run folder to create (default: runs/<scenario>-seed<N>-<time>)")
    run.add_argument("--no-plots", action="store_true", help=argparse.SUPPRESS)

    validate = sub.add_parser("validate", help="check scenario, country and sweep files",
                              description="Check scenario files (and the country profiles they use) and sweep "
                                          "files without running them. Exit 0 when all are valid, 2 otherwise.")
    validate.add_argument("paths", nargs="+", metavar="PATH",
                          help="scenario, country or sweep YAML files, or scenario names")

    sub.add_parser("strategies", help="list the strategies and their classifiers",
                   description="List every strategy a scenario may name, with its classifier and source.")

    _add_play_parsers(sub)

    sweep = sub.add_parser(
        "sweep", help="run a parameter sweep into a sweep folder",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run every seeded run of a sweep file (configs/sweeps/*.yaml) and write a sweep folder:\n"
                    "manifest.json and Parquet results, written as chunks finish. Exit 0 when every run\n"
                    "succeeded, 1 when some failed (recorded with their traceback), 2 on bad input.\n"
                    "Guide: docs/sweeps.md.",
        epilog="examples:\n"
               "  negotiation sweep patience_vs_capacity                        # a shipped sweep by name\n"
               "  negotiation sweep configs/sweeps/pd_threshold.yaml\n"
               "  negotiation sweep configs/sweeps/sobol_screen.yaml --workers 2 --out runs/screen\n"
               "  negotiation sweep configs/sweeps/sobol_screen.yaml --resume --out runs/screen   # after Ctrl-C\n"
               "  negotiation sweep FILE --replications 200                    # scale a shipped sweep up\n"
               "  negotiation sweep FILE --executor dask --scheduler tcp://host:8786\n"
               "then: negotiation analyze runs/screen")
    sweep.add_argument("file", metavar="FILE", help="sweep file (YAML), or the name of a shipped sweep "
                                                    "('negotiation sweeps' lists them)")
    sweep.add_argument("--workers", type=_whole(1), help="worker processes (default: all cores; 1 runs in-process)")
    sweep.add_argument("--executor", choices=("process", "dask"), default="process",
                       help="local process pool (default) or Dask distributed")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786 "
                       "(default with --executor dask: a local cluster)")
    sweep.add_argument("--out", type=Path, help="sweep folder (default: runs/<sweep name>-<time>)")
    sweep.add_argument("--resume", action="store_true", help="finish the sweep in --out: run only missing runs")
    sweep.add_argument("--replications", type=_whole(1), help="replications per design point (overrides the file)")
    sweep.add_argument("--samples", type=_whole(1), help="design samples of a sampled design (overrides the file)")
    sweep.add_argument("--chunk-size", type=_whole(1), help="runs per chunk (default: automatic, at most 250)")

    sub.add_parser("sweeps", help="list the shipped sweeps (run one by name: negotiation sweep NAME)",
                   description="List the sweeps that ship with the package; 'negotiation sweep NAME' runs one "
                               "(from a source checkout or an installed wheel alike).")

    analyze = sub.add_parser(
        "analyze", help="write a report on a sweep folder",
        description="Analyse a sweep folder: P(truce holds) against each parameter with 95 %% Wilson intervals, "
                    "a map over two parameters, survival curves, scenario discovery, and Sobol/Morris indices. "
                    "Writes report.md with PNG figures and prints the headline.")
    analyze.add_argument("folder", type=Path, metavar="SWEEP_DIR", help="a folder written by 'negotiation sweep'")
    analyze.add_argument("--map", nargs=2, metavar=("X", "Y"),
                         help="the two parameters of the map (dotted keys or labels; default: the two that "
                              "matter most)")
    analyze.add_argument("--discovery", choices=("auto", "prim", "tree"), default="auto",
                         help="scenario discovery: PRIM (needs the 'prim' package), a decision tree, or "
                              "auto = PRIM when installed")
    analyze.add_argument("--out", type=Path, help="report folder (default: SWEEP_DIR/report)")

    _add_serve_parser(sub)
    return parser


def _add_play_parsers(sub) -> None:
    play = sub.add_parser(
        "play", help="play a scenario in the terminal, one country per person",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Play a country turn by turn against computer-played countries: read the screen, answer "
                    "offers, honour or defect on your pledges, retaliate or invest. Enter plays the suggested "
                    "move; 'help', 'save' and 'quit' work at any prompt. The game is saved after every turn.",
        epilog="examples:\n"
               "  negotiation play --as China                       # the classroom scenario, as China\n"
               "  negotiation play busan_truce_2025 --as US --name 'Team 3'\n"
               "  negotiation play --as US --as China               # hot seat: two players, one keyboard\n"
               "  negotiation play --load saves/<file>.json         # resume a saved game\n"
               "  negotiation play --as China --moves moves.yaml    # scripted moves, no prompts\n"
               f"built-in scenarios: {', '.join(builtin_scenarios())}")
    play.add_argument("scenario", nargs="?", help="built-in scenario name or YAML path (default: classroom_intro)")
    play.add_argument("--as", dest="seats", action="append", default=[], metavar="COUNTRY",
                      help="a country to play (id or name); repeat for a hot seat (default: the scenario's "
                           "human seats)")
    play.add_argument("--load", type=Path, metavar="SAVE", help="resume a saved game")
    play.add_argument("--save", type=Path, metavar="FILE",
                      help="where to save (default: saves/<scenario>-<seats>-<time>.json)")
    play.add_argument("--name", help="the player's or team's name, shown in the class report")
    play.add_argument("--moves", metavar="FILE", help="play scripted moves from a YAML/JSON file ('-': standard "
                                                      "input) without prompts")
    play.add_argument("--compare", action="append", metavar="STRATEGY", type=_strategy_name,
                      help="strategy the debrief replays your seat with (default: the scenario's choice)")
    play.add_argument("--seed", type=_whole(0, MAX_SEED), help="random seed (default: the scenario's own seed)")
    play.add_argument("--turns", type=_whole(1, MAX_TURNS), help="number of turns to play (default: the scenario's)")
    play.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                      help="override a scenario field by its dotted key; repeatable")

    report = sub.add_parser(
        "report", help="compare the saved games of a class",
        description="Replay every saved game and write a table (report.csv) and plots comparing scores, "
                    "truce outcomes, break turns and each game's key decisions. Unfinished, damaged or "
                    "other-scenario saves are listed by name and left out.")
    report.add_argument("saves", nargs="+", type=Path, metavar="SAVE", help="save files, or folders of them")
    report.add_argument("--out", type=Path, help="folder for the report (default: reports/<scenario>-<time>)")
    report.add_argument("--scenario", help="the scenario to report on (default: the one most saves played)")

    new = sub.add_parser(
        "new-scenario", help="copy a scenario or the classroom template to edit",
        description="Write NAME.yaml, a copy of a scenario (comments kept) named NAME, to edit for a class. "
                    "Never overwrites a file.")
    new.add_argument("name", metavar="NAME", help="name of the new scenario, or a path ending in .yaml")
    new.add_argument("--from", dest="source", metavar="SCENARIO",
                     help="built-in name or YAML path to copy (default: the commented classroom template)")


def _add_serve_parser(sub) -> None:
    serve = sub.add_parser(
        "serve", help="play in the browser: one student, or a classroom with a join code",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Serve the game in the browser. Alone: pick a country and play against the computer "
                    "(served on this computer only). With --class: students join with a code and take seats "
                    "(a country, or a team on one); the instructor runs the game from a dashboard whose address "
                    "and token are printed here. Games are saved as they go; a classroom resumes with --resume.",
        epilog="examples:\n"
               "  negotiation serve                                  # one student, classroom_intro\n"
               "  negotiation serve busan_truce_2025 --as EU --port 8080\n"
               "  negotiation serve --load saves/<file>.json         # resume a save in the browser\n"
               "  negotiation serve classroom_intro --class --host 0.0.0.0 --timer 90\n"
               "  negotiation serve --resume classes/<folder>        # restart a classroom game\n"
               f"built-in scenarios: {', '.join(builtin_scenarios())}")
    serve.add_argument("scenario", nargs="?", help="built-in scenario name or YAML path (default: classroom_intro)")
    serve.add_argument("--port", type=_whole(0, 65535), default=8000,
                       help="port to listen on (default: 8000; 0: any free)")
    serve.add_argument("--class", dest="klass", action="store_true",
                       help="a classroom game: join code, seats, the instructor's dashboard")
    serve.add_argument("--host", metavar="ADDRESS",
                       help="with --class: the address to listen on, e.g. 0.0.0.0 for students' laptops "
                            "(default: 127.0.0.1, this computer only)")
    serve.add_argument("--as", dest="seats", action="append", default=[], metavar="COUNTRY",
                       help="alone: start at once as this country; with --class: a country students may take "
                            "(repeat; default: every country)")
    serve.add_argument("--timer", type=_whole(0), default=0, metavar="SECONDS",
                       help="with --class: seconds per step of moves before the suggested moves are played "
                            "(default: 0, no timer; the dashboard changes it)")
    serve.add_argument("--team-size", type=_whole(0), default=0, metavar="N",
                       help="with --class: players per country at most (default: 0, no limit)")
    serve.add_argument("--state", type=Path, metavar="DIR",
                       help="with --class: the game's state folder (default: classes/<scenario>-<time>)")
    serve.add_argument("--resume", type=Path, metavar="DIR", help="restart the classroom game of a state folder")
    serve.add_argument("--load", type=Path, metavar="SAVE", help="resume a saved game (terminal or browser)")
    serve.add_argument("--saves", type=Path, default=Path("saves"), metavar="DIR",
                       help="alone: folder for the saves (default: saves)")
    serve.add_argument("--name", help="the player's name, or the classroom game's, shown in the class report")
    serve.add_argument("--compare", action="append", metavar="STRATEGY", type=_strategy_name,
                       help="strategy the debrief replays each seat with (default: the scenario's choice)")
    serve.add_argument("--seed", type=_whole(0, MAX_SEED), help="random seed (default: the scenario's own seed)")
    serve.add_argument("--turns", type=_whole(1, MAX_TURNS), help="number of turns to play (default: the scenario's)")
    serve.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                       help="override a scenario field by its dotted key; repeatable")
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")


def _strategy_name(text: str) -> str:
    """An argparse type: a computer strategy's name (the registry loads only when one is given)."""
    from negotiation.strategies import REGISTRY

    names = [n for n in REGISTRY if n != "human"]
    if text not in names:
        raise argparse.ArgumentTypeError(f"invalid choice: '{text}' (choose from {', '.join(names)})")
    return text


def _cmd_run(args: argparse.Namespace) -> int:
    from negotiation import runfolder
    from negotiation.api import load_scenario, run
    from negotiation.config.resolve import parse_set

    overrides = parse_set(args.sets)
    if args.turns is not None:
        overrides["turns"] = args.turns
    if args.out is not None:
        check_writable(args.out, "--out")
        if args.out.exists() and any(args.out.iterdir()):
            raise ConfigError([Problem(str(args.out), None, "--out", "already exists and is not empty; choose a "
                                                                     "new folder so nothing is overwritten")])
    scenario = load_scenario(args.scenario, overrides)
    result = run(scenario, seed=args.seed)
    folder = runfolder.write(result, args.out or runfolder.default_folder(result))
    _print_summary(result)
    console.print(f"\nrun folder: [bold]{folder}[/bold]  (scenario.yaml, timeline.csv, compliance.csv, "
                  "summary.json, payoffs/compliance/instruments/capacity.png)")
    return 0


def _print_summary(result) -> None:
    from negotiation.results import turn_label

    sc = result.scenario
    last = result.records[-1]
    colour = "green" if result.held else "red"
    console.print(f"[bold]{sc.name}[/bold] · {len(result.records)} turns from "
                  f"{turn_label(sc, 0)} · seed {result.seed}")
    console.print(f"[bold {colour}]{result.describe_truce()}[/bold {colour}]")
    agreements = [e for e in result.negotiations() if e["verdict"] == "accept"]
    for e in agreements[:6]:
        console.print(f"  turn {e['turn']} ({turn_label(sc, e['turn'])}): {e['from']} and {e['to']} agreed: "
                      + ", ".join(e["give"] + e["ask"]))
    if len(agreements) > 6:
        console.print(f"  ... and {len(agreements) - 6} more agreements (summary.json lists them all)")
    table = Table(title="payoffs and end state", title_justify="left")
    for col in ("country", "strategy", "total payoff (USD bn)", "mean tariff imposed", "export controls faced"):
        table.add_column(col, justify="right" if col != "country" else "left")
    for cid, total in result.totals.items():
        table.add_row(cid, sc.countries[cid].strategy.name, f"{total:,.1f}",
                      f"{100 * last.countries[cid].tariff_out:.1f} %", f"{last.countries[cid].control_on:.2f}")
    console.print(table)
    console.print(f"End state ({turn_label(sc, last.turn)}): truce {last.status}; allied share of processing "
                  f"{100 * last.allied_share:.1f} %; China's share (leverage) {100 * last.china_share:.1f} %; "
                  f"{last.pledges_honoured}/{last.pledges_active} pledges in force honoured.")
    m = last.market
    if m is not None:
        console.print(f"Rare earths ({turn_label(sc, last.turn)}): NdPr {m.price_light:,.0f} USD/kg, Dy/Tb "
                      f"{m.price_heavy:,.0f} USD/kg outside China; allied share of mining / refining / magnets "
                      f"{100 * m.allied_mining_light:.0f} / {100 * m.allied_refining_light:.0f} / "
                      f"{100 * m.allied_magnets_light:.0f} % (heavy refining {100 * m.allied_refining_heavy:.0f} %); "
                      f"China's card {m.leverage:.1f} USD bn a month.")


def _cmd_validate(args: argparse.Namespace) -> int:
    from negotiation.config.validate import validate_path
    from negotiation.sweep.sweepfile import read_sweep

    problems: list[Problem] = []
    for path in args.paths:
        found = validate_path(path, check_sweep=read_sweep)
        problems += found
        if not found:
            console.print(f"{path}: ok")
    if problems:
        raise ConfigError(problems)
    return 0


def _cmd_strategies(args: argparse.Namespace) -> int:
    from negotiation.strategies import REGISTRY

    table = Table(title="strategies", title_justify="left")
    for col in ("name", "stochastic", "memory", "forward-looking", "needs a person", "parameters"):
        table.add_column(col, no_wrap=True)
    table.add_column("what it does and where it comes from", min_width=40)
    for name, cls in REGISTRY.items():
        c = cls.classifier
        memory = "∞" if c["memory_depth"] == float("inf") else str(c["memory_depth"])
        doc = " ".join((cls.__doc__ or "").split())
        table.add_row(name, _yes(c["stochastic"]), memory, _yes(c["forward_looking"]), _yes(c["needs_person"]),
                      ", ".join(f"{k}={v!r}" for k, v in cls.defaults.items()) or "-", doc)
    console.print(table)
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from datetime import datetime

    from negotiation.sweep import read_sweep, run_sweep
    from negotiation.sweep.executors import make_executor
    from negotiation.sweep.progress import Meter, progress_bar

    if args.resume and args.out is None:
        raise ConfigError([Problem("--resume", None, "", "needs --out, the sweep folder to finish")])
    if args.out is not None:
        check_writable(args.out, "--out")
    sweep = read_sweep(args.file, args.replications, args.samples)
    folder = args.out or Path("runs") / f"{sweep.spec.name}-{datetime.now():%Y%m%d-%H%M%S}"
    executor = make_executor(args.executor, args.workers, args.scheduler)
    console.print(f"sweep [bold]{sweep.spec.name}[/bold]: {sweep.points:,} design points x "
                  f"{sweep.spec.replications} replications = {sweep.runs:,} runs of {sweep.base.name} "
                  f"({sweep.spec.design.kind}) on {executor.workers} worker(s) -> {folder}")
    try:
        with progress_bar(console) as bar:
            task = bar.add_task("runs", total=sweep.runs, failed=0, rate=None)
            outcome = run_sweep(sweep, folder, executor, args.resume, size=args.chunk_size,
                                on_progress=Meter(bar, task), command=["negotiation", *(args.argv or [])])
    except KeyboardInterrupt:
        _error(f"interrupted; finished chunks are in {folder}. Finish with: negotiation sweep {args.file} "
               f"--resume --out {folder}")
        return EXIT_INTERRUPTED
    finally:
        executor.close()
    console.print(f"{outcome.ran:,} runs done ({outcome.skipped:,} already on disk); sweep folder: "
                  f"[bold]{folder}[/bold]")
    if outcome.failed:
        _error(f"{outcome.failed:,} of {outcome.runs:,} runs failed; their errors and tracebacks are in the "
               "'error' and 'traceback' columns (negotiation.sweep.load)")
        return EXIT_RUN_FAILED
    return 0


def _cmd_sweeps(args: argparse.Namespace) -> int:
    from negotiation.sweep import read_sweep, shipped_sweeps

    table = Table(title="shipped sweeps (run one with: negotiation sweep NAME)", title_justify="left")
    for col in ("name", "design", "runs", "what it asks"):
        table.add_column(col, no_wrap=col != "what it asks")
    for name, path in shipped_sweeps().items():
        sweep = read_sweep(path)
        spec = sweep.spec
        table.add_row(name, f"{spec.design.kind}, {sweep.points:,} points x {spec.replications}",
                      f"{sweep.runs:,}", " ".join(spec.description.split()))
    console.print(table)
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    from negotiation.analysis.report import write_report

    if args.out is not None:
        check_writable(args.out, "--out")
    report = write_report(args.folder, args.out, args.map, args.discovery)
    console.print(report.headline)
    console.print(f"\nreport: [bold]{report.path}[/bold]")
    return 0


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _options[T](kind: type[T], args: argparse.Namespace) -> T:
    """A command's typed options from the parsed command line (argparse goes no further than here)."""
    return kind(**{f.name: getattr(args, f.name) for f in fields(kind)})  # type: ignore[arg-type]


def _cmd_play(args: argparse.Namespace) -> int:
    from negotiation.play.commands import PlayOptions, play

    return play(_options(PlayOptions, args), console)


def _cmd_report(args: argparse.Namespace) -> int:
    from negotiation.play.commands import ReportOptions, class_report

    return class_report(_options(ReportOptions, args), console)


def _cmd_serve(args: argparse.Namespace) -> int:
    from negotiation.web.server import ServeOptions, serve

    return serve(_options(ServeOptions, args), console)


def _cmd_new_scenario(args: argparse.Namespace) -> int:
    from negotiation.play.commands import NewScenarioOptions, new_scenario

    return new_scenario(_options(NewScenarioOptions, args), console)


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _cmd_run, "validate": _cmd_validate, "strategies": _cmd_strategies,
    "play": _cmd_play, "report": _cmd_report, "new-scenario": _cmd_new_scenario, "serve": _cmd_serve,
    "sweep": _cmd_sweep, "sweeps": _cmd_sweeps, "analyze": _cmd_analyze,
}


def _tolerant_output() -> None:
    """A character the terminal cannot show (an ASCII-only locale) prints as '?', never crashes."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    _tolerant_output()
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser.parse_args(argv)
        args.argv = argv
    except SystemExit as exc:  # --help, or a bad option already reported in one line
        return int(exc.code or 0)
    if not args.command:
        parser.print_help()
        return 0
    try:
        return HANDLERS[args.command](args)
    except ConfigError as exc:
        for problem in exc.problems:
            _error(str(problem))
        return EXIT_BAD_INPUT
    except OSError as exc:  # a file or folder the user named cannot be read or written
        _error(f"{exc.filename or 'negotiation'}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _error("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
