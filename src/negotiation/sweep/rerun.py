"""Re-running one run of a sweep alone, from its row: the command that reproduces it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from negotiation.sweep.store import MANIFEST


def _yaml_scalar(value: Any) -> str:
    """A value as ``--set`` reads it back (YAML) to the identical Python value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        # YAML 1.1 reads '1e-05' as text; it needs a dot in the mantissa
        if "e" in text and "." not in text.split("e")[0]:
            text = text.replace("e", ".0e", 1)
        return text if math.isfinite(value) else str(value)
    return str(value)


def run_args(folder: str | Path, row: pd.Series) -> list[str]:
    """``negotiation run`` arguments that reproduce the run of ``row`` (a row of ``load(folder)``)."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    args = ["run", str(folder / "scenario.yaml"), "--seed", str(int(row["seed"]))]
    for key in manifest["design"]["parameters"]:
        value = row[key]
        # names pass as they are; mappings and lists are stored as JSON text, which YAML also reads
        args += ["--set", f"{key}={_yaml_scalar(value.item() if hasattr(value, 'item') else value)}"]
    return args
