"""The columns of a sweep's result tables, as Arrow types fixed before any run.

Every chunk file is written with the same schema, so files from different chunks,
workers or resumed sessions concatenate without type drift (a chunk in which no truce
broke still has an integer ``break_turn`` column, all null).
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from negotiation.sweep.codebook import field_metadata
from negotiation.sweep.design import Axis
from negotiation.sweep.sweepfile import Sweep

RUN_COLUMNS = [("run_id", pa.string()), ("point", pa.int64()), ("replication", pa.int64()), ("seed", pa.int64()),
               ("status", pa.string()), ("error", pa.string()), ("traceback", pa.string())]
# outcomes not listed here are numbers (allied_share, payoff.US, ...)
_OUTCOME_TYPES = {"held": pa.bool_(), "break_turn": pa.int64(), "turns": pa.int64(),
                  "breaker": pa.string(), "break_pledge": pa.string(), "break_cause": pa.string(),
                  # collapse, breaches and cooperation (the engine's economics rewrite)
                  "collapsed": pa.bool_(), "collapse_turn": pa.int64(), "collapse_cause": pa.string(),
                  "collapse_country": pa.string(), "breaches": pa.int64(), "recoveries": pa.int64(),
                  "cooperation_rate": pa.float64(), "mutual_defection_turns": pa.int64(),
                  # the talks (issue 9)
                  "counter_offers": pa.int64(), "renewals_agreed": pa.int64(), "renewals_failed": pa.int64(),
                  "renewal_turn": pa.int64(), "renewal_links": pa.string(), "renewal_surplus": pa.float64()}
_SERIES_TYPES = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "str": pa.string()}


def param_type(axis: Axis) -> pa.DataType:
    """Numbers, flags and names keep their type; anything else is stored as JSON text."""
    values = axis.param.values
    if values is None:
        return pa.int64() if axis.integer else pa.float64()
    if all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if any(isinstance(v, bool) for v in values):
        return pa.string()
    if all(isinstance(v, int) for v in values):
        return pa.int64()
    if all(isinstance(v, int | float) for v in values):
        return pa.float64()
    return pa.string()


def cell(value: Any, kind: pa.DataType) -> Any:
    """A parameter value as stored in its column."""
    if kind == pa.string() and not isinstance(value, str):
        return json.dumps(value, sort_keys=True)
    if kind == pa.float64():
        return float(value)
    return value


def param_types(sweep: Sweep) -> dict[str, pa.DataType]:
    return {axis.key: param_type(axis) for axis in sweep.axes}


def outcome_type(name: str) -> pa.DataType:
    return _OUTCOME_TYPES.get(name, pa.float64())


def _schema(columns: list[tuple[str, pa.DataType]], table: str, sweep: Sweep) -> pa.Schema:
    """Fields carrying the codebook's description, unit and convention as Parquet field metadata."""
    keys = [axis.key for axis in sweep.axes]
    return pa.schema([pa.field(name, kind, metadata=field_metadata(name, table, keys) or None)
                      for name, kind in columns])


def results_schema(sweep: Sweep) -> pa.Schema:
    params = list(param_types(sweep).items())
    outcomes = [(name, outcome_type(name)) for name in sweep.outcomes]
    return _schema(RUN_COLUMNS + params + outcomes, "results", sweep)


def series_schema(sweep: Sweep) -> pa.Schema:
    return _schema([("run_id", pa.string()), ("turn", pa.int64()),
                    *((name, _SERIES_TYPES[kind]) for name, kind in sweep.series.items())], "series", sweep)


def design_schema(sweep: Sweep, unit: bool) -> pa.Schema:
    """The design table: one row per point, with the unit coordinates of sampled designs."""
    params = list(param_types(sweep).items())
    coords = [(f"u.{axis.key}", pa.float64()) for axis in sweep.axes] if unit else []
    return _schema([("point", pa.int64()), *params, *coords], "design", sweep)
