"""The strategy registry: every strategy a scenario may name, with its classifier."""

from __future__ import annotations

from negotiation.strategies.base import Strategy
from negotiation.strategies.classic import (
    Alternator,
    ContriteTitForTat,
    Cooperator,
    Defector,
    GenerousTitForTat,
    GrimTrigger,
    Pavlov,
    TitForTat,
)
from negotiation.strategies.forward import Opportunist, SelfEnforcing
from negotiation.strategies.scripted import Human, Scripted

REGISTRY: dict[str, type[Strategy]] = {
    cls.name: cls
    for cls in (Cooperator, Defector, TitForTat, GenerousTitForTat, ContriteTitForTat, Pavlov, GrimTrigger,
                Alternator, SelfEnforcing, Opportunist, Scripted, Human)
}


def make_strategy(spec) -> Strategy:
    """Build a strategy from a spec with ``name`` and ``params`` (a StrategySpec or a dict)."""
    name = spec["name"] if isinstance(spec, dict) else spec.name
    params = (spec.get("params") if isinstance(spec, dict) else spec.params) or {}
    return REGISTRY[name](**params)


__all__ = ["REGISTRY", "Strategy", "make_strategy"]
