"""Checking files without running them: scenarios and country profiles.

Sweep files are checked by the sweep package (``negotiation.sweep.read_sweep``); the caller that
knows about sweeps passes that check in, so the configuration layer imports no sweep or engine code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from negotiation.config.errors import ConfigError, Problem, suggest
from negotiation.config.models import Country
from negotiation.config.resolve import find_scenario, problems_from_validation, resolve
from negotiation.config.yamlio import Origins, read_yaml


def kind_of(data: object) -> str:
    """'scenario', 'country', 'sweep' or 'unknown', from the top-level keys of a YAML file."""
    if isinstance(data, dict):
        if "parameters" in data and "scenario" in data:
            return "sweep"
        if "countries" in data:
            return "scenario"
        if "strategy" in data and "id" in data:
            return "country"
    return "unknown"


def validate_path(name_or_path: str, check_sweep: Callable[[Path], object] | None = None) -> list[Problem]:
    """Every problem in one scenario, country or sweep file (an empty list when it is valid).

    ``check_sweep`` reads a sweep file and raises :class:`ConfigError` on its problems; without it a
    sweep file is reported as one this caller cannot check."""
    try:
        path = find_scenario(name_or_path)
        data, origins = read_yaml(path)
        kind = kind_of(data)
        if kind == "scenario":
            resolve(path)
        elif kind == "country":
            _validate_country(data, origins, str(path))
        elif kind == "sweep":
            if check_sweep is None:
                return [Problem(str(path), 1, "", "is a sweep file; check it with 'negotiation validate'")]
            check_sweep(path)
        else:
            return [Problem(str(path), 1, "", "is neither a scenario (has 'countries'), a country profile "
                                              "(has 'id' and 'strategy') nor a sweep (has 'scenario' and "
                                              "'parameters')")]
    except ConfigError as exc:
        return exc.problems
    return []


def _validate_country(data: dict, origins: Origins, file: str) -> None:
    from negotiation.strategies import REGISTRY

    try:
        country = Country.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, origins, file, Country)) from None
    name = country.strategy.name
    if name not in REGISTRY:
        line = origins.get(("strategy", "name"), (file, None))[1]
        raise ConfigError([Problem(file, line, "strategy.name", f"unknown strategy '{name}'"
                                   f"{suggest(name, list(REGISTRY))}; allowed: {', '.join(REGISTRY)}")])


__all__ = ["kind_of", "validate_path"]
