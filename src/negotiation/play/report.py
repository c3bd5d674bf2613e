"""The class report: many saved games of one scenario side by side.

Each save is replayed (so a report shows what really happened, not what a file claims);
a save that is unfinished, unreadable or of another scenario is listed by name with the
reason and left out of the comparison. Output: a table (``report.csv``) with one row per
game and seat (score, payoff, objectives met, whether the truce held or collapsed, the
collapse's turn, cause and instigator, the breaches and recoveries, the cooperation rate, key
decisions) and plots comparing them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from negotiation import csvsafe
from negotiation.config.models import Scenario
from negotiation.play.saves import SaveError, load
from negotiation.play.session import Session
from negotiation.plots import subplots
from negotiation.results import turn_label
from negotiation.scoring import score

MAX_DECISIONS = 6  # key decisions listed per game and seat; the rest are counted


@dataclass
class Game:
    """One save as the report sees it: the replayed session, or why it is left out."""

    path: Path
    session: Session | None
    problem: str = ""

    @property
    def label(self) -> str:
        return self.session.name if self.session is not None and self.session.name else self.path.stem


def collect(paths: list[Path]) -> list[Path]:
    """Save files from files and folders (a folder contributes its *.json files)."""
    out = []
    for path in paths:
        out += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return out


def read_games(paths: list[Path], scenario: str | None = None) -> tuple[list[Game], str | None]:
    """Every save replayed, checked against the reference scenario (given, or the most common)."""
    games = []
    for path in paths:
        try:
            games.append(Game(path, load(path)))
        except SaveError as exc:
            games.append(Game(path, None, exc.reason))
    names = Counter(g.session.scenario.name for g in games if g.session is not None)
    reference = scenario or (names.most_common(1)[0][0] if names else None)
    for g in games:
        if g.session is None:
            continue
        if g.session.scenario.name != reference:
            g.problem, g.session = f"is a game of scenario '{g.session.scenario.name}', not '{reference}'", None
        elif not g.session.finished:
            g.problem = (f"is unfinished (stopped at turn {g.session.turn + 1} of {g.session.scenario.turns}); "
                         "resume it with negotiation play --load")
            g.session = None
    return games, reference


def table(games: list[Game]) -> pd.DataFrame:
    """One row per finished game and seat."""
    rows = []
    for g in games:
        if g.session is None:
            continue
        result = g.session.result()
        sc, c = result.scenario, result.collapse
        for seat in g.session.seats:
            s = score(result, seat)
            choices = [f"t{c.turn}: {c.text}" for c in g.session.choices if c.seat == seat]
            more = f" (+{len(choices) - MAX_DECISIONS} more)" if len(choices) > MAX_DECISIONS else ""
            b = result.broken
            rows.append({
                "game": g.label, "file": str(g.path), "seat": seat,
                "played_by": ", ".join(g.session.played_by(seat)), "seed": result.seed, "score": round(s.total, 2),
                "payoff": round(s.payoff, 2), "objectives_met": f"{s.met}/{len(s.objectives)}",
                "truce": "held" if c is None else "collapsed", "collapse_turn": c.turn if c else None,
                "collapse_date": turn_label(sc, c.turn) if c else "", "collapsed_by": c.country if c else "",
                "collapse_cause": c.cause if c else "", "breaches": len(result.breaches),
                "break_turn": b.turn if b else None, "break_date": turn_label(sc, b.turn) if b else "",
                "recoveries": result.recoveries, "cooperation_rate": round(result.cooperation_rate, 3),
                "key_decisions": "; ".join(choices[:MAX_DECISIONS]) + more or "played every suggested move"})
    frame = pd.DataFrame(rows)
    if not frame.empty:  # a turn stays an integer when some games never collapsed or broke (not 2.0)
        for column in ("collapse_turn", "break_turn"):
            frame[column] = frame[column].astype("Int64")
    return frame


def write(frame: pd.DataFrame, games: list[Game], folder: Path) -> list[Path]:
    """report.csv and the plots into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    csvsafe.escape(frame).to_csv(folder / "report.csv", index=False)
    paths = [folder / "report.csv"]
    if frame.empty:
        return paths
    for name, fig in (("scores", _scores(frame)), ("truce", _truce(frame, games)), ("payoffs", _payoffs(games))):
        fig.savefig(folder / f"{name}.png", dpi=110)
        paths.append(folder / f"{name}.png")
    return paths


def _names(frame: pd.DataFrame) -> list[str]:
    return [f"{g} ({s}{': ' + who if who and who != g else ''})"
            for g, s, who in zip(frame["game"], frame["seat"], frame["played_by"], strict=True)]


def _scores(frame: pd.DataFrame):
    fig, ax = subplots(figsize=(8, 0.4 * len(frame) + 1.5), layout="constrained")
    colours = ["#27ae60" if t == "held" else "#c0392b" for t in frame["truce"]]
    ax.barh(_names(frame), frame["score"], color=colours)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.invert_yaxis()
    ax.set_xlabel("score (green: truce held, red: collapsed)")
    ax.set_title("scores of the class")
    return fig


def _truce(frame: pd.DataFrame, games: list[Game]):
    turns = next(g.session.scenario.turns for g in games if g.session is not None)
    held = frame["collapse_turn"].astype("Float64").fillna(turns).astype(float)
    names = _names(frame)
    fig, ax = subplots(figsize=(8, 0.4 * len(frame) + 1.5), layout="constrained")
    ax.barh(names, held, color=["#27ae60" if t == "held" else "#c0392b" for t in frame["truce"]])
    for i, (n, k) in enumerate(zip(frame["breaches"], frame["recoveries"], strict=True)):
        if n:  # breaches are incidents, not the end: written on the bar, not drawn as its end
            ax.annotate(f"{n} breach{'es' if n != 1 else ''}, {k} healed", (0, i), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8, color="white")
    ax.set_xlim(0, turns)
    _turn_ticks(ax, next(g.session.scenario for g in games if g.session is not None), turns)
    ax.invert_yaxis()
    ax.set_xlabel(f"turns before the truce collapsed (of {turns}; green: it never did)")
    ax.set_title("when the truce collapsed")
    return fig


def _payoffs(games: list[Game]):
    fig, ax = subplots(figsize=(8, 4.5), layout="constrained")
    for g in games:
        if g.session is None:
            continue
        result = g.session.result()
        for seat in g.session.seats:
            ax.plot(result.turns(), [f.total for f in result.path(seat)], label=f"{g.label} ({seat})")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set_xlabel("turn")
    ax.set_ylabel("cumulative payoff of the player's seat (USD bn)")
    ax.legend(fontsize=7, ncols=2)
    ax.set_title("payoffs over the game")
    return fig


def _turn_ticks(ax, scenario: Scenario, turns: int) -> None:
    """Turn axis ticks named as the scenario names its turns ('Round 3', 'Apr 2026'), at most ~8."""
    step = max(1, -(-turns // 8))
    ticks = list(range(0, turns, step))
    ax.set_xticks(ticks, [turn_label(scenario, t) for t in ticks], rotation=30, ha="right")
