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
from negotiation.play import reasons, saves
from negotiation.play.debrief import Debrief, write_plots
from negotiation.play.legal import OfferMenu
from negotiation.play.moves import MoveError, describe_offer, parse_amount, parse_level, parse_stockpile
from negotiation.play.script import Script
from negotiation.play.session import Prompt, Session
from negotiation.play.view import PledgeLine, Reading, SeatView, seat_view
from negotiation.results import turn_label

COMMANDS = "Commands: help · view · full · info C1 · save · quit"
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
               "0 de-escalates. It costs both sides trade welfare. 'keep' keeps every surcharge in force as it "
               "is; Enter plays the suggestion shown in brackets (keep, raise or remove). Examples: {examples}.",
    "invest": "Money spent now on allied processing capacity (USD bn this turn); it costs you now and adds "
              "capacity after the lead time, eroding China's leverage.",
    "stockpile": "Your rare-earth stockpile (months of consumption). 'draw': while China's controls cut your "
                 "supply, the stock fills the gap until it runs out (the default). 'hold': keep it for later - "
                 "this turn's cut is felt in full, and the stock still covers as many months of a later cut.",
}


CLEAR_SCROLLBACK = "\x1b[3J"
MORE = " (type full)"  # ends a line cut to the width whose whole text 'full' shows
MAX_PLEDGE_LINES = 6  # more pledges than this: the compact screen groups them by giver and receiver
VERDICT_WORDS = {"accept": "accepted", "reject": "rejected", "counter": "countered", "invalid": "found void"}


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
        self.told: dict[tuple[int, str], int] = {}  # talks of a turn already told to a seat
        self.briefed: set[str] = set()

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
        if prompt.seat not in self.briefed:
            self.briefed.add(prompt.seat)
            self._brief(prompt.seat)
        if (prompt.turn, prompt.seat) not in self.shown:
            self.shown.add((prompt.turn, prompt.seat))
            self.told[(prompt.turn, prompt.seat)] = len(self._talks_of(prompt.seat))
            self.show(seat_view(self.session, prompt.seat))
        else:
            self._tell(prompt.seat)

    def _brief(self, seat: str) -> None:
        """The scenario's briefing and the seat's own, once, before its first screen."""
        sc = self.session.scenario
        country = sc.countries[seat]
        text = " ".join(sc.description.split())
        mine = " ".join(country.description.split())
        body = "\n\n".join(t for t in (text, f"You play {country.name} ({seat}): {mine}" if mine else "") if t)
        if body:
            self.console.print(Panel(body, title=f"briefing · {sc.name}", border_style="cyan"))

    def _talks_of(self, seat: str) -> list:
        return [t for t in self.session.talks() if seat in (t.offer.proposer, t.offer.receiver)]

    def _tell(self, seat: str) -> None:
        """Print at once what became of the offers the seat made or answered since last told."""
        talks = self._talks_of(seat)
        key = (self.session.turn, seat)
        for talk in talks[self.told.get(key, 0):]:
            o = talk.offer
            why = f" ({talk.reason})" if talk.reason else ""
            if o.proposer == seat:
                who = self.session.scenario.countries[o.receiver].name
                text = f"{who} {VERDICT_WORDS[talk.verdict]} your offer{why}: {describe_offer(o)}"
            else:
                text = f"you {VERDICT_WORDS[talk.verdict]} {o.proposer}'s offer{why}: {describe_offer(o)}"
            style = "green" if talk.verdict == "accept" else "yellow"
            self.console.print(f"[{style}]→ {text}[/{style}]", highlight=False)
        self.told[key] = len(talks)

    def _hand_over(self, seat: str) -> None:
        self.console.clear()
        if self.console.is_terminal:  # and the scrollback, or the next player scrolls up to read the moves
            self.console.file.write(CLEAR_SCROLLBACK)
            self.console.file.flush()
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
                self.console.print(HELP[topic].format(examples=self._tariff_examples()) + "\n" + COMMANDS)
            elif word == "view":
                self.show(seat_view(self.session, self.current or self.session.seats[0]))
            elif word == "full":
                self.show_full(seat_view(self.session, self.current or self.session.seats[0]))
            elif word == "info" or word.startswith("info "):
                self._info(text[4:].strip())
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
                seat = self._asked().seat
                self.session.submit(offers)
                self._tell(seat)
                return
            except MoveError as exc:
                self._refuse(str(exc))

    def _ask_menu(self, menu: OfferMenu, what: str, reason: str = "") -> Offer | None:
        name = self.session.scenario.countries[menu.partner].name
        give = "  ".join(f"{o.code} {o.text}" for o in menu.options if o.side == "give") or "-"
        ask = "  ".join(f"{o.code} {o.text}" for o in menu.options if o.side == "ask") or "-"
        self.console.print(f"[bold]{what[0].upper() + what[1:]}[/bold] ({name}): you may give: {give}\n"
                           f"    you may ask: {ask}")
        suggested = " ".join(menu.default_codes()) or "none"
        self._suggest(reason or reasons.offers(self.session, self._asked().seat, menu.partner, menu.default))
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
        self._suggest(reasons.answer(self.session, question.offer.receiver, question.offer, question.default))
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
                seat = self._asked().seat
                self.session.submit(response)
                self._tell(seat)
                return
            except MoveError as exc:
                self._refuse(str(exc))

    def _response(self, verdict: str) -> Response | None:
        if verdict != "counter":
            return Response(verdict)
        question = self._asked().question
        assert question is not None
        why = reasons.counter(self.session, question.offer.receiver, question.offer, question.default)
        counter = self._ask_menu(self.session.counter_menu(), "counter-offer", why)
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
                hold = self._ask_stockpile(default, limits.stockpile)
                self.session.submit(Decision(levels, retaliation, invest, hold_stock=hold))
                return
            except MoveError as exc:
                self._refuse(str(exc))

    def _ask_pledges(self, default: Decision, pledges: tuple[str, ...]) -> dict[str, float]:
        levels = dict(default.levels)
        if not pledges:
            return levels
        self._suggest_levels(default, pledges)
        while True:
            text = self._ask("your pledges", _levels_text(default.levels, pledges), "pledges")
            try:
                return {**levels, **_parse_levels(text, pledges)}
            except MoveError as exc:
                self._refuse(str(exc))

    def _ask_tariffs(self, default: Decision, partners: tuple[str, ...], high: float) -> dict[str, float]:
        seat = self._asked().seat
        now = self.session.surcharges(seat)
        current = {p: now[p] for p in partners}
        suggested = {p: default.retaliation.get(p, current[p]) for p in partners}
        for p in partners:
            why = reasons.surcharge(self.session, seat, p, current[p], suggested[p])
            if why:
                self._suggest(f"surcharge on {p}: {why}")
        shown = surcharge_default(current, suggested)
        while True:
            text = self._ask("tariff surcharges", shown, "tariffs")
            if text.lower() == "keep":
                return {**default.retaliation, **current}
            try:
                return {**default.retaliation, **_parse_pairs(text, partners, lambda v, k: parse_amount(
                    v, f"tariff surcharge on {k}", high))}
            except MoveError as exc:
                self._refuse(str(exc))

    def _tariff_examples(self) -> str:
        partners = [c for c in self.session.countries if c != (self.current or self.session.seats[0])]
        p = partners[0] if partners else "US"
        return f"'{p} 0.1' (a 10-point surcharge on {p}), '{p} 0' (none on {p}), 'keep'"

    def _suggest(self, reason: str) -> None:
        if reason:
            self.console.print(f"[dim]suggested because {reason}[/dim]", highlight=False)

    def _suggest_levels(self, default: Decision, pledges: tuple[str, ...]) -> None:
        seat = self._asked().seat
        by_partner: dict[str, list[str]] = {}
        for p in self.session.pledges():
            if p.id in pledges:
                by_partner.setdefault(p.receiver, []).append(p.id)
        for partner, ids in by_partner.items():
            level = min(default.levels.get(i, 1.0) for i in ids)
            word = "honour" if level >= 1.0 else "defect on"
            self._suggest(f"{word} {', '.join(ids)}: " + reasons.stance(self.session, seat, partner, level))

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

    def _ask_stockpile(self, default: Decision, months: float | None) -> bool:
        if months is None:
            return default.hold_stock
        shown = "hold" if default.hold_stock else "draw"
        while True:
            text = self._ask(f"your stockpile ({months:.1f} months): draw or hold", shown, "stockpile")
            if not text:
                return default.hold_stock
            try:
                return parse_stockpile(text)
            except MoveError as exc:
                self._refuse(str(exc))

    # --- drawing -------------------------------------------------------------------
    def show(self, view: SeatView) -> None:
        """The compact screen: what a player needs to move, in about 20 lines at 80 columns."""
        c, width = self.console, self.console.width
        self._header(view)
        for text in view.events:
            c.print(f"[yellow bold]News:[/yellow bold] {text}", highlight=False)
        self._truce(view, compact=True)
        for i, text in enumerate(view.last_turn):
            c.print(_fit(("Last turn: " if i == 0 else "  ") + text, width), highlight=False)
        c.print(_partners_compact(view))
        if len(view.pledges) > MAX_PLEDGE_LINES:  # many pledges: a line per giver and receiver
            c.print(_fit("Pledges (* major; last turn ✓ honoured ~ partly ✗ defected · not in force; "
                         "R renew now; 'info C1' for one)", width), style="dim", highlight=False)
            for line in _pledge_groups(view):
                c.print(line, highlight=False)
        elif view.pledges:
            c.print(_fit("Pledges (* major; ✓ honoured ~ partly ✗ defected · not in force)", width),
                    style="dim", highlight=False)
            for p in view.pledges:
                c.print(_pledge_line(p, view.turn, width), highlight=False)
        for text in view.offers:
            c.print(f"Offer on the table: {text}", highlight=False)
        for text in view.talks:
            c.print(f"Talks this turn: {text}", highlight=False)
        for o in view.objectives:
            mark = "✓ met so far" if o.met else "so far"
            # cut to the line, saying where the whole text is (the screen must fit 24 lines)
            c.print(_fit(f"Objective ({o.points:g} points, {mark} {o.so_far}): {o.text}", width, MORE),
                    highlight=False)
        c.print(f"[dim]{COMMANDS}[/dim]")

    def show_full(self, view: SeatView) -> None:
        """Every table, each pledge's text cut to the width ('full')."""
        c = self.console
        self._header(view)
        for text in view.events:
            c.print(Panel(text, title="news", expand=False, border_style="yellow"))
        self._truce(view)
        if view.market is not None:
            m = view.market
            stock = "" if m.cover is None else f" · your stockpile {m.cover:.1f} months of consumption"
            c.print(f"Rare earths outside China: NdPr {_num(m.price_light, '{:,.0f}')} USD/kg, "
                    f"Dy/Tb {_num(m.price_heavy, '{:,.0f}')} USD/kg{stock}", highlight=False)
        for text in view.last_turn:
            c.print(f"Last turn: {text}", highlight=False)
        c.print(_partners_table(view))
        if view.pledges:
            c.print(_pledges_table(view, c.width))
        for text in view.offers:
            c.print(f"Offer on the table: {text}")
        for text in view.talks:
            c.print(f"Talks this turn: {text}")
        for o in view.objectives:
            c.print(f"Objective ({o.points:g} points{', met so far' if o.met else ''}): {o.text} - so far {o.so_far}",
                    highlight=False)
        c.print(f"[dim]{COMMANDS}[/dim]")

    def _header(self, view: SeatView) -> None:
        # turns are numbered from 0 as in the scenario files, so 'turn 6' is the instructor's 'turn: 6'
        left = view.turns - view.turn - 1
        self.console.rule(f"[bold]{view.name} ({view.seat})[/bold] · turn {view.turn} · {view.label} · "
                          f"{left} turn{'s' if left != 1 else ''} to go · {view.scenario}")

    def _truce(self, view: SeatView, compact: bool = False) -> None:
        last = "" if view.payoff is None else f"last turn {view.payoff:+,.2f}, "
        payoff = f"Truce: [bold]{view.truce}[/bold] · Your payoff: {last}total {view.total:,.2f} USD bn"
        world = f"Processing: allied {_pct(view.allied_share)}, China {_pct(view.china_share)}"
        if not compact:
            self.console.print(f"{payoff} · {world}", highlight=False)
            return
        # two lines at 80 columns: the truce and payoff; the world and, with a market, its prices
        self.console.print(payoff, highlight=False)
        m = view.market
        prices = "" if m is None else (f" · outside China NdPr {_num(m.price_light, '{:,.0f}')}, "
                                       f"Dy/Tb {_num(m.price_heavy, '{:,.0f}')} USD/kg")
        self.console.print(_fit(world + prices, self.console.width), highlight=False)

    def _info(self, code: str) -> None:
        """The whole of one pledge: its text, terms, dates and record."""
        seat = self.current or self.session.seats[0]
        view = seat_view(self.session, seat)
        found = next((p for p in view.pledges if p.id.lower() == code.lower()), None)
        if found is None:
            codes = ", ".join(p.id for p in view.pledges) or "none"
            self._refuse(f"'{code}' is not a pledge on your screen; type 'info' and one of: {codes}")
            return
        sc = self.session.scenario
        label = turn_label(sc, found.end) if found.end < sc.turns else "after the game"
        lines = [f"{found.id}{' (major: counts for the truce)' if found.major else ''}: "
                 f"{sc.countries[found.giver].name} ({found.giver}) to {sc.countries[found.receiver].name} "
                 f"({found.receiver})",
                 found.description,
                 f"instrument: {found.instrument}, level {found.amount:g}; {_ends(found, view.turn)} ({label})"
                 + (" - renewable now" if found.due else ""),
                 "record: " + (_record(found.record, found.sight).strip("-") or "none yet")
                 + (" (as you observed it)" if found.sight == "noisy" else "")]
        self.console.print(Panel("\n".join(lines), title=f"pledge {found.id}", expand=False), highlight=False)

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


def surcharge_default(current: dict[str, float], suggested: dict[str, float]) -> str:
    """What Enter does at the surcharge prompt, in words: keep, raise, cut or remove, per partner."""
    parts = []
    for p, now in current.items():
        new = suggested[p]
        if new == now and now > 0:
            parts.append(f"keep {p} {100 * now:.0f} points")
        elif new > now:
            parts.append(f"raise {p} to {100 * new:.0f} points")
        elif new < now:
            parts.append(f"remove {p} {100 * now:.0f} points" if new == 0 else
                         f"cut {p} to {100 * new:.0f} points")
    return ", ".join(parts) or "none: no surcharges"


def _fit(text: str, width: int, more: str = "") -> str:
    """One line of at most ``width`` characters (cut with an ellipsis, then ``more``: where to read it whole)."""
    return text if len(text) <= width else text[: max(1, width - 1 - len(more))].rstrip() + "…" + more


def _ends(p: PledgeLine, turn: int) -> str:
    """When a pledge ends: the turn it lapses at unless renewed (the same turn the refusals name)."""
    return "ends now" if p.end <= turn else f"ends at turn {p.end}"


def _pledge_line(p: PledgeLine, turn: int, width: int) -> str:
    due = " RENEW NOW" if p.due else ""
    record = _record(p.record, p.sight).replace(" ", "").strip("-")
    head = f" {p.id}{'*' if p.major else ' '} {p.giver}→{p.receiver} {_ends(p, turn)}{due} "
    head += f"{record} " if record else ""
    return _fit(head + p.description, width)


def _pledge_groups(view: SeatView) -> list[str]:
    """' CN→US: C1*✓R C2*✗ ...': each pledge as its code, its last record mark and R when due."""
    groups: dict[tuple[str, str], list[str]] = {}
    for p in view.pledges:
        last = _record(p.record[-1:], p.sight) if p.record else ""
        mark = "" if last in ("-", "hidden") else last
        groups.setdefault((p.giver, p.receiver), []).append(f"{p.id}{'*' if p.major else ''}{mark}"
                                                              f"{'R' if p.due else ''}")
    return [f" {a}→{b}: {' '.join(ids)}" for (a, b), ids in groups.items()]


def _partners_compact(view: SeatView) -> Table:
    # y/t: yours on them / theirs on you; controls: theirs on you; total: their payoff so far
    table = Table(box=None, pad_edge=False, show_edge=False, padding=(0, 1), header_style="dim")
    for col in ("partner", "trust", "tariff y/t", "surch. y/t", "controls", "total"):
        table.add_column(col, justify="left" if col == "partner" else "right", no_wrap=True)
    for p in view.partners:
        table.add_row(p.country, _num(p.trust), f"{100 * p.tariff_mine:.0f}/{_pct(p.tariff_theirs)}",
                      f"{100 * p.surcharge_mine:.0f}/{_num(p.surcharge_theirs, '{:.0f}', 100)}",
                      _num(p.controls_on_me), _num(p.total, "{:,.1f}"))
    return table


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
        table.add_row(p.id + (" *" if p.major else ""), f"{p.giver} → {p.receiver}", f"{_ends(p, view.turn)}{due}",
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
