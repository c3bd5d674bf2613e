"""Payoff rules as pure functions of numbers and arrays (no Mesa, no state).

Units: a payoff is welfare in USD bn per monthly turn. Each function returns one
term per country; :meth:`Terms.total` weighs and adds them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


def trade_loss(tariffs: np.ndarray, trade: np.ndarray, war_loss: float, nash_tariff: float) -> np.ndarray:
    """Welfare each country loses to tariffs, per turn.

    ``tariffs[i, j]`` is i's tariff on goods from j; ``trade[i, j]`` the bilateral trade
    at stake for i (USD bn per turn). The loss is quadratic in the pair's mean tariff
    (a Harberger triangle), scaled so that both sides at the Nash tariff lose
    ``war_loss`` of that trade (Ossa 2014: ~63 % tariffs, ~2.9 % welfare; P11).
    """
    mean = (tariffs + tariffs.T) / 2.0
    return (trade * war_loss * (mean / nash_tariff) ** 2).sum(axis=1)


def security_loss(demand: np.ndarray, controls: np.ndarray, china_share: float, stake: float) -> np.ndarray:
    """Cost of supply insecurity: demand x dependency on controlled supply x control level.

    ``controls[i]`` is the export-control level the supplier applies to country i.
    """
    return stake * demand * china_share * controls


def leverage_value(china_share: float, stake: float) -> float:
    """What the supplier's hold on processing is worth to it; falls as allied capacity grows."""
    return stake * china_share


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


def relation_stakes(value_in: float, cost_out: float, game: tuple[float, float, float, float] | None
                    ) -> tuple[float, float, float]:
    """(reward, temptation, punishment) per turn of a bilateral relation for one side.

    ``value_in``: the partner's pledges to it, honoured; ``cost_out``: its own pledges to the
    partner; ``game``: the (T, R, P, S) table between them, if any.
    """
    T, R, P, _ = game if game else (0.0, 0.0, 0.0, 0.0)
    return value_in - cost_out + R, value_in + T, P


def pair_trade_loss(t_ij: float, t_ji: float, trade_ij: float, war_loss: float, nash_tariff: float) -> float:
    """:func:`trade_loss` for one pair of countries, from one side."""
    return trade_ij * war_loss * ((t_ij + t_ji) / 2.0 / nash_tariff) ** 2
