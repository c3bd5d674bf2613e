"""The classic strategies of the iterated prisoner's dilemma (Axelrod 1984; Nowak & Sigmund 1992)."""

from __future__ import annotations

import numpy as np

from negotiation.observation import Observation, Offer, Response
from negotiation.payoffs import gtft_forgiveness
from negotiation.strategies.base import Strategy

_GTFT_Q = gtft_forgiveness(5, 3, 1, 0)  # 1/3 for the textbook table (P13)


class Cooperator(Strategy):
    """Always honours, never retaliates, accepts every offer (Axelrod 1984, 'ALLC')."""

    name = "cooperator"
    classifier = {"stochastic": False, "memory_depth": 0, "forward_looking": False, "needs_person": False}

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        return 1.0

    def retaliates(self) -> bool:
        return False

    def willing(self, partner: str, obs: Observation) -> bool:
        return True

    def respond(self, offer: Offer, obs: Observation, rng: np.random.Generator) -> Response:
        return Response("accept")


class Defector(Strategy):
    """Never honours and never deals (Axelrod 1984, 'ALLD')."""

    name = "defector"
    classifier = {"stochastic": False, "memory_depth": 0, "forward_looking": False, "needs_person": False}

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        return 0.0

    def retaliates(self) -> bool:
        return False

    def willing(self, partner: str, obs: Observation) -> bool:
        return False


class TitForTat(Strategy):
    """Honours first, then does what the partner was last seen doing (Rapoport; Axelrod 1984)."""

    name = "tit_for_tat"
    classifier = {"stochastic": False, "memory_depth": 1, "forward_looking": False, "needs_person": False}

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        seen = obs.last_seen(partner)
        return 1.0 if seen is None or seen >= obs.threshold else 0.0


class GenerousTitForTat(Strategy):
    """Tit-for-tat that forgives a seen defection with probability q (Nowak & Sigmund 1992, P13).

    The default q = min{1-(T-R)/(R-S), (R-P)/(T-P)} = 1/3 for T,R,P,S = 5,3,1,0.
    """

    name = "generous_tit_for_tat"
    classifier = {"stochastic": True, "memory_depth": 1, "forward_looking": False, "needs_person": False}
    defaults = {"forgiveness": _GTFT_Q}

    def validate(self) -> None:
        if not 0.0 <= self.params["forgiveness"] <= 1.0:
            raise ValueError(f"strategy 'generous_tit_for_tat' parameter 'forgiveness' must be in [0, 1], "
                             f"got {self.params['forgiveness']}")

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        seen = obs.last_seen(partner)
        if seen is None or seen >= obs.threshold:
            return 1.0
        return 1.0 if rng.random() < self.params["forgiveness"] else 0.0


class GrimTrigger(Strategy):
    """Honours until the partner is first seen defecting, then never again (Friedman 1971, P13)."""

    name = "grim_trigger"
    classifier = {"stochastic": False, "memory_depth": float("inf"), "forward_looking": False,
                  "needs_person": False}

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        return 0.0 if obs.ever_saw_defection(partner) else 1.0

    def willing(self, partner: str, obs: Observation) -> bool:
        return not obs.ever_saw_defection(partner) and super().willing(partner, obs)


class Alternator(Strategy):
    """Honours on even turns and defects on odd ones, starting with honour (Axelrod-Python 'Alternator')."""

    name = "alternator"
    classifier = {"stochastic": False, "memory_depth": 1, "forward_looking": False, "needs_person": False}

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        return 1.0 if obs.turn % 2 == 0 else 0.0

    def retaliates(self) -> bool:
        return False


class ContriteTitForTat(Strategy):
    """Tit-for-tat with standing (Sugden 1986; Boyd 1989; Wu & Axelrod 1995): it punishes a
    partner in bad standing, but when its own defection put it in bad standing it accepts the
    partner's punishment without answering it, so one misread costs one round, not an echo.

    A side is in good standing after honouring, or after defecting on a partner in bad
    standing; it falls into bad standing by defecting on a partner in good standing.
    """

    name = "contrite_tit_for_tat"
    classifier = {"stochastic": False, "memory_depth": float("inf"), "forward_looking": False,
                  "needs_person": False}

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        mine_good, theirs_good = _standings(obs.mine.get(partner, ()), obs.seen.get(partner, ()), obs.threshold)
        return 0.0 if mine_good and not theirs_good else 1.0


def _standings(mine: tuple, theirs: tuple, threshold: float) -> tuple[bool, bool]:
    """(my standing, the partner's standing) after the turns so far, as I saw them."""
    me_good = them_good = True
    for a, b in zip(mine, theirs, strict=False):
        a_def = a is not None and a < threshold
        b_def = b is not None and b < threshold
        me_good, them_good = (not a_def or not them_good), (not b_def or not me_good)
    return me_good, them_good


class Pavlov(Strategy):
    """Win-stay, lose-shift (Nowak & Sigmund 1993; Kraines & Kraines 1989): honours first; then
    repeats its last move when the partner was seen honouring, and switches when not. It
    corrects a mistaken mutual defection in two rounds and exploits an unconditional
    cooperator."""

    name = "pavlov"
    classifier = {"stochastic": False, "memory_depth": 1, "forward_looking": False, "needs_person": False}

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        mine = [x for x in obs.mine.get(partner, ()) if x is not None]
        seen = obs.last_seen(partner)
        if not mine or seen is None:
            return 1.0
        honoured = mine[-1] >= obs.threshold
        if seen >= obs.threshold:
            return 1.0 if honoured else 0.0
        return 0.0 if honoured else 1.0
