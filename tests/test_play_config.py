"""The instructor's configuration: labels, seats, visibility, events, scoring; the template
and `negotiation new-scenario`."""

import subprocess
import sys

import pytest
import yaml

from negotiation import load_scenario, run
from negotiation.cli import main
from negotiation.config.scaffold import template_path
from negotiation.results import turn_label
from negotiation.scoring import score

SESSION = """\
name: bad_session
turns: 4
turn_label: round
labels: {labels}
negotiation: {{enabled: false}}
countries:
  A:
    id: A
    name: Alpha
    player: human
    strategy: {{name: tit_for_tat}}
    pledges: [{{id: a, to: B, instrument: measure, end: 4, major: true, source: P13}}]
  B:
    id: B
    name: Beta
    strategy: {{name: grim_trigger}}
    pledges: [{{id: b, to: A, instrument: measure, end: 4, major: true, source: P13}}]
games: [{{players: [A, B]}}]
visibility:
{visibility}
scoring:
{scoring}
"""

GOOD = {"labels": "[one, two, three, four]", "visibility": "  all: {payoffs: hidden}\n  A: {compliance: exact}",
        "scoring": "  objectives:\n    A:\n      - {text: keep it, metric: truce_turns, at_least: 4, points: 3}"}


def session_file(write, **changes):
    return write("session.yaml", SESSION.format(**{**GOOD, **changes}))


def test_a_good_session_file_validates_and_scores(write):
    path = session_file(write)
    assert main(["validate", str(path)]) == 0
    result = run(path)
    assert turn_label(result.scenario, 2) == "three"
    s = score(result, "A")
    assert s.total == result.totals["A"] + 3 and s.objectives[0].met


@pytest.mark.parametrize(("changes", "expected"), [
    ({"labels": "[one, two]"}, ["session.yaml:4: labels: has 2 labels for 4 turns; give one label per turn"]),
    ({"visibility": "  all: {payofs: hidden}"},
     ["session.yaml:20: visibility.all.payofs: unknown field (did you mean 'payoffs'?)"]),
    ({"visibility": "  all: {payoffs: blurry}"},
     ["session.yaml:20: visibility.all.payoffs: input should be 'exact', 'noisy' or 'hidden' (got 'blurry')"]),
    ({"visibility": "  C: {payoffs: hidden}"},
     ["session.yaml:20: visibility.C: unknown country 'C'; allowed: all, A, B"]),
    ({"scoring": "  objectives:\n    A:\n      - {text: x, metric: pledge, pledge: z, at_least: 1}"},
     ["session.yaml:25: scoring.objectives.A.0.pledge: unknown pledge 'z'; allowed: a, b"]),
    ({"scoring": "  objectives:\n    A:\n      - {text: x, metric: payoff}"},
     ["session.yaml:25: scoring.objectives.A.0: an objective needs 'at_least' or 'at_most' (or both)"]),
    ({"scoring": "  objectives:\n    A:\n      - {text: x, metric: wealth, at_least: 1}"},
     ["session.yaml:25: scoring.objectives.A.0.metric: input should be"]),
    ({"scoring": "  compare: [tit_for_tatt]"},
     ["session.yaml:23: scoring.compare.0: unknown strategy 'tit_for_tatt' (did you mean 'tit_for_tat'?)"]),
])
def test_a_bad_session_file_gets_one_line_per_problem_and_exit_2(write, capsys, changes, expected):
    path = session_file(write, **changes)
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith(str(path.parent) + "/") and want in line, line


def test_several_problems_are_all_reported(write, capsys):
    path = session_file(write, labels="[one]", visibility="  all: {world: foggy}",
                        scoring="  objectives:\n    Z:\n      - {text: x, metric: payoff, at_most: 1}")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    # cross-references are checked once every field is valid: first the field error alone
    assert err.count("\n") == 1 and "visibility.all.world" in err
    fixed = session_file(write, labels="[one]", scoring="  objectives:\n    Z:\n      - {text: x, metric: payoff, "
                                                         "at_most: 1}")
    assert main(["validate", str(fixed)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "labels" in err[0] and "scoring.objectives.Z: unknown country 'Z'" in err[1]


def test_the_template_validates_runs_and_documents_every_instructor_setting(capsys):
    path = template_path()
    assert main(["validate", str(path)]) == 0
    result = run(path)
    assert len(result.records) == result.scenario.turns
    text = path.read_text()
    for key in ("player: human", "labels:", "visibility:", "events:", "scoring:", "objectives:", "compare:"):
        assert key in text


def test_classroom_intro_is_short_with_one_human_seat_and_student_facing_events():
    sc = load_scenario("classroom_intro")
    assert sc.turns <= 12
    assert [cid for cid, c in sc.countries.items() if c.player == "human"] == ["CN"]
    assert all(e.text and e.turn is not None for e in sc.events)
    assert sc.scoring.objectives and len(sc.labels) == sc.turns


def test_every_number_of_the_classroom_files_cites_a_source():
    for path in (template_path(), template_path().parents[1] / "scenarios" / "classroom_intro.yaml"):
        data = yaml.safe_load(path.read_text())
        cited = set(data["sources"])
        for n in range(len(data["events"])):
            assert f"events.{n}.turn" in cited, (path.name, n)
        for cid, objectives in data["scoring"].get("objectives", {}).items():
            for n, o in enumerate(objectives):
                for key in ("at_least", "at_most", "points"):
                    if key in o:
                        assert f"scoring.objectives.{cid}.{n}.{key}" in cited, (path.name, cid, n, key)


def test_new_scenario_copies_with_comments_and_never_overwrites(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new-scenario", "week3"]) == 0
    text = (tmp_path / "week3.yaml").read_text()
    assert "name: week3" in text and "# Template of a classroom session" in text
    assert main(["validate", "week3.yaml"]) == 0
    before = (tmp_path / "week3.yaml").read_bytes()
    assert main(["new-scenario", "week3", "--from", "busan_truce_2025"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "week3.yaml").read_bytes() == before
    assert main(["new-scenario", "shock", "--from", "rare_earth_shock"]) == 0
    assert load_scenario(str(tmp_path / "shock.yaml")).name == "shock"
    assert main(["new-scenario", "bad name!"]) == 2


def test_new_scenario_from_a_file_keeps_its_relative_profiles_working(tmp_path, monkeypatch, write):
    profile = yaml.safe_load((template_path().parents[2] / "agents" / "us.yaml").read_text())
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "us2.yaml").write_text(yaml.safe_dump(profile))
    source = tmp_path / "mine" / "base.yaml"
    text = (template_path().parents[1] / "scenarios" / "busan_truce_2025.yaml").read_text()
    source.write_text(text.replace("US: {profile: us}", "US: {profile: us2.yaml}"))
    monkeypatch.chdir(tmp_path)
    assert main(["new-scenario", "copy", "--from", str(source)]) == 0
    assert load_scenario(str(tmp_path / "copy.yaml")).countries["US"].name == "United States"


def test_a_bad_scenario_is_refused_by_play_without_a_traceback(write):
    path = session_file(write, labels="[one]")
    done = subprocess.run([sys.executable, "-m", "negotiation", "play", str(path), "--moves", "-"],
                          capture_output=True, text=True, input="[]")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"{path}:4: labels: has 1 labels for 4 turns; give one label per turn"]


def test_seats_are_named_by_id_or_name_and_a_typo_gets_a_suggestion(capsys):
    from negotiation.play.commands import seats_of

    scenario = load_scenario("classroom_intro")
    assert seats_of(scenario, ["china", "US", "Japan", "CN"]) == ["CN", "US", "JP"]
    assert seats_of(scenario, []) == ["CN"]  # the scenario's human seat
    assert main(["play", "--as", "chine", "--moves", "-"]) == 2
    assert capsys.readouterr().err.startswith("--as: unknown country 'chine' (did you mean 'China'?)")
    assert main(["play", "busan_truce_2025", "--moves", "-"]) == 2
    assert "has no human seat; choose one with --as COUNTRY" in capsys.readouterr().err
