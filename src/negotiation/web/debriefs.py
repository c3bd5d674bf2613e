"""The end of a browser game: the terminal's debrief for each seat, with its plots.

Making a debrief replays the game with the seat played by other strategies and draws five
figures, about a second a seat, so the app runs :func:`make_all` in a worker thread once the
game is over and serves the plots from ``folder``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from negotiation.play import debrief
from negotiation.play.session import Session


@dataclass(frozen=True)
class Ending:
    """One seat's debrief and the names of its plot files (in the debrief folder of the seat)."""

    debrief: debrief.Debrief
    plots: tuple[str, ...]

    @property
    def lines(self) -> list[str]:
        return self.debrief.lines()


def make_all(session: Session, folder: Path, compare: list[str] | None = None) -> dict[str, Ending]:
    """Every seat's debrief; plots under ``folder/<seat>/``."""
    result = session.result()
    endings = {}
    for seat in session.seats:
        made = debrief.make(result, seat, compare, session.seats, session=session)
        paths = debrief.write_plots(made, folder / seat)
        endings[seat] = Ending(made, tuple(p.name for p in paths))
    return endings
