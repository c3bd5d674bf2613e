"""Validated configuration of the rare-earth market (``configs/market/*.yaml``).

The world-market figures live here; each country's shares of mining, processing and magnet
making, its demand share, reserves and price floor stay in its profile (``agents/*.yaml``) and
are combined with this file by :func:`negotiation.market.params_from`. Unknown keys are errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from negotiation.config.errors import ConfigError, Problem

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Months = Annotated[int, Field(ge=1)]
STAGES = ("mining", "refining", "magnets")
GOODS: tuple[Literal["light", "heavy"], ...] = ("light", "heavy")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Good(Strict):
    """One traded good: its reference price and how its buyers respond to price."""

    price: Positive  # USD/kg at the reference (pre-crisis) market, turn 0
    content: Positive  # kg of this good per kg of rare-earth oxide mined (sets the tonnage)
    elasticity: Positive  # short-run price elasticity of demand (absolute value)
    choke_multiple: Annotated[float, Field(gt=1.0)]  # value of a missing kg, in multiples of `price`


class StageShares(Strict):
    mining: Share = 0.0
    refining: Share = 0.0
    magnets: Share = 0.0


class StageCosts(Strict):
    mining: Positive
    refining: Positive
    magnets: Positive


class HeavyShares(Strict):
    """A country's share of world heavy rare-earth mining and separation (its magnet plants are its profile's)."""

    mining: Share = 0.0
    refining: Share = 0.0


class Stockpile(Strict):
    """A country's strategic stockpile policy, in months of its own consumption."""

    initial_months: NonNeg = 0.0
    target_months: NonNeg = 0.0


class Projects(Strict):
    """Capacity projects: what they cost, how long they take, how often they fail."""

    unit_cost_bn: StageCosts  # USD bn per kt/month of light capacity, by stage
    heavy_cost_multiple: Positive  # a kt/month of heavy capacity costs this many times a light one
    heavy_investment_share: Share  # part of each investment aimed at heavy rare earths
    expansion_share: Share  # part of the money going to expansions/restarts rather than new sites
    expansion_months: Months  # mean lead time of an expansion (P5: ~2 years)
    greenfield_months: Months  # mean lead time of a new facility (P4: ~8 years)
    lead_sigma: NonNeg  # log-normal spread of lead times
    max_speedup: Annotated[float, Field(ge=0.0, lt=1.0)]  # most a lead time can shrink under pressure
    pressure_for_max_speedup: Positive  # price rise (multiple - 1) or control level giving the full speed-up
    fail_probability: Share  # chance a new project never delivers
    floor_fail_probability: Share  # the same chance for a project covered by a price floor
    pipeline_months: Months  # when the capacity already under construction (capacity_share) arrives
    pipeline_fail_probability: Share  # chance that capacity already under construction never arrives
    reserve_life_years: Positive  # mining capacity is limited to reserves / this life
    split: dict[str, StageShares] = Field(default_factory=dict)  # how each country's money splits by stage

    @model_validator(mode="after")
    def _splits_sum_to_one(self) -> Projects:
        bad = [f"split.{c}: shares sum to {sum(s.model_dump().values()):.3f}, must sum to 1"
               for c, s in self.split.items() if abs(sum(s.model_dump().values()) - 1.0) > 1e-6]
        if bad:
            raise ValueError("\n".join(bad))
        return self


class Substitution(Strict):
    """Substitution and recycling: demand displaced for good when prices are high (P5, P14)."""

    max_rate_per_year: Share  # fastest pace, as a share of demand per year (P5: ~10 %)
    saturation_multiple: Annotated[float, Field(gt=1.0)]  # price multiple at which that pace is reached
    cap: Share  # most of the demand that can be displaced (P14's 25 % recycling target)


class PriceFloor(Strict):
    """A minimum price paid to allied producers by the country whose profile sets ``price_floor``."""

    good: Literal["light", "heavy"] = "light"
    stage: Literal["mining", "refining", "magnets"] = "refining"
    covered: list[str] = Field(default_factory=list)  # producer countries paid the difference


class MarketConfig(Strict):
    """The world rare-earth market: goods, growth, heavy-earth shares, stockpiles, projects."""

    name: str
    description: str = ""
    goods: dict[Literal["light", "heavy"], Good]
    demand_growth: NonNeg  # world demand growth per year at constant prices
    supplier_growth: NonNeg  # the supplier's own capacity growth per year
    heavy_shares: dict[str, HeavyShares] = Field(default_factory=dict)  # by country; the rest of the world has the rest
    stockpiles: dict[str, Stockpile] = Field(default_factory=dict)
    fill_rate_months: NonNeg = 0.0  # stock bought per month in calm turns, in months of consumption
    projects: Projects
    substitution: Substitution
    price_floor: PriceFloor = Field(default_factory=PriceFloor)
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _both_goods(self) -> MarketConfig:
        missing = [g for g in GOODS if g not in self.goods]
        if missing:
            raise ValueError(f"goods: missing {', '.join(missing)}; the market has the goods {', '.join(GOODS)}")
        for stage in ("mining", "refining"):
            total = sum(getattr(s, stage) for s in self.heavy_shares.values())
            if total > 1.0 + 1e-9:
                raise ValueError(f"heavy_shares: {stage} shares sum to {total:.3f}, more than the world (1)")
        return self


DEFAULT_MARKET = "rare_earths"


def find_market(name_or_path: str | Path) -> Path:
    """A path if it looks like one, else a built-in market file by name."""
    from negotiation.config.resolve import data_root

    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    return data_root() / "configs" / "market" / f"{name_or_path}.yaml"


def load_market(name_or_path: str | Path = DEFAULT_MARKET) -> MarketConfig:
    """Read and validate a market file; every problem is reported as ``file:line: field: message``."""
    from negotiation.config.resolve import problems_from_validation
    from negotiation.config.yamlio import read_yaml

    path = find_market(name_or_path)
    data, origins = read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError([Problem(str(path), 1, "", "must be a YAML mapping of market fields")])
    try:
        return MarketConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, origins, str(path), model=MarketConfig)) from None
