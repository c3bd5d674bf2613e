"""The debrief of one game and the class report over many saves."""

import json

import pandas as pd
import pytest

from negotiation import load_scenario, run
from negotiation.cli import main
from negotiation.observation import Decision
from negotiation.play import debrief, saves
from negotiation.play.session import Session
from negotiation.scoring import score


def game(defect_at: int | None = None, turns: int | None = None, name: str = "", scenario: str = "classroom_intro",
         seat: str = "CN", pledge: str = "C5") -> Session:
    session = Session(load_scenario(scenario, {"turns": turns} if turns else None), [seat], name=name)
    while not session.finished:
        p = session.prompt
        if p.kind == "actions" and p.turn == defect_at:
            session.submit(Decision({**p.default.levels, pledge: 0.0}, p.default.retaliation, p.default.invest))
        else:
            session.submit_default()
    return session


@pytest.fixture(scope="module")
def defected():
    return game(defect_at=2)


def test_the_counterfactual_is_the_same_game_with_the_seat_played_by_the_strategy(defected):
    brief = debrief.make(defected.result(), "CN", ["tit_for_tat", "defector"])
    for c in brief.comparisons:
        expected = run(load_scenario("classroom_intro", {"countries.CN.strategy": {"name": c.strategy}}))
        assert c.result.totals == expected.totals
        assert c.score.total == pytest.approx(score(expected, "CN").total)
    tft = brief.comparisons[0]
    mine = brief.score.total
    pct = round(abs(tft.score.total - mine) / abs(mine) * 100)
    assert tft.sentence(brief.score, defected.result()) == (
        f"tit_for_tat would have scored {pct} % {'more' if tft.score.total > mine else 'less'} "
        f"({tft.score.total:,.1f} against your {mine:,.1f}) and kept the truce to the end (8 turns).")


def test_the_debrief_explains_the_break_scores_each_objective_and_lists_turning_points(defected):
    brief = debrief.make(defected.result(), "CN")
    text = "\n".join(brief.lines())
    assert "Truce: broken at turn 2 (Jan 2026) by you over C5" in text and "a deliberate defection" in text
    assert "missed: Keep the truce to the end of the game (8 turns) (reached 2 turns)" in text
    assert "turn 2 (Jan 2026): you defected on C5" in text
    assert "turn 2 (Jan 2026): event: MOFCOM announces new licence rules" in text
    assert [c.strategy for c in brief.comparisons] == ["self_enforcing", "tit_for_tat"]  # the instructor's list


def test_playing_every_default_compares_as_the_same_score():
    brief = debrief.make(game().result(), "CN", ["self_enforcing"])
    assert brief.comparisons[0].sentence(brief.score, brief.result).startswith(
        "self_enforcing would have scored the same")


def test_the_debrief_plots_are_written(tmp_path, defected):
    paths = debrief.write_plots(debrief.make(defected.result(), "CN", ["tit_for_tat"]), tmp_path / "d")
    assert sorted(p.name for p in paths) == ["capacity.png", "comparison-CN.png", "compliance.png",
                                             "instruments.png", "payoffs.png"]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_the_class_report_compares_finished_games_and_names_the_bad_saves(tmp_path, capsys, defected):
    folder = tmp_path / "saves"
    saves.save(defected, folder / "ana.json")
    saves.save(game(name="Team Bo"), folder / "bo.json")
    half = Session(load_scenario("classroom_intro"), ["CN"])
    for _ in range(3):
        half.submit_default()
    saves.save(half, folder / "cy.json")
    text = saves.save(game(), folder / "dee.json").read_text()
    (folder / "dee.json").write_text(text[:100])
    saves.save(game(scenario="busan_truce_2025", turns=2), folder / "eve.json")
    out = tmp_path / "report"
    assert main(["report", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"left out {folder / 'cy.json'}: is unfinished (stopped at turn 2 of 8)" in printed
    assert f"left out {folder / 'dee.json'}: is truncated" in printed
    assert f"left out {folder / 'eve.json'}: is a game of scenario 'busan_truce_2025', not 'classroom_intro'" in printed
    table = pd.read_csv(out / "report.csv")
    assert table["game"].tolist() == ["ana", "Team Bo"]
    assert table["truce"].tolist() == ["broken", "held"] and table["break_turn"].tolist()[0] == 2
    assert table["key_decisions"].tolist() == ["t2: C5 defect", "played every suggested move"]
    assert table["score"].tolist() == [round(score(defected.result(), "CN").total, 2),
                                       round(score(game().result(), "CN").total, 2)]
    assert sorted(p.name for p in out.iterdir()) == ["payoffs.png", "report.csv", "scores.png", "truce.png"]


def test_a_report_with_no_finished_game_says_so(tmp_path, capsys):
    (tmp_path / "x.json").write_text(json.dumps({"format": "negotiation-save"}))
    assert main(["report", str(tmp_path / "x.json"), "--out", str(tmp_path / "r")]) == 2
    captured = capsys.readouterr()
    assert "is damaged: missing version" in captured.out and "no finished game to report" in captured.err
