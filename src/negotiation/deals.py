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
from negotiation.observation import Bargain, LinkTerms, renewable_now
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


def bargain(model: TruceModel, i: int, j: int) -> Bargain | None:
    """i's view of the renewal up with j this turn (None when nothing is up): each side's gain
    from renewing every pledge up between them, from the same payoff rules that pay them —
    the pledges' worth (the partner's weighted by trust in it), the tariff cuts and the
    controls lifted, and the snap-backs a lapse would bring back — and the outside options."""
    t, window = model.turn, model.config.negotiation.renewal_window
    up = [p for p in model.world.pledges if {p.giver, p.receiver} == {i, j} and p.spec.renewable
          and renewable_now(p.end, t, window)]
    if not up:
        return None
    neg, countries = model.config.negotiation, model.config.countries
    gains = {i: 0.0, j: 0.0}
    w = model.world
    for p in up:
        value, cost = model._pledge_worth(p)
        k = 1 if p.spec.instrument == "tariff" else 0  # tariff worth is trade welfare, the rest pledges
        gains[p.receiver] += w.weights[p.receiver, k] * float(w.trust[p.receiver, p.giver]) * value
        gains[p.giver] -= w.weights[p.giver, k] * cost
        if p.spec.snapback is not None and p.spec.snapback.tariff and model.config.world.channels.trade:
            now = max(0.0, float(w.base_tariffs[p.giver, p.receiver] + w.retaliation[p.giver, p.receiver]))
            m = float(model.imports[p.giver, p.receiver])
            calm, snapped = model._pair_welfare(now, m), model._pair_welfare(now + p.spec.snapback.tariff, m)
            gains[p.giver] += w.weights[p.giver, 1] * (calm[0] - snapped[0])  # renewing forgoes the snap-back
            gains[p.receiver] += w.weights[p.receiver, 1] * (calm[1] - snapped[1])
    if any(p.spec.major for p in up):
        # a failed renewal of a major pledge collapses the truce: each side also loses what the
        # rest of the relation is worth against the war that follows (its stakes' loss)
        for a, b in ((i, j), (j, i)):
            gains[a] += model._stakes(a, b, float(w.trust[a, b])).loss
    me, other = model.ids[i], model.ids[j]
    return Bargain(gain=float(gains[i]), outside=neg.outside_options.get(me, 0.0), partner_gain=float(gains[j]),
                   partner_outside=0.0, delta=countries[me].preferences.patience,
                   partner_delta=countries[other].preferences.patience, first=model.ids[min(i, j)],
                   rounds=neg.rounds, rubinstein=neg.split == "rubinstein", links=links(model, i, j, up))


def links(model: TruceModel, i: int, j: int, up: list[PledgeState]) -> tuple[LinkTerms, ...]:
    """The scenario's linked instruments between i and j, priced by the payoff rules at the
    world after the renewal: more of a purchase or measure pledge at its stated worth per unit
    (its value weighted by the receiver's trust in the giver, as a renewal's gains are); a
    further tariff cut at what the tariff block says it is worth, on average per point over
    the points left to cut (U1's next 10 points from the tariff in force after U1). A link's
    ``max_units`` is what the instrument has in all: units linked by earlier packages and still
    in force count against it. Links worth nothing (the trade channel off, no tariff or room
    left) are left out."""
    w, t, out = model.world, model.turn, []
    by_id, renewing = {p.id: p for p in w.pledges}, {p.id for p in up}
    for link in model.config.negotiation.links:
        p = by_id.get(link.like)
        if p is None or {p.giver, p.receiver} != {i, j}:
            continue
        g, r, s = p.giver, p.receiver, p.spec
        trust = float(w.trust[r, g])
        # max_units bounds the instrument, not each package: what earlier packages linked and is
        # still in force (U1's last 10 points cut at T6 are not there to cut again at T7)
        room = link.max_units - sum(q.spec.level for q in w.pledges if q.spec.extends == link.like
                                    and q.start <= t < q.end)
        if room <= 0.0:
            continue
        if s.instrument == "tariff":
            if not model.config.world.channels.trade:
                continue
            cuts = sum(q.spec.level for q in w.pledges if (q.giver, q.receiver) == (g, r)
                       and q.spec.instrument == "tariff" and (q.start <= t < q.end or q.id in renewing))
            high = max(0.0, float(w.base_tariffs[g, r] + w.retaliation[g, r]) - cuts)
            units = min(room, high)
            if units <= 0.0:
                continue
            m = float(model.imports[g, r])
            calm, cut = model._pair_welfare(high, m), model._pair_welfare(high - units, m)
            value = w.weights[r, 1] * trust * (cut[1] - calm[1]) / units
            cost = w.weights[g, 1] * (calm[0] - cut[0]) / units
        elif s.level > 0.0:
            units = room
            value, cost = w.weights[r, 0] * trust * s.value / s.level, w.weights[g, 0] * s.cost / s.level
        else:
            continue
        out.append(LinkTerms(like=p.id, giver=model.ids[g], receiver=model.ids[r], instrument=s.instrument,
                             value=float(value), cost=float(cost), max_units=float(units), level=float(s.level)))
    return tuple(out)
