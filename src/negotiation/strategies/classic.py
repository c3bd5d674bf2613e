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
