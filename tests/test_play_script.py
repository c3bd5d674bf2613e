"""Scripted games: `negotiation play --moves FILE` (or moves on standard input), no prompts."""

import json
import subprocess
import sys
from pathlib import Path

from negotiation import load_scenario
from negotiation.cli import main
from negotiation.history import OfferMade, entries
from negotiation.observation import Decision
from negotiation.play import saves
from negotiation.play.session import Session

SRC = str(Path(__file__).resolve().parents[1] / "src")


def play(tmp_path, moves: str, *extra: str) -> tuple[int, Path]:
    (tmp_path / "moves.yaml").write_text(moves)
    save = tmp_path / "game.json"
    code = main(["play", "--as", "China", "--moves", str(tmp_path / "moves.yaml"), "--save", str(save), *extra])
    return code, save


def test_a_scripted_game_plays_its_moves_and_defaults_for_the_rest(tmp_path, capsys):
    code, save = play(tmp_path, "- CN: {pledges: {C5: defect}}\n- {}\n- CN: {tariffs: {US: 0.1}}\n")
    assert code == 0
    out = capsys.readouterr().out
    assert "game over" in out and "Debrief: China (CN)" in out and "by you over C5" in out
    game = saves.load(save)
    assert game.finished and game.model.broken.country == "CN" and game.model.broken.turn == 0
    assert [c.text for c in game.choices] == ["C5 defect (suggested honour)", "surcharge on US 10 points (suggested 0)"]
    # the same moves submitted in-process give the same game
    same = Session(load_scenario("classroom_intro"), ["CN"])
    while not same.finished:
        p = same.prompt
        if p.kind == "actions" and p.turn == 0:
            same.submit(Decision({**p.default.levels, "C5": 0.0}, p.default.retaliation, p.default.invest))
        elif p.kind == "actions" and p.turn == 2:
            same.submit(Decision(p.default.levels, {**p.default.retaliation, "US": 0.1}, p.default.invest))
        else:
            same.submit_default()
    assert same.digest() == game.digest()
    assert (tmp_path / "game-debrief" / "comparison-CN.png").stat().st_size > 0


def test_offers_answers_and_counters_can_be_scripted(tmp_path, capsys):
    moves = {5: {"CN": {"offers": "none", "answers": {"US": {"counter": {"ask": ["renew U1"]}}}}},
             6: {"CN": {"offers": "none", "answers": "reject"}}}
    code, save = play(tmp_path, json.dumps(moves))
    assert code == 0
    game = saves.load(save)
    offers = entries(game.model.log, OfferMade)
    # the US accepts the counter (a renewal it would offer itself); C1 is left to lapse
    assert [(e.turn, e.round, e.offer.proposer, e.verdict) for e in offers] == [
        (5, 0, "US", "counter"), (5, 1, "CN", "accept"), (6, 0, "US", "reject")]
    assert game.model.broken.cause == "lapsed" and game.model.broken.pledge == "C1"
    assert "ran out unrenewed" in capsys.readouterr().out


def test_moves_can_come_from_standard_input(tmp_path):
    done = subprocess.run([sys.executable, "-m", "negotiation", "play", "--as", "CN", "--moves", "-", "--turns", "3",
                           "--save", str(tmp_path / "g.json")], input='{0: {CN: {pledges: defect}}}',
                          capture_output=True, text=True, env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert saves.load(tmp_path / "g.json").model.broken.pledge == "C1"


def test_a_refused_scripted_move_is_reported_at_its_line_and_the_game_kept(tmp_path, capsys):
    code, save = play(tmp_path, "- {}\n- CN:\n    pledges: {C9: defect}\n")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{tmp_path / 'moves.yaml'}:2: 1.CN:")
    assert "'C9' is not one of your pledges in force this turn; yours: C1, C5" in err[0]
    kept = saves.load(save)
    assert kept.turn == 1 and not kept.finished


def test_a_malformed_moves_file_is_refused_before_the_game_starts(tmp_path, capsys):
    code, save = play(tmp_path, "- CN: {pledge: defect}\n- US: {}\n")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{tmp_path / 'moves.yaml'}:1: 0.CN.pledge: unknown move; allowed: offers, answers, pledges, "
                   "tariffs, invest, stockpile"]
    code, save = play(tmp_path, "- {}\n- US: {}\n")
    assert code == 2
    assert "1.US: 'US' is not a seat of this game; seats: CN" in capsys.readouterr().err
    code, _ = play(tmp_path, "- CN: {pledges: {C1: sometimes}}\n")
    assert code == 2 and "'sometimes' is not a level" in capsys.readouterr().err


def test_a_scripted_stockpile_move_is_refused_for_a_seat_without_one_or_in_other_words(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    code, _ = play(tmp_path / "a", "- CN: {stockpile: hold}\n")  # China holds no stockpile
    assert code == 2 and "0.CN: CN holds no rare-earth stockpile this turn" in capsys.readouterr().err
    code, _ = play(tmp_path / "b", "- CN: {stockpile: sell}\n")
    assert code == 2 and "stockpile is 'draw' (use it while your supply is cut) or 'hold'" in capsys.readouterr().err


def test_piped_answers_that_run_out_save_the_game_and_stop(tmp_path):
    done = subprocess.run([sys.executable, "-m", "negotiation", "play", "--as", "CN", "--save", "g.json"],
                          input="C5 defect\n\n", capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "Input ended before the game did. Game saved to g.json" in done.stdout
    kept = saves.load(tmp_path / "g.json")
    assert kept.turn == 1 and [c.text for c in kept.choices] == ["C5 defect (suggested honour)"]
