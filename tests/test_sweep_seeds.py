"""Seeds and run ids come from the root seed and a run's place in the design, nothing else."""

import numpy as np

from negotiation.sweep import plan, read_sweep
from negotiation.sweep.design import make_design
from negotiation.sweep.seeds import design_rng, point_order, run_id, run_seed


def test_a_run_seed_is_pinned_by_root_point_and_replication():
    # pinned: changing the derivation would silently change every published sweep
    assert run_seed(7, 0, 0) == 832701430529261985
    assert run_seed(7, 3, 1) == 4469910593443292266
    assert run_seed(7, 3, 1) == np.random.SeedSequence(7, spawn_key=(1, 3, 1)).generate_state(1, np.uint64)[0] >> 1


def test_seeds_differ_across_points_replications_and_roots_and_fit_a_signed_64_bit_column():
    seeds = {run_seed(root, point, rep) for root in (0, 1) for point in range(50) for rep in range(20)}
    assert len(seeds) == 2 * 50 * 20
    assert all(0 <= s < 2**63 for s in seeds)


def test_the_design_stream_is_separate_from_the_run_seeds():
    assert design_rng(7).integers(2**63) not in {run_seed(7, 0, r) for r in range(10)}


def test_a_run_id_hashes_parameters_and_seed_only():
    assert run_id({"a": 0.5}, 12345) == "72163af765c151ec"
    assert run_id({"b": 1, "a": 0.5}, 1) == run_id({"a": 0.5, "b": 1}, 1)
    assert run_id({"a": 0.5}, 1) != run_id({"a": 0.5}, 2) != run_id({"a": 0.25}, 2)


def test_points_run_in_a_seeded_shuffle_with_replications_together_and_batches_skip_what_is_done(sweep_file):
    sweep = read_sweep(sweep_file(replications=3))
    design = make_design(sweep.spec, sweep.axes, design_rng(sweep.spec.seed))
    tasks = list(plan.tasks(sweep, design))
    order = point_order(7, 8)
    assert sorted(order) == list(range(8)) and order != list(range(8))  # a shuffle, not the design order
    assert [t.point for t in tasks] == [p for p in order for _ in range(3)]
    assert [t.replication for t in tasks[:3]] == [0, 1, 2]
    assert sorted(t.index for t in tasks) == list(range(24)) and tasks[0].index == order[0] * 3
    one = next(t for t in tasks if (t.point, t.replication) == (1, 1))
    assert one.seed == run_seed(7, 1, 1) and one.params == {"countries.A.preferences.patience": 0.3,
                                                            "countries.B.strategy.name": "tit_for_tat"}
    assert point_order(7, 8) == order and point_order(8, 8) != order  # fixed by the root seed
    done = {t.run_id for t in tasks[:10]}
    batches = list(plan.batches(iter(tasks), done, size=5))
    assert [len(b) for b in batches] == [5, 5, 4] and batches[0][0] == tasks[10]
    assert plan.chunk_name(batches[0]) == f"chunk-{tasks[10].index:010d}"
