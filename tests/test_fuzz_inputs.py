"""Property-based fuzzing of every input a user types or writes (issue 12).

Valid scenario, profile, sweep and moves documents are mutated (values retyped to hostile
ones, keys deleted, renamed or added, values nested deep, subtrees aliased into "billion
laughs", lists duplicated, text truncated, lines dropped or re-indented, garbage inserted)
and command lines are generated from the options of every command with hostile values. Each
is run in-process through ``cli.main`` with captured output, and must be answered with exit 0
or 2, never a traceback, within ``BOUND`` seconds; after a failed command every file written
before it (a run folder, saves, a sweep folder, a classroom's state) must be byte for byte as
it was. The budget is fixed and the examples derandomized, so CI tries the same inputs every
time; the count and the slowest answer are printed at the end of the test session.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import time
import traceback
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation import load_scenario
from negotiation.cli import main
from negotiation.config.resolve import data_root
from negotiation.play import saves
from negotiation.play.session import Session

BOUND = 30.0  # seconds for one answer on a loaded 2-core machine; most take well under one
# CI: 45 derandomized examples per test; FUZZ_EXAMPLES=500 hunts locally with fresh random inputs
HUNT = int(os.environ.get("FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=HUNT or 45, derandomize=not HUNT, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
STATS: dict[str, Any] = {"inputs": 0, "slowest": 0.0, "slowest_argv": [], "exits": {}}

ROOT = data_root()
SCENARIO = (ROOT / "configs" / "scenarios" / "classroom_intro.yaml").read_text(encoding="utf-8")
PROFILE = (ROOT / "agents" / "us.yaml").read_text(encoding="utf-8")
SWEEP = """\
name: tiny
scenario: prisoners_dilemma
set:
  turns: 4
parameters:
  countries.A.preferences.patience:
    values: [0.3, 0.7]
  countries.B.strategy.name:
    values: [grim_trigger]
design: {kind: grid}
replications: 1
seed: 7
"""
MOVES = """\
- CN:
    pledges: {C5: defect}
    tariffs: {US: 0.1}
- {}
- CN: {offers: none, answers: [accept, reject], invest: 0}
"""
BASES = {"scenario": SCENARIO, "profile": PROFILE, "sweep": SWEEP, "moves": MOVES}


# --- what was written before ---------------------------------------------------------
def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a digest of its bytes."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(folder))] = hashlib.sha1(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A folder holding what a user already has: a run folder, a finished and a half-played
    save, a sweep folder, a classroom's state folder, a regular file, the shipped inputs."""
    here = tmp_path_factory.mktemp("fuzz")
    before = Path.cwd()
    os.chdir(here)
    try:
        with quiet():
            assert main(["run", "prisoners_dilemma", "--turns", "3", "--no-plots", "--out", "run"]) == 0
            (here / "tiny.yaml").write_text(SWEEP, encoding="utf-8")
            assert main(["sweep", "tiny.yaml", "--workers", "1", "--out", "sweep"]) == 0
            (here / "none.yaml").write_text("", encoding="utf-8")
            assert main(["play", "--as", "China", "--turns", "2", "--moves", "none.yaml", "--save",
                         "saves/done.json"]) == 0
        half = Session(load_scenario("classroom_intro"), ["CN"], name="half")
        while half.turn < 2:
            half.submit(half.prompt.default)
        saves.save(half, here / "saves" / "half.json")
        from negotiation.web.server import classroom_host

        classroom_host(load_scenario("classroom_intro"), ["US", "CN"], here / "class")
        (here / "afile").write_text("a regular file, not a folder\n", encoding="utf-8")
        (here / "docs").mkdir()
        yield here
    finally:
        os.chdir(before)


@contextlib.contextmanager
def quiet():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def answer(argv: list[str], workspace: Path) -> int:
    """Run one command line; check the exit code, the output, the time and the files kept."""
    half = workspace / "saves" / "half.json"
    if not half.exists() or b'"finished": true' in half.read_bytes():  # a success may finish it
        session = Session(load_scenario("classroom_intro"), ["CN"], name="half")
        while session.turn < 2:
            session.submit(session.prompt.default)
        saves.save(session, half)
    before = snapshot(workspace)
    out, err = io.StringIO(), io.StringIO()
    began = time.perf_counter()
    with (contextlib.redirect_stdout(out), contextlib.redirect_stderr(err),
          mock.patch("sys.stdin", io.StringIO("")), mock.patch("webbrowser.open"),
          mock.patch("uvicorn.Server.run", lambda self, sockets=None: [s.close() for s in sockets or []])):
        try:
            code = main(argv)
        except BaseException:  # noqa: BLE001 - the property is that nothing escapes main
            pytest.fail(f"{argv!r} raised:\n{traceback.format_exc()}\nstderr:\n{err.getvalue()}")
    seconds = time.perf_counter() - began
    STATS["inputs"] += 1
    STATS["exits"][code] = STATS["exits"].get(code, 0) + 1
    if seconds > STATS["slowest"]:
        STATS["slowest"], STATS["slowest_argv"] = seconds, argv
    problems = err.getvalue()
    assert code in (0, 2), f"{argv!r} exited {code}:\n{problems}"
    assert "Traceback" not in problems and "Traceback" not in out.getvalue(), problems
    assert seconds < BOUND, f"{argv!r} took {seconds:.1f} s"
    if code == 2:
        assert problems.strip(), f"{argv!r} failed without saying why"
        after = snapshot(workspace)
        changed = sorted(p for p, digest in before.items() if after.get(p) != digest)
        assert not changed, f"{argv!r} failed and changed {changed}:\n{problems}"
    return code


def report() -> str:
    """The figures of this session's fuzzing, for the test summary."""
    exits = ", ".join(f"exit {k}: {v}" for k, v in sorted(STATS["exits"].items()))
    return (f"fuzz: {STATS['inputs']} generated inputs answered ({exits}); slowest answer "
            f"{STATS['slowest']:.2f} s: negotiation {' '.join(map(str, STATS['slowest_argv']))}"[:400])


# --- mutating documents --------------------------------------------------------------------
HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.lists(st.integers(-3, 3), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(0, 3), max_size=2),
    st.sampled_from(["2025-13-45", "Nov 2025", "1e400", ".inf", "-.nan", "~", "yes", "0x1F", "", " ", "US", "CN",
                     "ZZ", "tit_for_tat", "human", "C1", "U1", "grid", "sobol", "defect", "accept", "-1", 10**400,
                     -5, 0, 9999, 1000000000, 0.5, -0.0, [], {}, [[[]]]]),
)


def paths_of(data: Any, here: tuple = (), depth: int = 0) -> list[tuple]:
    """Every path to a value, up to six levels down (the root included)."""
    found = [here]
    if depth < 6:
        if isinstance(data, dict):
            for key, value in data.items():
                found += paths_of(value, here + (key,), depth + 1)
        elif isinstance(data, list):
            for index, value in enumerate(data):
                found += paths_of(value, here + (index,), depth + 1)
    return found


def get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def put(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    get(data, path[:-1])[path[-1]] = value
    return data


@st.composite
def mutated(draw, kind: str) -> str:
    """A valid document of ``kind``, mutated one to three times, as YAML text."""
    data = yaml.safe_load(BASES[kind])
    for _ in range(draw(st.integers(1, 3))):
        paths = paths_of(data)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["retype", "retype", "delete", "rename", "add", "nest", "alias", "share",
                                   "duplicate"]))
        parent = get(data, path[:-1]) if path else None
        if op == "retype":
            data = put(data, path, draw(HOSTILE))
        elif op == "delete" and path:
            del parent[path[-1]]
        elif op == "rename" and path and isinstance(parent, dict):
            key = str(path[-1])
            new = draw(st.sampled_from([key[:-1], key.upper(), key + "s", key.replace("_", "-"), "", "<<"]))
            parent[new] = parent.pop(path[-1])
        elif op == "add":
            target = get(data, path)
            if isinstance(target, dict):
                target[draw(st.sampled_from(["extra", "profile", "Countries", "id", "turn", "0"]))] = draw(HOSTILE)
            elif isinstance(target, list):
                target.append(draw(HOSTILE))
        elif op == "nest":
            value = get(data, path)
            for _ in range(draw(st.integers(1, 90))):
                value = [value] if draw(st.booleans()) else {"k": value}
            data = put(data, path, value)
        elif op == "alias":  # "billion laughs": w ** d values from a few lines of text
            value: Any = "lol"
            for _ in range(draw(st.integers(1, 9))):
                value = [value] * draw(st.integers(2, 10))
            data = put(data, path, value)
        elif op == "share" and path:  # an alias to another real value
            data = put(data, path, get(data, draw(st.sampled_from(paths_of(data)))))
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(parent[path[-1]])
    try:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError:  # a value shared into itself: write it as text below
        text = BASES[kind]
    lines = text.splitlines(keepends=True)
    edit = draw(st.sampled_from(["none", "none", "truncate", "garbage", "drop", "indent", "loop", "tab"]))
    if edit == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif edit == "garbage":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(min_size=1, max_size=6)) + text[at:]
    elif edit in ("drop", "indent", "tab") and lines:
        n = draw(st.integers(0, len(lines) - 1))
        lines[n] = "" if edit == "drop" else ("   " if edit == "indent" else "\t") + lines[n]
        text = "".join(lines)
    elif edit == "loop":
        text += "\nloop: &loop [*loop]\n"
    return text


COUNTER = iter(range(10**9))


def fresh(workspace: Path, stem: str) -> str:
    return str(workspace / "docs" / f"{stem}-{next(COUNTER)}")


@FUZZ
@given(data=st.data())
def test_every_mutated_document_is_answered_cleanly(workspace, data):
    kind = data.draw(st.sampled_from(["scenario", "scenario", "profile", "sweep", "moves", "moves"]), label="kind")
    text = data.draw(mutated(kind), label="document")
    path = Path(fresh(workspace, kind) + ".yaml")
    path.write_text(text, encoding="utf-8")
    if kind == "scenario":
        argv = data.draw(st.sampled_from([["validate", str(path)], ["validate", str(path)],
                                          ["run", str(path), "--turns", "2", "--no-plots", "--out", "run"],
                                          ["run", str(path), "--turns", "2", "--no-plots",
                                           "--out", fresh(workspace, "run")]]), label="argv")
    elif kind == "profile":
        uses = path.with_name(path.stem + "-scenario.yaml")
        uses.write_text(f"name: p\ncountries:\n  US: {{profile: ./{path.name}}}\n  CN: {{profile: china}}\n",
                        encoding="utf-8")
        argv = data.draw(st.sampled_from([["validate", str(path)], ["validate", str(uses)]]), label="argv")
    elif kind == "sweep":
        argv = data.draw(st.sampled_from([["validate", str(path)],
                                          ["sweep", str(path), "--workers", "1", "--out", "sweep"],
                                          ["sweep", str(path), "--workers", "1", "--resume", "--out", "sweep"],
                                          ["sweep", str(path), "--workers", "1", "--out", fresh(workspace, "sw")]]),
                         label="argv")
    else:
        argv = data.draw(st.sampled_from([
            ["play", "--as", "China", "--turns", "3", "--moves", str(path), "--save", fresh(workspace, "g") + ".json"],
            ["play", "--load", "saves/half.json", "--moves", str(path)],
            ["play", "--as", "China", "--moves", str(path), "--save", "saves/done.json"]]), label="argv")
    answer(argv, workspace)


# --- generating command lines -------------------------------------------------------------
NUMBER = st.sampled_from(["0", "1", "2", "-1", "-5", "99999", "1000000000", "99999999999999999999999999", "1e3",
                          "nan", "", " 7", "0x10", "٣", "3.5", "--", "65536", "2"])
PATHS = st.sampled_from(["run", "sweep", "saves", "saves/done.json", "saves/half.json", "class", "afile",
                         "afile/inside", "missing", "missing/deeper", "docs", "/dev/null", "-", ".", "tiny.yaml",
                         "none.yaml", "run/scenario.yaml", "sweep/manifest.json", "class/room.json",
                         "a b", "ü/ñ", "new-out", "/dev/zero"])
SCENARIOS = st.sampled_from(["classroom_intro", "prisoners_dilemma", "classroom_intro.yaml", "clasroom_intro",
                             "run/scenario.yaml", "tiny.yaml", "afile", "saves/done.json", "", "-", "/dev/null"])
SETS = st.sampled_from(["turns=1000000000", "turns=2", "seed=-1", "world.allied_growth=.inf", "x",
                        "=", "a.b.c=1", "countries=[]", "events.0.turn=99999", "countries.US.pledges.0.cost=1e400",
                        "countries.CN.strategy.name=nope", "start=Nov 2025", "labels=[]", "world=[[[[1]]]]",
                        "countries.US.pledges.9.id=x", "turns=", "scoring.compare.0=human"])
COUNTRIES = st.sampled_from(["China", "CN", "cn", "US", "Narnia", "", "JP", "A"])


@st.composite
def command_line(draw) -> list[str]:
    command = draw(st.sampled_from(["run", "validate", "play", "report", "sweep", "analyze", "serve",
                                    "new-scenario", "strategies", "bogus", ""]))
    options: dict[str, Any] = {
        "run": [("--seed", NUMBER), ("--turns", NUMBER), ("--set", SETS), ("--out", PATHS)],
        "validate": [],
        "play": [("--as", COUNTRIES), ("--load", PATHS), ("--save", PATHS), ("--name", st.text(max_size=8)),
                 ("--compare", st.sampled_from(["tit_for_tat", "human", "nope"])), ("--seed", NUMBER),
                 ("--turns", NUMBER), ("--set", SETS), ("--moves", PATHS)],
        "report": [("--out", PATHS), ("--scenario", SCENARIOS)],
        "sweep": [("--workers", NUMBER), ("--executor", st.sampled_from(["process", "thread"])), ("--out", PATHS),
                  ("--resume", None), ("--replications", NUMBER), ("--samples", NUMBER), ("--chunk-size", NUMBER)],
        "analyze": [("--out", PATHS), ("--map", None), ("--discovery", st.sampled_from(["tree", "prim", "x"]))],
        "serve": [("--port", NUMBER), ("--class", None), ("--host", st.sampled_from(["0.0.0.0", "256.1.1.1", "::1"])),
                  ("--as", COUNTRIES), ("--timer", NUMBER), ("--team-size", NUMBER), ("--state", PATHS),
                  ("--resume", PATHS), ("--load", PATHS), ("--saves", PATHS), ("--seed", NUMBER), ("--turns", NUMBER),
                  ("--set", SETS)],
        "new-scenario": [("--from", SCENARIOS)],
    }.get(command, [])
    argv = [command] if command else []
    positional = {"run": SCENARIOS, "validate": st.one_of(SCENARIOS, PATHS), "play": SCENARIOS, "report": PATHS,
                  "sweep": st.sampled_from(["tiny.yaml", "afile", "missing.yaml", "none.yaml", "sweep/sweep.yaml"]),
                  "analyze": PATHS, "serve": SCENARIOS, "new-scenario": PATHS}.get(command)
    if positional is not None and draw(st.integers(0, 4)):
        argv.append(draw(positional))
    for flag, values in draw(st.lists(st.sampled_from(options), max_size=4)) if options else []:
        if flag == "--map":
            argv += ["--map", "countries.A.preferences.patience", draw(st.sampled_from(["seed", "x", "patience"]))]
        else:
            argv += [flag] if values is None else [flag, draw(values)]
    if command == "run":
        argv.append("--no-plots")  # the figures add seconds, not cases
    if command == "play" and "--moves" not in argv:
        argv += ["--moves", "none.yaml"]  # no prompts: a scripted game of defaults
    if command == "sweep" and draw(st.booleans()):
        argv += ["--workers", "1"]
    if command == "serve":
        argv.append("--no-browser")
    return argv


@FUZZ
@given(argv=command_line())
def test_every_command_line_is_answered_cleanly(workspace, argv):
    answer(argv, workspace)
