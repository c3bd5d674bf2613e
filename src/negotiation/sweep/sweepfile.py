"""Reading a sweep file into a checked :class:`Sweep`, before any run starts.

Beyond the schema, every parameter is tried on the base scenario at its bounds (or each
of its values): a dotted key that names no field, a value the field refuses, or a
strategy parameter the strategy does not take is an error at the line where it is written.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from negotiation.config.errors import ConfigError, Problem, suggest
from negotiation.config.models import Scenario
from negotiation.config.resolve import data_root, find_scenario, problems_from_validation, resolve, with_overrides
from negotiation.config.yamlio import Origins, read_yaml
from negotiation.sweep.design import Axis, point_count
from negotiation.sweep.outcomes import outcome_columns, series_columns
from negotiation.sweep.spec import SweepSpec

ALWAYS_KEPT = ("held", "break_turn", "turns")
# outcome columns the run reports but sweeps do not keep, with what to use instead
DROPPED = {"misread": "use break_cause == 'misread'"}
MAX_RUNS = 10_000_000  # runs in one sweep folder


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: the spec, the base scenario (with ``set`` applied) and its axes."""

    spec: SweepSpec
    file: str
    text: str
    base: Scenario
    axes: list[Axis]
    outcomes: list[str]
    series: dict[str, str]  # per-turn column -> 'bool', 'int', 'float' or 'str'

    @property
    def points(self) -> int:
        return point_count(self.spec, self.axes)

    @property
    def runs(self) -> int:
        return self.points * self.spec.replications

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything that decides the runs changes (resume refuses a mismatch)."""
        blob = json.dumps({"spec": self.spec.model_dump(mode="json", exclude={"description", "sources"}),
                           "base": self.base.model_dump(mode="json")}, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def shipped_sweeps() -> dict[str, Path]:
    """The sweeps that ship with the package, by name (from the checkout or the installed wheel)."""
    return {p.stem: p for p in sorted((data_root() / "configs" / "sweeps").glob("*.yaml"))}


def find_sweep(name_or_path: str | Path) -> Path:
    """A sweep file: a path if it exists, else a shipped sweep by name (``patience_vs_capacity``)."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = shipped_sweeps()
    if len(path.parts) == 1 and path.stem in shipped and path.suffix in ("", ".yaml", ".yml"):
        return shipped[path.stem]
    raise ConfigError([Problem(str(name_or_path), None, "", f"no such sweep file or shipped sweep"
                               f"{suggest(path.stem, list(shipped))}; shipped: {', '.join(shipped)} "
                               "(negotiation sweeps lists them)")])


def read_sweep(path: str | Path, replications: int | None = None, samples: int | None = None) -> Sweep:
    """Read and check a sweep file (a path, or the name of a shipped sweep); ``replications`` and
    ``samples`` override the file's."""
    path = find_sweep(path)
    data, origins = read_yaml(path)
    file = str(path)
    if not isinstance(data, dict):
        raise ConfigError([Problem(file, 1, "", "must be a YAML mapping of sweep fields")])
    if replications is not None:
        data["replications"] = replications
        origins[("replications",)] = ("--replications", 0)
    if samples is not None:
        design = data.setdefault("design", {})
        if isinstance(design, dict):
            design["samples"] = samples
            origins[("design", "samples")] = ("--samples", 0)
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, origins, file, SweepSpec)) from None
    _check_size(spec, origins, file)
    base = _base_scenario(spec, path, origins)
    axes = [Axis(key, param, _is_integer(base, key)) for key, param in spec.parameters.items()]
    _check_parameters(base, axes, origins, file)
    outcomes, series = _check_columns(spec, base, origins, file)
    return Sweep(spec, file, path.read_text(encoding="utf-8"), base, axes, outcomes, series)


def _check_size(spec: SweepSpec, origins: Origins, file: str) -> None:
    """Refuse a sweep too large to be meant (a typo in replications, samples or steps) before any
    design is made: making it would exhaust the memory instead of answering."""
    d, k = spec.design, len(spec.parameters)
    if d.kind == "grid":
        points = math.prod(len(p.values) if p.values is not None else (p.steps or 1) for p in spec.parameters.values())
    else:
        per = {"sobol": 2 * k + 2 if getattr(d, "second_order", False) else k + 2, "morris": k + 1}.get(d.kind, 1)
        points = (d.samples or 1) * per
    runs = points * spec.replications
    if runs > MAX_RUNS:
        where = _line(origins, ("replications",), file)
        raise ConfigError([Problem(*where, "replications", f"{points:,} design points x {spec.replications:,} "
                                   f"replications = {runs:,} runs, more than {MAX_RUNS:,}; split it into smaller "
                                   "sweeps")])


def _line(origins: Origins, loc: tuple, file: str) -> tuple[str, int | None]:
    for cut in range(len(loc), 0, -1):
        if loc[:cut] in origins:
            found_file, line = origins[loc[:cut]]
            return found_file, line or None
    return file, None


def _base_scenario(spec: SweepSpec, path: Path, origins: Origins) -> Scenario:
    file = str(path)
    name = spec.scenario
    # a path in a sweep file is relative to the sweep file, like a profile in a scenario
    looks_like_path = "/" in name or name.endswith((".yaml", ".yml"))
    target = (path.parent / name) if looks_like_path else name
    where = _line(origins, ("scenario",), file)
    try:
        find_scenario(target)
        base = resolve(target)
    except ConfigError as exc:
        raise ConfigError([p if Path(p.file).is_file() else Problem(*where, "scenario", p.message)
                           for p in exc.problems]) from None
    if not spec.set:
        return base
    problems: list[Problem] = []
    for key, value in spec.set.items():
        problems += _try(base, {key: value}, _line(origins, ("set", key), file), f"set.{key}")
    if problems:
        raise ConfigError(problems)
    return with_overrides(base, spec.set)


def _try(base: Scenario, overrides: dict[str, Any], where: tuple[str, int | None], field: str,
         key_where: tuple[str, int | None] | None = None) -> list[Problem]:
    """Problems of the base scenario with ``overrides`` applied, pointed at ``where`` — or at
    ``key_where`` when the dotted key itself names no field."""
    from negotiation.strategies import make_strategy

    try:
        scenario = with_overrides(base, overrides)
    except ConfigError as exc:
        key = next(iter(overrides))
        # apply_overrides reports a bad key as coming from '--set'; a refused value from the scenario
        return [Problem(*(key_where if p.file == "--set" and key_where else where), field,
                        p.message if p.field == key else f"{p.field}: {p.message}")
                for p in exc.problems]
    problems = []
    for cid, country in scenario.countries.items():
        try:
            make_strategy(country.strategy)
        except (TypeError, ValueError) as exc:
            problems.append(Problem(*where, field, f"countries.{cid}.strategy: {exc}"))
    return problems


def _is_integer(base: Scenario, key: str) -> bool:
    node: Any = base.model_dump()
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return isinstance(node, int) and not isinstance(node, bool)


def _check_parameters(base: Scenario, axes: list[Axis], origins: Origins, file: str) -> None:
    problems: list[Problem] = []
    for axis in axes:
        field = f"parameters.{axis.key}"
        key_where = _line(origins, ("parameters", axis.key), file)
        for value, sub in axis.probes():
            found = _try(base, {axis.key: value}, _line(origins, ("parameters", axis.key, *sub), file), field,
                         key_where)
            problems += [p for p in found if p not in problems]
            if found and found[0].line == key_where[1]:
                break  # a bad key: one message, not one per value
    if problems:
        raise ConfigError(problems)


def _check_columns(spec: SweepSpec, base: Scenario, origins: Origins,
                   file: str) -> tuple[list[str], dict[str, str]]:
    """The outcome and series columns to keep, checked against those a run of the base scenario has
    (declared in :mod:`negotiation.sweep.outcomes`: checking a file runs no game)."""
    known_outcomes = [name for name in outcome_columns(base) if name not in DROPPED]
    known_types = series_columns(base)
    known_series = list(known_types)
    problems = []
    for field, wanted, known in (("outcomes", spec.outcomes or [], known_outcomes),
                                 ("series", spec.series, known_series)):
        for i, name in enumerate(wanted):
            if field == "outcomes" and name in DROPPED:
                problems.append(Problem(*_line(origins, (field, i), file), f"{field}.{i}",
                                        f"'{name}' is no longer kept: {DROPPED[name]}"))
            elif name not in known:
                problems.append(Problem(*_line(origins, (field, i), file), f"{field}.{i}",
                                        f"unknown {field[:-1] if field == 'outcomes' else 'series'} '{name}'"
                                        f"{suggest(name, known)}; allowed: {', '.join(known)}"))
    if problems:
        raise ConfigError(problems)
    # the analysis needs these three whatever else is kept
    kept = list(dict.fromkeys([*ALWAYS_KEPT, *(spec.outcomes or known_outcomes)]))
    return kept, {name: known_types[name] for name in spec.series}

