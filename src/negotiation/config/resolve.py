"""Turn a scenario name or path (plus overrides) into a validated :class:`Scenario`.

Resolution: read the scenario YAML, inline each country's profile from ``agents/``,
apply dotted-key overrides, then validate. Every problem is reported with the file and
line it came from.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from negotiation.config.errors import ConfigError, Problem, suggest
from negotiation.config.models import Scenario
from negotiation.config.shipped import DEFAULT_SCENARIO, builtin_profiles, builtin_scenarios, data_root
from negotiation.config.yamlio import Origins, Path_, read_yaml


def find_scenario(name_or_path: str | Path) -> Path:
    """A path if it exists, else a built-in scenario by name."""
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    builtin = data_root() / "configs" / "scenarios" / f"{name_or_path}.yaml"
    if builtin.exists():
        return builtin
    names = builtin_scenarios()
    raise ConfigError([Problem(str(name_or_path), None, "",
                               f"no such scenario file or built-in scenario{suggest(str(name_or_path), names)}; "
                               f"built-in: {', '.join(names)}")])


def _find_profile(value: str, scenario_file: Path) -> Path:
    if "/" in value or value.endswith((".yaml", ".yml")):
        return (scenario_file.parent / value).resolve()
    path = data_root() / "agents" / f"{value}.yaml"
    if not path.exists():
        names = builtin_profiles()
        raise ConfigError([Problem(str(scenario_file), None, "",  # load_raw names the field
                                   f"unknown profile '{value}'{suggest(value, names)}; built-in: {', '.join(names)}")])
    return path


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return over


def load_raw(name_or_path: str | Path) -> tuple[dict, Origins]:
    """The scenario as plain data with profiles inlined, and where each value came from."""
    path = find_scenario(name_or_path)
    data, origins = read_yaml(path)
    file = str(path)
    if not isinstance(data, dict):
        raise ConfigError([Problem(file, 1, "", "must be a YAML mapping of scenario fields")])
    countries = data.get("countries")
    if isinstance(countries, dict):
        problems: list[Problem] = []
        for key, entry in list(countries.items()):
            if not isinstance(entry, dict) or "profile" not in entry:
                continue
            line = origins.get(("countries", key, "profile"), (file, None))[1]
            try:
                profile_path = _find_profile(str(entry["profile"]), path)
                profile, prof_origins = read_yaml(profile_path)
            except ConfigError as exc:
                # a problem inside the profile keeps the profile's own line; one about the name, the scenario's
                problems += [Problem(p.file, p.line if p.file != file else p.line or line,
                                     p.field or f"countries.{key}.profile", p.message) for p in exc.problems]
                continue
            if not isinstance(profile, dict):
                problems.append(Problem(str(profile_path), 1, "", "a country profile must be a YAML mapping"))
                continue
            rest = {k: v for k, v in entry.items() if k != "profile"}
            countries[key] = _merge(profile, rest)
            for sub, where in prof_origins.items():
                origins.setdefault(("countries", key) + sub, where)
        if problems:
            raise ConfigError(problems)
    return data, origins


def _check_key(full: dict, key: str) -> str | None:
    """Why a dotted key names no field of the resolved scenario, or None when it does."""
    node: Any = full
    parts = key.split(".")
    for depth, part in enumerate(parts):
        here = ".".join(parts[: depth + 1])
        if isinstance(node, dict):
            if part not in node and depth >= 2 and parts[depth - 1] == "params" and parts[depth - 2] == "strategy":
                return None  # a strategy parameter the profile leaves at its default: the strategy checks it
            if part not in node:
                keys = [str(k) for k in node]
                return f"no field '{part}' at '{here}'{suggest(part, keys)}; allowed: {', '.join(keys)}"
            node = node[part]
        elif isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return f"'{here}' needs an index from 0 to {len(node) - 1}"
            node = node[int(part)]
        else:
            return f"'{'.'.join(parts[:depth])}' is a value; it has no field '{part}'"
    return None


def apply_overrides(data: dict, origins: Origins, overrides: dict[str, Any], full: dict) -> dict:
    """Set dotted keys (``market.lead_time_scale``) in a copy of the raw scenario.

    ``full`` is the validated scenario with every default filled in: a key must name
    one of its fields, so a typo is reported instead of silently adding a new field.
    """
    data = copy.deepcopy(data)
    problems: list[Problem] = []
    for key, value in overrides.items():
        why = _check_key(full, key)
        if why:
            problems.append(Problem("--set", None, key, why))
            continue
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
        node: Any = data
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        node[parts[-1]] = value
        origins[tuple(parts)] = ("--set " + key, 0)
    if problems:
        raise ConfigError(problems)
    return data


def parse_set(items: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` strings from the command line; values are read as YAML scalars."""
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            problems.append(Problem("--set", None, item, "expected KEY=VALUE, e.g. market.lead_time_scale=0.5"))
            continue
        try:
            out[key.strip()] = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            out[key.strip()] = text
    if problems:
        raise ConfigError(problems)
    return out


def _where(origins: Origins, loc: tuple, default_file: str) -> tuple[str, int | None]:
    path: Path_ = tuple(str(p) if isinstance(p, int) else p for p in loc)
    for cut in range(len(path), -1, -1):
        key = path[:cut]
        # list indices were recorded as ints
        alt = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in key)
        for k in (key, alt):
            if k in origins:
                file, line = origins[k]
                return file, (line or None)
    return default_file, None


def _describe(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    msg = error["msg"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "is required but missing"
    if kind.startswith("value_error"):
        return msg.removeprefix("Value error, ")
    return f"{msg.lower() if msg[:1].isupper() else msg} (got {_describe_input(error.get('input'))})"


def problems_from_validation(exc: ValidationError, origins: Origins, file: str,
                             model: type[BaseModel] = Scenario) -> list[Problem]:
    """Translate pydantic errors into file:line problems, with near-name suggestions."""
    problems: list[Problem] = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        message = _describe(error)
        if error["type"] == "value_error" and ("\n" in message or _names_field(message, model, loc)):
            for line in message.splitlines():
                field, _, text = line.partition(": ")
                sub = tuple(int(p) if p.isdigit() else p for p in field.split("."))
                f, n = _where(origins, loc + sub, file)
                problems.append(Problem(f, n, ".".join(map(str, loc + sub)), text))
            continue
        if error["type"] == "extra_forbidden":
            message += _extra_hint(model, loc)
        elif error["type"] == "model_type" and (fields := _fields_at(model, loc)):
            message = f"expected a mapping (got {_describe_input(error.get('input'))}); allowed fields: {fields}"
        f, n = _where(origins, loc, file)
        problems.append(Problem(f, n, ".".join(map(str, loc)), message))
    return problems


def _names_field(message: str, model: type[BaseModel], loc: tuple) -> bool:
    """Whether a validator's message starts with the field it is about ('labels: ...', 'a.b: ...')."""
    head, sep, _ = message.partition(": ")
    return bool(sep) and (head.count(".") > 0 or (not loc and head in model.model_fields))


def _describe_input(given: Any) -> str:
    return repr(given) if not isinstance(given, (dict, list)) else type(given).__name__


def _fields_at(model: type[BaseModel], loc: tuple) -> str:
    """The fields of the nested model at ``loc`` ('tariff' for a pledge's snapback), or ''."""
    node = _node_at(model, loc)
    return ", ".join(node.model_fields) if isinstance(node, type) and issubclass(node, BaseModel) else ""


def _node_at(model: type[BaseModel], loc: tuple) -> Any:
    node: Any = model
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel):
            info = node.model_fields.get(str(part))
            node = info.annotation if info else None
        elif typing.get_origin(node) in (dict, list):
            node = typing.get_args(node)[-1]
        while typing.get_origin(node) in (typing.Union, typing.Annotated) or type(node).__name__ == "UnionType":
            node = [a for a in typing.get_args(node) if a is not type(None)][0]
    return node


def _extra_hint(model: type[BaseModel], loc: tuple) -> str:
    node = _node_at(model, loc[:-1])
    if isinstance(node, type) and issubclass(node, BaseModel):
        fields = list(node.model_fields)
        return f"{suggest(str(loc[-1]), fields)}; allowed: {', '.join(fields)}"
    return ""


def _validate(data: dict, origins: Origins, file: str, whole_game: bool = False) -> Scenario:
    """``whole_game``: the scenario is played to its own ``turns``, so a later event is an error."""
    try:
        return Scenario.model_validate(data, context={"whole_game": whole_game})
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, origins, file)) from None


def resolve(name_or_path: str | Path = DEFAULT_SCENARIO, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge, override and validate a scenario; raise ConfigError listing every problem."""
    data, origins = load_raw(name_or_path)
    file = str(find_scenario(name_or_path))
    scenario = _validate(data, origins, file, whole_game=True)
    if overrides:
        data = apply_overrides(data, origins, overrides, scenario.model_dump())
        scenario = _validate(data, origins, file, whole_game="turns" not in overrides)
    _check_strategies(scenario, origins, file)
    return scenario


def _check_strategies(scenario: Scenario, origins: Origins, file: str) -> None:
    from negotiation.strategies import REGISTRY, make_strategy

    problems = []
    for key, country in scenario.countries.items():
        loc = ("countries", key, "strategy", "name")
        name = country.strategy.name
        f, n = _where(origins, loc, file)
        if name not in REGISTRY:
            problems.append(Problem(f, n, ".".join(loc),
                                    f"unknown strategy '{name}'{suggest(name, list(REGISTRY))}; "
                                    f"allowed: {', '.join(REGISTRY)}"))
            continue
        try:
            make_strategy(country.strategy)
        except (TypeError, ValueError) as exc:
            p = ("countries", key, "strategy", "params")
            f, n = _where(origins, p, file)
            problems.append(Problem(f, n, ".".join(p), str(exc)))
    for k, name in enumerate(scenario.scoring.compare):
        if name not in REGISTRY or name == "human":
            allowed = [n for n in REGISTRY if n != "human"]
            f, n = _where(origins, ("scoring", "compare", k), file)
            problems.append(Problem(f, n, f"scoring.compare.{k}", f"unknown strategy '{name}'{suggest(name, allowed)}; "
                                                                   f"allowed: {', '.join(allowed)}"))
    if problems:
        raise ConfigError(problems)


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """A validated scenario with dotted-key overrides applied (for sweeps and batch runs)."""
    full = scenario.model_dump()
    origins: Origins = {}
    data = apply_overrides(full, origins, overrides, full)
    where = f"scenario '{scenario.name}'"
    result = _validate(data, origins, where)
    _check_strategies(result, origins, where)
    return result
