"""Forward-looking strategies: they weigh the future before honouring."""

from __future__ import annotations

import numpy as np

from negotiation.observation import Observation
from negotiation.payoffs import defection_pays
from negotiation.strategies.base import Strategy


def _continuation(obs: Observation, partner: str) -> float:
    stakes = obs.stakes.get(partner)
    return obs.patience if stakes is None or stakes.continuation is None else stakes.continuation


class SelfEnforcing(Strategy):
    """Honours while the one-turn gain from defecting is at most d/(1-d) times the per-turn
    loss from the punishment that follows (Bagwell & Staiger 1990, P12), with the stakes
    computed from the payoff rules as the world is expected to evolve and d its patience
    times its trust in the partner. It punishes a partner seen defecting for one turn, unless
    it forgives (probability ``forgiveness``, as generous tit-for-tat, Nowak & Sigmund 1992).
    Against grim trigger in the prisoner's dilemma it honours exactly when d >= (T-R)/(T-P) (P13).
    """

    name = "self_enforcing"
    classifier = {"stochastic": False, "memory_depth": 1, "forward_looking": True, "needs_person": False}
    defaults = {"forgiveness": 0.0}

    def validate(self) -> None:
        if not 0.0 <= self.params["forgiveness"] <= 1.0:
            raise ValueError(f"strategy 'self_enforcing' parameter 'forgiveness' must be in [0, 1], "
                             f"got {self.params['forgiveness']}")

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        seen = obs.last_seen(partner)
        # the draw is made only when forgiving is possible, so a zero forgiveness consumes no
        # random numbers and stays deterministic
        forgiven = self.params["forgiveness"] > 0 and rng.random() < self.params["forgiveness"]
        if seen is not None and seen < obs.threshold and not forgiven:
            return 0.0
        stakes = obs.stakes.get(partner)
        if stakes is None:
            return 1.0
        return 0.0 if defection_pays(stakes.gain, stakes.loss, _continuation(obs, partner)) else 1.0


class Opportunist(Strategy):
    """Plays tit-for-tat until the moment to use its position is best, then defects for good.

    Each turn it values defecting k = 0..``horizon`` turns from now with the payoff rules,
    its dependency outlook and its patience (the stakes' schedule), and strikes when now is
    the best of those moments and defecting pays at all: 'use it before you lose it', the
    reading of the 12-24 month window of China's rare-earth card (F3). When the value of
    waiting grows (the partner's loss from a break is falling), it waits.
    """

    name = "opportunist"
    classifier = {"stochastic": False, "memory_depth": float("inf"), "forward_looking": True,
                  "needs_person": False}
    defaults = {"horizon": 12}

    def validate(self) -> None:
        if not 0 <= self.params["horizon"] <= 120:
            raise ValueError("strategy 'opportunist' parameter 'horizon' must be in 0..120 turns")

    @property
    def lookahead(self) -> int:
        """How many turns ahead the model values defection for this strategy."""
        return max(1, self.params["horizon"])

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        if _struck(partner, obs):
            return 0.0
        stakes = obs.stakes.get(partner)
        if stakes is not None and stakes.schedule:
            now, best_later = stakes.schedule[0], max(stakes.schedule[1:], default=float("-inf"))
            if now > 0 and now >= best_later:
                return 0.0
        seen = obs.last_seen(partner)
        return 1.0 if seen is None or seen >= obs.threshold else 0.0


def _struck(partner: str, obs: Observation) -> bool:
    """Whether I defected on the partner before I had ever seen it defect (my own strike)."""
    thr = obs.threshold
    mine, seen = obs.mine.get(partner, ()), obs.seen.get(partner, ())
    for t, level in enumerate(mine):
        if level is not None and level < thr:
            return not any(s is not None and s < thr for s in seen[:t])
    return False
