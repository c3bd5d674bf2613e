"""The terminal front end: screens drawn with rich, answers read with plain ``input()``.

Every prompt has a default (Enter plays the seat's strategy's move) and understands
``help``, ``view`` (show the screen again), ``save`` and ``quit``. Bad input is refused with
the reason and asked again. The game is saved after every turn, on ``save``/``quit``, when
input ends and on Ctrl-C. With several seats (hot seat) a hand-over screen hides one
player's view from the next.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from negotiation.observation import Decision, Offer, Response
from negotiation.play import saves
from negotiation.play.debrief import Debrief, write_plots
from negotiation.play.legal import OfferMenu
from negotiation.play.moves import MoveError, describe_offer, parse_amount, parse_level
from negotiation.play.script import Script
from negotiation.play.session import Prompt, Session
from negotiation.play.view import Reading, SeatView, seat_view

COMMANDS = "Type 'help' for the choices, 'view' to see the screen again, 'save' to save, 'quit' to save and stop."
HELP = {
    "ready": "Press Enter when the player named above is at the keyboard.",
    "offers": "Offers trade concessions: what you give (g1, g2 ...) for what you ask (a1, a2 ...). Renewing a "
              "pledge keeps it in force another term; rolling back a tariff surcharge ends a tariff war. Type the "
              "codes to offer (e.g. 'g1 a1'), 'none' to make no offer, or Enter for the suggested offer.",
    "answer": "accept: the deal takes effect now. reject: nothing changes. counter: propose your own terms back "
              "(answered in the next round). Enter plays the suggestion: what your country's strategy would do.",
    "pledges": "For each of your pledges in force: honour (1), defect (0) or a level between (e.g. 0.5 or 50%). "
               "Partners see your compliance through noisy signals and answer it; a major pledge below half "
               "is a breach (it heals when honoured again); sustained mutual defection collapses the truce. "
               "Examples: 'C5 defect', 'C1 0.5, C9 defect', 'all honour'.",
    "tariffs": "A tariff surcharge is extra tariff on a partner's goods on top of those in force: retaliation. "
               "0 de-escalates. It costs both sides trade welfare. Examples: 'US 0.1' (10 points), 'US 0'.",
    "invest": "Money spent now on allied processing capacity (USD bn this turn); it costs you now and adds "
              "capacity after the lead time, eroding China's leverage.",
}


class Quit(Exception):
    """The player asked to save and stop (or input ended)."""


class Terminal:
    """Plays a session at one keyboard; ``read`` is ``input`` (tests may pass another)."""

    def __init__(self, session: Session, save_path: Path, console: Console, read: Callable[[str], str] = input,
                 script: Script | None = None, debrief: Callable[[Session], list[Debrief]] | None = None,
                 debrief_dir: Path | None = None):
        self.session, self.save_path, self.console, self.read = session, save_path, console, read
        self.script, self.make_debriefs, self.debrief_dir = script, debrief, debrief_dir
        self.hot_seat = len(session.seats) > 1 and script is None
        self.current: str | None = None
        self.shown: set[tuple[int, str]] = set()

    # --- the loop ------------------------------------------------------------------
    def play(self) -> int:
        """Play to the end (or until the player stops); the exit code."""
        try:
            while not self.session.finished:
                turn = self.session.turn
                if self.script is not None:
                    self._show_once()
                    self.script.play(self.session)
                else:
                    self._prompt()
                if self.session.turn != turn:
                    self._save()
        except Quit as stop:
            self._save()
            self.console.print(f"{stop} Game saved to [bold]{self.save_path}[/bold]. "
                               f"Resume with: negotiation play --load {self.save_path}")
            return 0
        except KeyboardInterrupt:
            self._save()
            self.console.print(f"\nInterrupted. Game saved to [bold]{self.save_path}[/bold]. "
                               f"Resume with: negotiation play --load {self.save_path}")
            return 130
        if self.script is not None:
            self.script.check_answers_used(self.session.turn + 1)
        self._save()
        self._finish()
        return 0

    def _save(self) -> None:
        saves.save(self.session, self.save_path)

    def _prompt(self) -> None:
        prompt = self.session.prompt
        assert prompt is not None
        if prompt.kind == "offers" and not self.session.offer_menus():
            self.session.submit([])  # nothing to trade this turn: no prompt, no hand-over
            return
        if self.hot_seat and prompt.seat != self.current:
            self._hand_over(prompt.seat)
        self._show_once()
        {"offers": self._ask_offers, "answer": self._ask_answer, "actions": self._ask_actions}[prompt.kind]()

    def _show_once(self) -> None:
        prompt = self.session.prompt
        assert prompt is not None
        self.current = prompt.seat
        if (prompt.turn, prompt.seat) not in self.shown:
            self.shown.add((prompt.turn, prompt.seat))
            self.show(seat_view(self.session, prompt.seat))

    def _hand_over(self, seat: str) -> None:
        self.console.clear()
        name = self.session.scenario.countries[seat].name
        self.console.print(Panel(f"Pass the keyboard to [bold]{name} ({seat})[/bold].\n"
                                 "Other players: please look away.", title="hot seat", expand=False))
        self._ask(f"{name}: press Enter when ready", "", "ready")
        self.shown.discard((self.session.turn, seat))

    # --- asking --------------------------------------------------------------------
    def _ask(self, question: str, default: str, topic: str) -> str:
        """One line of input; the commands are handled here and the question asked again."""
        while True:
            try:
                text = self.read(f"{question} [{default or 'Enter'}]> " if default else f"{question}> ").strip()
            except EOFError:
                raise Quit("Input ended before the game did.") from None
            word = text.lower()
            if word in ("help", "?"):
                self.console.print(HELP[topic] + "\n" + COMMANDS)
            elif word == "view":
                self.show(seat_view(self.session, self.current or self.session.seats[0]))
            elif word == "save":
                self._save()
                self.console.print(f"Saved to {self.save_path}.")
            elif word in ("quit", "exit"):
                raise Quit("Stopped.")
            else:
                return text

    def _refuse(self, reason: str) -> None:
        self.console.print(f"[red]Not possible:[/red] {reason}. Try again.")

    def _ask_offers(self) -> None:
        menus = self.session.offer_menus()
        while True:
            try:
                offers = [o for menu in menus for o in [self._ask_menu(menu, f"offer to {menu.partner}")] if o]
                self.session.submit(offers)
                return
            except MoveError as exc:
                self._refuse(str(exc))

    def _ask_menu(self, menu: OfferMenu, what: str) -> Offer | None:
        name = self.session.scenario.countries[menu.partner].name
        give = "  ".join(f"{o.code} {o.text}" for o in menu.options if o.side == "give") or "-"
        ask = "  ".join(f"{o.code} {o.text}" for o in menu.options if o.side == "ask") or "-"
        self.console.print(f"[bold]{what[0].upper() + what[1:]}[/bold] ({name}): you may give: {give}\n"
                           f"    you may ask: {ask}")
        suggested = " ".join(menu.default_codes()) or "none"
        while True:
            text = self._ask(what, suggested, "offers")
            if not text:
                return menu.default
            if text.lower() == "none":
                return None
            try:
                return menu.offer(self._asked().seat, re.split(r"[\s,]+", text.lower()))
            except MoveError as exc:
                self._refuse(str(exc))

    def _asked(self) -> Prompt:
        """The prompt being asked (there is one while the game runs)."""
        assert self.session.prompt is not None
        return self.session.prompt

    def _ask_answer(self) -> None:
        question = self._asked().question
        assert question is not None  # an answer prompt holds the offer to answer
        verdicts = ["accept", "reject"] + (["counter"] if question.can_counter else [])
        name = self.session.scenario.countries[question.offer.proposer].name
        self.console.print(Panel(describe_offer(question.offer), title=f"offer from {name}, round "
                                 f"{question.round + 1} of {self.session.scenario.negotiation.rounds}",
                                 expand=False))
        suggested = question.default.verdict
        while True:
            text = self._ask(f"answer: {' / '.join(verdicts)}", suggested, "answer").lower()
            verdict = next((v for v in verdicts if text and v.startswith(text)), None) if text else suggested
            if verdict is None:
                self._refuse(f"'{text}' is not an answer; choose {', '.join(verdicts)}")
                continue
            try:
                response = question.default if verdict == suggested and not text else self._response(verdict)
                if response is None:
                    continue
                self.session.submit(response)
                return
            except MoveError as exc:
                self._refuse(str(exc))

    def _response(self, verdict: str) -> Response | None:
        if verdict != "counter":
            return Response(verdict)
        counter = self._ask_menu(self.session.counter_menu(), "counter-offer")
        if counter is None:
            self._refuse("a counter-offer must give or ask for something")
            return None
        return Response("counter", counter)

    def _ask_actions(self) -> None:
        default: Decision = self._asked().default
        limits = self.session.action_limits()
        while True:
            try:
                levels = self._ask_pledges(default, limits.pledges)
                retaliation = self._ask_tariffs(default, limits.partners, limits.surcharge_max)
                invest = self._ask_invest(default, limits.invest_max)
                self.session.submit(Decision(levels, retaliation, invest))
                return
            except MoveError as exc:
                self._refuse(str(exc))

    def _ask_pledges(self, default: Decision, pledges: tuple[str, ...]) -> dict[str, float]:
        levels = dict(default.levels)
        if not pledges:
            return levels
        while True:
            text = self._ask("your pledges", _levels_text(default.levels, pledges), "pledges")
            try:
                return {**levels, **_parse_levels(text, pledges)}
            except MoveError as exc:
                self._refuse(str(exc))

    def _ask_tariffs(self, default: Decision, partners: tuple[str, ...], high: float) -> dict[str, float]:
        now = self.session.surcharges(self._asked().seat)
        current = {p: now[p] for p in partners}
        suggested = {p: default.retaliation.get(p, current[p]) for p in partners}
        shown = ", ".join(f"{p} {v:g}" for p, v in suggested.items() if v) or "no surcharges"
        while True:
            text = self._ask("tariff surcharges", shown, "tariffs")
            try:
                return {**default.retaliation, **_parse_pairs(text, partners, lambda v, k: parse_amount(
                    v, f"tariff surcharge on {k}", high))}
            except MoveError as exc:
                self._refuse(str(exc))

    def _ask_invest(self, default: Decision, high: float) -> float:
        if high <= 0:
            return default.invest
        while True:
            text = self._ask(f"invest in allied capacity, USD bn (0 to {high:.3g})", f"{default.invest:.3g}", "invest")
            if not text:
                return default.invest
            try:
                return parse_amount(text, "investment", high)
            except MoveError as exc:
                self._refuse(str(exc))

    # --- drawing -------------------------------------------------------------------
    def show(self, view: SeatView) -> None:
        c = self.console
        # turns are numbered from 0 as in the scenario files, so 'turn 6' is the instructor's 'turn: 6'
        left = view.turns - view.turn - 1
        c.rule(f"[bold]{view.name} ({view.seat})[/bold] · turn {view.turn} · {view.label} · "
               f"{left} turn{'s' if left != 1 else ''} to go · {view.scenario}")
        for text in view.events:
            c.print(Panel(text, title="news", expand=False, border_style="yellow"))
        last = "" if view.payoff is None else f"last turn {view.payoff:+,.2f}, "
        truce = view.truce
        c.print(f"Truce: [bold]{truce}[/bold] · Your payoff: {last}total {view.total:,.2f} "
                f"USD bn · Allied share of processing {_pct(view.allied_share)}, China's {_pct(view.china_share)}")
        if view.market is not None:
            m = view.market
            stock = "" if m.cover is None else f" · your stockpile {m.cover:.1f} months of consumption"
            c.print(f"Rare earths outside China: NdPr {_num(m.price_light, '{:,.0f}')} USD/kg, "
                    f"Dy/Tb {_num(m.price_heavy, '{:,.0f}')} USD/kg{stock}")
        c.print(_partners_table(view))
        if view.pledges:
            c.print(_pledges_table(view, c.width))
        for text in view.offers:
            c.print(f"Offer on the table: {text}")
        for text in view.talks:
            c.print(f"Talks this turn: {text}")
        for o in view.objectives:
            c.print(f"Objective{' (met so far)' if o.met else ''}: {o.text} - so far {o.so_far}")
        c.print(f"[dim]{COMMANDS}[/dim]")

    def _finish(self) -> None:
        self.console.rule("[bold]game over[/bold]")
        if self.make_debriefs is None:
            return
        for debrief in self.make_debriefs(self.session):
            for line in debrief.lines():
                self.console.print(line, highlight=False)
            if self.debrief_dir is not None:
                paths = write_plots(debrief, self.debrief_dir)
                self.console.print(f"Plots: {self.debrief_dir}/ ({', '.join(p.name for p in paths)})")


def _pct(reading: Reading) -> str:
    if reading.value is None:
        return "?"
    return f"{'≈' if reading.sight == 'noisy' else ''}{100 * reading.value:.0f} %"


def _num(reading: Reading, fmt: str = "{:.2f}", scale: float = 1.0) -> str:
    if reading.value is None:
        return "?"
    return ("≈" if reading.sight == "noisy" else "") + fmt.format(scale * reading.value)


def _partners_table(view: SeatView) -> Table:
    table = Table(title="partners (tariffs and surcharges: yours on them / theirs on you)", title_justify="left",
                  show_edge=False)
    for col in ("partner", "your trust", "tariffs", "surcharges", "controls on you", "their total"):
        table.add_column(col, justify="left" if col == "partner" else "right")
    for p in view.partners:
        table.add_row(p.country, _num(p.trust), f"{100 * p.tariff_mine:.0f} / {_pct(p.tariff_theirs)}",
                      f"{100 * p.surcharge_mine:.0f} / {_num(p.surcharge_theirs, '{:.0f}', 100)}",
                      _num(p.controls_on_me), _num(p.total, "{:,.1f}"))
    return table


def _record(values: tuple[float | None, ...], sight: str) -> str:
    if sight == "hidden":
        return "hidden"
    marks = {True: "✓", False: "✗"}
    return " ".join("·" if v is None else "~" if 0.5 <= v < 1.0 else marks[v >= 1.0] for v in values) or "-"


def _pledges_table(view: SeatView, width: int) -> Table:
    table = Table(title="pledges in force (* major; record: ✓ honoured, ~ partly, ✗ defected, · not in force; "
                        "partners' as you saw them)", title_justify="left", show_edge=False)
    for col in ("pledge", "from → to", "ends", "record", "what"):
        table.add_column(col, no_wrap=True)
    # the description gives way on a narrow terminal; the other columns need about 58 characters
    room = max(12, width - 58)
    for p in view.pledges:
        due = " [bold yellow]renew now[/bold yellow]" if p.due else ""
        table.add_row(p.id + (" *" if p.major else ""), f"{p.giver} → {p.receiver}", f"to turn {p.end - 1}{due}",
                      _record(p.record, p.sight), p.description if len(p.description) <= room
                      else p.description[: room - 1] + "…")
    return table


def _levels_text(levels: dict[str, float], pledges: tuple[str, ...]) -> str:
    values = {levels.get(p, 1.0) for p in pledges}
    if len(values) == 1:
        return f"all {_level_word(values.pop())}"
    return ", ".join(f"{p} {_level_word(levels.get(p, 1.0))}" for p in pledges)


def _level_word(level: float) -> str:
    return "honour" if level >= 1.0 else "defect" if level <= 0.0 else f"{level:g}"


def _parse_pairs(text: str, keys: tuple[str, ...], parse: Callable) -> dict[str, float]:
    """'US 0.1, JP 0' or 'all 0' into {key: value}; an empty text is no change."""
    out: dict[str, float] = {}
    if not text:
        return out
    words = re.split(r"[\s,]+", text.strip())
    if len(words) % 2:
        raise MoveError(f"'{text}' must be pairs of a name and a value, e.g. '{keys[0]} 0.5'")
    by_upper = {k.upper(): k for k in keys}
    for name, value in zip(words[::2], words[1::2], strict=True):
        targets = keys
        if name.lower() != "all":
            found = by_upper.get(name.upper())
            if found is None:
                raise MoveError(f"'{name}' is not one of {', '.join(keys)}")
            targets = (found,)
        for key in targets:
            out[key] = parse(value, key)
    return out


def _parse_levels(text: str, pledges: tuple[str, ...]) -> dict[str, float]:
    words = text.split()
    if len(words) == 1 and words[0]:
        return dict.fromkeys(pledges, parse_level(words[0]))
    return _parse_pairs(text, pledges, lambda v, k: parse_level(v))
