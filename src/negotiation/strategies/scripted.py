"""Strategies whose moves come from outside the model: a script, or a person."""

from __future__ import annotations

import numpy as np

from negotiation.observation import Decision, Observation, Offer, Response
from negotiation.strategies.base import Strategy

_WORDS = {"C": 1.0, "D": 0.0, "honour": 1.0, "defect": 0.0}


class Scripted(Strategy):
    """Plays a fixed list of moves, one per turn, then repeats the last (classroom and tests).

    A move is ``C``/``honour`` (1), ``D``/``defect`` (0) or a level in [0, 1];
    ``accept`` says whether offers are accepted.
    """

    name = "scripted"
    classifier = {"stochastic": False, "memory_depth": 0, "forward_looking": False, "needs_person": False}
    defaults = {"moves": ["C"], "accept": True}

    def validate(self) -> None:
        moves = self.params["moves"]
        if not moves:
            raise ValueError("strategy 'scripted' needs at least one move")
        for move in moves:
            if not (move in _WORDS or (isinstance(move, (int, float)) and not isinstance(move, bool)
                                       and 0.0 <= move <= 1.0)):
                raise ValueError(f"strategy 'scripted' move {move!r} is not allowed; "
                                 "use C, D, honour, defect or a level in [0, 1]")

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        moves = self.params["moves"]
        move = moves[min(obs.turn, len(moves) - 1)]
        return _WORDS[move] if isinstance(move, str) else float(move)

    def retaliates(self) -> bool:
        return False

    def respond(self, offer: Offer, obs: Observation, rng: np.random.Generator) -> Response:
        return Response("accept" if self.params["accept"] else "reject")


class Human(Strategy):
    """A seat meant for a person at the keyboard or in the browser (classroom play, DESIGN.md;
    seats as in oTree). Every move is its ``default`` strategy's: a front end asks that
    strategy first and lets the person replace the move (``negotiation.play``), so an empty
    seat, or a person who always takes the suggested move, plays exactly the default.
    """

    name = "human"
    classifier = {"stochastic": False, "memory_depth": float("inf"), "forward_looking": True,
                  "needs_person": True}
    defaults = {"default": "tit_for_tat"}

    def validate(self) -> None:
        from negotiation.strategies import REGISTRY

        if self.params["default"] not in REGISTRY or self.params["default"] == "human":
            allowed = ", ".join(n for n in REGISTRY if n != "human")
            raise ValueError(f"strategy 'human' parameter 'default' must be one of: {allowed}")
        self.fallback = REGISTRY[self.params["default"]]()

    @property
    def lookahead(self) -> int:
        """The default strategy's lookahead, so an empty seat sees what it would."""
        return int(getattr(self.fallback, "lookahead", 0))

    def level(self, partner: str, obs: Observation, rng: np.random.Generator) -> float:
        return self.fallback.level(partner, obs, rng)

    def retaliates(self) -> bool:
        return self.fallback.retaliates()

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        return self.fallback.decide(obs, rng)

    def willing(self, partner: str, obs: Observation) -> bool:
        return self.fallback.willing(partner, obs)

    def propose(self, obs: Observation, rng: np.random.Generator) -> list[Offer]:
        return self.fallback.propose(obs, rng)

    def respond(self, offer: Offer, obs: Observation, rng: np.random.Generator) -> Response:
        return self.fallback.respond(offer, obs, rng)
