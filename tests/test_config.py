"""Bad input gets one clear line per problem (file, line, field, what is allowed) and exit code 2."""

import re

import pytest

from negotiation.cli import main
from tests.conftest import PD_SCENARIO

GOOD = PD_SCENARIO.format(a="tit_for_tat", b="grim_trigger", turns=10, delta=0.9, noise=0.0)
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<field>[\w.]+): (?P<message>.+)$")


def fails(argv, capsys):
    """Run the command, expect exit 2, and return its error lines."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Traceback" not in captured.err
    return [line for line in captured.err.splitlines() if line.strip()]


def one_problem(argv, capsys):
    lines = fails(argv, capsys)
    assert len(lines) == 1, lines
    return lines[0]


def test_the_good_file_validates(write, capsys):
    assert main(["validate", str(write("ok.yaml", GOOD))]) == 0
    assert "ok" in capsys.readouterr().out


def test_malformed_yaml_names_file_and_line(write, capsys):
    path = write("bad.yaml", GOOD.replace("turns: 10", "turns: [10"))
    line = one_problem(["validate", path], capsys)
    assert line.startswith(f"{path}:3: malformed YAML:") and "started on line 2" in line


@pytest.mark.parametrize(("content", "message"), [(b"", "is empty"), (b"   \n\n", "is empty"),
                                                   (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")])
def test_empty_or_binary_files_are_refused(tmp_path, capsys, content, message):
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    assert message in one_problem(["validate", path], capsys)


def test_a_missing_file_is_named(tmp_path, capsys):
    path = tmp_path / "nope.yaml"
    assert one_problem(["validate", path], capsys) == f"{path}: no such file"


def test_an_unknown_scenario_name_suggests_the_near_one(capsys):
    line = one_problem(["run", "busan_truce_2052"], capsys)
    assert "did you mean 'busan_truce_2025'" in line


def test_a_misspelt_key_is_never_ignored_and_the_near_name_is_suggested(write, capsys):
    path = write("typo.yaml", GOOD.replace("preferences: {patience", "prefrences: {patience", 1))
    line = one_problem(["validate", path], capsys)
    m = LINE.match(line)
    assert m and m["line"] == "10" and m["field"] == "countries.A.prefrences"
    assert "unknown field" in line and "did you mean 'preferences'" in line


def test_a_misspelt_top_level_key_is_reported(write, capsys):
    path = write("typo.yaml", GOOD.replace("turn_label: round", "turn_lable: round"))
    line = one_problem(["validate", path], capsys)
    assert line.startswith(f"{path}:3: turn_lable: unknown field") and "did you mean 'turn_label'" in line


def test_an_unknown_country_in_a_pledge_lists_the_countries(write, capsys):
    path = write("who.yaml", GOOD.replace("to: B,", "to: C,"))
    line = one_problem(["validate", path], capsys)
    m = LINE.match(line)
    assert m and m["line"] == "11" and m["field"] == "countries.A.pledges.0.to"
    assert "unknown country 'C'" in line and "allowed: B" in line


def test_an_unknown_strategy_suggests_the_near_name(write, capsys):
    path = write("strat.yaml", GOOD.replace("name: tit_for_tat", "name: tit_for_tap"))
    line = one_problem(["validate", path], capsys)
    assert LINE.match(line)["field"] == "countries.A.strategy.name"
    assert "did you mean 'tit_for_tat'" in line and ":9:" in line


def test_a_share_outside_zero_one_is_refused(write, capsys):
    path = write("share.yaml", GOOD.replace("name: Player A", "name: Player A\n    resources: {processing_share: 1.7}"))
    line = one_problem(["validate", path], capsys)
    assert LINE.match(line)["field"] == "countries.A.resources.processing_share"
    assert "less than or equal to 1" in line and "1.7" in line


def test_a_negative_tariff_is_refused(write, capsys):
    path = write("tariff.yaml", GOOD.replace("name: Player A", "name: Player A\n    instruments: {tariffs: {B: -0.1}}"))
    line = one_problem(["validate", path], capsys)
    assert LINE.match(line)["field"] == "countries.A.instruments.tariffs.B"
    assert "greater than or equal to 0" in line


def test_a_pledge_that_ends_before_it_starts_is_refused(write, capsys):
    path = write("ends.yaml", GOOD.replace("instrument: measure, end: 10", "instrument: measure, start: 5, end: 3", 1))
    line = one_problem(["validate", path], capsys)
    m = LINE.match(line)
    assert m and m["line"] == "11" and m["field"] == "countries.A.pledges.0"
    assert "'end' must be greater than 'start'" in line


def test_every_problem_is_listed_not_just_the_first(write, capsys):
    text = GOOD.replace("turn_label: round", "turn_lable: round").replace(
        "name: Player A", "name: Player A\n    resources: {processing_share: 1.7}")
    path = write("two.yaml", text)
    assert len(fails(["validate", path], capsys)) >= 2


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "--turns", "0"], "--turns: must be at least 1, got 0"),
    (["run", "--turns", "many"], "--turns: must be a whole number >= 1, got 'many'"),
    (["run", "--seed", "-4"], "--seed: must be at least 0, got -4"),
])
def test_bad_command_line_numbers_are_refused(argv, message, capsys):
    assert message in one_problem(argv, capsys)


def test_set_on_a_key_that_does_not_exist_suggests_the_near_one(capsys, tmp_path):
    line = one_problem(["run", "--set", "market.lead_time_scle=0.5", "--out", tmp_path / "r"], capsys)
    assert line.startswith("--set: market.lead_time_scle: no field 'lead_time_scle'")
    assert "did you mean 'lead_time_scale'" in line
    assert not (tmp_path / "r").exists()


def test_set_with_a_value_of_the_wrong_type_is_refused(capsys, tmp_path):
    line = one_problem(["run", "--set", "market.lead_time_scale=fast", "--out", tmp_path / "r"], capsys)
    assert line.startswith("--set market.lead_time_scale:") and "valid number" in line


def test_set_without_an_equals_sign_is_refused(capsys):
    assert "expected KEY=VALUE" in one_problem(["run", "--set", "market.lead_time_scale"], capsys)


def test_a_failed_run_leaves_no_run_folder(tmp_path, capsys, monkeypatch):
    from negotiation import plots

    def boom(result, folder):
        raise RuntimeError("disk full")

    monkeypatch.setattr(plots, "save_all", boom)
    with pytest.raises(RuntimeError):
        main(["run", "--out", str(tmp_path / "run")])
    assert list(tmp_path.iterdir()) == []


def test_an_existing_out_folder_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert "already exists" in one_problem(["run", "--out", out], capsys)
    assert (out / "notes.txt").read_text() == "keep me"


def test_a_country_profile_validates_on_its_own(capsys):
    from negotiation.config.resolve import data_root

    assert main(["validate", str(data_root() / "agents" / "china.yaml")]) == 0


def test_a_profile_with_a_bad_strategy_is_refused(write, capsys):
    path = write("c.yaml", "id: X\nname: X\nstrategy: {name: grim}\n")
    line = one_problem(["validate", path], capsys)
    assert line.startswith(f"{path}:3: strategy.name: unknown strategy 'grim'")


def test_overrides_of_a_loaded_scenario_check_strategy_names_and_parameters():
    from negotiation import ConfigError, load_scenario
    from negotiation.config.resolve import with_overrides

    scenario = load_scenario("busan_truce_2025")
    with pytest.raises(ConfigError, match="did you mean 'grim_trigger'"):
        with_overrides(scenario, {"countries.US.strategy.name": "grim_triger"})
    with pytest.raises(ConfigError, match="no parameter forgivness"):
        with_overrides(scenario, {"countries.US.strategy.params": {"forgivness": 0.2}})


def test_a_strategy_parameter_the_profile_leaves_at_its_default_can_be_set_and_a_misspelt_one_is_named():
    from negotiation import load_scenario
    from negotiation.config.errors import ConfigError

    scenario = load_scenario("busan_truce_2025", {"countries.CN.strategy.params.forgiveness": 0.5})
    assert scenario.countries["CN"].strategy.params == {"forgiveness": 0.5}
    with pytest.raises(ConfigError, match="has no parameter forgivness; allowed: forgiveness"):
        load_scenario("busan_truce_2025", {"countries.CN.strategy.params.forgivness": 0.5})


def test_a_supplier_without_the_worlds_tonnage_and_a_good_controlled_by_another_country_are_refused(write, capsys):
    supplier = GOOD.replace("name: Player A", "name: Player A\n    instruments: {controls_supply: true}")
    line = one_problem(["validate", write("tonnage.yaml", supplier)], capsys)
    assert LINE.match(line)["field"] == "countries.A.resources.export_stakes.rare_earth_mine_kt"
    assert "world's tonnage" in line
    events = GOOD + "events:\n  - {turn: 1, kind: set_control, country: B, target: A, good: heavy, value: 1}\n"
    line = one_problem(["validate", write("good.yaml", events)], capsys)
    assert LINE.match(line)["field"] == "events.0.good" and "must be the supplier" in line


def test_a_good_and_a_site_are_refused_where_they_do_not_apply(write, capsys):
    wrong = GOOD + "events:\n  - {turn: 1, kind: set_tariff, country: B, target: A, good: heavy, value: 1}\n"
    assert "'good' applies to 'set_control' events only" in one_problem(["validate", write("g.yaml", wrong)], capsys)
    site = GOOD.replace("instrument: measure, end: 10", "instrument: investment, end: 10, site: Z", 1)
    assert "unknown country 'Z'" in one_problem(["validate", write("s.yaml", site)], capsys)
