"""The browser classroom against an attacker (issue 12; threat model in docs/web.md): another
site's page (cross-origin POST and websocket, CSRF, DNS rebinding via the Host header), a
griefing classmate (join floods, taken names, the instructor removing them), old and revoked
seat tokens, a stale tab, hostile websocket messages, formula injection in every CSV the
project writes, and the security headers on every page."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from negotiation import load_scenario
from negotiation.cli import main
from negotiation.play import saves
from negotiation.play.moves import MoveError
from negotiation.play.session import Session
from negotiation.web import tokens
from negotiation.web.app import Host, cookie_name, create_app
from negotiation.web.room import MAX_TEAM, Room, RoomError
from negotiation.web.security import csrf_token, load_message
from negotiation.web.server import allowed_hosts, classroom_host, resumed_host

LOCAL = "http://127.0.0.1:8000"
SEATS = ["US", "CN", "JP"]
EVIL = '=HYPERLINK("http://evil.example","click")'


def client_of(host: Host) -> TestClient:
    return TestClient(create_app(host), base_url=LOCAL)


def ws_headers(extra: dict | None = None) -> dict:
    # Starlette's test client always opens websockets to 'testserver'; a browser sends the page's host
    return {"host": "127.0.0.1:8000", **(extra or {})}


def join(client: TestClient, host: Host, seat: str, name: str, **extra) -> dict[str, str]:
    reply = client.post(f"/join/{host.room.join_code}", data={"country": seat, "name": name,
                                                                "csrf": csrf_token(host.secret)},
                        follow_redirects=False, **extra)
    assert reply.status_code == 303, reply.text
    token = reply.cookies[cookie_name(host.room)]
    client.cookies.clear()
    return {"cookie": f"{cookie_name(host.room)}={token}"}


def until(ws, test, limit: int = 60) -> dict:
    for _ in range(limit):
        message = ws.receive_json()
        if test(message):
            return message
    raise AssertionError("no such message")


@pytest.fixture
def classroom(tmp_path):
    return classroom_host(load_scenario("classroom_intro"), SEATS, tmp_path / "class")


@pytest.fixture
def solo(tmp_path):
    return Host(load_scenario("classroom_intro"), classroom=False, saves=tmp_path / "saves")


# --- another site's page ----------------------------------------------------------------------
def test_a_cross_origin_post_cannot_replace_the_students_game(solo):
    with client_of(solo) as client:
        form = {"country": "CN", "name": "Ana", "csrf": csrf_token(solo.secret)}
        assert client.post("/solo", data=form, follow_redirects=False).status_code == 303
        game = solo.room.game
        # an auto-submitting form on a page served from another local port: same site, other origin
        for origin in ("http://localhost:9999", "http://127.0.0.1:9999", "null", "http://evil.example"):
            reply = client.post("/solo", data={**form, "country": "US"}, headers={"origin": origin},
                                follow_redirects=False)
            assert reply.status_code == 403 and "another site" in reply.text
        reply = client.post("/solo", data={**form, "country": "US"}, headers={"sec-fetch-site": "same-site"},
                            follow_redirects=False)
        assert reply.status_code == 403
        assert solo.room.game == game and solo.room.seats == ("CN",)
        same = client.post("/solo", data={**form, "country": "US"}, headers={"origin": LOCAL}, follow_redirects=False)
        assert same.status_code == 303 and solo.room.seats == ("US",)


def test_a_post_without_this_servers_csrf_token_is_refused(solo, classroom):
    with client_of(solo) as client:
        assert 'name="csrf" value="' + csrf_token(solo.secret) + '"' in client.get("/").text
        for form in ({"country": "CN"}, {"country": "CN", "csrf": "forged"},
                     {"country": "CN", "csrf": csrf_token(b"another server")}):
            reply = client.post("/solo", data=form, follow_redirects=False)
            assert reply.status_code == 403 and "reload the page" in reply.text
        assert solo.room is None
        assert client.post("/solo", content=b"country=CN&csrf=" + b"x" * 5000).status_code == 403  # oversized
    with client_of(classroom) as client:
        html = client.get(f"/join/{classroom.room.join_code}").text
        assert f'value="{csrf_token(classroom.secret)}"' in html
        reply = client.post(f"/join/{classroom.room.join_code}", data={"country": "CN", "name": "Ana"})
        assert reply.status_code == 403 and not classroom.room.players


def test_a_host_header_naming_another_site_is_refused_and_gets_no_seat(solo):
    with client_of(solo) as client:
        client.post("/solo", data={"country": "CN", "csrf": csrf_token(solo.secret)})
        client.cookies.clear()
        for path, method in (("/continue", "POST"), ("/", "GET"), ("/play", "GET"), ("/static/style.css", "GET")):
            reply = client.request(method, path, headers={"host": "attacker.example:8000"}, follow_redirects=False)
            assert reply.status_code == 403 and "set-cookie" not in reply.headers, path
        with pytest.raises(WebSocketDisconnect) as refused, \
                client.websocket_connect("/ws", headers={"host": "attacker.example:8000"}):
            pass
        assert refused.value.code == 4401
        # the server's own names and any IP address (a rebinding page cannot send one) are answered
        for name in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "192.168.1.20:8000"):
            assert client.get("/", headers={"host": name}).status_code == 200, name
    assert "attacker.example" not in allowed_hosts("0.0.0.0", "http://192.168.1.20:8000/join/ABC")
    assert "localhost" in allowed_hosts(None, "")


def test_a_websocket_from_another_sites_page_is_refused(classroom):
    with client_of(classroom) as client:
        ana = join(client, classroom, "CN", "Ana")
        for path, headers, code in (("/ws", ana, 4401), (f"/ws/admin?token={classroom.room.admin_token}", {}, 4403)):
            for origin in ("http://evil.example", "http://127.0.0.1:9999", "null"):
                with pytest.raises(WebSocketDisconnect) as refused, \
                        client.websocket_connect(path, headers=ws_headers({**headers, "origin": origin})):
                    pass
                assert refused.value.code == code, (path, origin)
        with client.websocket_connect("/ws", headers=ws_headers({**ana, "origin": LOCAL})) as ws:
            assert until(ws, lambda m: m["type"] == "page")


# --- classmates ------------------------------------------------------------------------------
def test_names_must_be_given_and_unique_and_nobody_joins_a_finished_game(classroom):
    with client_of(classroom) as client:
        join(client, classroom, "CN", "Ana")
        for name, why in (("", "enter your name"), ("  \t ", "enter your name"), ("ana", "is taken"),
                          (" ANA ", "is taken"), ("\u202eAna", "is taken")):
            reply = client.post(f"/join/{classroom.room.join_code}",
                                data={"country": "CN", "name": name, "csrf": csrf_token(classroom.secret)})
            assert reply.status_code == 400 and why in reply.text, name
        assert [p.name for p in classroom.room.players.values()] == ["Ana"]
        classroom.room.end()
        reply = client.post(f"/join/{classroom.room.join_code}",
                            data={"country": "US", "name": "Bo", "csrf": csrf_token(classroom.secret)})
        assert reply.status_code == 400 and "the game is over" in reply.text


def test_a_join_flood_is_capped_and_throttled(tmp_path, monkeypatch):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, tmp_path / "class", team_size=2)
    with client_of(host) as client:
        join(client, host, "CN", "Ana")
        join(client, host, "CN", "Bo")
        reply = client.post(f"/join/{host.room.join_code}",
                            data={"country": "CN", "name": "Cy", "csrf": csrf_token(host.secret)})
        assert reply.status_code == 400 and "CN is full (2 players)" in reply.text
        # a flood from one address: 40 seats at once, then one a second (the room's own caps aside)
        monkeypatch.setattr(host.room.settings, "team_size", 0)
        began, codes = time.monotonic(), []
        for n in range(70):
            codes.append(client.post(f"/join/{host.room.join_code}", follow_redirects=False,
                                     data={"country": SEATS[n % 3], "name": f"Flood {n}",
                                           "csrf": csrf_token(host.secret)}).status_code)
        elapsed = time.monotonic() - began
        assert codes.count(303) <= 40 - 2 + elapsed + 1 and (elapsed > 25 or 429 in codes)
    assert len(host.room.players) == 2 + codes.count(303)


def test_a_room_holds_at_most_max_players_and_a_seat_max_team(classroom, monkeypatch):
    from negotiation.web import room as room_module

    monkeypatch.setattr(room_module, "MAX_PLAYERS", 3)
    for n in range(3):
        classroom.room.join("US", f"P{n}")
    with pytest.raises(RoomError, match="the game is full"):
        classroom.room.join("CN", "One more")
    monkeypatch.setattr(room_module, "MAX_PLAYERS", 500)
    for n in range(MAX_TEAM - 3):
        classroom.room.join("US", f"Q{n}")
    with pytest.raises(RoomError, match=f"US is full \\({MAX_TEAM} players\\)"):
        classroom.room.join("US", "Too many")


def test_wrong_codes_do_not_lock_out_a_class_behind_one_address(classroom):
    with client_of(classroom) as client:
        ana = join(client, classroom, "CN", "Ana")
        began = time.monotonic()
        for n in range(30):  # a class mistyping the code
            assert client.get(f"/join/WRONG{n % 10}").status_code == 404
        codes = [client.get("/join/WRONG0").status_code for _ in range(int(time.monotonic() - began) + 2)]
        assert 429 in codes  # a guesser is slowed down to one a second
        assert client.get(f"/join/{classroom.room.join_code}", headers=ana).status_code == 200  # seated: never held
        time.sleep(1.1)  # one more try a second
        assert client.get(f"/join/{classroom.room.join_code}").status_code == 200


def test_the_instructor_removes_a_player_whose_token_then_stops_working_even_after_a_restart(classroom):
    with client_of(classroom) as client:
        grief = join(client, classroom, "CN", "Griefer")
        ana = join(client, classroom, "CN", "Ana")
        griefer = next(p for p in classroom.room.players.values() if p.name == "Griefer")
        with client.websocket_connect("/ws", headers=ws_headers(grief)) as seat, \
                client.websocket_connect(f"/ws/admin?token={classroom.room.admin_token}",
                                         headers=ws_headers()) as admin:
            assert f'data-player="{griefer.id}"' in until(admin, lambda m: m["type"] == "page")["html"]
            until(seat, lambda m: m["type"] == "page")
            admin.send_json({"type": "control", "action": "remove", "player": griefer.id})
            assert "took you out" in until(seat, lambda m: m["type"] == "error")["reason"]
            with pytest.raises(WebSocketDisconnect):
                for _ in range(10):
                    seat.receive_json()
            admin.send_json({"type": "control", "action": "remove", "player": griefer.id})
            assert "no such player" in until(admin, lambda m: m["type"] == "error")["reason"]
        assert client.get("/play", headers=grief, follow_redirects=False).status_code == 303
        assert client.get("/play", headers=ana).status_code == 200
        with pytest.raises(RoomError, match="you do not play"):
            classroom.room.move(griefer.id, "CN", 0, 0, {})
    again = resumed_host(classroom.store.folder)
    with client_of(again) as client:
        assert client.get("/play", headers=grief, follow_redirects=False).status_code == 303
        assert client.get("/play", headers=ana).status_code == 200


def test_seat_tokens_expire_and_old_ones_are_refused(classroom):
    with client_of(classroom) as client:
        join(client, classroom, "CN", "Ana")
        player = next(iter(classroom.room.players.values()))
        name = cookie_name(classroom.room)
        fresh = tokens.sign(classroom.secret, tokens.Pass(classroom.room.game, player.id, ("CN",), "Ana"))
        old = tokens.sign(classroom.secret, tokens.Pass(classroom.room.game, player.id, ("CN",), "Ana",
                                                        issued=time.time() - tokens.TOKEN_TTL - 5))
        assert client.get("/play", headers={"cookie": f"{name}={fresh}"}).status_code == 200
        assert client.get("/play", headers={"cookie": f"{name}={old}"}, follow_redirects=False).status_code == 303
        assert tokens.verify(classroom.secret, fresh, classroom.room.game, now=time.time() + tokens.TOKEN_TTL + 5) \
            is None
        reply = client.post(f"/join/{classroom.room.join_code}",
                            data={"country": "US", "name": "Bo", "csrf": csrf_token(classroom.secret)},
                            follow_redirects=False)
        assert f"Max-Age={tokens.TOKEN_TTL}" in reply.headers["set-cookie"]


def test_a_stale_tab_cannot_move_in_a_new_game_or_write_its_save(solo):
    with client_of(solo) as client:
        form = {"country": "CN", "csrf": csrf_token(solo.secret)}
        first = client.post("/solo", data=form, follow_redirects=False)
        old_cookie = {"cookie": f"{cookie_name(solo.room)}={first.cookies[cookie_name(solo.room)]}"}
        old_room, old_save = solo.room, solo.save_path
        client.cookies.clear()
        with client.websocket_connect("/ws", headers=ws_headers(old_cookie)) as stale:
            html = until(stale, lambda m: m["type"] == "page" and 'class="move"' in m["html"])["html"]
            client.post("/solo", data={**form, "country": "US"})  # a new game in another tab
            assert solo.room is not old_room
            new_save = solo.save_path.read_bytes()
            turn = html.split('data-turn="')[1].split('"')[0]
            step = html.split('data-step="')[1].split('"')[0]
            played = len(old_room.session.inputs)
            stale.send_json({"type": "move", "seat": "CN", "turn": int(turn), "step": int(step), "fields": {}})
            reasons = []
            with pytest.raises(WebSocketDisconnect) as closed:  # told why, then sent back to the start
                for _ in range(20):
                    message = stale.receive_json()
                    reasons += [message["reason"]] if message["type"] == "error" else []
            assert closed.value.code == 4401 and reasons
            assert all("new game was started" in r or "no longer in" in r for r in reasons)
        assert len(old_room.session.inputs) == played  # the stale move went nowhere
        assert old_save != solo.save_path
        assert solo.save_path.read_bytes() == new_save  # the new game's save holds none of the stale moves
        assert saves.load(solo.save_path).seats == ("US",)


# --- hostile messages --------------------------------------------------------------------------
def test_nested_and_huge_messages_get_an_error_and_the_socket_lives_on(classroom):
    with client_of(classroom) as client:
        ana = join(client, classroom, "CN", "Ana")
        with client.websocket_connect("/ws", headers=ws_headers(ana)) as ws, \
                client.websocket_connect(f"/ws/admin?token={classroom.room.admin_token}",
                                         headers=ws_headers()) as admin:
            until(ws, lambda m: m["type"] == "page")
            until(admin, lambda m: m["type"] == "page")
            ws.send_text('{"type": "move", "fields": ' + "[" * 3500 + "]" * 3500 + "}")  # 7 KB
            assert "nests at most" in until(ws, lambda m: m["type"] == "error")["reason"]
            for text in ('{"type": "control", "action": "timer", "seconds": ' + "1" + "0" * 400 + "}",
                         '{"type": "control", "action": "timer", "seconds": 1e400}',
                         '{"type": "control", "action": "timer", "seconds": NaN}',
                         '{"type": "control", "action": "timer", "seconds": 86400000}',
                         '{"type": "control", "action": "remove", "player": ["x"]}'):
                admin.send_text(text)
                assert until(admin, lambda m: m["type"] == "error")["reason"]
            admin.send_json({"type": "control", "action": "timer", "seconds": 45})  # still served
            until(admin, lambda m: m["type"] == "page" and 'value="45"' in m["html"])
            ws.send_json({"type": "move", "seat": "CN", "turn": 0, "step": 0, "fields": {}})
            assert until(ws, lambda m: m["type"] == "error")["reason"]  # the game has not started: answered
    assert classroom.room.settings.timer == 45


def test_message_limits_in_isolation():
    assert load_message('{"type": "move", "fields": {"a": ["b"]}}') == {"type": "move", "fields": {"a": ["b"]}}
    assert load_message('{"text": "[[[[[[[[[[[[[[[[[["}')["text"].startswith("[")  # brackets in text are text
    for bad in ("[" * 9 + "]" * 9, '{"n": Infinity}', '{"n": -1e7}', '{"n": ' + "9" * 30 + "}"):
        with pytest.raises(ValueError):
            load_message(bad)


# --- spreadsheets ------------------------------------------------------------------------------
def test_no_csv_the_project_writes_carries_a_live_formula(tmp_path, write, capsys):
    # report.csv: a player's name
    session = Session(load_scenario("classroom_intro"), ["CN"], name=EVIL)
    while not session.finished:
        session.submit(session.prompt.default)
    saves.save(session, tmp_path / "saves" / "evil.json")
    assert main(["report", str(tmp_path / "saves"), "--out", str(tmp_path / "report")]) == 0
    # timeline.csv and compliance.csv: a scenario's labels and pledge ids
    scenario = (load_scenario("prisoners_dilemma").model_dump(mode="json"))
    scenario.update(turns=3, labels=["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)"])
    scenario["countries"]["A"]["pledges"][0]["id"] = "-2+3"
    scenario["games"] = []
    path = write("evil.yaml", json.dumps(scenario))
    assert main(["run", str(path), "--no-plots", "--out", str(tmp_path / "run")]) == 0
    # the dashboard's timeline.csv and report.zip
    host = classroom_host(load_scenario("classroom_intro"), SEATS, tmp_path / "class")
    with client_of(host) as client:
        join(client, host, "CN", EVIL)
        host.room.end()
        token = host.room.admin_token
        exported = client.get(f"/admin/export/timeline.csv?token={token}").text
        zipped = zipfile.ZipFile(io.BytesIO(client.get(f"/admin/export/report.zip?token={token}").content))
        zipped_report = zipped.read("report.csv").decode()
    texts = {"report.csv": (tmp_path / "report" / "report.csv").read_text(),
             "timeline.csv": (tmp_path / "run" / "timeline.csv").read_text(),
             "compliance.csv": (tmp_path / "run" / "compliance.csv").read_text(),
             "export timeline.csv": exported, "report.zip report.csv": zipped_report}
    for name, text in texts.items():
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        cells = [str(c) for c in [*frame.columns, *frame.to_numpy().ravel()]]
        live = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]
        assert not live, (name, live)
    assert f"'{EVIL}" in texts["report.csv"].replace('""', '"')
    assert "'=1+1" in texts["timeline.csv"] and "'-2+3" in texts["compliance.csv"]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- headers ------------------------------------------------------------------------------------
def test_every_page_carries_the_security_headers(classroom, solo):
    with client_of(classroom) as client:
        ana = join(client, classroom, "CN", "Ana")
        token = classroom.room.admin_token
        replies = {path: client.get(path, headers=ana) for path in
                   ("/", "/play", f"/join/{classroom.room.join_code}", "/join/WRONG1", f"/admin?token={token}",
                    "/admin?token=nope", f"/admin/export/game.json?token={token}", "/nowhere", "/static/style.css",
                    "/static/client.js")}
        replies["refused POST"] = client.post("/solo", data={"country": "CN"})
        replies["bad host"] = client.get("/", headers={"host": "attacker.example"})
    with client_of(solo) as client:
        replies["pick"] = client.get("/")
    for path, reply in replies.items():
        h = reply.headers
        csp = h.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "script-src 'self'" in csp, path
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff", path
        assert h["referrer-policy"] == "same-origin", path
        if not path.startswith("/static/"):
            assert h["cache-control"] == "no-store", path
    assert replies[f"/admin?token={classroom.room.admin_token}"].status_code == 200


# --- any fields a tab may send ------------------------------------------------------------------
JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(-1e6, 1e6)
                    | st.text(max_size=12) | st.sampled_from(["g1", "a1", "honour", "defect", "0.5", "counter",
                                                             "accept", "-1", "1e9", "nan"]),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                max_size=3), max_leaves=8)
FIELD_NAMES = st.sampled_from(["offer.US", "offer.JP", "offer.CN", "verdict", "counter", "level.C1", "level.C5",
                               "level.U1", "surcharge.US", "surcharge.JP", "surcharge.CN", "invest", "x", ""])


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 0)) or 40, derandomize="FUZZ_EXAMPLES" not in os.environ,
          deadline=None, database=None)
@given(steps=st.lists(st.dictionaries(FIELD_NAMES, JSON, max_size=5), min_size=1, max_size=6),
       seat=st.sampled_from(["CN", "US", "JP", 7, None]), turn_off=st.sampled_from([0, 0, 1, -1, "0"]))
def test_any_fields_a_tab_sends_are_played_or_refused_with_a_reason(steps, seat, turn_off):
    session = Session(load_scenario("classroom_intro"), ["US", "CN"])
    room = Room(session, classroom=True)
    ana, bo = room.join("CN", "Ana"), room.join("US", "Bo")
    room.start()
    for fields in steps:
        if session.finished:
            break
        before = (session.digest(), len(session.inputs))
        player = ana if seat == "CN" else bo
        try:
            room.move(player.id, seat, session.turn + (turn_off if isinstance(turn_off, int) else 0)
                      if not isinstance(turn_off, str) else turn_off, session.step, fields)
        except MoveError as exc:
            assert str(exc)  # a reason the page shows
            assert (session.digest(), len(session.inputs)) == before  # and nothing changed
