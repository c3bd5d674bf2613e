"""A sweep folder as the analysis sees it: the runs that finished, and what was varied."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from negotiation.config.errors import ConfigError, Problem, suggest
from negotiation.sweep.spec import SweepSpec
from negotiation.sweep.store import MANIFEST, load


@dataclass(frozen=True)
class SweepData:
    folder: Path
    manifest: dict
    spec: SweepSpec
    runs: pd.DataFrame  # runs that finished without error
    failed: int

    @property
    def keys(self) -> list[str]:
        return list(self.spec.parameters)

    @property
    def turns(self) -> int:
        return int(self.manifest["scenario"]["turns"])

    def label(self, key: str) -> str:
        return self.spec.label(key)

    def numeric(self, key: str) -> bool:
        return pd.api.types.is_numeric_dtype(self.runs[key]) and not pd.api.types.is_bool_dtype(self.runs[key])

    def key_for(self, name: str) -> str:
        """A parameter named by its dotted key or its label."""
        by_label = {self.label(k): k for k in self.keys}
        if name in self.keys or name in by_label:
            return by_label.get(name, name)
        allowed = [*self.keys, *by_label]
        raise ConfigError([Problem("--map", None, name, f"no such parameter in this sweep{suggest(name, allowed)}; "
                                                        f"allowed: {', '.join(allowed)}")])


def read(folder: Path) -> SweepData:
    """Load a sweep folder for analysis; failed runs are counted and left out."""
    path = folder / MANIFEST
    if not path.is_file():
        raise ConfigError([Problem(str(folder), None, "", "is not a sweep folder (no manifest.json)")])
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        spec = SweepSpec.model_validate(manifest["sweep"]["spec"])
        int(manifest["scenario"]["turns"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:  # JSON, pydantic: ValueErrors
        raise ConfigError([Problem(str(path), None, "", f"is damaged and cannot be read ({_short(exc)}); "
                                                        "run the sweep again into a new folder")]) from None
    try:
        frame = load(folder)
    except FileNotFoundError:
        raise ConfigError([Problem(str(folder), None, "", "holds no results yet; run the sweep first")]) from None
    except (OSError, ValueError, pa.ArrowException) as exc:
        why = f"holds a damaged results file ({_short(exc)}); delete it and finish the sweep with --resume"
        raise ConfigError([Problem(str(folder / "results"), None, "", why)]) from None
    ok = frame["status"] == "ok"
    runs = frame[ok].reset_index(drop=True)
    runs["held"] = runs["held"].astype(bool)
    return SweepData(folder, manifest, spec, runs, int((~ok).sum()))


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__
