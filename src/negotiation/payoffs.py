"""Payoff rules as pure functions of numbers and arrays (no Mesa, no state).

Units: a payoff is welfare in USD bn per monthly turn. Each function returns one
term per country; :meth:`Terms.total` weighs and adds them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation.tariffs import DEFAULT_PARAMS, TariffParams, pair_welfare, trade_welfare


def pledge_terms(n: int, givers: np.ndarray, receivers: np.ndarray, levels: np.ndarray,
                 costs: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Value of pledges honoured towards each country minus the cost of those it honours."""
    out = np.zeros(n)
    np.add.at(out, receivers, levels * values)
    np.subtract.at(out, givers, levels * costs)
    return out


def game_payoff(a: float, b: float, T: float, R: float, P: float, S: float) -> tuple[float, float]:
    """Payoffs of a symmetric 2x2 game when the sides play levels a, b in [0, 1] (1 = cooperate).

    Bilinear in the levels, so pure moves give the table exactly: (1,1) -> (R,R),
    (1,0) -> (S,T), (0,1) -> (T,S), (0,0) -> (P,P). Nothing here is additive.
    """
    ua = a * b * R + a * (1 - b) * S + (1 - a) * b * T + (1 - a) * (1 - b) * P
    ub = a * b * R + b * (1 - a) * S + (1 - b) * a * T + (1 - a) * (1 - b) * P
    return ua, ub


def trade_loss(tariffs: np.ndarray, imports: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """Welfare each country loses to tariffs per turn against free trade, USD bn (negative: a gain).

    The tariff block of :mod:`negotiation.tariffs` (Ossa 2014, P11; Bagwell-Staiger's terms of
    trade, P12): ``tariffs[i, j]`` is i's tariff on goods from j, ``imports[i, j]`` i's
    free-trade imports from j per turn. A country's own tariff below the optimal 1/eta gains
    it terms of trade and revenue at its partner's expense, so a unilateral tariff can pay;
    both at their best responses (the Nash tariffs, 63 %) lose against free trade.
    """
    return -trade_welfare(tariffs, imports, params)


def pair_trade_loss(t_ij: float, t_ji: float, m_ij: float, m_ji: float,
                    params: TariffParams = DEFAULT_PARAMS) -> float:
    """:func:`trade_loss` of i from the pair (i, j) alone: i's tariff on j, j's on i, i's imports
    from j and j's from i."""
    return -pair_welfare(t_ij, t_ji, m_ij, m_ji, params)[0]


def leverage_gain(harm: np.ndarray, capture: float) -> float:
    """What the supplier extracts by using its card: ``capture`` of the harm it imposes
    (concessions, rents of its own processors). Zero when it does not use it."""
    return capture * float(harm.sum())


def dependency_path(now: float, slope: float, floor: float, continuation: float) -> float:
    """The dependency a forward-looking country expects, averaged over the future with its
    discount weights: ``(1-d)/d * sum_{k>=1} d^k max(floor, now - slope*k)``, in closed form.

    Payoffs are linear in dependency, so the discounted payoff of a path equals the payoff
    at this one number; a stationary world (``slope`` 0) gives ``now``.
    """
    d = continuation
    if d <= 0.0:
        return max(floor, now - slope)
    if slope <= 0.0 or now <= floor:
        return max(floor, now)
    m = int(np.floor((now - floor) / slope))  # turns 1..m are above the floor
    if d >= 1.0:
        return floor
    dm = d ** m
    first = d * (1 - dm) / (1 - d)
    weighted = d * (1 - (m + 1) * dm + m * dm * d) / (1 - d) ** 2
    total = now * first - slope * weighted + floor * dm * d / (1 - d)
    return (1 - d) / d * total


@dataclass(frozen=True)
class Terms:
    """The payoff terms of one turn, one array entry per country."""

    pledges: np.ndarray
    games: np.ndarray
    trade: np.ndarray
    security: np.ndarray
    investment: np.ndarray
    leverage: np.ndarray

    def total(self, weights: np.ndarray) -> np.ndarray:
        """Weighted sum; ``weights`` has one row per country: pledges, trade, security, investment, leverage.

        Games are part of the pledge relation and carry the pledge weight.
        """
        return (weights[:, 0] * (self.pledges + self.games) - weights[:, 1] * self.trade
                - weights[:, 2] * self.security - weights[:, 3] * self.investment
                + weights[:, 4] * self.leverage)


def defection_pays(gain: float, loss: float, patience: float) -> bool:
    """Bagwell-Staiger (P12): defecting pays when the one-turn gain exceeds
    delta/(1-delta) times the per-turn loss from the punishment that follows."""
    if patience >= 1.0:
        return False
    return gain > patience / (1.0 - patience) * loss + 1e-12


def grim_threshold(T: float, R: float, P: float) -> float:
    """The least patience at which grim trigger sustains cooperation: (T-R)/(T-P) (P13)."""
    return (T - R) / (T - P)


def gtft_forgiveness(T: float, R: float, P: float, S: float) -> float:
    """Generous tit-for-tat's forgiveness min{1-(T-R)/(R-S), (R-P)/(T-P)} (Nowak & Sigmund, P13)."""
    return min(1 - (T - R) / (R - S), (R - P) / (T - P))
