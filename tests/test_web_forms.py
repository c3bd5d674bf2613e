"""Browser forms: an empty form plays the suggestion; each bad field is refused by name."""

from __future__ import annotations

import pytest

from negotiation import load_scenario
from negotiation.observation import Decision, Response
from negotiation.play.session import Session
from negotiation.web import forms


def at(kind: str, seat: str = "CN") -> Session:
    session = Session(load_scenario("classroom_intro"), [seat])
    while session.prompt.kind != kind:
        session.submit_default()
    return session


@pytest.mark.parametrize("kind", ["offers", "answer", "actions"])
def test_an_empty_form_is_the_suggested_move(kind):
    session = at(kind)
    move = forms.move_of(session, session.prompt, {})
    default = session.prompt.default
    if kind == "offers":
        assert {(o.receiver, frozenset(o.give), frozenset(o.ask)) for o in move} == \
            {(o.receiver, frozenset(o.give), frozenset(o.ask)) for o in default}
    elif kind == "answer":
        assert move.verdict == default.verdict
    else:
        assert move == default


def test_the_actions_form_shows_the_seats_pledges_and_partners_with_the_suggestion():
    session = at("actions", seat="US")
    form = forms.actions_form(session, session.prompt)
    limits = session.action_limits()
    assert [c.label for c in form["pledges"]] == list(limits.pledges)
    assert [c.label for c in form["surcharges"]] == list(limits.partners)
    assert form["surcharges"][0].note == session.scenario.countries[limits.partners[0]].name
    assert form["invest"][0].high == pytest.approx(5.0 / 12)


def test_surcharges_are_entered_in_points_and_played_as_shares():
    session = at("actions", seat="US")
    move = forms.move_of(session, session.prompt, {"surcharge.CN": "25"})
    assert isinstance(move, Decision) and move.retaliation["CN"] == pytest.approx(0.25)


@pytest.mark.parametrize(("fields", "field", "reason"), [
    ({"surcharge.CN": "250"}, "surcharge.CN", "100"),
    ({"surcharge.CN": True}, "surcharge.CN", "expected a number"),
    ({"invest": "x" * 100}, "invest", "expected a number"),
    ({"level.NOPE": "1"}, "", "no field 'level.NOPE'"),
    ([1, 2], "", "a move is a mapping"),
])
def test_a_bad_field_is_refused_by_name(fields, field, reason):
    session = at("actions", seat="US")
    with pytest.raises(forms.FieldError, match=reason) as caught:
        forms.move_of(session, session.prompt, fields)
    assert caught.value.field == field


def test_an_answer_refuses_a_verdict_it_does_not_offer():
    session = at("answer")
    with pytest.raises(forms.FieldError, match="answer accept") as caught:
        forms.move_of(session, session.prompt, {"verdict": "maybe"})
    assert caught.value.field == "verdict"
    assert forms.move_of(session, session.prompt, {"verdict": "reject"}) == Response("reject")


def test_describe_says_a_move_in_a_few_words():
    assert forms.describe("offers", []) == "no offer"
    assert forms.describe("answer", Response("reject")) == "reject"
    assert forms.describe("actions", Decision({"C1": 0.0}, {"US": 0.1}, 0.0)) == \
        "C1 defect, surcharge on US 10 points"


def test_a_form_sent_back_as_shown_is_no_decision_and_plays_the_exact_suggestion():
    # the US invests 0.0833... a turn; the form shows 0.0833 and sends that text back unchanged
    session = at("actions", seat="US")
    form = forms.actions_form(session, session.prompt)
    shown = {c.field: f"{c.value:.3g}" if c.field == "invest" else f"{c.value:g}"
             for group in form.values() for c in group}
    assert shown["invest"] == "0.0833"
    move = forms.move_of(session, session.prompt, shown)
    assert move.invest == session.prompt.default.invest  # not its rounding: the game stays the strategy's
    session.submit(move)
    assert session.choices == []  # no phantom 'invest 0.0833 (suggested 0.0833333)' in the class report


def test_the_offer_form_names_each_pledge_not_only_its_code():
    session = at("offers")
    while session.turn < 5:  # the renewals of C1 and U1 are due at turn 5
        session.submit_default()
    [menu] = forms.offers_form(session, "CN")
    assert [text for _, text, _ in menu.give] == ["renew C1 (Suspend the October 2025 rare-earth export controls…)",
                                                   "C5 +8 (25 to 33)"]  # the linked instruments (issue 9)
    assert [text for _, text, _ in menu.ask] == ["renew U1 (Cut the 'fentanyl' tariffs on Chinese goods by 10 points)",
                                                  "U1 +10.0 points off the US tariff on CN"]


def test_the_offers_on_the_table_and_the_offer_answered_name_each_pledge_as_the_forms_do():
    from negotiation.web import pages
    from negotiation.web.room import Room

    session = at("offers")
    while session.turn < 5 or session.prompt.kind != "answer":  # the US offers the renewals at turn 5
        session.submit_default()
    page = pages.seat_main(Room(session, classroom=False), "CN", None)
    table = page.split("<h2>Offers on the table</h2>")[1].split("</ul>")[0]
    assert "US gives: renew U1 (Cut the &#39;fentanyl&#39; tariffs on Chinese goods by 10 points)" in table
    assert "asks: renew C1 (Suspend the October 2025 rare-earth export controls…)" in table
    assert forms.answer_form(session, session.prompt)["offer"].endswith(
        "asks: renew C1 (Suspend the October 2025 rare-earth export controls…)")


def test_the_forms_say_why_the_suggestion_is_what_it_is():
    session = at("actions")
    why = forms.actions_reasons(session, session.prompt)
    assert why and why[0].startswith("honour C1, C5: ") and "honouring pays more" in why[0]
    while session.prompt.kind != "answer":
        session.submit_default()
    form = forms.answer_form(session, session.prompt)
    # the bargained renewal: its value to the seat and what a failure costs (issue 9); the US links
    # all the further tariff cut it can (U1's last 10 points), so the suggestion is to take it
    assert form["default"] == "accept" and "if this renewal fails you lose about" in form["why"]
    assert "the linked terms +" in form["why"] and "a counter would not get you more" in form["why"]
    assert form["counter_why"] == ""  # no counter is suggested


def test_the_answer_form_offers_the_suggested_counter_with_its_linked_terms_ticked():
    from negotiation.config.models import Scenario

    # the default scenario at T6 with China's outside option at 1.0 a month and three rounds:
    # China's strategy counters the US's package for more of the linked terms (issue 9)
    data = load_scenario("busan_truce_2025").model_dump()
    data["negotiation"].update(outside_options={"CN": 1.0}, rounds=3)
    session = Session(Scenario.model_validate(data), ["CN"])
    while session.prompt.kind != "answer":
        session.submit_default()
    assert session.prompt.default.verdict == "counter"
    form = forms.answer_form(session, session.prompt)
    assert form["counter_why"].startswith("the counter renews the same pledges with linked terms worth +")
    counter = session.prompt.default.counter
    ticked = [label for side in (form["counter"].give, form["counter"].ask) for _, label, on in side if on]
    # every term of the suggested counter is ticked (renewals named with their pledge's text)
    assert len(ticked) == len(counter.give + counter.ask)
    assert any(label.startswith(("U1 +", "C5 +")) for label in ticked)


def test_a_seat_with_a_stockpile_chooses_to_draw_or_hold_it_and_others_see_no_such_field():
    japan = at("actions", seat="JP")
    [control] = forms.actions_form(japan, japan.prompt)["stockpile"]
    assert control.value == 0.0 and control.high == pytest.approx(2.0)  # draws by default; 2 months held
    assert forms.move_of(japan, japan.prompt, {"stockpile": "hold"}).hold_stock is True
    assert forms.move_of(japan, japan.prompt, {"stockpile": "draw"}) == japan.prompt.default
    with pytest.raises(forms.FieldError, match="'draw' .* or 'hold'") as caught:
        forms.move_of(japan, japan.prompt, {"stockpile": "sell"})
    assert caught.value.field == "stockpile"
    assert forms.describe("actions", Decision(hold_stock=True)) == "hold the stockpile"
    china = at("actions")
    assert forms.actions_form(china, china.prompt)["stockpile"] == []
    with pytest.raises(forms.FieldError, match="no field 'stockpile'"):
        forms.move_of(china, china.prompt, {"stockpile": "hold"})
