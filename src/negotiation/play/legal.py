"""What a seat may do at each prompt, and the check of a submitted move against it.

Every check raises :class:`MoveError` with the reason, so each front end can show it beside
the input and ask again; a refused move never changes the game.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from negotiation.negotiation import Question
from negotiation.observation import Concession, Decision, NewPledge, Offer, Renew, Response, Rollback
from negotiation.play.moves import MoveError
from negotiation.strategies import deal

if TYPE_CHECKING:
    from negotiation.play.session import Session

# A retaliation surcharge is a tariff step on top of the tariffs in force: one of 100 points
# already exceeds the Nash tariff of a full trade war (P11: about 63 %).
MAX_SURCHARGE = 1.0


@dataclass(frozen=True)
class Option:
    """One concession a seat may put in an offer: ``code`` is how a menu names it (g1, a2)."""

    code: str
    side: str  # "give" | "ask"
    concession: Concession
    text: str


@dataclass(frozen=True)
class OfferMenu:
    """What the seat may offer one partner this turn, and the default (its strategy's) offer."""

    partner: str
    options: tuple[Option, ...]
    default: Offer | None

    def default_codes(self) -> tuple[str, ...]:
        if self.default is None:
            return ()
        chosen = set(self.default.give) | set(self.default.ask)
        return tuple(o.code for o in self.options if o.concession in chosen)

    def offer(self, seat: str, codes: list[str]) -> Offer | None:
        """The offer made of the options named by ``codes`` (None for no codes)."""
        by_code = {o.code: o for o in self.options}
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            allowed = ", ".join(by_code) or "none: there is nothing to trade with this partner this turn"
            raise MoveError(f"no option '{unknown[0]}'; choose from {allowed}")
        if not codes:
            return None
        picked = [by_code[c] for c in dict.fromkeys(codes)]
        return Offer(seat, self.partner, tuple(o.concession for o in picked if o.side == "give"),
                     tuple(o.concession for o in picked if o.side == "ask"))


@dataclass(frozen=True)
class ActionLimits:
    """The bounds of a seat's actions this turn."""

    pledges: tuple[str, ...]
    partners: tuple[str, ...]
    surcharge_max: float
    invest_max: float
    stockpile: float | None = None  # months of consumption the seat may hold back; None: it holds none


def offer_options(session: Session, seat: str, partner: str, default: Offer | None = None,
                  round_: int = 0) -> tuple[Option, ...]:
    """Renewals due and surcharges to roll back, on each side, between seat and partner; when a
    renewal is bargained, the most of each linked instrument the package can carry (issue 9:
    more C5 soybeans, further U1 tariff points) unless the default already links it; and
    whatever else the default offer holds (a strategy may ask for a rollback pre-emptively).
    ``round_`` is the round of the talks the offer is made in (a linked pledge's id names it)."""
    t, window = session.turn, session.renewal_window
    pledges = session.pledges()
    found: list[tuple[str, Concession]] = []
    for side, giver, receiver in (("give", seat, partner), ("ask", partner, seat)):
        for p in pledges:
            if (p.giver, p.receiver) == (giver, receiver) and p.renewal_due(t, window):
                found.append((side, Renew(p.id)))
        if session.surcharges(giver)[receiver] > 0:
            found.append((side, Rollback(giver, receiver)))
    bargain = session.observation(seat).bargains.get(partner)
    if bargain is not None:
        linked = {c.extends for c in (default.give + default.ask if default else ()) if isinstance(c, NewPledge)}
        found += [("give" if link.giver == seat else "ask", deal.linked_pledge(link, link.max_units, t, round_))
                  for link in bargain.links if link.like not in linked]
    if default is not None:
        found += [(side, c) for side in ("give", "ask") for c in getattr(default, side) if (side, c) not in found]
    counts = {"give": 0, "ask": 0}
    options = []
    for side, c in found:
        counts[side] += 1
        options.append(Option(f"{side[0]}{counts[side]}", side, c, c.describe()))
    return tuple(options)


def offer_menus(session: Session, seat: str, defaults: list[Offer]) -> tuple[OfferMenu, ...]:
    """One menu per partner with something to trade or a default offer to it."""
    menus = []
    for partner in session.countries:
        if partner == seat:
            continue
        default = next((o for o in defaults if o.receiver == partner), None)
        options = offer_options(session, seat, partner, default)
        if options or default is not None:
            menus.append(OfferMenu(partner, options, default))
    return tuple(menus)


def counter_menu(session: Session, seat: str, question: Question) -> OfferMenu:
    """What the seat may counter an offer with; the default is its strategy's counter, if any."""
    default = question.default.counter if question.default.verdict == "counter" else None
    options = offer_options(session, seat, question.offer.proposer, default, question.round + 1)
    return OfferMenu(question.offer.proposer, options, default)


def action_limits(session: Session, seat: str) -> ActionLimits:
    mine = tuple(p.id for p in session.pledges() if p.giver == seat and p.in_force(session.turn))
    return ActionLimits(mine, tuple(c for c in session.countries if c != seat), MAX_SURCHARGE,
                        session.investment_budget(seat), session.stockpile(seat))


# --- checks ----------------------------------------------------------------------------
def check_offers(session: Session, seat: str, offers: list[Offer]) -> None:
    partners = [o.receiver for o in offers]
    for offer in offers:
        if offer.proposer != seat:
            raise MoveError(f"an offer from {seat} must be made by {seat}, not {offer.proposer}")
        if partners.count(offer.receiver) > 1:
            raise MoveError(f"one offer per partner and turn: two offers to {offer.receiver}")
        why = session.offer_problem(offer)
        if why:
            raise MoveError(f"offer to {offer.receiver}: {why}")


def check_answer(session: Session, seat: str, question: Question, response: Response) -> None:
    if response.verdict not in ("accept", "reject", "counter"):
        raise MoveError(f"answer accept, reject or counter, not '{response.verdict}'")
    if response.verdict != "counter":
        if response.counter is not None:
            raise MoveError("only a counter carries a counter-offer")
        return
    if not question.can_counter:
        raise MoveError("this is the last round of talks this turn: accept or reject")
    counter = response.counter
    if counter is None:
        raise MoveError("a counter needs a counter-offer")
    if (counter.proposer, counter.receiver) != (seat, question.offer.proposer):
        raise MoveError(f"a counter goes from {seat} back to {question.offer.proposer}")
    why = session.offer_problem(counter)
    if why:
        raise MoveError(f"counter-offer: {why}")


def check_decision(session: Session, seat: str, decision: Decision) -> None:
    limits = action_limits(session, seat)
    for pledge, level in decision.levels.items():
        if pledge not in limits.pledges:
            yours = ", ".join(limits.pledges) or "none"
            raise MoveError(f"'{pledge}' is not one of your pledges in force this turn; yours: {yours}")
        if not 0.0 <= level <= 1.0:
            raise MoveError(f"{pledge}: level {level:g} is out of range; use a level from 0 (defect) to 1 (honour)")
    for partner, level in decision.retaliation.items():
        if partner not in limits.partners:
            raise MoveError(f"'{partner}' is not a partner; partners: {', '.join(limits.partners)}")
        if not 0.0 <= level <= limits.surcharge_max:
            raise MoveError(f"tariff surcharge on {partner} must be from 0 to {limits.surcharge_max:g}, "
                            f"got {level:g}")
    if not 0.0 <= decision.invest <= limits.invest_max + 1e-12:
        raise MoveError(f"investment must be from 0 to {limits.invest_max:.3g} (USD bn this turn), "
                        f"got {decision.invest:g}")
    if decision.hold_stock and limits.stockpile is None:
        raise MoveError(f"{seat} holds no rare-earth stockpile this turn, so there is none to hold back; "
                        "play 'draw' (the stock, when there is one, is drawn when supply is cut)")
