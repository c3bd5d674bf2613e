"""Forward-looking strategies: they weigh the future before honouring."""

from __future__ import annotations

import numpy as np

from negotiation.observation import Observation
from negotiation.payoffs import defection_pays
from negotiation.strategies.base import Strategy


class SelfEnforcing(Strategy):
    """Honours while the one-turn gain from defecting is at most delta/(1-delta) times the
    per-turn loss from the punishment that follows (Bagwell & Staiger 1990, P12); punishes a
    partner seen defecting for one turn. Against grim trigger in the prisoner's dilemma it
    honours exactly when delta >= (T-R)/(T-P) (P13).
    """

    name = "self_enforcing"
    classifier = {"stochastic": False, "memory_depth": 1, "forward_looking": True, "needs_person": False}

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        seen = obs.last_seen(partner)
        if seen is not None and seen < obs.threshold:
            return 0.0
        stakes = obs.stakes.get(partner)
        if stakes is None:
            return 1.0
        return 0.0 if defection_pays(stakes.gain, stakes.loss, obs.patience) else 1.0


class Opportunist(Strategy):
    """Plays tit-for-tat until the partner's dependency on its controlled supply peaks, then
    defects for good: the last turn dependency is at least ``threshold`` while its projection
    ``horizon`` turns ahead falls below it. Models the 'use it before you lose it' reading of
    the 12-24 month window of China's rare-earth card (F3).
    """

    name = "opportunist"
    classifier = {"stochastic": False, "memory_depth": float("inf"), "forward_looking": True,
                  "needs_person": False}
    defaults = {"threshold": 0.6, "horizon": 6}

    def validate(self) -> None:
        if not 0.0 <= self.params["threshold"] <= 1.0 or self.params["horizon"] < 0:
            raise ValueError("strategy 'opportunist' needs threshold in [0, 1] and horizon >= 0")

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        if obs.i_defected(partner) and obs.dependency.get(partner, 0.0) > 0.0:
            return 0.0
        now = obs.dependency.get(partner, 0.0)
        ahead = now - obs.allied_growth * self.params["horizon"]
        if now >= self.params["threshold"] > ahead:
            return 0.0
        seen = obs.last_seen(partner)
        return 1.0 if seen is None or seen >= obs.threshold else 0.0
