"""Mesa model reporters for the run's outcome columns, so ``mesa.batch_run`` collects them.

``RunResult.outcome()`` is the one definition of a run's outcome (the sweep keeps the same
columns); each reporter reads one column of it, computed once per turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from negotiation.model import TruceModel


def _outcome(model: TruceModel) -> dict[str, Any]:
    from negotiation.results import RunResult

    cached = getattr(model, "_outcome_row", None)
    if cached is not None and cached[0] == model.turn:
        return cached[1]
    row = {**RunResult.from_model(model, model.seed).outcome(), "turns": len(model.records)}
    row.pop("misread", None)  # the same as break_cause == 'misread'
    model._outcome_row = (model.turn, row)
    return row


def _column(name: str) -> Callable[[TruceModel], Any]:
    def report(model: TruceModel) -> Any:
        return _outcome(model).get(name)

    report.__name__ = f"outcome_{name}"
    return report


def outcome_reporters(model: TruceModel) -> dict[str, Callable[[TruceModel], Any]]:
    """One reporter per outcome column of ``model`` (held, break_turn, breaker, ..., payoff.<COUNTRY>)."""
    names = list(_outcome(model))
    model._outcome_row = None  # computed before the first turn; the reporters start afresh
    return {name: _column(name) for name in names}
