"""The engine's side of the tariff block and of bargaining: the numbers it feeds the pure rules.

:mod:`negotiation.tariffs` prices tariffs (terms of trade, revenue, deadweight) and
:mod:`negotiation.bargaining` splits a surplus; this module builds their inputs from a
scenario and the world: the free-trade flows of each pair, the calibrated tariff parameters,
and the stakes of a renewal (each side's value of the deal and its disagreement payoff).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from negotiation import tariffs
from negotiation.config.models import Scenario
from negotiation.config.models import World as WorldConfig
from negotiation.history import SnappedBack
from negotiation.world import PledgeState, World

if TYPE_CHECKING:
    from negotiation.model import TruceModel


def tariff_params(world: WorldConfig) -> tariffs.TariffParams:
    """The tariff block calibrated to the scenario's Nash tariff and war loss (P11: 63 %, 2.9 %)."""
    return tariffs.TariffParams.calibrated(nash_tariff=world.nash_tariff, war_loss=world.tariff_war_loss)


#: P10: the first tranche of the US-Australia framework is "at least USD 1 bn within six
#: months": an investment pledge is a pace of disbursement, judged over six monthly turns.
DISBURSEMENT_WINDOW = 6


def disbursed(history: list[float | None], now: float) -> float:
    """How an investment pledge's receiver judges it this turn: the mean of what it saw disbursed
    over the last :data:`DISBURSEMENT_WINDOW` turns, this one included (turns not in force
    skipped), so one misread month among honoured ones does not read as a defection."""
    recent = [x for x in history[-(DISBURSEMENT_WINDOW - 1):] if x is not None] + [now]
    return sum(recent) / len(recent)


def ceiling(scenario: Scenario, country: str) -> float:
    """The tariff a country's retaliation ladder climbs to: its stated ceiling, else the Nash
    tariff of the world (P11: the trade war of Ossa 2014, the punishment of P12)."""
    stated = scenario.countries[country].preferences.retaliation_ceiling
    return scenario.world.nash_tariff if stated is None else stated


def free_trade_imports(scenario: Scenario) -> np.ndarray:
    """``[i, j]``: i's free-trade imports from j, USD bn a turn, half of the pair's goods trade
    each way (``trade_exposure``, exports + imports, in the country profiles; the larger of the
    two sides' figures when they differ): balanced flows, so a mutual war costs both sides
    (docs/bargaining.md on deficits)."""
    ids = list(scenario.countries)
    index = {c: i for i, c in enumerate(ids)}
    total = np.zeros((len(ids), len(ids)))
    for i, country in enumerate(scenario.countries.values()):
        for partner, amount in country.instruments.trade_exposure.items():
            if partner in index:
                total[i, index[partner]] = amount
    return tariffs.balanced_imports(np.maximum(total, total.T))


def snap_back(world: World, pledge: PledgeState, log: list, t: int, ids: list[str]) -> None:
    """A pledge lapsed unrenewed: what its scenario says returns comes back (its snap-back
    tariff is added to the giver's base tariff on the receiver, e.g. U1: +24 points, P6)."""
    snap = pledge.spec.snapback
    if snap is None or not snap.tariff:
        return
    world.base_tariffs[pledge.giver, pledge.receiver] += snap.tariff
    log.append(SnappedBack(t, pledge.id, ids[pledge.giver], ids[pledge.receiver], snap.tariff))


def trade_terms(model: TruceModel, i: int, j: int) -> dict[str, Any]:
    """The trade fields of i's :class:`~negotiation.stakes.Relation` with j: the pair's flows and
    tariff block, the snap-backs of the pledges in force between them and the ladders' ceilings."""
    t = model.turn
    snap = [0.0, 0.0]
    for p in model.world.pledges:
        if p.start <= t < p.end and {p.giver, p.receiver} == {i, j} and p.spec.snapback is not None:
            snap[0 if p.giver == i else 1] += p.spec.snapback.tariff
    trade = model.config.world.channels.trade
    return {"imports_mine": float(model.imports[i, j]), "imports_theirs": float(model.imports[j, i]),
            "trade_weight": float(model.world.weights[i, 1]) if trade else 0.0,
            "tariff_params": model.tariff_params, "snap_mine": snap[0], "snap_theirs": snap[1],
            "war_mine": ceiling(model.config, model.ids[i]), "war_theirs": ceiling(model.config, model.ids[j])}
