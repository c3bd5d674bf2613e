"""The sweep folder: manifest, design, and Parquet chunks written as they finish.

    SWEEP/manifest.json       what ran: the sweep, the design, versions, host, sessions, counts
    SWEEP/sweep.yaml          the sweep file as written
    SWEEP/scenario.yaml       the base scenario, resolved (``set`` applied)
    SWEEP/design.parquet      one row per design point
    SWEEP/results/chunk-*.parquet   one row per run
    SWEEP/series/chunk-*.parquet    per-turn series, when the sweep asks for them

Each chunk file is written under a hidden temporary name and renamed into place, so a
file is complete or absent: a killed sweep loses at most the chunks in flight.
"""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import yaml

from negotiation.config.errors import ConfigError, Problem
from negotiation.config.resolve import data_root
from negotiation.files import atomic_write
from negotiation.sweep.codebook import CODEBOOK_MD
from negotiation.sweep.codebook import write as write_codebook
from negotiation.sweep.columns import cell, design_schema, param_types
from negotiation.sweep.sweepfile import Sweep
from negotiation.sweep.worker import ChunkResult

MANIFEST = "manifest.json"
PACKAGES = ("negotiation", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy", "SALib", "dask", "distributed")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A sweep folder on disk. The parent process writes it; workers only return tables."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.results = folder / "results"
        self.series = folder / "series"

    # --- opening -------------------------------------------------------------------
    @classmethod
    def create(cls, folder: Path, sweep: Sweep, design: pd.DataFrame) -> Store:
        """A new sweep folder; refuses a folder that holds anything, so nothing is overwritten."""
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise ConfigError([Problem(str(folder), None, "--out", "already exists and is not empty; choose a new "
                                       "folder, or add --resume to finish the sweep in it")])
        store = cls(folder)
        store.results.mkdir(parents=True)
        if sweep.series:
            store.series.mkdir()
        (folder / "sweep.yaml").write_text(sweep.text, encoding="utf-8")
        (folder / "scenario.yaml").write_text(yaml.safe_dump(sweep.base.model_dump(mode="json"), sort_keys=False,
                                                             allow_unicode=True), encoding="utf-8")
        pq.write_table(_design_table(sweep, design), folder / "design.parquet")
        write_codebook(folder, sweep)
        store.write_manifest(_manifest(sweep, design))
        return store

    @classmethod
    def reopen(cls, folder: Path, sweep: Sweep) -> Store:
        """An existing sweep folder of the same sweep, cleared of half-written files."""
        path = folder / MANIFEST
        if not path.is_file():
            raise ConfigError([Problem(str(folder), None, "--resume", "is not a sweep folder (no manifest.json)")])
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            manifest["sweep"]["fingerprint"], manifest["sweep"]["name"]  # noqa: B018 - both are needed below
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError([Problem(str(path), None, "--resume", f"is damaged and cannot be read ({exc}); "
                                                                    "run the sweep again into a new folder")]) from None
        if manifest["sweep"]["fingerprint"] != sweep.fingerprint:
            raise ConfigError([Problem(str(folder), None, "--resume",
                                       f"holds a different sweep ('{manifest['sweep']['name']}', fingerprint "
                                       f"{manifest['sweep']['fingerprint']}); the sweep file, its scenario or "
                                       f"--replications/--samples changed (now {sweep.fingerprint})")])
        store = cls(folder)
        store._clean()
        if not (folder / CODEBOOK_MD).exists():  # a folder written before codebooks existed
            write_codebook(folder, sweep)
        return store

    def _clean(self) -> None:
        for folder in (self.results, self.series):
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink()
        # a series file whose results file never landed belongs to a chunk that will run again
        if self.series.is_dir():
            for orphan in self.series.glob("chunk-*.parquet"):
                if not (self.results / orphan.name).exists():
                    orphan.unlink()

    # --- contents -------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        _atomic_text(self.folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")

    def design(self) -> pd.DataFrame:
        return pq.read_table(self.folder / "design.parquet").to_pandas()

    def column(self, name: str) -> pa.ChunkedArray:
        """One column of every result written so far (cheap: Parquet reads only that column)."""
        files = sorted(self.results.glob("chunk-*.parquet"))
        if not files:
            return pa.chunked_array([], type=pa.string())
        return ds.dataset(files, format="parquet").to_table(columns=[name]).column(name)

    def done_ids(self) -> set[str]:
        return set(self.column("run_id").to_pylist())

    def counts(self) -> dict[str, int]:
        status = pd.Series(self.column("status").to_pylist(), dtype="string")
        return {"done": len(status), "ok": int((status == "ok").sum()), "failed": int((status == "failed").sum())}

    def write(self, chunk: ChunkResult) -> None:
        """Series first, then results: a results file on disk means its chunk is complete."""
        if chunk.series is not None:
            _atomic_parquet(chunk.series, self.series / f"{chunk.name}.parquet")
        _atomic_parquet(chunk.results, self.results / f"{chunk.name}.parquet")


def _atomic_parquet(table: pa.Table, path: Path) -> None:
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def _atomic_text(path: Path, text: str) -> None:
    atomic_write(path, text)


def _design_table(sweep: Sweep, design: pd.DataFrame) -> pa.Table:
    unit = any(c.startswith("u.") for c in design.columns)
    schema = design_schema(sweep, unit)
    types = param_types(sweep)
    columns: dict[str, list] = {"point": list(range(len(design)))}
    for name in schema.names[1:]:
        values = design[name].tolist()
        columns[name] = [cell(v, types[name]) for v in values] if name in types else values
    return pa.Table.from_pydict(columns, schema=schema)


def _manifest(sweep: Sweep, design: pd.DataFrame) -> dict[str, Any]:
    spec = sweep.spec
    types = param_types(sweep)
    return {
        "sweep": {"name": spec.name, "file": sweep.file, "fingerprint": sweep.fingerprint,
                  "spec": spec.model_dump(mode="json")},
        "design": {"kind": spec.design.kind, "points": len(design), "replications": spec.replications,
                   "runs": len(design) * spec.replications, "seed": spec.seed,
                   "parameters": {a.key: {"label": spec.label(a.key), "type": str(types[a.key]),
                                          "integer": a.integer} for a in sweep.axes}},
        "scenario": {"name": sweep.base.name, "turns": sweep.base.turns},
        "outcomes": sweep.outcomes,
        "series": list(sweep.series),
        "versions": _versions(),
        "git": _git_commit(),
        "git_dirty": git_dirty(),
        "host": platform.node(),
        "created": now(),
        "sessions": [],
        "state": "new",
        "counts": {"runs": len(design) * spec.replications, "done": 0, "ok": 0, "failed": 0},
    }


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=data_root(), capture_output=True, text=True, timeout=5,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _git_commit() -> str | None:
    return (_git("rev-parse", "HEAD") or "").strip() or None


def git_dirty() -> bool | None:
    """Whether the checkout the code runs from has uncommitted changes (None outside a git checkout)."""
    if _git_commit() is None:
        return None
    status = _git("status", "--porcelain", "--untracked-files=no")
    return None if status is None else bool(status.strip())


# integers and flags with gaps (break_turn of a truce that held) stay integers and flags
_NULLABLE = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype()}


def load(folder: str | Path, series: bool = False) -> pd.DataFrame:
    """A sweep folder as a DataFrame: one row per run in design order (point, replication),
    or with ``series`` one row per run and turn; the same whatever order chunks finished in."""
    folder = Path(folder)
    sub = folder / ("series" if series else "results")
    files = sorted(sub.glob("chunk-*.parquet"))
    if not files:
        raise FileNotFoundError(f"{sub}: no results yet (is {folder} a sweep folder?)")
    frame = ds.dataset(files, format="parquet").to_table().to_pandas(types_mapper=_NULLABLE.get)
    keys = ["run_id", "turn"] if series else ["point", "replication"]
    return frame.sort_values(keys).reset_index(drop=True)
