"""The debrief at the end of a game: what happened to the truce and why, the player's score
against each objective, the turning points, the plots, and the same game (same seed) with
the player's seat played by a named strategy instead."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from negotiation import api, plots
from negotiation.config.models import Scenario
from negotiation.history import (
    Breached,
    Collapsed,
    EventFired,
    Lapse,
    OfferMade,
    Recovered,
    RetaliationSet,
    SnappedBack,
    entries,
)
from negotiation.observation import Rollback
from negotiation.play.moves import MoveError
from negotiation.play.session import Choice, Session
from negotiation.results import RunResult, turn_label
from negotiation.scoring import Score, score
from negotiation.truce import Break

CAUSES = {
    "real": "a deliberate defection, not a misreading",
    "misread": "a defection answering a signal of defection that was noise: the partner had in fact honoured",
    "lapsed": "the pledge ran out unrenewed: no renewal was offered and accepted in time",
    "event": "an event forced the pledge off",
}
MAX_PER_KIND = 2  # turning points of one kind between one pair: the first rise and fall, not every echo


@dataclass(frozen=True)
class Comparison:
    """The same game with the seat played by ``strategy``."""

    strategy: str
    result: RunResult
    score: Score

    def sentence(self, mine: Score, played: RunResult) -> str:
        how, split = compare_scores(self.score, mine)
        return f"{self.strategy} {how} {_truce_contrast(self.result, played)}.{split}"


def compare_scores(other: Score, mine: Score) -> tuple[str, str]:
    """('would have scored 8.9 points more (58.2 against your 49.3, 18 % more)', ' Payoff points
    40.2 against your 41.3; objective points 18 against your 8.'): the gap, then split into
    payoff and objective points; a percentage only when your score is above zero (a share of
    nothing, or of a loss, misleads)."""
    diff = other.total - mine.total
    if round(other.total, 1) == round(mine.total, 1):  # the same to the precision shown
        how = f"would have scored the same ({mine.total:,.1f})"
    else:
        pct = f", {abs(diff) / mine.total * 100:.0f} % {'more' if diff > 0 else 'less'}" if mine.total > 0 else ""
        how = (f"would have scored {abs(diff):,.1f} points {'more' if diff > 0 else 'less'} "
               f"({other.total:,.1f} against your {mine.total:,.1f}{pct})")
    if not other.objectives:
        return how, ""
    goals, mine_goals = other.total - other.payoff_points, mine.total - mine.payoff_points
    return how, (f" Payoff points {other.payoff_points:,.1f} against your {mine.payoff_points:,.1f}; "
                 f"objective points {goals:g} against your {mine_goals:g}.")


@dataclass(frozen=True)
class WhatIf:
    """The same game (same seed, same random draws) with one of the player's decisions changed
    back to the suggestion; later moves are replayed where they still fit the game."""

    choice: Choice
    result: RunResult
    score: Score

    def sentence(self, mine: Score, played: RunResult) -> str:
        how, split = compare_scores(self.score, mine)
        return (f"{_when(played.scenario, self.choice.turn)}, you {self.choice.text}: with the suggestion "
                f"instead, you {how} {_truce_contrast(self.result, played)}.{split}")


@dataclass(frozen=True)
class Debrief:
    seat: str
    result: RunResult
    score: Score
    outcome: str
    turning_points: tuple[str, ...]
    comparisons: tuple[Comparison, ...]
    note: str
    what_ifs: tuple[WhatIf, ...] = ()

    def lines(self) -> list[str]:
        """The debrief as text, one paragraph or item per line."""
        sc, s = self.result.scenario, self.score
        name = sc.countries[self.seat].name
        out = [f"Debrief: {name} ({self.seat}) in {sc.name}, seed {self.result.seed}, {len(self.result.records)} turns",
               f"Truce: {self.outcome}",
               f"Your score: {s.total:,.1f} = payoff USD {s.payoff:,.1f} bn x {sc.scoring.payoff:g}"
               + (f" + {s.total - s.payoff_points:g} for objectives met ({s.met} of {len(s.objectives)})"
                  if s.objectives else "")]
        out += [f"  {r.describe()}" for r in s.objectives]
        out.append("Turning points:" if self.turning_points else "Turning points: none - a quiet game.")
        out += [f"  {p}" for p in self.turning_points]
        if self.comparisons:
            out.append(f"The same game (seed {self.result.seed}) with your seat played by a strategy{self.note}:")
            out += [f"  {c.sentence(s, self.result)}" for c in self.comparisons]
        if self.what_ifs:
            out.append("Your decisions that mattered most (the same game with one of them changed back to the "
                       "suggestion):")
            out += [f"  {w.sentence(s, self.result)}" for w in self.what_ifs]
        return out


def default_compare(scenario: Scenario, seat: str) -> list[str]:
    """The instructor's ``scoring.compare``, else the seat's own strategy (what Enter plays)."""
    if scenario.scoring.compare:
        return list(scenario.scoring.compare)
    spec = scenario.countries[seat].strategy
    return [spec.params.get("default", "tit_for_tat") if spec.name == "human" else spec.name]


def counterfactual(result: RunResult, seat: str, strategy: str) -> RunResult:
    """The same scenario and seed with ``seat`` played by ``strategy`` (other seats by theirs)."""
    return api.run(result.scenario, seed=result.seed,
                   overrides={f"countries.{seat}.strategy": {"name": strategy, "params": {}}})


ORDER = {"offers": 0, "answer": 1, "actions": 2}  # the prompts of a turn, in order
MAX_WHAT_IFS = 3  # decisions shown
MAX_WHAT_IF_RUNS = 8  # decisions replayed to find them (each is a whole game)


def replay_without(session: Session, index: int) -> Session:
    """The session's game again (same scenario, seed and seats) with the move at ``inputs[index]``
    replaced by the suggestion. Later recorded moves are replayed where they still fit: a move
    for a prompt the new game no longer has is dropped, and a prompt the played game never had
    gets its suggestion."""
    other = Session(session.scenario, session.seats, session.seed, session.name)
    records, i = session.inputs, 0
    while not other.finished:
        prompt = other.prompt
        assert prompt is not None
        rec = records[i] if i < len(records) else None
        if rec is None:
            other.submit_default()
            continue
        where = (rec["turn"], ORDER.get(rec["kind"], 0))
        if (rec["turn"], rec["seat"], rec["kind"]) == (prompt.turn, prompt.seat, prompt.kind):
            i += 1
            if i - 1 == index:
                other.submit_default()
                continue
            try:
                other.replay(rec)
            except MoveError:
                other.submit_default()
        elif where < (prompt.turn, ORDER[prompt.kind]) or rec["kind"] == prompt.kind == "answer":
            i += 1  # a move for a prompt this game went past, or an answer to an offer it did not make
        else:
            other.submit_default()
    return other


def what_ifs(session: Session, seat: str, limit: int = MAX_WHAT_IFS) -> tuple[WhatIf, ...]:
    """The player's decisions that mattered most: each (of the first MAX_WHAT_IF_RUNS) changed
    back to the suggestion alone, ranked by how much the seat's score would have moved."""
    found = []
    for choice in [c for c in session.choices if c.seat == seat and c.index >= 0][:MAX_WHAT_IF_RUNS]:
        result = replay_without(session, choice.index).result()
        found.append(WhatIf(choice, result, score(result, seat)))
    mine = score(session.result(), seat).total
    found.sort(key=lambda w: -abs(w.score.total - mine))
    return tuple(w for w in found[:limit])


def make(result: RunResult, seat: str, compare: list[str] | None = None, seats: tuple[str, ...] = (),
         session: Session | None = None) -> Debrief:
    names = default_compare(result.scenario, seat) if compare is None else compare
    comparisons = []
    for name in names:
        other = counterfactual(result, seat, name)
        comparisons.append(Comparison(name, other, score(other, seat)))
    others = [s for s in seats if s != seat]
    note = f" (and {', '.join(others)} by their own strategies)" if others else ""
    chosen = None if session is None else {c.turn for c in session.choices
                                            if c.seat == seat and session.inputs[c.index]["kind"] == "actions"}
    return Debrief(seat, result, score(result, seat), explain(result, seat),
                   tuple(turning_points(result, seat, chosen)),
                   tuple(comparisons), note, what_ifs(session, seat) if session is not None else ())


def write_plots(debrief: Debrief, folder: Path) -> list[Path]:
    """The run's figures and the comparison of payoffs, as PNG files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = plots.save_all(debrief.result, folder)
    if debrief.comparisons:
        runs = {"your game": debrief.result, **{c.strategy: c.result for c in debrief.comparisons}}
        fig = plots.compare_payoffs(runs, debrief.seat)
        path = folder / f"comparison-{debrief.seat}.png"
        fig.savefig(path, dpi=110)
        paths.append(path)
    return paths


# --- the story -----------------------------------------------------------------------
def explain(result: RunResult, seat: str) -> str:
    """Whether the truce collapsed (when, why, started by whom), then its breaches and recoveries
    with the first breach and its cause."""
    sc, c, n = result.scenario, result.collapse, len(result.breaches)
    if c is None:
        text = f"it held for all {len(result.records)} turns"
        if not n:
            return text + "."
        text += f" (it never collapsed), though it was {_tally(result)}"
    else:
        who = "you" if c.country == seat else sc.countries[c.country].name
        text = f"it collapsed at {_when(sc, c.turn)}: {_collapse_cause(result)}, started by {who}"
        if not n:
            return text + "."
        text += f". It was {_tally(result)}"
    return f"{text}; {'the' if n == 1 else 'the first'} {_breach(result, result.breaches[0], seat)}."


def _tally(result: RunResult) -> str:
    n, healed = len(result.breaches), result.recoveries
    if n == 1:
        return "breached once and healed" if healed else "breached once and never healed"
    return f"breached {n} times and healed {healed} time{'s' if healed != 1 else ''}"


def _collapse_cause(result: RunResult) -> str:
    c = result.collapse
    assert c is not None
    if c.cause == "mutual_defection":
        k = result.scenario.world.collapse_after
        return f"both sides defected on their major pledges for {k} turn{'s' if k != 1 else ''} in a row"
    if c.cause == "withdrawal":
        return "a formal withdrawal"
    return f"{c.pledge} lapsed unrenewed: no renewal was offered and accepted in time"


def _breach(result: RunResult, b: Break, seat: str) -> str:
    """A breach and its cause: 'breach, at turn 2 (Jan 2026) by you over C5 (...): a deliberate ...'."""
    sc = result.scenario
    who = "you" if b.country == seat else sc.countries[b.country].name
    spec = _pledges(sc).get(b.pledge)
    what = f"{b.pledge} ({_short(spec[1].description.rstrip('.'))})" if spec else b.pledge
    text = f"breach, at {_when(sc, b.turn)} by {who} over {what}: {CAUSES[b.cause]}"
    if b.cause == "event":
        fired = [e.text for e in entries(result.log, EventFired) if e.turn <= b.turn and e.text]
        if fired:
            text += f' ("{_short(fired[-1], 120)}")'
    return text


def _why_lapsed(result: RunResult, pledge: str, turn: int) -> str:
    """Why a renewal failed, from the talks of its turn (issue 9)."""
    talks = [e for e in entries(result.log, OfferMade, turn)
             if any(getattr(c, "pledge", None) == pledge for c in e.offer.give + e.offer.ask)]
    if not talks:
        return ("no renewal was offered: the parties did not deal (trust below the minimum, or a defection "
                "just made) or saw no zone of agreement")
    last = talks[-1]
    if last.verdict == "counter":
        return f"{last.offer.receiver} countered {last.offer.proposer}'s last offer and no round was left"
    if last.verdict == "invalid":
        return f"{last.offer.proposer}'s last offer could not be made ({last.reason})"
    return f"{last.offer.receiver} {last.verdict}ed {last.offer.proposer}'s last offer"


def turning_points(result: RunResult, seat: str, chosen: set[int] | None = None) -> list[str]:
    """Events, agreements, refusals, tariff moves, first defections, every breach, every recovery
    and the collapse, by turn."""
    sc = result.scenario
    points: list[tuple[int, str]] = []
    seen: Counter = Counter()

    def add(turn: int, key: tuple, text: str) -> None:
        seen[key] += 1
        if seen[key] <= MAX_PER_KIND:
            points.append((turn, text))

    healing: Break | None = None  # the open breach a recovery heals
    surcharge: dict[tuple[str, str], float] = {}  # in force now, as the log goes
    rolled: dict[tuple[str, str], int] = {}  # the turn each surcharge was last rolled back by a deal
    for e in result.log:
        t = e.turn
        match e:
            case EventFired(text=text) if text:
                add(t, ("event", len(points)), f"event: {_short(text.split('. ')[0], 120)}")
            case OfferMade(offer=o, verdict="accept"):
                # a rollback of a surcharge that was not in force changed nothing: not a turning point
                kept = [c for c in o.give + o.ask
                        if not isinstance(c, Rollback) or surcharge.get((c.country, c.target), 0.0) > 0]
                for c in o.give + o.ask:
                    if isinstance(c, Rollback):
                        surcharge[(c.country, c.target)] = 0.0
                        rolled[(c.country, c.target)] = t
                if kept:
                    add(t, ("deal", len(points)), f"{o.proposer} and {o.receiver} agreed: "
                        + "; ".join(c.describe() for c in kept))
            case OfferMade(offer=o, verdict="reject" | "counter" as verdict) if seat in (o.proposer, o.receiver):
                add(t, ("refusal", o.proposer, o.receiver), f"{o.receiver} {verdict}ed {o.proposer}'s offer ("
                    + "; ".join(c.describe() for c in o.give + o.ask) + ")")
            case RetaliationSet(country=country, target=target, level=level):
                surcharge[(country, target)] = level
                if level > 0 and rolled.get((country, target)) == t:  # always told: it undoes the deal
                    points.append((t, f"{_who(country, seat)} re-imposed {'your' if country == seat else 'its'} "
                                      f"tariff surcharge on {target} ({100 * level:.0f} points) the same turn it "
                                      "was agreed to roll it back"))
                    continue
                text = (f"{country} raised its tariff surcharge on {target} to {100 * level:.0f} points"
                        if level > 0 else f"{country} lifted its tariff surcharge on {target}")
                add(t, ("tariff", country, target), text)
            case Lapse(pledge=pledge):
                add(t, ("lapse", pledge), f"{pledge} lapsed unrenewed ({_why_lapsed(result, pledge, t)})")
            case SnappedBack(pledge=pledge, country=country, target=target, tariff=tariff):
                add(t, ("snapback", pledge), f"with {pledge} lapsed, {country}'s tariff on {target} snapped back up "
                    f"{100 * tariff:.0f} points")
            case Breached(breach=breach):  # every breach, recovery and the collapse: the truce's own story
                healing = breach
                points.append((t, f"the truce was breached by {_who(breach.country, seat)} over {breach.pledge} "
                                  f"({breach.cause})"))
            case Recovered():
                since = f" (breached at turn {healing.turn})" if healing is not None else ""
                points.append((t, f"the breach healed: every major pledge honoured again{since}"))
                healing = None
            case Collapsed(collapse=c):
                points.append((t, f"the truce collapsed ({c.cause.replace('_', ' ')}, "
                                  f"started by {_who(c.country, seat)})"))
    threshold = sc.world.honour_threshold
    for pid, (giver, spec) in _pledges(sc).items():
        if seat not in (giver, spec.to):
            continue
        levels = result.pledge_levels.get(pid, [])
        first = next((t for t, v in enumerate(levels) if v is not None and v < threshold), None)
        if first is not None:
            # a defection the player did not choose was the suggestion: say so, not blame them for it
            suggested = giver == seat and chosen is not None and first not in chosen
            points.append((first, f"{_who(giver, seat)} defected on {pid} ({_short(spec.description.rstrip('.'))})"
                           + (" - the suggested move, which you played" if suggested else "")))
    points.sort(key=lambda p: p[0])  # stable: within a turn, the log's order
    return [f"{_when(sc, t)}: {text}" for t, text in points]


def _who(country: str, seat: str) -> str:
    return "you" if country == seat else country


def _truce_contrast(other: RunResult, played: RunResult) -> str:
    n = len(other.records)
    if other.collapse is None:
        text = ("and the truce would also have held" if played.collapse is None else
                f"and kept the truce to the end ({n} turns)")
    elif played.collapse is None:
        c = other.collapse
        text = f"but the truce would have collapsed at turn {c.turn} ({c.country}, {c.cause.replace('_', ' ')})"
    elif other.collapse.turn == played.collapse.turn:
        text = f"and the truce would also have collapsed at turn {other.collapse.turn}"
    else:
        text = (f"and the truce would have collapsed at turn {other.collapse.turn} "
                f"instead of turn {played.collapse.turn}")
    return text + _breach_contrast(other, played)


def _breach_contrast(other: RunResult, played: RunResult) -> str:
    """', with 2 breaches against your 1' ('' when neither game had one)."""
    k, mine = len(other.breaches), len(played.breaches)
    if not k and not mine:
        return ""
    plural = f"breach{'es' if k != 1 else ''}"
    return f", with {k} {plural} as in your game" if k == mine else f", with {k} {plural} against your {mine}"


def _pledges(sc: Scenario) -> dict:
    return {p.id: (cid, p) for cid, c in sc.countries.items() for p in c.pledges}


def _when(sc: Scenario, turn: int) -> str:
    return f"turn {turn} ({turn_label(sc, turn)})"


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
