"""Sweep files: the shipped ones are valid, and every mistake is one clear line with its place."""

from pathlib import Path

import pytest

from negotiation.cli import main
from negotiation.config.errors import ConfigError
from negotiation.config.resolve import data_root
from negotiation.sweep import read_sweep

SHIPPED = sorted((data_root() / "configs" / "sweeps").glob("*.yaml"))

GOOD = """\
name: good
scenario: prisoners_dilemma
parameters:
  countries.A.preferences.patience:
    range: [0.1, 0.9]
    steps: 5
design:
  kind: grid
replications: 2
"""


def problems(path: Path, **overrides) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        read_sweep(path, **overrides)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_sweeps_are_valid_modest_and_cite_sources_for_their_numbers():
    assert {p.stem for p in SHIPPED} >= {"patience_vs_capacity", "noise_and_forgiveness", "sobol_screen",
                                         "pd_threshold"}
    for path in SHIPPED:
        sweep = read_sweep(path)
        assert 50 <= sweep.runs <= 2000, path.name
        cited = set(sweep.spec.sources)
        for key, param in sweep.spec.parameters.items():
            field = "values" if param.values is not None else "range"
            assert f"parameters.{key}.{field}" in cited, (path.name, key)
        assert "seed" in cited and "replications" in cited


def test_the_sobol_screen_varies_at_least_six_parameters():
    sweep = read_sweep(data_root() / "configs" / "sweeps" / "sobol_screen.yaml")
    assert sweep.spec.design.kind == "sobol" and len(sweep.axes) >= 6


def test_a_good_file_reads_with_its_size(write):
    sweep = read_sweep(write("good.yaml", GOOD))
    assert (sweep.points, sweep.runs) == (5, 10)
    assert sweep.outcomes[:3] == ["held", "break_turn", "turns"]


def test_replications_and_samples_can_be_overridden(write):
    path = write("s.yaml", GOOD.replace("  kind: grid", "  kind: latin\n  samples: 4").replace("    steps: 5\n", ""))
    sweep = read_sweep(path, replications=3, samples=6)
    assert (sweep.points, sweep.runs) == (6, 18)


def test_an_unknown_key_is_reported_with_its_line_and_a_suggestion(write):
    path = write("s.yaml", GOOD.replace("replications: 2", "replication: 2"))
    assert problems(path) == [f"{path}:9: replication: unknown field (did you mean 'replications'?); allowed: "
                              "name, description, scenario, set, parameters, design, replications, seed, outcomes, "
                              "series, sources"]


def test_a_misspelt_parameter_key_is_checked_against_the_scenario(write):
    path = write("s.yaml", GOOD.replace("preferences.patience", "preferences.patiense"))
    [line] = problems(path)
    assert line.startswith(f"{path}:4: parameters.countries.A.preferences.patiense: no field 'patiense'")
    assert "(did you mean 'patience'?)" in line


def test_a_value_the_scenario_refuses_points_at_that_value(write):
    path = write("s.yaml", GOOD.replace("    range: [0.1, 0.9]\n    steps: 5", "    values: [0.5, 1.0]"))
    [line] = problems(path)
    assert line.startswith(f"{path}:5: parameters.countries.A.preferences.patience: ")
    assert "less than 1" in line


def test_a_strategy_parameter_the_strategy_does_not_take_is_caught_before_running(write):
    text = GOOD.replace("countries.A.preferences.patience:\n    range: [0.1, 0.9]\n    steps: 5",
                        "countries.A.strategy.params:\n    values: [{forgiveness: 0.2}]")
    [line] = problems(write("s.yaml", text))
    assert "countries.A.strategy" in line and "has no parameter forgiveness" in line


@pytest.mark.parametrize(("change", "expected"), [
    (("range: [0.1, 0.9]", "range: [0.9, 0.1]"), "'range' must be [low, high] with low < high"),
    (("    steps: 5\n", ""), "a grid needs 'values' or a 'range' with 'steps'"),
    (("kind: grid", "kind: factorial"), "design.kind: input should be 'grid', 'random', 'latin', 'sobol' or "
                                        "'morris'"),
    (("kind: grid", "kind: sobol\n  samples: 12"), "to be a power of two"),
    (("kind: grid", "kind: latin"), "a 'latin' design needs 'samples'"),
    (("replications: 2", "replications: 0"), "replications: input should be greater than or equal to 1"),
    (("scenario: prisoners_dilemma", "scenario: prisoners_dilema"), "(did you mean 'prisoners_dilemma'?)"),
    (("replications: 2", "replications: 2\noutcomes: [held, payof.A]"), "unknown outcome 'payof.A' (did you "
                                                                        "mean 'payoff.A'?)"),
    (("replications: 2", "replications: 2\nset: {countries.A.preferences.patience: 0.5}"),
     "is both fixed in 'set' and varied in 'parameters'"),
])
def test_each_mistake_is_one_line_naming_the_problem(write, change, expected):
    lines = problems(write("s.yaml", GOOD.replace(*change)))
    assert len(lines) == 1 and expected in lines[0], lines
    assert lines[0].startswith(str(write("s.yaml", GOOD.replace(*change))) + ":")


def test_several_mistakes_are_all_reported_at_once(write):
    text = GOOD.replace("preferences.patience", "preferences.patiense").replace(
        "design:", "  world.noise_scale: {values: [-1]}\ndesign:")
    lines = problems(write("s.yaml", text))
    assert len(lines) == 2 and "patiense" in lines[0] and "world.noise_scale" in lines[1]


def test_the_command_rejects_a_bad_file_before_any_run_and_creates_nothing(write, tmp_path, capsys):
    path = write("s.yaml", GOOD.replace("replications: 2", "replication: 2"))
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{path}:9: replication: unknown field")
    assert not out.exists()


def test_an_override_that_does_not_fit_the_design_is_reported(write):
    path = write("s.yaml", GOOD)
    [line] = problems(path, samples=10)
    assert line == f"{path}:7: design: a grid takes no 'samples': its points are every combination of the values"


def test_the_example_in_the_sweep_guide_is_a_valid_sweep_file(write):
    guide = (Path(__file__).resolve().parents[1] / "docs" / "sweeps.md").read_text()
    example = guide.split("A sweep file:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    sweep = read_sweep(write("example.yaml", example))
    assert sweep.spec.design.kind == "latin" and sweep.runs == 200 * 20


def test_validate_checks_sweep_files_too(write, capsys):
    assert main(["validate", *map(str, SHIPPED)]) == 0
    bad = write("s.yaml", GOOD.replace("preferences.patience", "preferences.patiense"))
    assert main(["validate", str(bad)]) == 2
    assert "no field 'patiense'" in capsys.readouterr().err
