"""Every malformed file and option of issue 12 gets exit 2 and one clear `file:line: field:`
line, never a traceback, within seconds; and a failed command leaves earlier output alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from negotiation.cli import main
from negotiation.config.resolve import data_root

INTRO = (data_root() / "configs" / "scenarios" / "classroom_intro.yaml").read_text(encoding="utf-8")
SRC = str(Path(__file__).resolve().parents[1] / "src")


def refused(capsys, *argv: str, seconds: float = 10.0) -> list[str]:
    """Run the command in-process; it must exit 2 within ``seconds``; the lines it printed."""
    began = time.perf_counter()
    assert main(list(argv)) == 2
    assert time.perf_counter() - began < seconds
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()


def intro(write, name: str, old: str, new: str) -> Path:
    assert old in INTRO, old
    return write(name, INTRO.replace(old, new, 1))


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# --- YAML that used to crash or hang ---------------------------------------------------
def test_a_list_as_a_mapping_key_is_refused_at_its_line(write, capsys):
    path = write("keys.yaml", "name: x\ncountries:\n  ? [a, b]\n  : 1\n")
    assert refused(capsys, "validate", str(path)) == [
        f"{path}:3: malformed YAML: a key must be a plain value (a name or a number), not a list or mapping"]


def test_thousands_of_levels_of_nesting_are_refused_without_recursing(write, capsys):
    path = write("deep.yaml", "name: x\ncountries: " + "[" * 5000 + "]" * 5000 + "\n")
    assert refused(capsys, "validate", str(path), seconds=3) == [
        f"{path}:2: malformed YAML: nested more than 64 levels deep"]


def test_a_billion_laughs_document_is_refused_in_well_under_a_second(write, capsys):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    path = write("laughs.yaml", "name: x\n" + "\n".join(lines) + "\ncountries: *a9\n")
    (problem,) = refused(capsys, "validate", str(path), seconds=1)
    assert problem.startswith(f"{path}:") and "expands to more than 200,000 values" in problem


def test_an_alias_inside_itself_and_an_unreadable_date_are_refused(write, capsys):
    loop = write("loop.yaml", "name: x\ncountries: &c {A: *c}\n")
    assert refused(capsys, "validate", str(loop)) == [f"{loop}:2: an alias refers to the value it is part of (a loop)"]
    date = write("date.yaml", "name: x\nstart: 2025-13-45\ncountries: {}\n")
    (problem,) = refused(capsys, "validate", str(date))
    assert problem.startswith(f"{date}:2: malformed YAML: cannot read '2025-13-45'")


# --- scenario fields --------------------------------------------------------------------
def test_a_start_that_is_not_year_month_and_a_negative_seed_name_their_lines(write, tmp_path, capsys):
    path = intro(write, "start.yaml", 'start: "2025-11"', 'start: "Nov 2025"')
    assert refused(capsys, "validate", str(path)) == [
        f"{path}:{line_of(path, 'start:')}: start: must be a year and month, YYYY-MM (e.g. 2025-11), got 'Nov 2025'"]
    path = intro(write, "seed.yaml", "seed: 2025", "seed: -5")
    assert refused(capsys, "run", str(path), "--no-plots", "--out", str(tmp_path / "r")) == [
        f"{path}:{line_of(path, 'seed:')}: seed: input should be greater than or equal to 0 (got -5)"]


def test_an_infinite_cost_is_refused_instead_of_a_total_of_minus_infinity(write, capsys):
    path = intro(write, "inf.yaml", "        cost: 0.25\n", "        cost: .inf\n")
    assert refused(capsys, "validate", str(path)) == [
        f"{path}:{line_of(path, 'cost: .inf')}: countries.CN.pledges.1.cost: input should be a finite number (got inf)"]


def test_an_event_with_both_a_new_level_and_a_change_is_refused_at_its_line(write, capsys):
    event = ("  - turn: 1\n    kind: set_tariff\n    country: US\n    target: CN\n    value: 0.25\n    add: 0.25\n"
             "    text: Washington slaps a 25 % tariff\n")
    path = intro(write, "both.yaml", "events:\n", "events:\n" + event)
    [line] = refused(capsys, "validate", str(path))
    assert line.startswith(f"{path}:") and "events.0" in line
    assert "give 'value' (the new level) or 'add' (a change of the level in force" in line


def test_an_event_after_the_last_turn_is_refused_but_a_shortened_game_still_runs(write, tmp_path, capsys):
    path = intro(write, "late.yaml", "  - turn: 4\n", "  - turn: 9999\n")
    assert refused(capsys, "validate", str(path)) == [
        f"{path}:{line_of(path, 'turn: 9999')}: events.1.turn: turn 9999 is after the game's last turn (7; "
        "turns count from 0), so the event would never happen; allowed: 0 to 7"]
    # --turns shortens a game on purpose; its run folder's scenario still reruns identically
    first, again = tmp_path / "a", tmp_path / "b"
    assert main(["run", "rare_earth_shock", "--turns", "3", "--no-plots", "--out", str(first)]) == 0
    assert main(["run", str(first / "scenario.yaml"), "--no-plots", "--out", str(again)]) == 0
    assert (first / "timeline.csv").read_bytes() == (again / "timeline.csv").read_bytes()


def test_duplicate_pledge_ids_are_reported_at_the_duplicate(write, capsys):
    path = intro(write, "dup.yaml", "- id: C5", "- id: U1")
    problems = refused(capsys, "validate", str(path))
    assert problems[0] == (f"{path}:{_nth_line(path, '- id: U1', 2)}: "
                           "countries.CN.pledges.1.id: duplicate pledge id 'U1' (first given at "
                           "countries.US.pledges.0); each id must be unique")


def _nth_line(path: Path, text: str, nth: int) -> int:
    return [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line][nth - 1]


def test_an_unknown_pledge_in_a_suspend_pledge_event_is_an_unknown_pledge(write, capsys):
    path = intro(write, "susp.yaml", "  - turn: 2\n    kind: announce\n",
                 "  - turn: 2\n    kind: suspend_pledge\n    pledge: NOPE\n")
    assert refused(capsys, "validate", str(path)) == [
        f"{path}:{line_of(path, 'pledge: NOPE')}: events.0.pledge: unknown pledge 'NOPE'; "
        "allowed: U1, C1, C5, JP_US_FUND"]


def test_an_empty_profile_is_reported_on_the_profile_without_the_scenarios_line(write, capsys):
    write("empty.yaml", "")
    path = write("two.yaml", "name: x\ncountries:\n  A: {profile: ./empty.yaml}\n  B: {profile: us}\n")
    assert refused(capsys, "validate", str(path)) == [
        f"{path.parent / 'empty.yaml'}: countries.A.profile: is empty; expected a YAML mapping"]
    missing = write("three.yaml", "name: x\ncountries:\n  A: {profile: nope}\n")
    (problem,) = refused(capsys, "validate", str(missing))
    assert problem.startswith(f"{missing}:3: countries.A.profile: unknown profile 'nope'")


# --- options ----------------------------------------------------------------------------
def test_too_many_turns_is_a_problem_of_turns_not_of_set(capsys):
    assert refused(capsys, "run", "--turns", "1000000000") == [
        "negotiation run: argument --turns: must be at most 1000, got 1000000000 (see 'negotiation run --help')"]


def test_a_port_beyond_65535_is_refused_in_one_line(capsys):
    assert refused(capsys, "serve", "--port", "99999") == [
        "negotiation serve: argument --port: must be at most 65535, got 99999 (see 'negotiation serve --help')"]


def test_out_under_a_regular_file_is_refused_before_any_work(tmp_path, sweep_file, capsys):
    blocker = tmp_path / "afile"
    blocker.write_text("mine")
    for argv in (["run", "--out", str(blocker / "run")],
                 ["sweep", str(sweep_file()), "--out", str(blocker / "sweep")],
                 ["analyze", str(tmp_path), "--out", str(blocker / "report")]):
        (problem,) = refused(capsys, *argv)
        assert problem == f"{blocker}/{argv[-1].rsplit('/', 1)[1]}: --out: cannot be made: {blocker} is a file, " \
                          "not a folder"
    assert blocker.read_text() == "mine"


def test_analyze_on_a_damaged_manifest_says_so(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text('{"sweep": ')
    (problem,) = refused(capsys, "analyze", str(tmp_path))
    assert problem.startswith(f"{tmp_path / 'manifest.json'}: is damaged and cannot be read")
    (tmp_path / "manifest.json").write_text(json.dumps({"sweep": {}}))
    (problem,) = refused(capsys, "analyze", str(tmp_path))
    assert "is damaged and cannot be read" in problem


def test_a_serve_that_cannot_listen_leaves_no_state_folder(tmp_path, capsys):
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    os.chdir(tmp_path)
    try:
        (problem,) = refused(capsys, "serve", "--class", "--port", str(port), "--no-browser")
        assert problem.startswith("--port: cannot listen on 127.0.0.1:")
        assert not (tmp_path / "classes").exists()
    finally:
        busy.close()


# --- moves files ------------------------------------------------------------------------
def test_a_moves_file_naming_a_turn_beyond_the_game_names_its_line(tmp_path, capsys):
    moves = tmp_path / "moves.yaml"
    moves.write_text("0: {}\n99:\n  CN: {pledges: honour}\n")
    assert refused(capsys, "play", "--as", "China", "--moves", str(moves), "--save", str(tmp_path / "g.json")) == [
        f"{moves}:2: 99: turn 99 is beyond the game's 8 turns"]


def test_an_answer_to_an_offer_that_never_comes_is_refused(tmp_path, capsys):
    moves = tmp_path / "moves.yaml"
    moves.write_text("- CN:\n    answers: accept\n")
    problems = refused(capsys, "play", "--as", "China", "--moves", str(moves), "--save", str(tmp_path / "g.json"))
    assert problems[-1] == f"{moves}:2: 0.CN.answers: no offer came to CN at turn 0, so this answer was never used"


# --- output ------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [["strategies"], ["validate", "classroom_intro"]])
def test_an_ascii_only_terminal_gets_question_marks_not_a_crash(argv):
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": SRC}
    done = subprocess.run([sys.executable, "-m", "negotiation", *argv], capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr and done.stdout


def test_a_file_that_never_ends_or_nests_without_end_is_refused_at_once(tmp_path, capsys):
    assert refused(capsys, "validate", "/dev/zero") == [
        "/dev/zero: is larger than 4 MB; no scenario, profile, sweep or moves file comes near that"]
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert refused(capsys, "play", "--load", str(deep)) == [f"{deep}: is not a save (JSON nested too deeply)"]
    manifest = tmp_path / "sweep" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("[" * 100_000 + "]" * 100_000)
    (problem,) = refused(capsys, "analyze", str(manifest.parent))
    assert problem.startswith(f"{manifest}: is damaged and cannot be read")


# --- snap-backs (issue 9): what returns when a pledge lapses unrenewed -------------------
@pytest.mark.parametrize(("bad", "field", "says"), [
    ("{tarif: 0.24}", "snapback.tarif", "unknown field (did you mean 'tariff'?); allowed: tariff"),
    ("{tariff: -0.1}", "snapback.tariff", "input should be greater than or equal to 0 (got -0.1)"),
    ("0.24", "snapback", "expected a mapping (got 0.24); allowed fields: tariff"),
    ("[0.24]", "snapback", "expected a mapping (got list); allowed fields: tariff"),
])
def test_a_bad_snapback_names_its_line_field_and_what_is_allowed(write, capsys, bad, field, says):
    path = intro(write, "snap.yaml", "snapback: {tariff: 0.24}", f"snapback: {bad}")
    assert refused(capsys, "validate", str(path)) == [
        f"{path}:{line_of(path, 'snapback:')}: countries.US.pledges.0.{field}: {says}"]


def test_a_snapback_on_a_pledge_that_is_not_a_tariff_is_allowed(write, capsys):
    # China's mirror measures return with the lapse of its export-control pledges (C3/C4, issue 9)
    path = intro(write, "mirror.yaml", "        source: C1\n", "        snapback: {tariff: 0.1}\n        source: C1\n")
    assert main(["validate", str(path)]) == 0


# --- linked instruments (issue 9): what a renewal package can carry more of ---------------
@pytest.mark.parametrize(("bad", "field", "says"), [
    ("{like: U9, max_units: 0.1}", "links.0.like",
     "unknown pledge 'U9'; allowed: a tariff, purchase or measure pledge (U1, C5)"),
    ("{like: C1, max_units: 0.1}", "links.0.like",
     "pledge 'C1' is an export_control pledge, which cannot be extended; allowed: a tariff, purchase or measure "
     "pledge (U1, C5)"),
    ("{like: U1, max_units: 0}", "links.0.max_units", "input should be greater than 0 (got 0)"),
    ("{like: U1}", "links.0.max_units", "is required but missing"),
])
def test_a_bad_link_names_its_line_field_and_what_is_allowed(write, capsys, bad, field, says):
    path = intro(write, "link.yaml", "{like: U1, max_units: 0.10}", bad)
    assert refused(capsys, "validate", str(path)) == [
        f"{path}:{line_of(path, bad)}: negotiation.{field}: {says}"]


def test_the_retired_side_payment_cap_says_what_replaced_it(write, capsys):
    path = intro(write, "cap.yaml", "  links:\n", "  max_side_payment: 1.11\n  links:\n")
    (problem,) = refused(capsys, "validate", str(path))
    assert problem.startswith(f"{path}:") and "'max_side_payment' is retired" in problem and "links" in problem


def test_an_outside_option_of_a_country_not_in_the_game_is_refused(write, capsys):
    path = intro(write, "outside.yaml", "  links:\n", "  outside_options: {BR: 0.5}\n  links:\n")
    (problem,) = refused(capsys, "validate", str(path))
    assert "negotiation.outside_options.BR: unknown country 'BR'" in problem
