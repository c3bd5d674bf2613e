"""The moves a seat submits, as plain data and back: what saves store, moves files script and
a browser posts. Decoding refuses malformed data with a :class:`MoveError` saying why."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any

from negotiation.observation import Concession, Decision, NewPledge, Offer, Renew, Response, Rollback

LEVEL_WORDS = {"honour": 1.0, "honor": 1.0, "h": 1.0, "c": 1.0, "cooperate": 1.0,
               "defect": 0.0, "d": 0.0}
VERDICTS = ("accept", "reject", "counter")


class MoveError(ValueError):
    """A move that cannot be played; the message says why and what is allowed."""


def parse_level(value: Any) -> float:
    """A compliance level in [0, 1] from 'honour', 'defect', '50%', 0.5 or 1."""
    if isinstance(value, bool):
        raise MoveError(f"'{value}' is not a level; use honour, defect or a level from 0 to 1")
    if isinstance(value, str):
        text = value.strip().lower()
        if text in LEVEL_WORDS:
            return LEVEL_WORDS[text]
        scale = 100.0 if text.endswith("%") else 1.0
        try:
            value = float(text.rstrip("%")) / scale
        except ValueError:
            raise MoveError(f"'{value}' is not a level; use honour, defect, a level from 0 to 1 "
                            "or a percentage such as 50%") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise MoveError(f"level {value!r} is out of range; use honour (1), defect (0) or a level from 0 to 1")
    return float(value)


STOCKPILE_WORDS = {"draw": False, "hold": True}


def parse_stockpile(value: Any) -> bool:
    """'hold' (keep the stockpile for later: True) or 'draw' (use it when supply is cut: False)."""
    word = value.strip().lower() if isinstance(value, str) else value
    if word not in STOCKPILE_WORDS:
        raise MoveError(f"stockpile is 'draw' (use it while your supply is cut) or 'hold' (keep it for later), "
                        f"got {value!r}")
    return STOCKPILE_WORDS[word]


def parse_amount(value: Any, what: str, high: float) -> float:
    """A number from 0 to ``high`` (a tariff surcharge, an investment)."""
    if isinstance(value, str):
        text = value.strip().lower().rstrip("%")
        scale = 100.0 if value.strip().endswith("%") else 1.0
        try:
            value = float(text) / scale
        except ValueError:
            raise MoveError(f"{what} must be a number from 0 to {high:g}, got '{value}'") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise MoveError(f"{what} must be a number from 0 to {high:g}, got {value!r}")
    if not 0.0 <= value <= high + 1e-12:
        raise MoveError(f"{what} must be from 0 to {high:g}, got {value:g}")
    return float(value)


# --- plain data ----------------------------------------------------------------------
# the concession types by their tag in plain data
CONCESSIONS: dict[str, type[Renew] | type[Rollback] | type[NewPledge]] = {
    cls.kind: cls for cls in (Renew, Rollback, NewPledge)}


def concession_to_dict(c: Concession) -> dict[str, Any]:
    return {"kind": c.kind, **asdict(c)}


def concession_from_dict(data: Any) -> Concession:
    if not isinstance(data, dict) or data.get("kind") not in CONCESSIONS:
        raise MoveError(f"a concession is a mapping with kind renew, rollback or new, got {data!r}")
    cls = CONCESSIONS[data["kind"]]
    names = [f.name for f in fields(cls)]
    unknown = sorted(set(data) - {"kind", "pledge", "country", "target", "terms"})
    if unknown:
        raise MoveError(f"a concession has no field {', '.join(unknown)}")
    terms = data.get("terms")
    if terms is not None and not isinstance(terms, dict):
        raise MoveError("a new pledge's terms must be a mapping")
    for key in ("pledge", "country", "target"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise MoveError(f"a concession's {key} must be text, got {data[key]!r}")
    wrong = sorted(set(data) - {"kind", *names})
    missing = [n for n in names if data.get(n) is None]
    if wrong or missing:
        raise MoveError(f"a {data['kind']} concession has {', '.join(names)}"
                        + (f", not {', '.join(wrong)}" if wrong else f"; missing {', '.join(missing)}"))
    values: dict[str, Any] = {n: dict(data[n]) if n == "terms" else data[n] for n in names}
    return cls(**values)


def offer_to_dict(o: Offer) -> dict[str, Any]:
    return {"from": o.proposer, "to": o.receiver, "give": [concession_to_dict(c) for c in o.give],
            "ask": [concession_to_dict(c) for c in o.ask]}


def offer_from_dict(data: Any) -> Offer:
    if not isinstance(data, dict) or not isinstance(data.get("from"), str) or not isinstance(data.get("to"), str):
        raise MoveError(f"an offer is a mapping with from, to, give and ask, got {data!r}")
    sides = []
    for side in ("give", "ask"):
        items = data.get(side, [])
        if not isinstance(items, list):
            raise MoveError(f"an offer's '{side}' must be a list of concessions")
        sides.append(tuple(concession_from_dict(c) for c in items))
    return Offer(data["from"], data["to"], sides[0], sides[1])


def response_to_dict(r: Response) -> dict[str, Any]:
    out: dict[str, Any] = {"verdict": r.verdict}
    if r.counter is not None:
        out["counter"] = offer_to_dict(r.counter)
    return out


def response_from_dict(data: Any) -> Response:
    if not isinstance(data, dict) or data.get("verdict") not in VERDICTS:
        raise MoveError(f"an answer is accept, reject or counter, got {data!r}")
    counter = data.get("counter")
    if (data["verdict"] == "counter") != (counter is not None):
        raise MoveError("a counter needs its counter-offer, and only a counter has one")
    return Response(data["verdict"], offer_from_dict(counter) if counter is not None else None)


def decision_to_dict(d: Decision) -> dict[str, Any]:
    """Actions as plain data; ``hold_stock`` only when set, so a save without it reads as before."""
    out: dict[str, Any] = {"levels": dict(d.levels), "retaliation": dict(d.retaliation), "invest": d.invest}
    if d.hold_stock:
        out["hold_stock"] = True
    return out


def decision_from_dict(data: Any) -> Decision:
    if not isinstance(data, dict) or set(data) - {"levels", "retaliation", "invest", "hold_stock"}:
        raise MoveError(f"actions are a mapping of levels, retaliation, invest and hold_stock, got {data!r}")
    hold = data.get("hold_stock", False)
    if not isinstance(hold, bool):
        raise MoveError(f"hold_stock must be true or false, got {hold!r}")
    levels, retaliation = data.get("levels", {}), data.get("retaliation", {})
    if not isinstance(levels, dict) or not isinstance(retaliation, dict):
        raise MoveError("levels and retaliation must be mappings")
    invest = data.get("invest", 0.0)
    if isinstance(invest, bool) or not isinstance(invest, (int, float)):
        raise MoveError(f"invest must be a number, got {invest!r}")
    for mapping in (levels, retaliation):
        for key, value in mapping.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise MoveError(f"'{key}' must be a number, got {value!r}")
    return Decision({str(k): float(v) for k, v in levels.items()},
                    {str(k): float(v) for k, v in retaliation.items()}, float(invest), hold_stock=hold)


def encode(kind: str, move: Any) -> Any:
    """A move of a prompt ``kind`` (offers, answer, actions) as plain data."""
    if kind == "offers":
        return [offer_to_dict(o) for o in move]
    return response_to_dict(move) if kind == "answer" else decision_to_dict(move)


def decode(kind: str, data: Any) -> Any:
    """The move of a prompt ``kind`` from plain data; MoveError when malformed."""
    if kind == "offers":
        if not isinstance(data, list):
            raise MoveError(f"expected a list of offers, got {data!r}")
        return [offer_from_dict(o) for o in data]
    return response_from_dict(data) if kind == "answer" else decision_from_dict(data)


# --- words ---------------------------------------------------------------------------
def describe_offer(o: Offer, name: Callable[[Concession], str] | None = None) -> str:
    """'US gives: renew U1 | asks: renew C1'; ``name`` words each concession (default: its describe())."""
    word = name or (lambda c: c.describe())
    give = "; ".join(word(c) for c in o.give) or "nothing"
    ask = "; ".join(word(c) for c in o.ask) or "nothing"
    return f"{o.proposer} gives: {give} | asks: {ask}"


def parse_concession(value: Any, giver: str, receiver: str) -> Concession:
    """A concession from a moves file: 'renew C1', 'rollback' (the giver's surcharge on the
    receiver) or the plain-data form (needed for a new pledge)."""
    if isinstance(value, dict):
        return concession_from_dict(value)
    words = str(value).split()
    if len(words) == 2 and words[0].lower() == "renew":
        return Renew(words[1])
    if [w.lower() for w in words] in (["rollback"], ["roll", "back"]):
        return Rollback(giver, receiver)
    raise MoveError(f"'{value}' is not a concession; use 'renew PLEDGE', 'rollback' or a mapping with kind new")
