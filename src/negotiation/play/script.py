"""Scripted moves (``negotiation play --moves FILE``): a game played without prompts, for
autograding and tests.

The file (YAML or JSON) is a list with one entry per turn, turn 0 first, or a mapping from
turn numbers to entries. An entry maps a seat to its moves; anything left out plays the
seat's default move, as pressing Enter would::

    - CN:
        offers: none                      # default | none | [{to: US, give: [renew C1], ask: [renew U1]}]
        answers: accept                   # default | accept | reject | [accept, reject] | {US: reject}
        pledges: {C5: defect, C1: 0.5}    # default | honour | defect | a level | {PLEDGE: level}
        tariffs: {US: 0.1}                # default | {PARTNER: surcharge}, 0 de-escalates
        invest: 0.2                       # default | USD bn this turn
        stockpile: hold                   # default | draw | hold (keep the rare-earth stock for later)
    - {}                                  # turn 1: every default

A move the game refuses is reported as ``file:line: field: reason`` (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from negotiation.config.errors import ConfigError, Problem
from negotiation.config.yamlio import Origins, parse_yaml, read_bounded, read_yaml
from negotiation.observation import Decision, Offer, Response
from negotiation.play.moves import MoveError, parse_amount, parse_concession, parse_level, parse_stockpile
from negotiation.play.session import Prompt, Session

KEYS = ("offers", "answers", "pledges", "tariffs", "invest", "stockpile")


class Script:
    """Per-turn, per-seat moves read from a file; :meth:`move` builds the move for a prompt."""

    def __init__(self, turns: dict[int, dict[str, dict[str, Any]]], file: str, origins: Origins, keys: dict):
        self.turns, self.file, self.origins, self._keys = turns, file, origins, keys
        self._answered: dict[tuple[int, str], int] = {}
        self._asked: dict[tuple[int, str], list[str]] = {}  # who made offers to a seat, per turn
        self._checked = 0  # turns before this one have had their answers checked

    @classmethod
    def load(cls, source: str, stdin_text: str | None = None) -> Script:
        """Read a moves file, or standard input's text when ``source`` is '-'."""
        file, path = ("<stdin>", None) if source == "-" else (source, Path(source))
        raw = (stdin_text or "").encode() if path is None else (
            read_bounded(path) if path.exists() and not path.is_dir() else None)
        data: Any
        origins: Origins
        if raw is not None and not raw.strip():
            data, origins = [], {}  # no moves at all: every seat plays its defaults
        elif path is None:
            data, origins = parse_yaml(stdin_text or "", file)
        else:
            data, origins = read_yaml(path)
        if isinstance(data, list):
            entries = {n: (n, entry) for n, entry in enumerate(data)}
        elif isinstance(data, dict) and all(isinstance(k, int) or str(k).isdigit() for k in data):
            # JSON keys are text: "5" is turn 5
            entries = {int(k): (k, entry) for k, entry in data.items()}
        else:
            raise ConfigError([Problem(file, 1, "", "moves must be a list (one entry per turn) or a mapping "
                                                    "from turn numbers to entries")])
        turns, problems, keys = {}, [], {}
        for turn, (key, entry) in entries.items():
            entry = entry or {}
            if not isinstance(entry, dict) or not all(isinstance(v, dict) or v is None for v in entry.values()):
                problems.append(_problem(file, origins, (key,), "an entry maps each seat to its moves"))
                continue
            for seat, seat_moves in entry.items():
                for name in seat_moves or {}:
                    if name not in KEYS:
                        problems.append(_problem(file, origins, (key, seat, name),
                                                 f"unknown move; allowed: {', '.join(KEYS)}"))
            turns[turn] = {str(seat): dict(m or {}) for seat, m in entry.items()}
            keys[turn] = key
        if problems:
            raise ConfigError(problems)
        return cls(turns, file, origins, keys)

    def check_seats(self, session: Session) -> None:
        """Every scripted seat must be a seat of the game, every turn one of its turns."""
        problems = []
        for turn, entry in self.turns.items():
            if turn >= session.scenario.turns:
                problems.append(_problem(self.file, self.origins, (self._keys[turn],),
                                         f"turn {turn} is beyond the game's {session.scenario.turns} turns"))
            for seat in entry:
                if seat not in session.seats:
                    problems.append(_problem(self.file, self.origins, (self._keys[turn], seat),
                                             f"'{seat}' is not a seat of this game; seats: {', '.join(session.seats)}"))
        if problems:
            raise ConfigError(problems)

    def play(self, session: Session) -> None:
        """Submit the scripted (or default) move at the current prompt."""
        prompt = session.prompt
        assert prompt is not None
        if prompt.turn > self._checked:
            self.check_answers_used(prompt.turn)
        mine = self.turns.get(prompt.turn, {}).get(prompt.seat, {})
        # actions errors name their pledge or partner themselves; point at the seat's entry
        key = {"offers": "offers", "answer": "answers", "actions": ""}[prompt.kind]
        try:
            move = getattr(self, f"_{prompt.kind}")(session, prompt, mine)
            session.submit(move)
        except MoveError as exc:
            path = (self._keys.get(prompt.turn, prompt.turn), prompt.seat) + ((key,) if key and key in mine else ())
            raise ConfigError([_problem(self.file, self.origins, path, str(exc))]) from None

    def check_answers_used(self, before: int) -> None:
        """Refuse scripted answers of the turns before ``before`` to offers that never came: a
        script that silently does less than it says would grade the wrong game."""
        problems = []
        for turn in sorted(t for t in self.turns if self._checked <= t < before):
            for seat, mine in self.turns[turn].items():
                spec = mine.get("answers", "default")
                asked = self._asked.get((turn, seat), [])
                unused = ""
                if isinstance(spec, list) and len(spec) > len(asked):
                    unused = (f"{len(spec)} answers given but {len(asked)} offer(s) came to {seat} at turn {turn}; "
                              "the rest were never used")
                elif isinstance(spec, dict) and set(spec) != {"counter"}:
                    missing = [str(k) for k in spec if k not in asked]
                    if missing:
                        unused = (f"no offer from {', '.join(missing)} came to {seat} at turn {turn}, "
                                  "so this answer was never used")
                elif spec != "default" and not isinstance(spec, list) and not asked:
                    unused = f"no offer came to {seat} at turn {turn}, so this answer was never used"
                if unused:
                    problems.append(_problem(self.file, self.origins, (self._keys[turn], seat, "answers"), unused))
        self._checked = max(self._checked, before)
        if problems:
            raise ConfigError(problems)

    # --- one builder per prompt kind ------------------------------------------------
    def _offers(self, session: Session, prompt: Prompt, mine: dict) -> list[Offer]:
        spec = mine.get("offers", "default")
        if spec == "default":
            return prompt.default
        if spec == "none" or spec == []:
            return []
        if not isinstance(spec, list):
            raise MoveError("offers are default, none, or a list of {to, give, ask}")
        offers = []
        for item in spec:
            if not isinstance(item, dict) or not isinstance(item.get("to"), str) or set(item) - {"to", "give", "ask"}:
                raise MoveError(f"an offer is a mapping with to, give and ask, got {item!r}")
            offers.append(self._offer(prompt.seat, item))
        return offers

    @staticmethod
    def _offer(seat: str, item: dict) -> Offer:
        to = item["to"]
        give = tuple(parse_concession(c, seat, to) for c in item.get("give") or [])
        ask = tuple(parse_concession(c, to, seat) for c in item.get("ask") or [])
        return Offer(seat, to, give, ask)

    def _answer(self, session: Session, prompt: Prompt, mine: dict) -> Response:
        assert prompt.question is not None  # an answer prompt holds the offer to answer
        proposer = prompt.question.offer.proposer
        spec = mine.get("answers", "default")
        count = self._answered.get((prompt.turn, prompt.seat), 0)
        self._answered[(prompt.turn, prompt.seat)] = count + 1
        self._asked.setdefault((prompt.turn, prompt.seat), []).append(prompt.question.offer.proposer)
        if isinstance(spec, list):
            spec = spec[count] if count < len(spec) else "default"
        elif isinstance(spec, dict):
            spec = spec.get(proposer, "default")
        if spec == "default":
            return prompt.default
        if spec in ("accept", "reject"):
            return Response(spec)
        if isinstance(spec, dict) and set(spec) == {"counter"} and isinstance(spec["counter"], dict):
            return Response("counter", self._offer(prompt.seat, {"to": proposer,
                                                                 **spec["counter"]}))
        raise MoveError(f"an answer is default, accept, reject or {{counter: {{give, ask}}}}, got {spec!r}")

    def _actions(self, session: Session, prompt: Prompt, mine: dict) -> Decision:
        default: Decision = prompt.default
        limits = session.action_limits()
        levels = dict(default.levels)
        spec = mine.get("pledges", "default")
        if isinstance(spec, dict):
            levels.update({str(k): parse_level(v) for k, v in spec.items()})
        elif spec != "default":
            levels.update(dict.fromkeys(limits.pledges, parse_level(spec)))
        retaliation = dict(default.retaliation)
        tariffs = mine.get("tariffs", "default")
        if isinstance(tariffs, dict):
            retaliation.update({str(k): parse_amount(v, f"tariff surcharge on {k}", limits.surcharge_max)
                                for k, v in tariffs.items()})
        elif tariffs != "default":
            raise MoveError("tariffs are default or a mapping {PARTNER: surcharge}")
        invest = mine.get("invest", "default")
        amount = default.invest if invest == "default" else parse_amount(invest, "invest", limits.invest_max)
        stockpile = mine.get("stockpile", "default")
        hold = default.hold_stock if stockpile == "default" else parse_stockpile(stockpile)
        return Decision(levels, retaliation, amount, hold_stock=hold)


def _problem(file: str, origins: Origins, path: tuple, message: str) -> Problem:
    for cut in range(len(path), 0, -1):
        # a mapping's keys are recorded as written ('99'), a list's items by index (0)
        for key in (path[:cut], tuple(map(str, path[:cut]))):
            if key in origins:
                return Problem(file, origins[key][1], ".".join(map(str, path)), message)
    return Problem(file, None, ".".join(map(str, path)), message)
