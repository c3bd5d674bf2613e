"""Playing the truce game: one play core, front ends over it.

The core is front-end-agnostic (the terminal here; the browser reuses it):

- :class:`Session` (``session``): a game with people at some seats. ``session.prompt`` says
  whose move is awaited and of which kind (``offers``, ``answer``, ``actions``) with the
  seat's default move; ``session.submit(move)`` plays it or raises :class:`MoveError` with
  the reason, leaving the game unchanged.
- :func:`seat_view` (``view``): what a seat sees now, under the instructor's visibility;
  :func:`seat_history`: what it saw of the past turns (charts).
- ``legal``: the options of each prompt (offer menus, counter menus, action limits).
- ``moves``: moves as plain data (saves, moves files, browser posts) and back.
- ``saves``: versioned JSON saves, written atomically and resumed by replay.
- ``debrief`` and ``report``: the end of one game, and a class's games side by side.
"""

from negotiation.play.moves import MoveError
from negotiation.play.saves import SaveError, load, save
from negotiation.play.session import Prompt, Session
from negotiation.play.view import History, SeatView, seat_history, seat_view

__all__ = ["History", "MoveError", "Prompt", "SaveError", "SeatView", "Session", "load", "save", "seat_history",
           "seat_view"]
