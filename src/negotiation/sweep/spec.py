"""The sweep file: which scenario, which parameters vary and how, the design, the seeds.

A sweep file is YAML validated by the pydantic models below. Every parameter key is
also checked against the base scenario before any run starts, so a typo in a dotted key
or an out-of-range bound is reported as ``sweep.yaml:12: parameters.<key>: ...``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DesignKind = Literal["grid", "random", "latin", "sobol", "morris"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Normal(Strict):
    """A normal distribution, optionally truncated to [low, high]."""

    name: Literal["normal"]
    mean: float
    sd: Annotated[float, Field(gt=0.0)]
    low: float | None = None
    high: float | None = None


class Triangular(Strict):
    name: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(f"needs low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}")
        return self


Distribution = Annotated[Normal | Triangular, Field(discriminator="name")]


class Parameter(Strict):
    """One varied scenario field: a list of ``values``, a ``range`` or a ``distribution``.

    A grid takes ``values`` as they are and a ``range`` in ``steps`` evenly spaced points;
    sampled designs draw uniformly within a range, among the values, or from the distribution.
    """

    values: Annotated[list[Any], Field(min_length=1)] | None = None
    range: tuple[float, float] | None = None
    steps: Annotated[int, Field(ge=2)] | None = None
    distribution: Distribution | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Parameter:
        given = [k for k in ("values", "range", "distribution") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'values', 'range' or 'distribution'"
                             + (f" (got {' and '.join(given)})" if given else ""))
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"'range' must be [low, high] with low < high, got {list(self.range)}")
        if self.steps is not None and self.range is None:
            raise ValueError("'steps' applies to a 'range' only")
        return self


class Design(Strict):
    """How points are chosen. ``samples`` is the number of points (random, latin), the base
    sample N of Saltelli's scheme (sobol: N x (D + 2) points, or N x (2D + 2) with second
    order), or the number of trajectories (morris: N x (D + 1) points)."""

    kind: DesignKind = "grid"
    samples: Annotated[int, Field(ge=1)] | None = None
    levels: Annotated[int, Field(ge=2)] | None = None
    second_order: bool | None = None

    @model_validator(mode="after")
    def _fits_kind(self) -> Design:
        if self.kind == "grid" and self.samples is not None:
            raise ValueError("a grid takes no 'samples': its points are every combination of the values")
        if self.kind != "grid" and self.samples is None:
            raise ValueError(f"a '{self.kind}' design needs 'samples'")
        if self.kind == "sobol" and self.samples is not None and self.samples & (self.samples - 1):
            lower = 1 << (self.samples.bit_length() - 1)
            raise ValueError(f"a sobol design needs 'samples' to be a power of two (Sobol' sequences balance "
                             f"only there), got {self.samples}; try {lower} or {lower * 2}")
        if self.levels is not None and self.kind != "morris":
            raise ValueError("'levels' applies to a morris design only")
        if self.second_order is not None and self.kind != "sobol":
            raise ValueError("'second_order' applies to a sobol design only")
        return self


class SweepSpec(Strict):
    """A whole sweep file."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")]
    description: str = ""
    scenario: str
    set: dict[str, Any] = Field(default_factory=dict)
    parameters: Annotated[dict[str, Parameter], Field(min_length=1)]
    design: Design = Field(default_factory=Design)
    replications: Annotated[int, Field(ge=1)] = 1
    seed: Annotated[int, Field(ge=0)] = 0
    outcomes: list[str] | None = None
    series: list[str] = Field(default_factory=list)
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _grid_is_finite(self) -> SweepSpec:
        if self.design.kind == "grid":
            loose = [k for k, p in self.parameters.items() if p.distribution is not None
                     or (p.range is not None and p.steps is None)]
            if loose:
                raise ValueError(f"a grid needs 'values' or a 'range' with 'steps' for every parameter; "
                                 f"add 'steps' to {', '.join(loose)} or choose a sampled design")
        overlap = sorted(set(self.set) & set(self.parameters))
        if overlap:
            raise ValueError(f"{', '.join(overlap)} is both fixed in 'set' and varied in 'parameters'")
        return self

    def label(self, key: str) -> str:
        """A short name for a parameter in tables and figures."""
        given = self.parameters[key].label
        if given:
            return given
        parts = [p for p in key.split(".") if p not in ("countries", "world", "preferences", "strategy", "params")]
        return ".".join(parts) or key

