"""Writing a run folder atomically: everything goes to a hidden temporary folder that is
renamed into place only when complete, so a failed run never leaves a folder that looks done."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import yaml

from negotiation import csvsafe, plots
from negotiation.results import RunResult

FILES = ("scenario.yaml", "timeline.csv", "compliance.csv", "summary.json",
         *(f"{name}.png" for name in plots.FIGURES))


def default_folder(result: RunResult, root: Path = Path("runs")) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{result.scenario.name}-seed{result.seed}-{stamp}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


def resolved_yaml(result: RunResult) -> str:
    """The fully resolved scenario, seed included: running it again gives the identical run."""
    data = result.scenario.model_dump(mode="json")
    data["seed"] = result.seed
    # events after the last turn of a shortened game (--turns) never came: left out, so the file
    # validates (a scenario file's events must fall within its turns) and reruns identically
    data["events"] = [e for e in data["events"] if e.get("turn") is None or e["turn"] < data["turns"]]
    header = (f"# Fully resolved scenario '{result.scenario.name}' (profiles inlined, overrides applied).\n"
              "# `negotiation run THIS_FILE` reproduces the run exactly.\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write(result: RunResult, folder: Path) -> Path:
    """Write the run into ``folder`` (which must not exist yet) and return it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        (tmp / "scenario.yaml").write_text(resolved_yaml(result), encoding="utf-8")
        csvsafe.escape(result.timeline).to_csv(tmp / "timeline.csv", index=False)
        csvsafe.escape(result.compliance).to_csv(tmp / "compliance.csv", index_label="pledge")
        (tmp / "summary.json").write_text(json.dumps(result.summary(), indent=2, default=str) + "\n",
                                          encoding="utf-8")
        plots.save_all(result, tmp)
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder
