"""The command line as a user meets it."""

import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from negotiation.cli import main
from negotiation.runfolder import FILES


def test_run_writes_a_complete_run_folder_and_prints_a_summary(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--seed", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "busan_truce_2025" in printed and "truce" in printed and "allied share" in printed
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3 and set(summary["payoffs"]) == {"US", "CN", "JP", "AU", "EU"}
    timeline = pd.read_csv(out / "timeline.csv")
    assert len(timeline) == 36 and timeline["date"].iloc[12] == "2026-11"


def test_the_resolved_scenario_reproduces_the_run(tmp_path, capsys):
    first, again = tmp_path / "a", tmp_path / "b"
    assert main(["run", "rare_earth_shock", "--seed", "9", "--set", "market.lead_time_scale=0.5",
                 "--out", str(first)]) == 0
    assert main(["run", str(first / "scenario.yaml"), "--out", str(again)]) == 0
    for name in ("timeline.csv", "compliance.csv", "summary.json", "scenario.yaml"):
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
    resolved = yaml.safe_load((first / "scenario.yaml").read_text())
    assert resolved["market"]["lead_time_scale"] == 0.5 and resolved["seed"] == 9


def test_two_runs_with_the_same_seed_write_identical_files(tmp_path, capsys):
    for name in ("x", "y"):
        assert main(["run", "--seed", "4", "--out", str(tmp_path / name)]) == 0
    for name in FILES:
        assert (tmp_path / "x" / name).read_bytes() == (tmp_path / "y" / name).read_bytes(), name


def test_turns_shortens_the_game(tmp_path, capsys):
    assert main(["run", "--turns", "6", "--out", str(tmp_path / "r")]) == 0
    assert len(pd.read_csv(tmp_path / "r" / "timeline.csv")) == 6


def test_strategies_lists_the_registry_with_classifiers(capsys):
    assert main(["strategies"]) == 0
    out = capsys.readouterr().out
    for name in ("tit_for_tat", "generous_tit_for_tat", "self_enforcing", "opportunist", "human"):
        assert name in out
    assert "forward-looking" in out


def test_validate_accepts_every_shipped_file(capsys):
    from negotiation.config.resolve import builtin_scenarios, data_root

    paths = [str(p) for p in sorted((data_root() / "agents").glob("*.yaml"))] + builtin_scenarios()
    assert main(["validate", *paths]) == 0


def test_the_installed_command_runs_without_traceback_on_bad_input(tmp_path):
    done = subprocess.run([sys.executable, "-m", "negotiation", "run", "--turns", "0"], capture_output=True,
                          text=True)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


def test_help_teaches_by_example(capsys):
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "--set countries.CN.preferences.patience" in out


@pytest.mark.parametrize("command", ["play", "serve"])
def test_the_library_options_default_as_the_command_line_does(command):
    from negotiation.cli import _options, build_parser
    from negotiation.play.commands import PlayOptions
    from negotiation.web.server import ServeOptions

    kind = {"play": PlayOptions, "serve": ServeOptions}[command]
    assert _options(kind, build_parser().parse_args([command])) == kind()
