"""The stakes of a bilateral relation, from the payoff rules, as a country expects them to evolve.

A country weighing whether to honour its pledges to a partner compares four per-turn payoffs
(both honour, it defects alone, the partner defects alone, both defect and retaliate) computed
with the same terms that pay it (:mod:`negotiation.payoffs`): the pledges' worth, the trade
term of the pair's tariffs, the harm of the partner's export controls and the leverage its own
controls extract. The harm and the leverage scale with the importer's dependency on the
supplier, which falls as allied capacity grows (F3, F11) and falls faster while controls bite
(P5). Payoffs are linear in dependency, so the discounted future of a path is its payoff at
one number, :func:`negotiation.payoffs.dependency_path`: no future is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

from negotiation.observation import Stakes
from negotiation.payoffs import dependency_path, game_payoff, pair_trade_loss
from negotiation.tariffs import DEFAULT_PARAMS, TariffParams


@dataclass(frozen=True)
class Relation:
    """One country's side of a relation with one partner, per turn (USD bn).

    ``value_in``/``cost_out``: the partner's pledges to it honoured / its own pledges honoured
    (measures, purchases, investments; tariff cuts act through the tariffs);
    ``tariff_mine``/``tariff_theirs``: the pair's tariffs when both honour; ``cut_mine``/
    ``cut_theirs``: what their tariff pledges take off them; ``step_mine``/``step_theirs``:
    the retaliation each adds in a punishment; ``snap_mine``/``snap_theirs``: the tariffs that
    snap back on the punishment path, when the pledges lapse (P6's deferred 34 %); ``war_mine``/
    ``war_theirs``: the ceilings of the two retaliation ladders, the tariffs of the war a
    punishment climbs to (by default the Nash tariff, P11, P12); ``imports_mine``/``imports_theirs``: my free-trade
    imports from the partner and its from me, priced by the tariff block (:mod:`negotiation.tariffs`,
    terms of trade and deadweight) with ``tariff_params``, at ``trade_weight`` (0: the trade
    channel is off); ``harm``: the harm per unit of dependency of
    the partner's controls on it, at ``control_on_me`` when the partner honours and
    ``control_on_me + lifted_for_me`` when it defects; ``lever``: the leverage per unit of
    dependency its own controls on the partner extract, likewise; ``game``: a 2x2 table.
    """

    value_in: float = 0.0
    cost_out: float = 0.0
    tariff_mine: float = 0.0
    tariff_theirs: float = 0.0
    cut_mine: float = 0.0
    cut_theirs: float = 0.0
    step_mine: float = 0.0
    step_theirs: float = 0.0
    snap_mine: float = 0.0
    snap_theirs: float = 0.0
    war_mine: float = 0.0
    war_theirs: float = 0.0
    imports_mine: float = 0.0
    imports_theirs: float = 0.0
    trade_weight: float = 0.0
    tariff_params: TariffParams = DEFAULT_PARAMS
    harm: float = 0.0
    control_on_me: float = 0.0
    lifted_for_me: float = 0.0
    lever: float = 0.0
    control_mine: float = 0.0
    lifted_by_me: float = 0.0
    game: tuple[float, float, float, float] | None = None
    game_weight: float = 1.0

    def payoff(self, mine: float, theirs: float, dependency: float, punish: bool = False, war: bool = False) -> float:
        """Per-turn payoff when I honour at ``mine`` and the partner at ``theirs`` (0..1); with
        ``punish`` both add a rung of retaliation and the snap-backs return; with ``war`` the
        ladder has reached its ceilings (the tariff war of P11, P12)."""
        t_mine = self.tariff_mine + (1 - mine) * self.cut_mine + (self.step_mine + self.snap_mine if punish else 0.0)
        t_theirs = (self.tariff_theirs + (1 - theirs) * self.cut_theirs
                    + (self.step_theirs + self.snap_theirs if punish else 0.0))
        if war:
            t_mine, t_theirs = max(t_mine, self.war_mine), max(t_theirs, self.war_theirs)
        out = theirs * self.value_in - mine * self.cost_out
        if self.trade_weight:
            out -= self.trade_weight * pair_trade_loss(max(0.0, t_mine), max(0.0, t_theirs), self.imports_mine,
                                                       self.imports_theirs, self.tariff_params)
        out -= self.harm * dependency * min(1.0, self.control_on_me + (1 - theirs) * self.lifted_for_me)
        out += self.lever * dependency * min(1.0, self.control_mine + (1 - mine) * self.lifted_by_me)
        if self.game is not None:
            out += self.game_weight * game_payoff(mine, theirs, *self.game)[0]
        return out


@dataclass(frozen=True)
class Outlook:
    """How a country expects dependency to evolve: now, its floor, and how fast it falls per
    turn on the cooperative path and on the punishment path (where controls speed allied
    capacity, P5)."""

    now: float = 0.0
    floor: float = 0.0
    slope_calm: float = 0.0
    slope_war: float = 0.0


def stakes(rel: Relation, outlook: Outlook, continuation: float, ahead: int = 0) -> Stakes:
    """The observer's :class:`Stakes` in a relation: today's four payoffs and the discounted
    future of the cooperative and punishment paths, at ``continuation`` (patience x trust).

    ``ahead`` > 0 adds the net value of defecting k = 0..ahead turns from now (for strategies
    that time their move), each discounted back to today.
    """
    now = outlook.now
    calm = dependency_path(now, outlook.slope_calm, outlook.floor, continuation)
    war = dependency_path(now, outlook.slope_war, outlook.floor, continuation)
    schedule: tuple[float, ...] = ()
    if ahead:
        values = []
        for k in range(ahead + 1):
            dep = max(outlook.floor, now - outlook.slope_calm * k)
            gain = rel.payoff(0.0, 1.0, dep) - rel.payoff(1.0, 1.0, dep)
            loss = (rel.payoff(1.0, 1.0, dependency_path(dep, outlook.slope_calm, outlook.floor, continuation))
                    - rel.payoff(0.0, 0.0, dependency_path(dep, outlook.slope_war, outlook.floor, continuation),
                                 punish=True, war=True))
            net = gain - (continuation / (1 - continuation) * loss if continuation < 1 else float("inf"))
            values.append(continuation ** k * net)
        schedule = tuple(values)
    return Stakes(reward=rel.payoff(1.0, 1.0, now), temptation=rel.payoff(0.0, 1.0, now),
                  punishment=rel.payoff(0.0, 0.0, now, punish=True), sucker=rel.payoff(1.0, 0.0, now),
                  future_reward=rel.payoff(1.0, 1.0, calm),
                  future_punishment=rel.payoff(0.0, 0.0, war, punish=True, war=True),
                  continuation=continuation, schedule=schedule)
