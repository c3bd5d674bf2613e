"""Running sweeps: the folder, identical results on every executor, failures, kill -9 and resume."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from negotiation.cli import main
from negotiation.sweep import load, read_sweep, run_sweep
from negotiation.sweep.executors import PoolExecutor, SerialExecutor
from negotiation.sweep.rerun import run_args

SRC = str(Path(__file__).resolve().parents[1] / "src")


def sweep_into(path: Path, out: Path, *flags: str) -> int:
    return main(["sweep", str(path), "--out", str(out), *flags])


def test_a_sweep_writes_manifest_design_and_one_row_per_run(sweep_file, tmp_path, capsys):
    out = tmp_path / "s"
    assert sweep_into(sweep_file(replications=3), out, "--workers", "1") == 0
    assert "24 runs done" in capsys.readouterr().out
    assert {p.name for p in out.iterdir()} == {"manifest.json", "sweep.yaml", "scenario.yaml", "design.parquet",
                                               "codebook.md", "codebook.json", "results"}
    frame = load(out)
    assert len(frame) == 24 and frame["run_id"].is_unique and (frame["status"] == "ok").all()
    assert frame[["point", "replication"]].values.tolist() == [[p, r] for p in range(8) for r in range(3)]
    assert {"countries.A.preferences.patience", "countries.B.strategy.name", "held", "break_turn", "breaker",
            "break_cause", "collapsed", "collapse_turn", "payoff.A", "payoff.B", "allied_share",
            "china_share"} <= set(frame.columns)
    assert "misread" not in frame.columns  # the same as break_cause == 'misread'
    session = json.loads((out / "manifest.json").read_text())["sessions"][0]
    assert session["command"] == ["negotiation", "sweep", str(sweep_file(replications=3)), "--out", str(out),
                                  "--workers", "1"]
    assert session["executor"] == "SerialExecutor" and session["scheduler"] is None and "git_dirty" in session
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["state"] == "complete"
    assert manifest["counts"] == {"runs": 24, "done": 24, "ok": 24, "failed": 0}
    assert manifest["design"]["kind"] == "grid" and manifest["design"]["points"] == 8
    assert {"python", "negotiation", "mesa", "numpy", "pyarrow"} <= set(manifest["versions"])
    assert "git" in manifest and manifest["host"] and manifest["sessions"][0]["ended"]


def test_the_truce_outcome_follows_patience_against_grim_trigger(sweep_file, tmp_path, capsys):
    out = tmp_path / "s"
    exact = sweep_file(replications=2).read_text().replace("noise: 0.05", "noise: 0.0")
    assert sweep_into(sweep_file(text=exact), out, "--workers", "1") == 0
    frame = load(out)
    grim = frame[frame["countries.B.strategy.name"] == "grim_trigger"]
    held = grim.groupby("countries.A.preferences.patience")["held"].all()
    assert held.to_dict() == {0.3: False, 0.45: False, 0.5: True, 0.7: True}


def test_results_are_identical_in_process_in_a_pool_and_in_any_chunking(sweep_file, tmp_path):
    sweep = read_sweep(sweep_file(replications=4))
    frames = []
    for name, executor, size in (("serial", SerialExecutor(), None), ("pool", PoolExecutor(2), 3),
                                 ("pool-big", PoolExecutor(2), 32)):
        try:
            run_sweep(sweep, tmp_path / name, executor, size=size)
        finally:
            executor.close()
        frames.append(load(tmp_path / name))
    assert len(list((tmp_path / "pool" / "results").iterdir())) == 11
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other)


def test_results_are_identical_on_a_dask_cluster(sweep_file, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    path = sweep_file(replications=4)
    assert sweep_into(path, tmp_path / "local", "--workers", "1") == 0
    with distributed.LocalCluster(host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        assert sweep_into(path, tmp_path / "dask", "--executor", "dask", "--scheduler",
                          cluster.scheduler_address, "--chunk-size", "5") == 0
        address = cluster.scheduler_address
    session = json.loads((tmp_path / "dask" / "manifest.json").read_text())["sessions"][0]
    assert session["scheduler"] == address and session["workers"] == 2
    assert sweep_into(path, tmp_path / "dask-local", "--executor", "dask", "--workers", "2") == 0
    for name in ("dask", "dask-local"):
        pd.testing.assert_frame_equal(load(tmp_path / "local"), load(tmp_path / name))
        assert json.loads((tmp_path / name / "manifest.json").read_text())["sessions"][0]["executor"] == \
            "DaskExecutor"


def test_a_scheduler_address_needs_the_dask_executor(sweep_file, tmp_path, capsys):
    assert sweep_into(sweep_file(), tmp_path / "s", "--scheduler", "tcp://127.0.0.1:8786") == 2
    assert "applies to --executor dask only" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_a_run_that_raises_is_recorded_as_failed_and_the_others_finish(sweep_file, tmp_path, capsys):
    # each value is valid alone, but a pledge that ends before it starts is refused at run time
    text = sweep_file().read_text().replace(
        "  countries.B.strategy.name:\n    values: [grim_trigger, tit_for_tat]",
        "  countries.A.pledges.0.start:\n    values: [0, 5]\n  countries.A.pledges.0.end:\n    values: [3, 20]")
    out = tmp_path / "s"
    assert sweep_into(sweep_file(text=text), out, "--workers", "2") == 1
    err = capsys.readouterr().err
    assert "12 of 48 runs failed" in err
    frame = load(out)
    failed = frame[frame["status"] == "failed"]
    assert len(failed) == 12 and (failed["countries.A.pledges.0.start"] == 5).all()
    assert (failed["countries.A.pledges.0.end"] == 3).all()
    assert failed["error"].str.contains("ends at turn 3, not after its start 5").all()
    assert failed["traceback"].str.startswith("Traceback").all() and failed["held"].isna().all()
    assert (frame.loc[frame["status"] == "ok", "held"].notna()).all()
    assert json.loads((out / "manifest.json").read_text())["counts"]["failed"] == 12


def test_any_run_can_be_rerun_alone_with_negotiation_run(sweep_file, tmp_path, capsys):
    out = tmp_path / "s"
    assert sweep_into(sweep_file(replications=2), out, "--workers", "1") == 0
    frame = load(out)
    for _, row in frame.iloc[[3, 10]].iterrows():
        args = run_args(out, row)
        assert main([*args, "--out", str(tmp_path / row["run_id"])]) == 0
        summary = json.loads((tmp_path / row["run_id"] / "summary.json").read_text())
        assert summary["seed"] == row["seed"]
        assert summary["payoffs"] == {"A": row["payoff.A"], "B": row["payoff.B"]}
        assert summary["truce"]["held"] == row["held"]


def test_an_existing_folder_is_never_overwritten_without_resume(sweep_file, tmp_path, capsys):
    out = tmp_path / "s"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert sweep_into(sweep_file(), out, "--workers", "1") == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert main(["sweep", str(sweep_file()), "--resume"]) == 2


def test_resume_refuses_a_folder_of_a_different_sweep(sweep_file, tmp_path, capsys):
    out = tmp_path / "s"
    assert sweep_into(sweep_file(replications=2), out, "--workers", "1") == 0
    assert sweep_into(sweep_file(replications=2), out, "--workers", "1", "--resume", "--replications", "3") == 2
    assert "holds a different sweep" in capsys.readouterr().err


def test_resuming_a_complete_sweep_runs_nothing(sweep_file, tmp_path, capsys):
    out = tmp_path / "s"
    path = sweep_file(replications=2)
    assert sweep_into(path, out, "--workers", "1") == 0
    before = load(out)
    assert sweep_into(path, out, "--workers", "1", "--resume") == 0
    assert "0 runs done (16 already on disk)" in capsys.readouterr().out
    pd.testing.assert_frame_equal(before, load(out))


def _start(path: Path, out: Path, chunk: int = 4) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen([sys.executable, "-m", "negotiation", "sweep", str(path), "--out", str(out),
                             "--workers", "2", "--chunk-size", str(chunk)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_chunks(out: Path, count: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while len(list((out / "results").glob("chunk-*.parquet"))) < count if (out / "results").is_dir() else True:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_kill_9_loses_at_most_the_chunks_in_flight_and_resume_ends_identical(sweep_file, tmp_path, capsys):
    path = sweep_file(replications=40, turns=60)  # 320 runs in 80 chunks
    out = tmp_path / "killed"
    proc = _start(path, out)
    _wait_for_chunks(out, 3, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its workers, as kill -9 on the process group
    proc.wait()
    written = load(out)
    assert 0 < len(written) < 320 and len(written) % 4 == 0
    assert json.loads((out / "manifest.json").read_text())["state"] == "running"  # it never got to say otherwise
    assert sweep_into(path, out, "--workers", "1", "--resume") == 0
    assert f"{320 - len(written)} runs done ({len(written)} already on disk)" in capsys.readouterr().out
    assert sweep_into(path, tmp_path / "clean", "--workers", "1") == 0
    pd.testing.assert_frame_equal(load(out), load(tmp_path / "clean"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["state"] == "complete" and [s["state"] for s in manifest["sessions"]] == ["abandoned", "complete"]


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(sweep_file, tmp_path):
    path = sweep_file(replications=40, turns=60)
    out = tmp_path / "s"
    proc = _start(path, out)
    _wait_for_chunks(out, 2, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert f"--resume --out {out}" in err.decode()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["state"] == "interrupted" and manifest["counts"]["done"] == len(load(out))


def test_per_turn_series_are_kept_when_asked(sweep_file, tmp_path, capsys):
    text = sweep_file().read_text().replace("seed: 7", "seed: 7\nseries: [status, payoff.A]")
    out = tmp_path / "s"
    assert sweep_into(sweep_file(text=text), out, "--workers", "1") == 0
    series = load(out, series=True)
    assert list(series.columns) == ["run_id", "turn", "status", "payoff.A"]
    assert len(series) == 24 * 20 and set(series["run_id"]) == set(load(out)["run_id"])


@pytest.mark.parametrize("value", [1e-05, 0.1 + 0.2, 2.0, 1e20, 7, True, "grim_trigger"])
def test_rerun_arguments_read_back_to_the_identical_value(value):
    import yaml

    from negotiation.sweep.rerun import _yaml_scalar

    assert yaml.safe_load(_yaml_scalar(value)) == value
    assert type(yaml.safe_load(_yaml_scalar(value))) is type(value)


def test_ctrl_c_does_not_wait_for_running_chunks(sweep_file, tmp_path):
    path = sweep_file(replications=40, turns=400)  # 320 long runs in two chunks of 160: many seconds each
    out = tmp_path / "s"
    proc = _start(path, out, chunk=160)
    deadline = time.monotonic() + 60
    while not (out / "manifest.json").exists() or json.loads((out / "manifest.json").read_text())["state"] != "running":
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    import psutil

    while len(psutil.Process(proc.pid).children(recursive=True)) < 3:  # the fork server and two workers
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)  # both workers are inside their chunk now
    os.killpg(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert time.monotonic() - sent < 3.0  # not the many seconds the chunks still had to run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["state"] == "interrupted" and manifest["sessions"][0]["state"] == "interrupted"


def test_a_killed_session_is_marked_abandoned_and_a_live_one_blocks_resume(sweep_file, tmp_path, capsys):
    path = sweep_file(replications=2)
    out = tmp_path / "s"
    assert sweep_into(path, out, "--workers", "1") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    manifest["sessions"].append({**manifest["sessions"][0], "state": "running", "pid": dead.pid, "ended": None})
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert sweep_into(path, out, "--workers", "1", "--resume") == 0
    states = [s["state"] for s in json.loads((out / "manifest.json").read_text())["sessions"]]
    assert states == ["complete", "abandoned", "complete"]
    manifest = json.loads((out / "manifest.json").read_text())
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        manifest["sessions"].append({**manifest["sessions"][0], "state": "running", "pid": alive.pid})
        (out / "manifest.json").write_text(json.dumps(manifest))
        capsys.readouterr()
        assert sweep_into(path, out, "--workers", "1", "--resume") == 2
        assert f"another session (pid {alive.pid}" in capsys.readouterr().err
    finally:
        alive.kill()
        alive.wait()


def test_the_progress_rate_counts_only_this_sessions_runs_over_its_own_time():
    from negotiation.sweep.progress import Meter

    updates = []

    class Bar:
        def update(self, task, **fields):
            updates.append(fields)

    times = iter([100.0, 102.0, 110.0])
    meter = Meter(Bar(), 0, clock=lambda: next(times))
    meter(500, 0)  # resumed: 500 runs were on disk already
    meter(520, 0)
    meter(600, 1)
    assert updates[0]["rate"] is None and updates[1]["rate"] == pytest.approx(10.0)
    assert updates[2] == {"completed": 600, "failed": 1, "rate": pytest.approx(10.0)}


def test_shipped_sweeps_are_listed_and_run_by_name(tmp_path, capsys):
    assert main(["sweeps"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in ("patience_vs_capacity", "pd_threshold", "sobol_screen"))
    assert main(["sweep", "pd_threshold", "--out", str(tmp_path / "pd"), "--workers", "1"]) == 0
    assert len(load(tmp_path / "pd")) == 100
    assert main(["sweep", "pd_treshold", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "no such sweep file or shipped sweep (did you mean 'pd_threshold'?)" in err and len(err.splitlines()) == 1


def test_an_interrupted_sweep_is_a_random_subsample_and_analyze_warns(sweep_file, tmp_path, capsys):
    from negotiation.sweep.executors import SerialExecutor

    sweep = read_sweep(sweep_file(replications=2))
    out = tmp_path / "s"
    seen = []

    def stop_after_two_chunks(done: int, failed: int) -> None:
        seen.append(done)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, out, SerialExecutor(), size=2, on_progress=stop_after_two_chunks)
    points = sorted(load(out)["point"].unique())
    assert len(points) == 2 and points != [0, 1]  # not the first corner of the design
    capsys.readouterr()
    assert main(["analyze", str(out), "--discovery", "tree"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("INCOMPLETE: 4 of 16 runs (25 %) are on disk") and "random subsample" in printed
    assert "INCOMPLETE" in (out / "report" / "report.md").read_text()
