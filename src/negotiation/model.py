"""TruceModel (a Mesa 3 model) and Country (a Mesa agent): the turn protocol of DESIGN.md.

One step is one turn: events, negotiation, simultaneous actions, noisy observation,
payoffs, world update, truce status.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from types import MappingProxyType
from typing import Any

import mesa
import numpy as np

from negotiation import deals, payoffs, tariffs, truce
from negotiation.config.constants import TURNS_PER_YEAR
from negotiation.config.models import Scenario
from negotiation.config.resolve import DEFAULT_SCENARIO, resolve, with_overrides
from negotiation.history import (
    Breached,
    Collapsed,
    CountryTurn,
    EventFired,
    Lapse,
    LogEntry,
    OfferMade,
    Recovered,
    RetaliationSet,
    TurnRecord,
    entries,
)
from negotiation.negotiation import Bargaining, new_pledge_spec, proposals
from negotiation.observation import Decision, Observation, Offer, Renew, Stakes
from negotiation.reporters import outcome_reporters
from negotiation.stakes import Outlook, Relation, stakes
from negotiation.strategies import Strategy, make_strategy
from negotiation.supply import OUTLOOK_TURNS, Supply
from negotiation.world import PledgeState, World

# pledges whose worth acts through the world's tariffs and controls, not as a transfer
_THROUGH_WORLD = ("tariff", "export_control")

# named random streams (SeedSequence spawn keys): a run that differs in one decision or one
# parameter draws the same shocks, market draws (project kinds, lead times, fates) and
# observation noise
EVENTS, MARKET, NOISE, COUNTRY = 1, 2, 3, 4


def _stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _key(name: str) -> int:
    return zlib.crc32(name.encode())


def _seed_of(rng: Any, default: int) -> int:
    """The integer root seed of a run from Mesa's ``rng`` argument (int-like, None or a Generator)."""
    if rng is None:
        return int(default)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63))
    return int(rng)


class Country(mesa.Agent):
    """A country at the table: its strategy and its running payoff."""

    def __init__(self, model: TruceModel, cid: str, index: int, strategy: Strategy):
        super().__init__(model)
        self.cid = cid
        self.index = index
        self.strategy = strategy
        self.payoff = 0.0
        self.total = 0.0


class TruceModel(mesa.Model):
    """The truce game as a Mesa model.

    ``scenario`` is a :class:`Scenario`, a built-in name or a path; keyword overrides are
    dotted scenario keys (``**{"market.lead_time_scale": 0.5}``), which is how
    ``mesa.batch_run`` passes parameters. Without ``rng`` the scenario's seed is used.
    """

    def __init__(self, scenario: Scenario | str | Path = DEFAULT_SCENARIO, rng: Any = None,
                 collect: bool = True, **overrides: Any):
        if not isinstance(scenario, Scenario):
            scenario = resolve(scenario, overrides or None)
        elif overrides:
            scenario = with_overrides(scenario, overrides)
        self.seed = _seed_of(rng, scenario.seed)
        super().__init__(rng=self.seed)
        self.config = scenario
        self.world = World.from_scenario(scenario)
        # the instruments in force before anyone moves: the pledges of turn 0 honoured
        self.world.apply_levels({p.id: 1.0 for p in self.world.pledges if p.active(0)})
        self.ids = self.world.ids
        self.index = {c: i for i, c in enumerate(self.ids)}
        self.countries = [Country(self, cid, i, make_strategy(c.strategy))
                          for i, (cid, c) in enumerate(scenario.countries.items())]
        n = len(self.ids)
        self.turn = 0
        self.running = True
        self.event_rng = _stream(self.seed, EVENTS)
        # the rare-earth market (negotiation.supply), when the scenario has a supplier
        self.supply = Supply(scenario, _stream(self.seed, MARKET)) if self.world.supplier is not None else None
        self._sync_shares()
        self.streams = {c.cid: _stream(self.seed, COUNTRY, _key(c.cid)) for c in self.countries}
        self._noise: dict[str, np.random.Generator] = {}
        # the truce: the first breach (kept as ``broken`` for readers of one incident), every
        # breach, the open one, recoveries, and the collapse
        self.broken: truce.Break | None = None
        self.breaches: list[truce.Break] = []
        self.open_breach: truce.Break | None = None
        self.recoveries = 0
        self.collapse: truce.Collapse | None = None
        self._spell: list[truce.Break] = []
        self.mutual_turns = 0
        self.major_turns = [0, 0]  # honoured, in force
        self.status = truce.HOLDS
        # per directed pair (i, j): i's mean level towards j, and what j saw of it, per turn
        self.actual: dict[tuple[int, int], list[float | None]] = {}
        self.seen: dict[tuple[int, int], list[float | None]] = {}
        self.pledge_levels: dict[str, list[float | None]] = {p.id: [] for p in self.world.pledges}
        self.pledge_seen: dict[str, list[float | None]] = {p.id: [] for p in self.world.pledges}
        self.records: list[TurnRecord] = []
        self.log: list[LogEntry] = []
        self.totals = np.zeros(n)
        self._games = [(self.index[g.players[0]], self.index[g.players[1]], (g.T, g.R, g.P, g.S))
                       for g in scenario.games]
        self._game_table = {**{(a, b): g for a, b, g in self._games}, **{(b, a): g for a, b, g in self._games}}
        self._game_partners = [{b if a == i else a for a, b, _ in self._games if i in (a, b)} for i in range(n)]
        self._invest_budget = np.array([c.preferences.invest_share * c.resources.investment_budget / TURNS_PER_YEAR
                                        for c in scenario.countries.values()])
        self._parties = {(p.giver, p.receiver) for p in self.world.pledges if p.spec.major}
        # the tariff block (terms of trade, revenue, deadweight; P11, P12): free-trade flows per pair
        self.imports = deals.free_trade_imports(scenario)
        self.tariff_params = deals.tariff_params(scenario.world)
        self.collect = collect
        # observations are cached per turn until an agreement or an event changes the state
        self.changes = 0
        self._views: dict[int, tuple[tuple[int, int], Observation]] = {}
        self._views_at_talks: dict[str, Observation] = {}
        self.datacollector = mesa.DataCollector(
            # the outcome columns too, so mesa.batch_run collects held, break_turn, breaker, ...
            model_reporters={"turn": "turn", "status": "status", **outcome_reporters(self)},
            agent_reporters={"country": "cid", "payoff": "payoff", "total": "total"},
        )

    # --- the turn ------------------------------------------------------------------
    # ``step`` is the whole turn; the play front ends drive the same phases one by one, so a
    # person can read the offers before answering them: open_turn, talks, decisions, close_turn.
    def step(self) -> None:
        offered = self.open_turn()
        if offered is not None:
            self.talks(offered).next()
        self.close_turn(self.decisions())

    def open_turn(self) -> dict[str, list[Offer]] | None:
        """Events fire, then every country proposes its offers (None when negotiation is off)."""
        self._events(self.turn)
        if not self.config.negotiation.enabled:
            return None
        self._views_at_talks, offered = proposals(self)
        return offered

    def talks(self, offered: dict[str, list[Offer]], seated: frozenset[str] = frozenset()) -> Bargaining:
        """The negotiation of this turn over the offers of :meth:`open_turn`, in country order;
        it stops for an answer from each country in ``seated``."""
        offers = [o for c in self.countries for o in offered.get(c.cid, ())]
        return Bargaining(self, self.turn, self._views_at_talks, offers, seated)

    def decisions(self) -> list[Decision]:
        """Unrenewed pledges lapse, then every country decides its moves for this turn."""
        self._lapses(self.turn)
        return [c.strategy.decide(self.observe(c.index), self.streams[c.cid]) for c in self.countries]

    def close_turn(self, decisions: list[Decision]) -> None:
        """Apply the decisions (one per country, in order): observation, payoffs, world, truce."""
        t = self.turn
        levels = self._levels(decisions, t)
        self._retaliate(decisions)
        self.world.apply_levels(levels)
        if self.supply is not None:
            # a country that holds its stockpile keeps it this month (the default draws on it)
            self.supply.clear(self.world.supplier_controls(), np.array([d.hold_stock for d in decisions], dtype=float))
        seen = self._observe(levels, t)
        worth = {p.id: self._pledge_worth(p)[0] for p in self.world.pledges if p.id in levels}
        pair_levels, pair_seen = self._pair_means(levels, worth), self._pair_means(seen, worth)
        terms = self._terms(levels, pair_levels, decisions)
        pay = terms.total(self.world.weights)
        self.totals += pay
        for c in self.countries:
            c.payoff, c.total = float(pay[c.index]), float(self.totals[c.index])
        self._update_world(decisions, pair_levels, pair_seen, t)
        self._truce(levels, seen, pair_levels, decisions, t)
        self._record(t, pay, terms, levels)
        if self.collect:
            self.datacollector.collect(self)
        self.turn += 1
        if self.turn >= self.config.turns:
            self.running = False

    def run(self) -> None:
        while self.running:
            self.step()

    # --- events --------------------------------------------------------------------
    def _events(self, t: int) -> None:
        shocks = self.config.world.channels.shocks
        for event in self.config.events:
            # a random shock draws every turn, whatever happens and whether or not shocks are
            # switched on, so the stream of draws depends on nothing else
            if event.turn is not None:
                fires = event.turn == t
            else:
                fires = bool(self.event_rng.random() < (event.probability or 0.0)) and shocks
            if fires:
                self._fire(event, t)

    def _fire(self, event, t: int) -> None:
        w = self.world
        if event.kind == "set_control" and event.good is not None:
            # a control on one good acts on the market directly, outside the pledges' accounting
            if self.supply is not None and self.index[event.country] == w.supplier:
                self.supply.set_control(self.index[event.target], event.good, event.value)
        elif event.kind in ("set_control", "set_tariff"):
            # 'value' is the new level; 'add' changes the level in force ('slaps a 25 % tariff': add 0.25)
            grid = w.base_controls if event.kind == "set_control" else w.base_tariffs
            i, j = self.index[event.country], self.index[event.target]
            level = event.value if event.add is None else float(grid[i, j]) + event.add
            grid[i, j] = float(np.clip(level, 0, 1)) if event.kind == "set_control" else max(0.0, level)
        elif event.kind == "suspend_pledge":
            # a suspension lasts its duration, a drawn one, or one turn, after which the giver
            # decides again whether to honour (it may lift the suspension at once)
            turns = event.duration or 1
            if event.mean_duration is not None:
                turns = int(self.event_rng.geometric(1.0 / event.mean_duration))
            for p in w.pledges:
                if p.id == event.pledge:
                    p.suspended_until = max(p.suspended_until, t + turns)
        elif event.kind == "capacity_shock" and self.supply is not None:
            self.supply.shock(event.value)
            self._sync_shares()
        elif event.kind == "withdraw" and self.collapse is None:
            self._collapse(truce.Collapse(t, event.country, "withdrawal"))
        self.changes += 1
        self.log.append(EventFired(t, event.kind, event.text))

    # --- pledges --------------------------------------------------------------------
    def active_pledges(self, t: int) -> list[PledgeState]:
        return [p for p in self.world.pledges if p.active(t)]

    def add_pledge(self, giver: str, terms: dict, t: int) -> PledgeState:
        """Make an accepted 'new pledge' concession a pledge in force from this turn."""
        spec = new_pledge_spec(self, terms, t)
        state = PledgeState(spec, self.index[giver], self.index[spec.to], end=spec.end, start=spec.start)
        self.world.pledges.append(state)
        self.changes += 1
        self.pledge_levels[spec.id] = [None] * t
        self.pledge_seen[spec.id] = [None] * t
        return state

    def _lapses(self, t: int) -> None:
        lapsed = [p for p in self.world.pledges if p.end == t]
        for p in lapsed:
            self.log.append(Lapse(t, p.id))
            deals.snap_back(self.world, p, self.log, t, self.ids)
        major = [p for p in lapsed if p.spec.major]
        if major and self.collapse is None:
            talks = [(e.offer.proposer, e.offer.receiver,
                      {c.pledge for c in e.offer.give + e.offer.ask if isinstance(c, Renew)},
                      e.verdict)
                     for e in entries(self.log, OfferMade, t)]
            p = major[0]
            who = truce.lapse_blame(p.id, self.ids[p.giver], talks)
            self._breach(truce.Break(t, who, p.id, "lapsed"))
            self._collapse(truce.Collapse(t, who, "lapsed", p.id))

    def _levels(self, decisions: list[Decision], t: int) -> dict[str, float]:
        levels: dict[str, float] = {}
        for p in self.active_pledges(t):
            level = decisions[p.giver].levels.get(p.id, 1.0)
            levels[p.id] = 0.0 if p.suspended(t) else min(1.0, max(0.0, float(level)))
        return levels

    def _retaliate(self, decisions: list[Decision]) -> None:
        for i, decision in enumerate(decisions):
            for partner, level in decision.retaliation.items():
                j, level = self.index[partner], max(0.0, level)
                if level != self.world.retaliation[i, j]:
                    # logged so debriefs and reports can show when a tariff war started and ended
                    self.log.append(RetaliationSet(self.turn, self.ids[i], partner, level))
                self.world.retaliation[i, j] = level

    def _observe(self, levels: dict[str, float], t: int) -> dict[str, float]:
        seen = {}
        scale = self.config.world.noise_scale if self.config.world.channels.noise else 0.0
        for p in self.world.pledges:
            # each pledge has its own noise stream, drawn once a turn whether or not it is in
            # force, so what one pledge's receiver sees never shifts another's draws
            rng = self._noise.get(p.id)
            if rng is None:
                rng = self._noise[p.id] = _stream(self.seed, NOISE, _key(p.id))
                rng.random(t)  # a pledge made later starts where it would have been at turn 0
            draw = rng.random()
            level = levels.get(p.id)
            if level is not None and p.spec.noise > 0 and draw < min(1.0, p.spec.noise * scale):
                seen[p.id] = 1.0 - level
            elif level is not None:
                seen[p.id] = level
            if p.id in seen and p.spec.instrument == "investment":
                # money is judged on what was disbursed over time, not on one month's reading
                seen[p.id] = deals.disbursed(self.pledge_seen[p.id], seen[p.id])
            self.pledge_levels[p.id].append(level)
            self.pledge_seen[p.id].append(seen.get(p.id))
        return seen

    # --- payoffs ---------------------------------------------------------------------
    def _terms(self, levels: dict[str, float], pair_levels: dict[tuple[int, int], float],
               decisions: list[Decision]) -> payoffs.Terms:
        w, sc = self.world, self.config.world
        n = len(self.ids)
        active = [p for p in w.pledges if p.id in levels]
        # export-control and tariff pledges act through the controls (security and leverage
        # terms) and the tariffs (trade term), so their own worth here is zero: nothing is
        # counted twice
        worth = [self._pledge_worth(p) if p.spec.instrument not in _THROUGH_WORLD else (0.0, 0.0) for p in active]
        pledge_part = payoffs.pledge_terms(
            n, np.array([p.giver for p in active], dtype=int), np.array([p.receiver for p in active], dtype=int),
            np.array([levels[p.id] for p in active]), np.array([c for _, c in worth]),
            np.array([v for v, _ in worth]))
        games = np.zeros(n)
        for a, b, (T, R, P, S) in self._games:
            la, lb = pair_levels.get((a, b)), pair_levels.get((b, a))
            if la is not None and lb is not None:
                ua, ub = payoffs.game_payoff(la, lb, T, R, P, S)
                games[a] += ua
                games[b] += ub
        invest = np.array([d.invest for d in decisions])
        harm = np.zeros(n)
        if self.supply is not None:
            # the market's clearing: the harm of the controls at the clearing price, net of stocks
            # and substitution (security), and a price floor's net cost to its payer (investment)
            invest = invest + self.supply.floor_net()
            if sc.channels.security:
                harm = self.supply.harm.copy()
        leverage = np.zeros(n)
        if w.supplier is not None:
            leverage[w.supplier] = payoffs.leverage_gain(harm, sc.leverage_capture)
        trade = np.zeros(n)
        if sc.channels.trade:
            trade = payoffs.trade_loss(w.tariffs, self.imports, self.tariff_params)
        return payoffs.Terms(pledges=pledge_part, games=games, trade=trade, security=harm,
                             investment=invest, leverage=leverage)

    def _pledge_worth(self, p: PledgeState) -> tuple[float, float]:
        """(value to the receiver, cost to the giver) of a pledge honoured in full for a turn,
        from the payoff rules: a tariff cut is worth what the tariff block says the receiver
        gains and the giver gives up (terms of trade, revenue, deadweight) at the tariffs in
        force; an export-control pledge lifts the supply harm of its level for
        the receiver and gives up the leverage that harm would have bought the giver; other
        pledges have the worth their profile states."""
        s = p.spec
        if s.instrument == "tariff":
            g, r = p.giver, p.receiver
            high = max(0.0, float(self.world.base_tariffs[g, r] + self.world.retaliation[g, r]))
            low = max(0.0, high - s.level)
            m = float(self.imports[g, r])
            w_high = self._pair_welfare(high, m)
            w_low = self._pair_welfare(low, m)
            return w_low[1] - w_high[1], w_high[0] - w_low[0]
        if s.instrument == "export_control":
            w, sc = self.world, self.config.world
            if p.giver != w.supplier or not sc.channels.security or self.supply is None:
                return 0.0, 0.0
            base = float(np.clip(w.base_controls[p.giver, p.receiver], 0.0, 1.0))
            harm = self.supply.harm_of(p.receiver, base) - self.supply.harm_of(p.receiver, max(0.0, base - s.level))
            return w.weights[p.receiver, 2] * harm, w.weights[p.giver, 4] * sc.leverage_capture * harm
        return s.value, s.cost

    def _pair_welfare(self, tariff: float, imports: float) -> tuple[float, float]:
        """(importer's, exporter's) trade welfare in one market at one tariff (the other market
        is separate, so it does not enter a change in this one)."""
        return tariffs.pair_welfare(tariff, 0.0, imports, 0.0, self.tariff_params)

    def _pair_means(self, levels: dict[str, float], worth: dict[str, float]) -> dict[tuple[int, int], float]:
        """(giver, receiver) -> the mean level of the giver's pledges in force, weighted by
        what each is worth to the receiver: a country judges a partner by the pledges that
        matter to it (equal weights when none has a value, as in the dilemma)."""
        groups: dict[tuple[int, int], list[tuple[float, float]]] = {}
        for p in self.world.pledges:
            level = levels.get(p.id)
            if level is not None:
                groups.setdefault((p.giver, p.receiver), []).append((level, worth[p.id]))
        out = {}
        for pair, items in groups.items():
            total = sum(w for _, w in items)
            out[pair] = (sum(lv * w for lv, w in items) / total if total > 0
                         else sum(lv for lv, _ in items) / len(items))
        return out

    # --- world update ------------------------------------------------------------------
    def _update_world(self, decisions: list[Decision], mine: dict[tuple[int, int], float],
                      seen: dict[tuple[int, int], float], t: int) -> None:
        w, sc = self.world, self.config.world
        if self.supply is not None:
            # the month's money starts market projects: countries' decisions, and pledged funds
            # built at the pledge's site (its receiver unless it names one)
            invest = np.array([d.invest for d in decisions], dtype=float)
            for p in w.pledges:
                level = self.pledge_levels[p.id][-1]
                if p.spec.instrument == "investment" and level is not None:
                    site = p.receiver if p.spec.site is None else self.index[p.spec.site]
                    invest[site] += level * p.spec.level / TURNS_PER_YEAR
            self.supply.advance(invest)
            self._sync_shares()
        _append_turn(self.actual, mine, t)
        # self.seen is keyed by (observer, observed): the receiver's view of the giver
        _append_turn(self.seen, {(r, g): level for (g, r), level in seen.items()}, t)
        for (giver, receiver), level in seen.items():
            # trust moves towards what the receiver saw of the giver's pledges this turn
            w.trust[receiver, giver] += sc.trust_rate * (level - w.trust[receiver, giver])

    def _sync_shares(self) -> None:
        """The world's allied and rest-of-world shares of processing, from the market."""
        if self.supply is not None:
            self.world.allied_share, self.world.other_share = self.supply.shares()

    # --- truce ---------------------------------------------------------------------
    def _truce(self, levels: dict[str, float], seen: dict[str, float], pair_levels: dict[tuple[int, int], float],
               decisions: list[Decision], t: int) -> None:
        thr = self.config.world.honour_threshold
        major = [p for p in self.world.pledges if p.spec.major and p.id in levels]
        self.major_turns[0] += sum(1 for p in major if levels[p.id] >= thr)
        self.major_turns[1] += len(major)
        hit = truce.first_defection(((self.ids[p.giver], p.id, levels[p.id]) for p in major), thr)
        if hit and self.open_breach is None:
            country, pledge_id = hit
            p = next(p for p in major if p.id == pledge_id)
            if p.suspended(t):
                cause = "event"
            else:
                # only what the defector had seen before it moved this turn
                misread = truce.was_misread(self.seen.get((p.giver, p.receiver), [])[:t],
                                            self.actual.get((p.receiver, p.giver), [])[:t], thr)
                cause = "misread" if misread else "real"
            self._breach(truce.Break(t, country, pledge_id, cause))
        elif not hit and self.open_breach is not None and self.collapse is None:
            self.open_breach = None
            self.recoveries += 1
            self.log.append(Recovered(t))
        for i, decision in enumerate(decisions):
            if decision.withdraw and self.collapse is None:
                self._collapse(truce.Collapse(t, self.ids[i], "withdrawal"))
        if truce.mutual_defection(pair_levels, self._parties, thr):
            self.mutual_turns += 1
            if self.open_breach is not None:
                self._spell.append(self.open_breach)
            if len(self._spell) >= self.config.world.collapse_after and self.collapse is None:
                self._collapse(truce.Collapse(t, self._spell[0].country, "mutual_defection", self._spell[0].pledge))
        else:
            self._spell = []
        parties = {(p.giver, p.receiver) for p in major}
        retaliating = any(self.world.retaliation[a, b] > 0 for a, b in parties)
        self.status = truce.status((levels[p.id] for p in major), (seen.get(p.id) for p in major), retaliating,
                                   self.open_breach is not None, self.collapse is not None, thr)

    def _breach(self, breach: truce.Break) -> None:
        self.breaches.append(breach)
        self.open_breach = breach
        if self.broken is None:
            self.broken = breach
        self.log.append(Breached(breach.turn, breach))

    def _collapse(self, collapse: truce.Collapse) -> None:
        self.collapse = collapse
        self.log.append(Collapsed(collapse.turn, collapse))

    @property
    def cooperation_rate(self) -> float:
        """Share of major-pledge turns honoured so far (1 when none was in force)."""
        honoured, total = self.major_turns
        return honoured / total if total else 1.0

    def _record(self, t: int, pay: np.ndarray, terms: payoffs.Terms, levels: dict[str, float]) -> None:
        w = self.world
        controls = w.supplier_controls()
        countries = {c.cid: CountryTurn(payoff=float(pay[c.index]), total=float(self.totals[c.index]),
                                        tariff_out=float(w.tariffs[c.index].sum() / max(1, len(self.ids) - 1)),
                                        control_on=float(controls[c.index]), trade_loss=float(terms.trade[c.index]),
                                        security_loss=float(terms.security[c.index]))
                     for c in self.countries}
        self.records.append(TurnRecord(turn=t, status=self.status, allied_share=w.allied_share,
                                       china_share=w.china_share,
                                       pledges_honoured=sum(1 for v in levels.values() if v >= 1.0),
                                       pledges_active=len(levels), countries=MappingProxyType(countries),
                                       market=self.supply.record() if self.supply is not None else None))

    # --- what a country sees ---------------------------------------------------------
    def observe(self, i: int) -> Observation:
        """Country i's view at this point of the turn (rebuilt only after the state changed)."""
        key = (self.turn, self.changes)
        cached = self._views.get(i)
        if cached is not None and cached[0] == key:
            return cached[1]
        obs = self._observation(i)
        self._views[i] = (key, obs)
        return obs

    def _observation(self, i: int) -> Observation:
        w, sc, t = self.world, self.config, self.turn
        me, ids = self.ids[i], self.ids
        shown = [p for p in w.pledges if (p.giver == i or p.receiver == i) and p.start <= t <= p.end]
        views = tuple(p.view(ids, *self._pledge_worth(p)) for p in shown)
        others = {p.receiver if p.giver == i else p.giver for p in shown} | self._game_partners[i]
        js = sorted(others)
        partners = tuple(ids[j] for j in js)
        retaliation = w.retaliation.tolist()
        trust = w.trust[i].tolist()
        country = sc.countries[me]
        ahead = int(getattr(self.countries[i].strategy, "lookahead", 0))
        stakes_of = {ids[j]: self._stakes(i, j, trust[j], ahead) for j in js}
        return Observation(
            me=me, turn=t, turns=sc.turns, patience=country.preferences.patience,
            threshold=sc.world.honour_threshold, partners=partners,
            seen=MappingProxyType({ids[j]: tuple(self.seen[(i, j)]) for j in js if (i, j) in self.seen}),
            mine=MappingProxyType({ids[j]: tuple(self.actual[(i, j)]) for j in js if (i, j) in self.actual}),
            trust=MappingProxyType({ids[j]: trust[j] for j in js}),
            pledges=views, stakes=MappingProxyType(stakes_of),
            dependency=MappingProxyType({ids[j]: w.china_share for j in js if w.demand[j] > 0}
                                        if w.supplier == i else {}),
            retaliation=MappingProxyType({ids[j]: retaliation[i][j] for j in js}),
            retaliation_against_me=MappingProxyType({ids[j]: retaliation[j][i] for j in js}),
            bargains=MappingProxyType({ids[j]: b for j in js if (b := deals.bargain(self, i, j)) is not None}),
            retaliation_step=country.preferences.retaliation,
            retaliation_room=MappingProxyType({ids[j]: max(0.0, deals.ceiling(sc, me) - float(w.base_tariffs[i, j]))
                                               for j in js}),
            deescalation_gain=MappingProxyType({ids[j]: self._deescalation_gain(i, j, retaliation) for j in js}),
            china_share=w.china_share, allied_growth=self.supply.allied_growth() if self.supply is not None else 0.0,
            renewal_term=sc.negotiation.renewal_term, renewal_window=sc.negotiation.renewal_window,
            min_trust=sc.negotiation.min_trust, invest_budget=float(self._invest_budget[i]))

    def relation(self, i: int, j: int) -> Relation:
        """Country i's side of its relation with j, per turn, from the payoff rules (pledges
        up for renewal this turn are not counted: they end now unless renewed)."""
        w, sc, t = self.world, self.config.world, self.turn
        value_in = cost_out = cut_mine = cut_theirs = lifted_for_me = lifted_by_me = 0.0
        for p in w.pledges:
            if not (p.start <= t < p.end) or {p.giver, p.receiver} != {i, j}:
                continue
            value, cost = self._pledge_worth(p)
            kind, level = p.spec.instrument, p.spec.level
            if p.giver == i:
                cost_out += cost if kind not in _THROUGH_WORLD else 0.0
                cut_mine += level if kind == "tariff" else 0.0
                lifted_by_me += level if kind == "export_control" else 0.0
            else:
                value_in += value if kind not in _THROUGH_WORLD else 0.0
                cut_theirs += level if kind == "tariff" else 0.0
                lifted_for_me += level if kind == "export_control" else 0.0
        countries = self.config.countries
        prefs_i, prefs_j = countries[self.ids[i]].preferences, countries[self.ids[j]].preferences
        wt = w.weights[i]
        harm = lever = 0.0
        if sc.channels.security and self.supply is not None and w.supplier == j:
            harm = wt[2] * self._harm_per_level(i, w.base_controls[j, i] - lifted_for_me, lifted_for_me)
        if sc.channels.security and self.supply is not None and w.supplier == i:
            lever = wt[4] * sc.leverage_capture * self._harm_per_level(j, w.base_controls[i, j] - lifted_by_me,
                                                                       lifted_by_me)
        game = self._game_table.get((i, j))
        return Relation(
            value_in=wt[0] * value_in, cost_out=wt[0] * cost_out,
            tariff_mine=max(0.0, w.base_tariffs[i, j] + w.retaliation[i, j] - cut_mine),
            tariff_theirs=max(0.0, w.base_tariffs[j, i] + w.retaliation[j, i] - cut_theirs),
            cut_mine=cut_mine, cut_theirs=cut_theirs, step_mine=prefs_i.retaliation, step_theirs=prefs_j.retaliation,
            **deals.trade_terms(self, i, j), harm=harm, control_on_me=max(0.0, w.base_controls[j, i] - lifted_for_me),
            lifted_for_me=lifted_for_me, lever=lever, control_mine=max(0.0, w.base_controls[i, j] - lifted_by_me),
            lifted_by_me=lifted_by_me, game=game, game_weight=wt[0])

    def _harm_per_level(self, importer: int, calm: float, lifted: float) -> float:
        """The market's harm to ``importer`` per unit of control level, at the level it faces in a
        punishment (``calm`` + ``lifted``): the stakes scale it by the level, so it is exact at
        that level and at ``calm`` when either is 0 or both are equal."""
        assert self.supply is not None
        war = float(np.clip(max(0.0, calm) + lifted, 0.0, 1.0))
        return self.supply.harm_of(importer, war) / war if war > 0 else self.supply.harm_of(importer, 1.0)

    def _stakes(self, i: int, j: int, trust: float, ahead: int = 0) -> Stakes:
        """i's stakes in its relation with j: payoffs now and along the paths it expects.

        The harm and the leverage of the pair's controls move as the market expects them to:
        a harm index that starts at 1 and falls, for a year, to the market's forecast of that
        harm a year on (``Supply.outlook``: projects due, stocks, substitution), on the calm
        path and on the punishment path, then stays there."""
        w = self.world
        rel = self.relation(i, j)
        importer = i if w.supplier == j else j if w.supplier == i else None
        outlook = Outlook(now=1.0, floor=1.0)
        if importer is not None and self.supply is not None:
            calm, war = self._control_paths()
            ratio = self.supply.outlook(calm, war)[:, importer].tolist()
            turns = OUTLOOK_TURNS
            outlook = Outlook(now=1.0, floor=min(1.0, *ratio), slope_calm=max(0.0, 1.0 - ratio[0]) / turns,
                              slope_war=max(0.0, 1.0 - ratio[1]) / turns)
        patience = self.config.countries[self.ids[i]].preferences.patience
        return stakes(rel, outlook, patience * trust, ahead)

    def _control_paths(self) -> tuple[np.ndarray, np.ndarray]:
        """The supplier's control levels towards each country while its export-control pledges in
        force are honoured (calm) and when they are not (war), as ``relation`` counts them."""
        w, t = self.world, self.turn
        sup = w.supplier
        assert sup is not None
        lifted = np.zeros(len(self.ids))
        for p in w.pledges:
            if p.giver == sup and p.spec.instrument == "export_control" and p.start <= t < p.end:
                lifted[p.receiver] += p.spec.level
        base = w.base_controls[sup].copy()
        base[sup] = 0.0
        calm = np.maximum(0.0, base - lifted)
        return calm, np.clip(calm + lifted, 0.0, 1.0)

    def _deescalation_gain(self, i: int, j: int, retaliation: list[list[float]]) -> float:
        """What i's trade welfare gains per turn if both sides lift their retaliation tariffs."""
        if retaliation[i][j] == 0.0 and retaliation[j][i] == 0.0:
            return 0.0
        w, sc = self.world, self.config.world
        if not sc.channels.trade:
            return 0.0
        t_ij, t_ji = float(w.tariffs[i, j]), float(w.tariffs[j, i])
        args = (float(self.imports[i, j]), float(self.imports[j, i]), self.tariff_params)
        now = payoffs.pair_trade_loss(t_ij, t_ji, *args)
        calm = payoffs.pair_trade_loss(max(0.0, t_ij - retaliation[i][j]), max(0.0, t_ji - retaliation[j][i]), *args)
        return float(w.weights[i, 1]) * (now - calm)


def _append_turn(history: dict[tuple[int, int], list[float | None]], now: dict[tuple[int, int], float],
                 t: int) -> None:
    """Add turn t to per-pair histories: the pair's level, or None for a pair with nothing in force."""
    for pair, values in history.items():
        values.append(now.get(pair))
    for pair, level in now.items():
        if pair not in history:
            history[pair] = [None] * t + [level]
