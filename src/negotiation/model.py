"""TruceModel (a Mesa 3 model) and Country (a Mesa agent): the turn protocol of DESIGN.md.

One step is one turn: events, negotiation, simultaneous actions, noisy observation,
payoffs, world update, truce status.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np

from negotiation import payoffs, truce
from negotiation.config.models import Scenario
from negotiation.config.resolve import DEFAULT_SCENARIO, resolve, with_overrides
from negotiation.negotiation import Bargaining, new_pledge_spec, proposals
from negotiation.observation import Decision, Observation, Offer, Stakes
from negotiation.reporters import outcome_reporters
from negotiation.strategies import Strategy, make_strategy
from negotiation.world import PledgeState, World


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
    dotted scenario keys (``**{"world.allied_growth": 0.02}``), which is how
    ``mesa.batch_run`` passes parameters. Without ``rng`` the scenario's seed is used.
    """

    def __init__(self, scenario: Scenario | str | Path = DEFAULT_SCENARIO, rng: Any = None,
                 collect: bool = True, **overrides: Any):
        if not isinstance(scenario, Scenario):
            scenario = resolve(scenario, overrides or None)
        elif overrides:
            scenario = with_overrides(scenario, overrides)
        super().__init__(rng=scenario.seed if rng is None else rng)
        self.config = scenario
        self.world = World.from_scenario(scenario)
        self.ids = self.world.ids
        self.index = {c: i for i, c in enumerate(self.ids)}
        self.countries = [Country(self, cid, i, make_strategy(c.strategy))
                          for i, (cid, c) in enumerate(scenario.countries.items())]
        n = len(self.ids)
        self.turn = 0
        self.running = True
        self.broken: truce.Break | None = None
        self.status = truce.HOLDS
        # per directed pair (i, j): i's mean level towards j, and what j saw of it, per turn
        self.actual: dict[tuple[int, int], list[float | None]] = {}
        self.seen: dict[tuple[int, int], list[float | None]] = {}
        self.pledge_levels: dict[str, list[float | None]] = {p.id: [] for p in self.world.pledges}
        self.pledge_seen: dict[str, list[float | None]] = {p.id: [] for p in self.world.pledges}
        self.records: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []
        self.totals = np.zeros(n)
        self._games = [(self.index[g.players[0]], self.index[g.players[1]], (g.T, g.R, g.P, g.S))
                       for g in scenario.games]
        self._game_table = {**{(a, b): g for a, b, g in self._games}, **{(b, a): g for a, b, g in self._games}}
        self._game_partners = [{b if a == i else a for a, b, _ in self._games if i in (a, b)} for i in range(n)]
        self._invest_budget = np.array([c.preferences.invest_share * c.resources.investment_budget / 12
                                        for c in scenario.countries.values()])
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
        return [c.strategy.decide(self.observe(c.index), self.rng) for c in self.countries]

    def close_turn(self, decisions: list[Decision]) -> None:
        """Apply the decisions (one per country, in order): observation, payoffs, world, truce."""
        t = self.turn
        levels = self._levels(decisions, t)
        self._retaliate(decisions)
        self.world.apply_levels(levels, t)
        seen = self._observe(levels)
        worth = {p.id: self._worth(p) for p in self.world.pledges if p.id in levels}
        pair_levels, pair_seen = self._pair_means(levels, worth), self._pair_means(seen, worth)
        terms = self._terms(levels, pair_levels, decisions)
        pay = terms.total(self.world.weights)
        self.totals += pay
        for c in self.countries:
            c.payoff, c.total = float(pay[c.index]), float(self.totals[c.index])
        self._update_world(decisions, pair_levels, pair_seen, t)
        self._truce(levels, seen, t)
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
        for event in self.config.events:
            # a random shock draws every turn, so the stream of draws does not depend on the outcome
            fires = event.turn == t if event.turn is not None else bool(self.rng.random() < event.probability)
            if fires:
                self._fire(event, t)

    def _fire(self, event, t: int) -> None:
        w = self.world
        if event.kind == "set_control":
            w.base_controls[self.index[event.country], self.index[event.target]] = float(np.clip(event.value, 0, 1))
        elif event.kind == "set_tariff":
            w.base_tariffs[self.index[event.country], self.index[event.target]] = max(0.0, event.value)
        elif event.kind == "suspend_pledge":
            for p in w.pledges:
                if p.id == event.pledge:
                    p.suspended = True
        elif event.kind == "capacity_shock":
            w.allied_share = float(np.clip(w.allied_share + event.value, 0.0, w.allied_cap))
        self.changes += 1
        self.log.append({"turn": t, "kind": "event", "event": event.kind, "text": event.text})

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
            self.log.append({"turn": t, "kind": "lapse", "pledge": p.id})
        major = [p for p in lapsed if p.spec.major]
        if major and self.broken is None:
            talks = [(e["offer"].proposer, e["offer"].receiver,
                      {c.pledge for c in e["offer"].give + e["offer"].ask if c.kind == "renew"}, e["verdict"])
                     for e in self.log if e["kind"] == "offer" and e["turn"] == t]
            p = major[0]
            self.broken = truce.Break(t, truce.lapse_blame(p.id, self.ids[p.giver], talks), p.id, "lapsed")

    def _levels(self, decisions: list[Decision], t: int) -> dict[str, float]:
        levels: dict[str, float] = {}
        for p in self.active_pledges(t):
            level = decisions[p.giver].levels.get(p.id, 1.0)
            levels[p.id] = 0.0 if p.suspended else min(1.0, max(0.0, float(level)))
        return levels

    def _retaliate(self, decisions: list[Decision]) -> None:
        for i, decision in enumerate(decisions):
            for partner, level in decision.retaliation.items():
                j, level = self.index[partner], max(0.0, level)
                if level != self.world.retaliation[i, j]:
                    # logged so debriefs and reports can show when a tariff war started and ended
                    self.log.append({"turn": self.turn, "kind": "retaliation", "country": self.ids[i],
                                     "target": partner, "level": level})
                self.world.retaliation[i, j] = level

    def _observe(self, levels: dict[str, float]) -> dict[str, float]:
        seen = {}
        scale = self.config.world.noise_scale
        for p in self.world.pledges:
            level = levels.get(p.id)
            if level is not None and p.spec.noise > 0 and self.rng.random() < min(1.0, p.spec.noise * scale):
                seen[p.id] = 1.0 - level
            elif level is not None:
                seen[p.id] = level
            self.pledge_levels[p.id].append(level)
            self.pledge_seen[p.id].append(seen.get(p.id))
        return seen

    # --- payoffs ---------------------------------------------------------------------
    def _terms(self, levels: dict[str, float], pair_levels: dict[tuple[int, int], float],
               decisions: list[Decision]) -> payoffs.Terms:
        w, sc = self.world, self.config.world
        n = len(self.ids)
        active = [p for p in w.pledges if p.id in levels]
        pledge_part = payoffs.pledge_terms(
            n, np.array([p.giver for p in active], dtype=int), np.array([p.receiver for p in active], dtype=int),
            np.array([levels[p.id] for p in active]), np.array([p.spec.cost for p in active]),
            np.array([p.spec.value for p in active]))
        games = np.zeros(n)
        for a, b, (T, R, P, S) in self._games:
            la, lb = pair_levels.get((a, b)), pair_levels.get((b, a))
            if la is not None and lb is not None:
                ua, ub = payoffs.game_payoff(la, lb, T, R, P, S)
                games[a] += ua
                games[b] += ub
        invest = np.array([d.invest for d in decisions])
        leverage = np.zeros(n)
        if w.supplier is not None:
            leverage[w.supplier] = payoffs.leverage_value(w.china_share, sc.leverage_stake)
        return payoffs.Terms(
            pledges=pledge_part, games=games,
            trade=payoffs.trade_loss(w.tariffs, w.trade, sc.tariff_war_loss, sc.nash_tariff),
            security=payoffs.security_loss(w.demand, w.supplier_controls(), w.china_share, sc.supply_stake),
            investment=invest, leverage=leverage)

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

    def _worth(self, p: PledgeState) -> float:
        """Per-turn worth of a pledge to its receiver: its value, plus the supply security an
        export-control pledge buys (the payoff's security term; C1 is mostly that)."""
        worth = p.spec.value
        if p.spec.instrument == "export_control" and p.giver == self.world.supplier:
            w = self.world
            worth += (w.weights[p.receiver, 2] * self.config.world.supply_stake * w.demand[p.receiver]
                      * w.china_share * p.spec.level)
        return worth

    # --- world update ------------------------------------------------------------------
    def _update_world(self, decisions: list[Decision], mine: dict[tuple[int, int], float],
                      seen: dict[tuple[int, int], float], t: int) -> None:
        w, sc = self.world, self.config.world
        for decision in decisions:
            w.invest(decision.invest, t, sc.lead_time, sc.capacity_per_bn)
        for p in w.pledges:
            level = self.pledge_levels[p.id][-1]
            if p.spec.instrument == "investment" and level is not None:
                w.invest(level * p.spec.level / 12, t, sc.lead_time, sc.capacity_per_bn)
        w.grow(t + 1)
        _append_turn(self.actual, mine, t)
        # self.seen is keyed by (observer, observed): the receiver's view of the giver
        _append_turn(self.seen, {(r, g): level for (g, r), level in seen.items()}, t)
        for (giver, receiver), level in seen.items():
            # trust moves towards what the receiver saw of the giver's pledges this turn
            w.trust[receiver, giver] += sc.trust_rate * (level - w.trust[receiver, giver])

    # --- truce ---------------------------------------------------------------------
    def _truce(self, levels: dict[str, float], seen: dict[str, float], t: int) -> None:
        thr = self.config.world.honour_threshold
        major = [p for p in self.world.pledges if p.spec.major and p.id in levels]
        if self.broken is None:
            hit = truce.first_defection(((self.ids[p.giver], p.id, levels[p.id]) for p in major), thr)
            if hit:
                country, pledge_id = hit
                p = next(p for p in major if p.id == pledge_id)
                if p.suspended:
                    cause = "event"
                else:
                    # only what the defector had seen before it moved this turn
                    misread = truce.was_misread(self.seen.get((p.giver, p.receiver), [])[:t],
                                                self.actual.get((p.receiver, p.giver), [])[:t], thr)
                    cause = "misread" if misread else "real"
                self.broken = truce.Break(t, country, pledge_id, cause)
        parties = {(p.giver, p.receiver) for p in major}
        retaliating = any(self.world.retaliation[a, b] > 0 for a, b in parties)
        self.status = truce.status((levels[p.id] for p in major), (seen.get(p.id) for p in major),
                                   retaliating, self.broken is not None, thr)

    def _record(self, t: int, pay: np.ndarray, terms: payoffs.Terms, levels: dict[str, float]) -> None:
        w = self.world
        row: dict[str, Any] = {"turn": t, "status": self.status, "allied_share": w.allied_share,
                               "china_share": w.china_share,
                               "pledges_honoured": sum(1 for v in levels.values() if v >= 1.0),
                               "pledges_active": len(levels)}
        controls = w.supplier_controls()
        for c in self.countries:
            i = c.index
            row[f"payoff.{c.cid}"] = float(pay[i])
            row[f"total.{c.cid}"] = float(self.totals[i])
            row[f"tariff_out.{c.cid}"] = float(w.tariffs[i].sum() / max(1, len(self.ids) - 1))
            row[f"control_on.{c.cid}"] = float(controls[i])
            row[f"trade_loss.{c.cid}"] = float(terms.trade[i])
            row[f"security_loss.{c.cid}"] = float(terms.security[i])
        self.records.append(row)

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
        me, ids, index = self.ids[i], self.ids, self.index
        views = tuple(p.view(ids) for p in w.pledges
                      if (p.giver == i or p.receiver == i) and p.start <= t <= p.end)
        value_in: dict[int, float] = {}
        cost_out: dict[int, float] = {}
        for v in views:
            if v.end > t:  # a pledge up for renewal this turn is not part of the relation's stakes
                if v.receiver == me:
                    value_in[index[v.giver]] = value_in.get(index[v.giver], 0.0) + v.value
                else:
                    cost_out[index[v.receiver]] = cost_out.get(index[v.receiver], 0.0) + v.cost
        others = {index[v.receiver if v.giver == me else v.giver] for v in views} | self._game_partners[i]
        js = sorted(others)
        partners = tuple(ids[j] for j in js)
        retaliation = w.retaliation.tolist()
        trust = w.trust[i].tolist()
        stakes = {ids[j]: Stakes(*payoffs.relation_stakes(value_in.get(j, 0.0), cost_out.get(j, 0.0),
                                                          self._game_table.get((i, j))))
                  for j in js}
        country = sc.countries[me]
        return Observation(
            me=me, turn=t, turns=sc.turns, patience=country.preferences.patience,
            threshold=sc.world.honour_threshold, partners=partners,
            seen={ids[j]: self.seen[(i, j)] for j in js if (i, j) in self.seen},
            mine={ids[j]: self.actual[(i, j)] for j in js if (i, j) in self.actual},
            trust={ids[j]: trust[j] for j in js},
            pledges=views, stakes=stakes,
            dependency={ids[j]: w.china_share for j in js if w.demand[j] > 0} if w.supplier == i else {},
            retaliation={ids[j]: retaliation[i][j] for j in js},
            retaliation_step=country.preferences.retaliation,
            deescalation_gain={ids[j]: self._deescalation_gain(i, j, retaliation) for j in js},
            china_share=w.china_share, allied_growth=w.allied_growth,
            renewal_term=sc.negotiation.renewal_term, renewal_window=sc.negotiation.renewal_window,
            min_trust=sc.negotiation.min_trust, invest_budget=float(self._invest_budget[i]))

    def _deescalation_gain(self, i: int, j: int, retaliation: list[list[float]]) -> float:
        """What i's trade welfare gains per turn if both sides lift their retaliation tariffs."""
        if retaliation[i][j] == 0.0 and retaliation[j][i] == 0.0:
            return 0.0
        w, sc = self.world, self.config.world
        t_ij, t_ji, trade = float(w.tariffs[i, j]), float(w.tariffs[j, i]), float(w.trade[i, j])
        now = payoffs.pair_trade_loss(t_ij, t_ji, trade, sc.tariff_war_loss, sc.nash_tariff)
        calm = payoffs.pair_trade_loss(t_ij - retaliation[i][j], t_ji - retaliation[j][i], trade,
                                       sc.tariff_war_loss, sc.nash_tariff)
        return now - calm


def _append_turn(history: dict[tuple[int, int], list[float | None]], now: dict[tuple[int, int], float],
                 t: int) -> None:
    """Add turn t to per-pair histories: the pair's level, or None for a pair with nothing in force."""
    for pair, values in history.items():
        values.append(now.get(pair))
    for pair, level in now.items():
        if pair not in history:
            history[pair] = [None] * t + [level]
