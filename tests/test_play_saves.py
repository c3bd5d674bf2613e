"""Saves: atomic versioned JSON, resumed by replay; every broken save refused in one line."""

import json
from pathlib import Path

import pytest

from negotiation import files, load_scenario
from negotiation.observation import Decision, Response
from negotiation.play import saves
from negotiation.play.saves import SaveError
from negotiation.play.session import Session


def scripted_moves(session: Session, stop_after: int | None = None) -> Session:
    """A game with a few non-default moves (a defection, a surcharge, a rejection)."""
    count = 0
    while not session.finished and (stop_after is None or count < stop_after):
        p = session.prompt
        if p.kind == "actions" and p.turn == 1:
            session.submit(Decision({**p.default.levels, "C5": 0.0}, p.default.retaliation, p.default.invest))
        elif p.kind == "actions" and p.turn == 2:
            session.submit(Decision(p.default.levels, {"US": 0.2}, p.default.invest))
        elif p.kind == "answer":
            session.submit(Response("reject"))
        else:
            session.submit_default()
        count += 1
    return session


def new_session() -> Session:
    return Session(load_scenario("classroom_intro", {"world.noise_scale": 3.0}), ["CN"], seed=7, name="Ana")


@pytest.mark.parametrize("stop", [1, 4, 9, 11])
def test_a_game_saved_anywhere_resumes_to_the_same_end_as_an_uninterrupted_one(tmp_path, stop):
    whole = scripted_moves(new_session())
    half = scripted_moves(new_session(), stop_after=stop)
    path = saves.save(half, tmp_path / "game.json")
    resumed = saves.load(path)
    assert resumed.digest() == half.digest() and resumed.name == "Ana"
    scripted_moves(resumed)  # the same moves from where it stopped
    assert resumed.digest() == whole.digest()
    assert resumed.result().totals == whole.result().totals


def test_a_save_is_versioned_json_and_written_atomically(tmp_path):
    session = scripted_moves(new_session(), stop_after=3)
    path = saves.save(session, tmp_path / "game.json")
    data = json.loads(path.read_text())
    assert data["format"] == "negotiation-save" and data["version"] == 1 and data["seats"] == ["CN"]
    assert data["scenario"]["name"] == "classroom_intro" and len(data["inputs"]) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["game.json"]  # no temporary file left behind


def test_a_failed_write_leaves_the_previous_save_intact(tmp_path, monkeypatch):
    session = scripted_moves(new_session(), stop_after=3)
    path = saves.save(session, tmp_path / "game.json")
    before = path.read_bytes()
    session.submit_default()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(OSError):
        saves.save(session, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["game.json"]


def _resealed(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k != "checksum"}
    data["checksum"] = saves._checksum(data)
    return data


@pytest.mark.parametrize(("damage", "message"), [
    (lambda text, data: text[: len(text) // 2], "is truncated"),
    (lambda text, data: text.replace('"inputs"', '"inputs" "', 1), "is damaged (invalid JSON at line"),
    (lambda text, data: b"\x00\x01\xff binary", "is not a save (binary data"),
    (lambda text, data: "name: a YAML file\n", "is not a save (not JSON)"),
    (lambda text, data: json.dumps({"hello": 1}), "is not a negotiation save"),
    (lambda text, data: json.dumps({**data, "version": 9}), "is a version 9 save"),
    (lambda text, data: json.dumps({**data, "seed": 8}), "was edited or damaged"),
    (lambda text, data: json.dumps({k: v for k, v in data.items() if k != "digest"}), "missing digest"),
    # a consistent checksum over altered moves: the replay shows the save is not the game it claims
    (lambda text, data: json.dumps(_resealed({**data, "digest": "0" * 64})), "replaying its moves does not give"),
    (lambda text, data: json.dumps(_resealed({**data, "inputs": [{**data["inputs"][0], "kind": "answer"}]})),
     "cannot be replayed"),
])
def test_a_broken_save_is_refused_with_one_clear_line(tmp_path, damage, message):
    path = saves.save(scripted_moves(new_session(), stop_after=5), tmp_path / "game.json")
    text = path.read_text()
    bad = tmp_path / "bad.json"
    broken = damage(text, json.loads(text))
    bad.write_bytes(broken if isinstance(broken, bytes) else broken.encode())
    with pytest.raises(SaveError) as caught:
        saves.load(bad)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith(str(bad))


def test_a_missing_save_is_named():
    with pytest.raises(SaveError, match="no such save file"):
        saves.load(__import__("pathlib").Path("/nonexistent/game.json"))


def test_a_game_with_typed_concessions_loads_and_verifies():
    # the moves of a game saved by 02c77de (a new pledge and a rollback offered, a counter,
    # renewals), saved again by the market's engine (issue 10), its digest renewed under the tariff block and the
    # retired incidence/trade_base fields dropped (issue 9) and again when answers weighed linked packages;
    # `load` replays the moves and refuses the save unless the digest matches
    session = saves.load(Path(__file__).parent / "data" / "save_with_market.json")
    assert session.turn == 7 and "CN_BEEF" in [p.id for p in session.pledges()]
    assert [t.verdict for t in session.talks(5)][:2] == ["counter", "accept"]


def test_a_game_saved_before_the_market_is_refused_in_one_line():
    # made by 02c77de, before the rare-earth market changed the game: its scenario has fields
    # the game no longer has, and its replay could not match
    path = Path(__file__).parent / "data" / "save_before_typed_concessions.json"
    with pytest.raises(SaveError) as caught:
        saves.load(path)
    assert "made by another version of the game" in str(caught.value) and "\n" not in str(caught.value)
