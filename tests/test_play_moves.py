"""Moves as plain data: concessions by their tag, refused with a reason when malformed."""

import pytest

from negotiation.observation import Decision, NewPledge, Renew, Rollback, renewable_now
from negotiation.play.moves import (
    MoveError,
    concession_from_dict,
    concession_to_dict,
    decision_from_dict,
    decision_to_dict,
    parse_concession,
)


@pytest.mark.parametrize("concession", [Renew("C1"), Rollback("CN", "US"),
                                        NewPledge({"id": "CN_X", "to": "US", "instrument": "gift"})])
def test_every_concession_survives_plain_data(concession):
    data = concession_to_dict(concession)
    assert data["kind"] == concession.kind
    assert concession_from_dict(data) == concession
    assert concession.describe() and concession.short()


@pytest.mark.parametrize(("data", "reason"), [
    ({"kind": "renew"}, "missing pledge"),
    ({"kind": "rollback", "country": "CN", "target": "US", "pledge": "C1"}, "not pledge"),
    ({"kind": "new", "terms": ["id"]}, "terms must be a mapping"),
    ({"kind": "swap", "pledge": "C1"}, "kind renew, rollback or new"),
    ({"kind": "renew", "pledge": "C1", "colour": "red"}, "no field colour"),
])
def test_a_malformed_concession_is_refused_with_its_reason(data, reason):
    with pytest.raises(MoveError, match=reason):
        concession_from_dict(data)


def test_a_moves_file_names_renewals_and_rollbacks_in_words():
    assert parse_concession("renew C1", "CN", "US") == Renew("C1")
    assert parse_concession("roll back", "CN", "US") == Rollback("CN", "US")


def test_a_pledge_can_be_renewed_from_the_window_before_its_end_to_its_end():
    assert [t for t in range(10) if renewable_now(6, t, 1)] == [5, 6]
    assert [t for t in range(10) if renewable_now(6, t, 0)] == [6]


def test_a_held_stockpile_is_saved_and_read_back_and_a_draw_writes_what_saves_always_held():
    held = Decision({"J1": 1.0}, {}, 0.1, hold_stock=True)
    assert decision_from_dict(decision_to_dict(held)) == held
    assert set(decision_to_dict(Decision())) == {"levels", "retaliation", "invest"}
    with pytest.raises(MoveError, match="hold_stock must be true or false"):
        decision_from_dict({"hold_stock": "yes"})
