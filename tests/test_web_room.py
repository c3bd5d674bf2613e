"""The classroom room without a server: seats and teams, steps, absent seats, timers,
the instructor's controls, the browser's form fields, and resuming from room.json."""

import pytest

from negotiation import load_scenario
from negotiation.play.session import Session
from negotiation.web.forms import FieldError
from negotiation.web.room import GRACE, Room, RoomError, Settings


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def classroom(clock, timer=0.0, team_size=0, seats=("US", "CN", "JP")) -> Room:
    session = Session(load_scenario("classroom_intro"), list(seats))
    return Room(session, classroom=True, settings=Settings(timer=timer, team_size=team_size), clock=clock)


def seated(room: Room, seat: str, name: str):
    player = room.join(seat, name)
    room.connect(player.id)
    return player


def move(room: Room, player, seat: str, fields: dict) -> None:
    room.move(player.id, seat, room.session.turn, room.session.step, fields)


def test_moves_wait_for_the_start_and_empty_seats_play_their_strategy(clock):
    room = classroom(clock)
    ana = seated(room, "CN", "Ana")
    with pytest.raises(RoomError, match="has not started"):
        move(room, ana, "CN", {})
    room.start()
    # nothing to offer at turn 0, and US and JP are empty: only China's actions are awaited
    assert [p.seat for p in room.pending()] == ["CN"] and room.phase == "actions"
    assert room.moved["US"].by == "its strategy (nobody at the seat)"
    move(room, ana, "CN", {"level.C5": "defect"})
    assert room.session.turn == 1
    china = [i for i in room.session.inputs if (i["seat"], i["kind"]) == ("CN", "actions")]
    assert china[0]["move"]["levels"]["C5"] == 0.0


def test_a_team_moves_once_per_step_and_the_first_move_counts(clock):
    room = classroom(clock)
    ana, bo = seated(room, "CN", "Ana"), seated(room, "CN", "Bo")
    seated(room, "US", "Cy")
    room.start()
    move(room, ana, "CN", {})
    with pytest.raises(RoomError, match="Ana already moved for CN in this step"):
        move(room, bo, "CN", {"level.C1": "0"})
    assert room.moved["CN"].text == "C1 honour, C5 honour"
    with pytest.raises(RoomError, match="you do not play US"):
        move(room, bo, "US", {})


def test_team_size_limits_a_seat(clock):
    room = classroom(clock, team_size=1)
    seated(room, "CN", "Ana")
    assert not room.free("CN")
    with pytest.raises(RoomError, match="CN is full"):
        room.join("CN", "Bo")
    with pytest.raises(RoomError, match="not a seat of this game"):
        room.join("XX", "Bo")


def test_a_player_who_left_holds_the_seat_for_the_grace_period_only(clock):
    room = classroom(clock)
    ana, cy = seated(room, "CN", "Ana"), seated(room, "US", "Cy")
    room.start()
    room.disconnect(cy.id)
    move(room, ana, "CN", {})
    assert [p.seat for p in room.pending()] == ["US"]  # US may be refreshing its page
    clock.now += GRACE + 1
    assert room.tick() and room.session.turn == 1


def test_the_timer_plays_the_defaults_of_the_seats_still_to_move(clock):
    room = classroom(clock, timer=60)
    seated(room, "CN", "Ana")
    room.start()
    assert room.deadline == clock.now + 60
    clock.now += 59
    assert not room.tick() and room.session.turn == 0
    clock.now += 2
    assert room.tick() and room.session.turn == 1
    assert room.session.choices == []  # the defaults: nobody chose anything


def test_pause_stops_moves_and_the_timer_and_resume_gives_the_time_left(clock):
    room = classroom(clock, timer=60)
    ana = seated(room, "CN", "Ana")
    room.start()
    clock.now += 20
    room.pause()
    with pytest.raises(RoomError, match="paused"):
        move(room, ana, "CN", {})
    clock.now += 500
    assert not room.tick()
    room.resume()
    assert room.deadline == clock.now + 40


def test_advance_closes_the_step_and_end_finishes_the_game(clock):
    room = classroom(clock)
    seated(room, "CN", "Ana"), seated(room, "US", "Cy")
    room.start()
    assert [p.seat for p in room.pending()] == ["US", "CN"]
    room.advance()
    assert room.session.turn == 1 and room.session.choices == []
    room.end()
    assert room.session.finished and room.phase == "finished"
    with pytest.raises(RoomError, match="the game is over"):
        room.advance()


@pytest.mark.parametrize(("fields", "field", "reason"), [
    ({"level.C1": "2"}, "level.C1", "out of range"),
    ({"level.C1": "maybe"}, "level.C1", "not a level"),
    ({"surcharge.US": "150"}, "surcharge.US", "from 0 to 100"),
    ({"surcharge.US": ["10"]}, "surcharge.US", "expected a number"),
    ({"level.U1": "1"}, "", "no field 'level.U1'"),
    ({"invest": "1"}, "", "no field 'invest'"),  # China has no investment budget
    ([1, 2], "", "a mapping of form fields"),
])
def test_a_bad_field_is_refused_beside_it_and_nothing_changes(clock, fields, field, reason):
    room = classroom(clock)
    ana = seated(room, "CN", "Ana")
    room.start()
    before = room.session.digest()
    with pytest.raises(FieldError, match=reason) as refused:
        move(room, ana, "CN", fields)
    assert refused.value.field == field
    assert room.session.digest() == before


def test_offers_and_answers_from_fields(clock):
    room = classroom(clock)
    ana = seated(room, "CN", "Ana")
    room.start()
    while room.session.turn < 5:
        move(room, ana, "CN", {})
    assert room.phase == "offers"
    with pytest.raises(FieldError, match="no option 'g9'") as refused:
        move(room, ana, "CN", {"offer.US": ["g9"]})
    assert refused.value.field == "offer.US"
    move(room, ana, "CN", {"offer.US": []})  # no offer
    assert room.phase == "talks" and room.pending()[0].question.offer.proposer == "US"
    with pytest.raises(FieldError, match="counter-offer must give or ask") as refused:
        move(room, ana, "CN", {"verdict": "counter", "counter": []})
    assert refused.value.field == "counter"
    with pytest.raises(FieldError, match="answer accept, reject or counter"):
        move(room, ana, "CN", {"verdict": "maybe"})
    move(room, ana, "CN", {"verdict": "reject"})
    # the US's package links all the tariff cut it can: China's strategy would take it
    assert room.session.choices[-1].text == "rejected US's offer (suggested: accept)"


def test_a_room_resumes_from_its_data_with_the_moves_held_in_the_step(clock):
    room = classroom(clock)
    cy, ana = seated(room, "US", "Cy"), seated(room, "CN", "Ana")
    room.start()
    move(room, ana, "CN", {"level.C5": "0.5"})  # held: the US moves first in the scenario's order
    assert not [i for i in room.session.inputs if i["kind"] == "actions"] and "CN" in room.moved
    data = room.to_data()
    saved = Session(load_scenario("classroom_intro"), ["US", "CN", "JP"])
    for record in room.session.inputs:  # what loading game.json does
        saved.replay(record)
    again = Room.from_data(data, saved, clock=clock)
    assert again.moved["CN"].by == "Ana" and [p.seat for p in again.pending()] == ["US"]
    assert again.players[ana.id].seats == ("CN",) and again.join_code == room.join_code
    again.connect(cy.id)
    move(again, again.players[cy.id], "US", {})
    china = [i for i in again.session.inputs if (i["seat"], i["kind"]) == ("CN", "actions")]
    assert again.session.turn == 1 and china[0]["move"]["levels"]["C5"] == 0.5


def test_start_with_nobody_joined_waits_instead_of_playing_the_game_out(clock):
    room = classroom(clock, timer=30)
    room.start()
    assert room.session.turn == 0 and not room.session.finished
    assert room.settings.paused and room.emptied and room.deadline is None
    clock.now += 3600
    room.tick()  # an hour later, nothing has been played
    assert room.session.turn == 0 and room.session.inputs == []
    room.resume()  # the instructor decides: the strategies play every empty seat
    assert room.session.finished


def test_a_class_whose_students_all_disconnect_waits_past_the_grace_and_goes_on_when_one_is_back(clock):
    room = classroom(clock, timer=30)
    ana, bo = seated(room, "CN", "Ana"), seated(room, "US", "Bo")
    room.start()
    move(room, ana, "CN", {})
    turn, inputs = room.session.turn, len(room.session.inputs)
    room.disconnect(ana.id)
    room.disconnect(bo.id)  # a Wi-Fi drop: every tab closes
    clock.now += GRACE + 1
    room.tick()
    assert room.settings.paused and room.emptied
    for _ in range(20):  # the timer would have run out many times over: the game does not advance
        clock.now += 60
        room.tick()
    assert (room.session.turn, len(room.session.inputs)) == (turn, inputs) and not room.session.finished
    room.connect(bo.id)  # a student is back: the class goes on where it stopped
    assert not room.settings.paused and room.deadline is not None
    assert [p.seat for p in room.pending()] == ["US"] and room.moved["CN"].by == "Ana"  # her move was kept


def test_an_instructors_pause_is_not_lifted_by_a_returning_student(clock):
    room = classroom(clock)
    ana = seated(room, "CN", "Ana")
    room.start()
    room.pause()
    room.disconnect(ana.id)
    room.connect(ana.id)
    assert room.settings.paused and not room.emptied
