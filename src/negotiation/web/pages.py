"""HTML pages and the fragments the websockets push, rendered from Jinja2 templates.

Everything a page shows is computed here from the room; the browser's script only swaps the
fragments in and sends forms back. A seat's page shows its fogged view (the instructor's
visibility rules); the dashboard shows the exact state.
"""

from __future__ import annotations

import time
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from negotiation.play.moves import describe_offer
from negotiation.play.session import Session
from negotiation.play.view import Reading, seat_history, seat_view, truce_line
from negotiation.results import RunResult, turn_label
from negotiation.web import charts, forms, security
from negotiation.web.debriefs import Ending
from negotiation.web.room import Player, Room

ENV = Environment(loader=PackageLoader("negotiation.web", "templates"), autoescape=select_autoescape(),
                  trim_blocks=True, lstrip_blocks=True)


def _reading(r: Reading, pct: bool = False, points: bool = False, fmt: str = "%.2f") -> str:
    """A number as the seat sees it: ≈ for an estimate, ? when hidden."""
    if r.value is None:
        return "?"
    approx = "≈" if r.sight == "noisy" else ""
    if pct:
        return f"{approx}{100 * r.value:.0f} %"
    return approx + (f"{100 * r.value:.0f}" if points else fmt % r.value)


def _mark(level: float | None) -> str:
    return "·" if level is None else "✓" if level >= 1.0 else "~" if level >= 0.5 else "✗"


ENV.globals.update(levels=forms.LEVELS, reading=_reading, mark=_mark, csrf_field=security.csrf_field)


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


def acting_seat(room: Room, player: Player) -> str:
    """The seat a player moves for now: the first of theirs still to move (a single student
    may hold several seats of a hot-seat save), else their first."""
    mine = [p.seat for p in room.pending() if p.seat in player.seats]
    return mine[0] if mine and room.phase not in ("waiting", "finished") else player.seats[0]


def seat_main(room: Room, seat: str, endings: dict[str, Ending] | None) -> str:
    """The body of a seat's page: its view, charts, and its move form (or what it waits for)."""
    session = room.session
    prompt = room.prompt_of(seat) if room.phase not in ("waiting", "finished") and not room.settings.paused else None
    form: Any = None
    why: list[str] = []
    if prompt is not None and prompt.kind == "offers":
        form = forms.offers_form(session, seat)
    elif prompt is not None and prompt.kind == "answer":
        form = forms.answer_form(session, prompt)
    elif prompt is not None:
        form, why = forms.actions_form(session, prompt), forms.actions_reasons(session, prompt)
    return render("seat_main.html", room=room, seat=seat, view=seat_view(session, seat), prompt=prompt, form=form,
                  why=why, offers=[forms.named_offer(session, o) for o in session.offers_to(seat)],
                  moved=room.moved.get(seat), waiting=_waiting(room), ending=(endings or {}).get(seat),
                  ending_due=endings is None and session.finished,
                  charts=charts.history_charts(seat_history(session, seat), seat))


def status(room: Room, seat: str | None) -> str:
    """The bar above a page: the phase, who is still to move, the timer."""
    return render("status.html", room=room, seat=seat, waiting=_waiting(room), deadline=_epoch_ms(room),
                  label=turn_label(room.session.scenario, min(room.session.turn, room.session.scenario.turns - 1)))


def dashboard(room: Room, endings: dict[str, Ending] | None, join_url: str) -> str:
    """The instructor's view: seats and people, the exact world, charts, controls."""
    session = room.session
    result = session.result()
    return render("dashboard_main.html", room=room, join_url=join_url, result=result,
                  countries=_countries(session, result), pledges=_pledges(session),
                  talks=_talks(session), waiting=_waiting(room), endings=endings or {},
                  market=session.market(),
                  charts=charts.history_charts(seat_history(session)), deadline=_epoch_ms(room),
                  status=session.status, truce=truce_line(session),
                  question=_question(session) if room.phase == "talks" else "")


def _question(session: Session) -> str:
    """The offer being answered."""
    prompt = session.prompt
    return describe_offer(prompt.question.offer) if prompt is not None and prompt.question is not None else ""


def _waiting(room: Room) -> list[str]:
    return [p.seat for p in room.pending()] if room.phase not in ("waiting", "finished") else []


def _epoch_ms(room: Room) -> int | None:
    """The timer's deadline in the browser's clock (milliseconds since the epoch)."""
    if room.deadline is None:
        return None
    return int(1000 * (time.time() + room.deadline - room.clock()))


def _countries(session: Session, result: RunResult) -> list[dict[str, Any]]:
    last, countries = (result.records[-1] if result.records else None), session.scenario.countries
    figures = {c: last.countries[c] if last else None for c in session.countries}
    cover = last.market.cover if last is not None and last.market is not None else {}
    return [{"id": c, "name": countries[c].name, "strategy": countries[c].strategy.name,
             "total": session.total(c), "payoff": f.payoff if f else None,
             "tariff": f.tariff_out if f else None, "controls": f.control_on if f else None,
             "stock": cover.get(c), "seat": c in session.seats} for c, f in figures.items()]


def _pledges(session: Session) -> list[dict[str, Any]]:
    return [{"id": p.id, "giver": p.giver, "receiver": p.receiver, "major": p.major,
             "end": p.end, "record": list(p.levels[-6:]), "seen": list(p.seen[-6:])}
            for p in session.pledges() if p.shown_at(session.turn)]


def _talks(session: Session) -> list[str]:
    return [f"{describe_offer(t.offer)} → {t.verdict}" for t in session.talks()]
