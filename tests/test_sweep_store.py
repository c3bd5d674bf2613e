"""The sweep folder: complete-or-absent chunk files, one schema for every chunk, ordered loading."""

import pyarrow as pa
import pyarrow.parquet as pq

from negotiation.sweep import load, plan, read_sweep
from negotiation.sweep.columns import results_schema, series_schema
from negotiation.sweep.design import make_design
from negotiation.sweep.seeds import design_rng
from negotiation.sweep.store import Store
from negotiation.sweep.worker import run_chunk


def chunks(sweep, design, size):
    schema, series = results_schema(sweep), series_schema(sweep) if sweep.series else None
    return [plan.Chunk(plan.chunk_name(b), sweep.base, b, schema, series)
            for b in plan.batches(plan.tasks(sweep, design), set(), size)]


def setup(sweep_file, tmp_path, text=None):
    sweep = read_sweep(sweep_file(replications=2, text=text))
    design = make_design(sweep.spec, sweep.axes, design_rng(sweep.spec.seed))
    return sweep, design, Store.create(tmp_path / "s", sweep, design)


def test_chunks_land_whole_and_load_in_design_order_whatever_order_they_finish(sweep_file, tmp_path):
    sweep, design, store = setup(sweep_file, tmp_path)
    for chunk in reversed(chunks(sweep, design, 5)):
        store.write(run_chunk(chunk))
    assert not list(store.results.glob(".*"))  # no temporary file left behind
    frame = load(store.folder)
    assert frame[["point", "replication"]].values.tolist() == [[p, r] for p in range(8) for r in range(2)]
    assert store.counts() == {"done": 16, "ok": 16, "failed": 0}


def test_every_chunk_has_the_same_schema_even_when_no_truce_broke(sweep_file, tmp_path):
    exact = sweep_file().read_text().replace("noise: 0.05", "noise: 0.0")
    sweep, design, store = setup(sweep_file, tmp_path, exact)
    results = [run_chunk(c).results for c in chunks(sweep, design, 2)]
    assert all(r.schema.equals(results_schema(sweep)) for r in results)
    calm = [r for r in results if r.column("held").to_pylist() == [True, True]]
    assert calm and calm[0].schema.field("break_turn").type == pa.int64()


def test_reopening_clears_half_written_files_and_series_of_chunks_that_never_landed(sweep_file, tmp_path):
    text = sweep_file().read_text().replace("seed: 7", "seed: 7\nseries: [status]")
    sweep, design, store = setup(sweep_file, tmp_path, text)
    first, second = chunks(sweep, design, 8)[:2]
    store.write(run_chunk(first))
    half = run_chunk(second)
    pq.write_table(half.series, store.series / f"{half.name}.parquet")  # killed between the two files
    (store.results / f".{half.name}.parquet.tmp").write_bytes(b"PAR1 torn")
    again = Store.reopen(store.folder, sweep)
    assert [p.name for p in again.series.iterdir()] == [f"{first.name}.parquet"]
    assert [p.name for p in again.results.iterdir()] == [f"{first.name}.parquet"]
    assert again.done_ids() == {t.run_id for t in first.tasks}
