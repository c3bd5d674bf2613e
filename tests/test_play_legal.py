"""What a seat may do at each prompt: the menus it is offered and the limits of its actions."""

from __future__ import annotations

import pytest

from negotiation import load_scenario
from negotiation.observation import Decision, Rollback
from negotiation.play import legal
from negotiation.play.moves import MoveError
from negotiation.play.session import Session


def at_turn(turn: int, seats=("CN",), overrides=None) -> Session:
    session = Session(load_scenario("classroom_intro", overrides), list(seats))
    while session.turn < turn:
        session.submit_default()
    return session


def test_early_in_the_year_there_is_nothing_to_renew_or_roll_back():
    session = at_turn(0)
    assert legal.offer_options(session, "CN", "US") == ()


def test_in_the_renewal_window_each_side_may_renew_its_own_pledges_due():
    session = at_turn(5)  # the one-year clocks run out at turn 6; the window opens one turn early
    options = legal.offer_options(session, "CN", "US")
    renewals = [o for o in options if o.concession.kind == "renew"]
    given = {o.concession.pledge for o in renewals if o.side == "give"}
    asked = {o.concession.pledge for o in renewals if o.side == "ask"}
    assert "C1" in given and "U1" in asked
    # the renewal is bargained: the most of each linked instrument is on the menu too (issue 9)
    linked = {(o.side, o.text) for o in options if o.concession.kind == "new"}
    assert linked == {("give", "C5 +8 (25 to 33)"),
                      ("ask", "U1 +10.0 points off the US tariff on CN")}
    assert len(renewals) + len(linked) == len(options)
    assert [o.code for o in options if o.side == "give"] == [f"g{n}" for n in range(1, len(given) + 2)]


def test_a_counter_may_ask_for_the_linked_tariff_cut_and_the_partner_weighs_it():
    session = at_turn(5)
    while session.prompt.kind != "answer":
        session.submit_default()
    menu = session.counter_menu()
    codes = {o.text: o.code for o in menu.options}
    cut = codes["U1 +10.0 points off the US tariff on CN"]
    soy = codes["C5 +8 (25 to 33)"]
    counter = menu.offer("CN", [codes["renew C1"], codes["renew U1"], cut, soy])
    assert session.offer_problem(counter) is None  # a counter the engine accepts as an offer
    assert {c.terms["id"] for c in counter.give + counter.ask if c.kind == "new"} == {"U1_MORE_T5_R1", "C5_MORE_T5_R1"}


def test_a_surcharge_in_force_can_be_offered_back_as_a_rollback():
    session = at_turn(1)
    while session.prompt.kind != "actions":
        session.submit_default()
    default = session.prompt.default
    session.submit(Decision(default.levels, {**default.retaliation, "US": 0.2}, default.invest))
    while session.prompt.kind != "offers":
        session.submit_default()
    options = legal.offer_options(session, "CN", "US")
    assert Rollback("CN", "US") in [o.concession for o in options if o.side == "give"]
    assert Rollback("CN", "US") not in [o.concession for o in options
                                                                     if o.side == "ask"]


def test_the_investment_limit_is_a_month_of_the_yearly_budget():
    session = at_turn(0, seats=("US",))
    assert legal.action_limits(session, "US").invest_max == pytest.approx(5.0 / 12)
    assert legal.action_limits(session, "CN").invest_max == 0.0  # China funds no allied capacity


def test_a_menu_refuses_a_code_it_does_not_offer_and_names_the_choices():
    session = at_turn(5)
    menu = next(m for m in session.offer_menus() if m.partner == "US")
    with pytest.raises(MoveError, match=r"no option 'g9'; choose from g1"):
        menu.offer("CN", ["g9"])
    assert menu.offer("CN", []) is None
    made = menu.offer("CN", ["g1", "g1"])  # a code named twice counts once
    assert made is not None and len(made.give) == 1 and made.ask == ()


def test_only_the_seats_own_pledges_in_force_may_be_set():
    session = at_turn(0)
    while session.prompt.kind != "actions":
        session.submit_default()
    limits = session.action_limits()
    assert limits.pledges and all(p.giver == "CN" and p.in_force(session.turn)
                                  for p in session.pledges() if p.id in limits.pledges)
    assert set(limits.partners) == set(session.countries) - {"CN"}


def test_a_seat_with_a_stockpile_may_hold_it_and_one_without_is_refused_in_words():
    japan, china = at_turn(0, seats=("JP",)), at_turn(0)
    for session in (japan, china):
        while session.prompt.kind != "actions":
            session.submit_default()
    assert japan.action_limits().stockpile == pytest.approx(2.0)  # P17: Japan's 60-day target
    legal.check_decision(japan, "JP", Decision(hold_stock=True))
    assert china.action_limits().stockpile is None
    with pytest.raises(MoveError, match="CN holds no rare-earth stockpile this turn, so there is none to hold back"):
        legal.check_decision(china, "CN", Decision(hold_stock=True))
