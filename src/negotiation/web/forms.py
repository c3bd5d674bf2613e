"""A seat's move as a browser form: what the form shows (options and defaults) and the move
made of the fields it sends back.

Fields are plain: ``offer.US`` a list of option codes (``g1``, ``a1``), ``verdict`` and
``counter`` (codes) for an answer, ``level.C1``, ``surcharge.US`` (points), ``invest``
(USD bn) and ``stockpile`` (draw or hold; only for a seat that holds one) for actions. A
field left out plays the suggestion (so ``{}`` is the suggested move; the page itself always
sends every field). Anything malformed or out of range is refused with a :class:`FieldError`
naming the field, so the page shows the reason beside it; the play core then checks the move
as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from negotiation.observation import Concession, Decision, Offer, Renew, Response
from negotiation.play import reasons
from negotiation.play.legal import OfferMenu
from negotiation.play.moves import MoveError, describe_offer, parse_amount, parse_level, parse_stockpile
from negotiation.play.session import Prompt, Session

MAX_FIELDS = 64
MAX_TEXT = 40
LEVELS = ((1.0, "honour"), (0.75, "75 %"), (0.5, "half"), (0.25, "25 %"), (0.0, "defect"))


class FieldError(MoveError):
    """A move refused because of one field: ``field`` is its name ('' for the whole form)."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field


# --- what the form shows --------------------------------------------------------------
@dataclass(frozen=True)
class MenuForm:
    field: str
    partner: str
    give: tuple[tuple[str, str, bool], ...]  # (code, text, checked)
    ask: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class Control:
    """One control: a pledge's level, a surcharge, the investment or the stockpile (value 1 hold,
    0 draw; ``high`` the months of consumption held)."""

    field: str
    label: str
    value: float
    high: float
    note: str = ""


def pledge_name(session: Session, pid: str, limit: int = 60) -> str:
    """'C1 (Suspend the October 2025 rare-earth export…)': a pledge by its code and what it is."""
    found = next((p for p in session.pledges() if p.id == pid), None)
    if found is None:
        return pid
    text = " ".join(found.description.rstrip(".").split())
    return f"{pid} ({text if len(text) <= limit else text[: limit - 1].rsplit(' ', 1)[0].rstrip(',;:') + '…'})"


def concession_name(session: Session, c: Concession) -> str:
    """A concession in words with its pledge named, not only coded ('renew C1 (Suspend the …)')."""
    return c.describe().replace(c.pledge, pledge_name(session, c.pledge)) if isinstance(c, Renew) else c.describe()


def named_offer(session: Session, offer: Offer) -> str:
    """An offer in words, each pledge named as the forms name it."""
    return describe_offer(offer, lambda c: concession_name(session, c))


def _named(session: Session, option: Any) -> str:
    """An option's text with its pledge named, not only coded."""
    return concession_name(session, option.concession)


def menu_form(menu: OfferMenu, field: str, session: Session | None = None) -> MenuForm:
    checked = set(menu.default_codes())
    pick = [(o.code, _named(session, o) if session is not None else o.text, o.code in checked)
            for o in menu.options]
    return MenuForm(field, menu.partner, tuple(p for p in pick if p[0].startswith("g")),
                    tuple(p for p in pick if p[0].startswith("a")))


def offers_form(session: Session, seat: str) -> list[MenuForm]:
    return [menu_form(m, f"offer.{m.partner}", session) for m in session.offer_menus(seat)]


def answer_form(session: Session, prompt: Prompt) -> dict[str, Any]:
    question = prompt.question
    assert question is not None
    verdicts = ["accept", "reject"] + (["counter"] if question.can_counter else [])
    counter = menu_form(session.counter_menu(), "counter", session) if question.can_counter else None
    return {"offer": named_offer(session, question.offer), "proposer": question.offer.proposer,
            "why": reasons.answer(session, prompt.seat, question.offer, question.default),
            "round": question.round + 1, "rounds": session.scenario.negotiation.rounds,
            "verdicts": verdicts, "default": question.default.verdict, "counter": counter,
            "counter_why": reasons.counter(session, prompt.seat, question.offer, question.default)
            if counter is not None and question.default.verdict == "counter" else ""}


def actions_reasons(session: Session, prompt: Prompt) -> list[str]:
    """Why the actions form is filled in as it is: per partner, the suggested stance and surcharge."""
    seat, default = prompt.seat, prompt.default
    now = session.surcharges(seat)
    out = []
    mine: dict[str, list[str]] = {}
    for p in session.pledges():
        if p.id in default.levels:
            mine.setdefault(p.receiver, []).append(p.id)
    for partner, ids in mine.items():
        level = min(default.levels[i] for i in ids)
        word = "honour" if level >= 1.0 else "defect on"
        out.append(f"{word} {', '.join(ids)}: {reasons.stance(session, seat, partner, level)}")
    for partner, value in now.items():
        why = reasons.surcharge(session, seat, partner, value, default.retaliation.get(partner, value))
        if why:
            out.append(f"surcharge on {partner}: {why}")
    return out


def actions_form(session: Session, prompt: Prompt) -> dict[str, list[Control]]:
    seat, default = prompt.seat, prompt.default
    limits = session.action_limits(seat)
    pledges = {p.id: p for p in session.pledges()}
    now = session.surcharges(seat)
    return {
        "pledges": [Control(f"level.{pid}", pid, default.levels.get(pid, 1.0), 1.0, pledges[pid].description)
                    for pid in limits.pledges],
        "surcharges": [Control(f"surcharge.{p}", p, 100 * default.retaliation.get(p, now[p]),
                               100 * limits.surcharge_max, session.scenario.countries[p].name)
                       for p in limits.partners],
        "invest": [Control("invest", "invest", default.invest, limits.invest_max)] if limits.invest_max > 0 else [],
        "stockpile": [] if limits.stockpile is None else [
            Control("stockpile", "stockpile", float(default.hold_stock), limits.stockpile)],
    }


# --- the move made of the fields --------------------------------------------------------
def move_of(session: Session, prompt: Prompt, fields: Any) -> Any:
    """The core move of ``prompt`` made from the browser's fields (FieldError when malformed)."""
    if not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
        raise FieldError("", "a move is a mapping of form fields")
    return {"offers": _offers, "answer": _answer, "actions": _actions}[prompt.kind](session, prompt, fields)


def _codes(fields: dict[str, Any], name: str, menu: OfferMenu) -> list[str]:
    value = fields.get(name, list(menu.default_codes()))
    if not isinstance(value, list) or len(value) > MAX_FIELDS or \
            not all(isinstance(c, str) and len(c) <= MAX_TEXT for c in value):
        raise FieldError(name, "expected a list of option codes")
    return value


def _offers(session: Session, prompt: Prompt, fields: dict[str, Any]) -> list[Offer]:
    menus = {f"offer.{m.partner}": m for m in session.offer_menus(prompt.seat)}
    _only(fields, menus)
    offers = []
    for name, menu in menus.items():
        try:
            offer = menu.offer(prompt.seat, _codes(fields, name, menu))
        except FieldError:
            raise
        except MoveError as exc:
            raise FieldError(name, str(exc)) from None
        if offer is not None:
            offers.append(offer)
    return offers


def _answer(session: Session, prompt: Prompt, fields: dict[str, Any]) -> Response:
    _only(fields, {"verdict", "counter"})
    question = prompt.question
    verdict = fields.get("verdict", prompt.default.verdict)
    assert question is not None
    allowed = ("accept", "reject", "counter") if question.can_counter else ("accept", "reject")
    if verdict not in allowed:
        raise FieldError("verdict", f"answer {', '.join(allowed[:-1])} or {allowed[-1]}")
    if verdict != "counter":
        return Response(verdict)
    menu = session.counter_menu()
    try:
        counter = menu.offer(prompt.seat, _codes(fields, "counter", menu))
    except FieldError:
        raise
    except MoveError as exc:
        raise FieldError("counter", str(exc)) from None
    if counter is None:
        raise FieldError("counter", "a counter-offer must give or ask for something")
    return Response("counter", counter)


def _actions(session: Session, prompt: Prompt, fields: dict[str, Any]) -> Decision:
    form = actions_form(session, prompt)
    controls = {c.field: c for group in form.values() for c in group}
    _only(fields, controls)
    default: Decision = prompt.default
    levels, retaliation, invest = dict(default.levels), dict(default.retaliation), default.invest
    hold = default.hold_stock
    for name, value in fields.items():
        text = _text(name, value)
        kind, _, key = name.partition(".")
        if text.strip() == _shown(controls[name]):  # sent back as shown: the exact suggestion, not its rounding
            continue
        try:
            if kind == "level":
                levels[key] = parse_level(text)
            elif kind == "surcharge":
                retaliation[key] = parse_amount(text, f"tariff surcharge on {key} (points)",
                                                controls[name].high) / 100
            elif kind == "stockpile":
                hold = parse_stockpile(text)
            else:
                invest = parse_amount(text, "investment (USD bn this turn)", controls[name].high)
        except MoveError as exc:
            raise FieldError(name, str(exc)) from None
    return Decision(levels, retaliation, invest, hold_stock=hold)


def _shown(control: Control) -> str:
    """A control's value as the form shows it (the template's formats)."""
    if control.field == "stockpile":
        return "hold" if control.value else "draw"
    return f"{control.value:.3g}" if control.field == "invest" else f"{control.value:g}"


def _only(fields: dict[str, Any], allowed: Any) -> None:
    unknown = [str(k)[:MAX_TEXT] for k in fields if k not in allowed]
    if unknown:
        raise FieldError("", f"no field '{unknown[0]}' in this form")


def _text(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float) or len(str(value)) > MAX_TEXT:
        raise FieldError(name, "expected a number")
    return str(value)


# --- words -------------------------------------------------------------------------------
def describe(kind: str, move: Any) -> str:
    """A move in a few words, for the seat's teammates and the dashboard."""
    if kind == "offers":
        return "; ".join(describe_offer(o) for o in move) or "no offer"
    if kind == "answer":
        return move.verdict + (f" with {describe_offer(move.counter)}" if move.counter else "")
    parts = [f"{pid} {'defect' if v <= 0 else 'honour' if v >= 1 else f'at {v:g}'}" for pid, v in move.levels.items()]
    parts += [f"surcharge on {p} {100 * v:g} points" for p, v in move.retaliation.items() if v > 0]
    if move.invest > 0:
        parts.append(f"invest {move.invest:.3g}")
    if move.hold_stock:
        parts.append("hold the stockpile")
    return ", ".join(parts) or "no actions"
