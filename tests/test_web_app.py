"""The browser front end over Starlette's test client: seat tokens, moves and refusals over
the websocket, reconnects, the timer, a restart mid-game, bad and flooding messages, the
dashboard and its exports, and a single student's game to its debrief."""

import io
import json
import re
import time
import zipfile

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from negotiation import load_scenario
from negotiation.cli import main
from negotiation.play import saves
from negotiation.web import tokens
from negotiation.web.app import Host, cookie_name, create_app
from negotiation.web.security import csrf_token
from negotiation.web.server import classroom_host, resumed_host

SEATS = ["US", "CN", "JP"]


def trusting_testserver(host: Host) -> Host:
    """The host, answering to Starlette's test client too (its Host header is 'testserver'; the
    server answers to its own names only, security.Guard)."""
    host.hosts = host.hosts | {"testserver"}
    return host


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "class"


def join(client: TestClient, host: Host, country: str, name: str) -> dict[str, str]:
    """Take a seat; the headers that carry the seat token (the test client holds no cookies)."""
    reply = client.post(f"/join/{host.room.join_code}",
                        data={"country": country, "name": name, "csrf": csrf_token(host.secret)},
                        follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/play"
    token = reply.cookies[cookie_name(host.room)]
    client.cookies.clear()
    return {"cookie": f"{cookie_name(host.room)}={token}"}


def until(ws, test, limit: int = 60) -> dict:
    """The first message passing ``test`` among the next ``limit``."""
    for _ in range(limit):
        message = ws.receive_json()
        if test(message):
            return message
    raise AssertionError("no such message")


def page(ws, contains: str = "") -> str:
    return until(ws, lambda m: m["type"] == "page" and contains in m["html"])["html"]


def where(html: str) -> tuple[int, int]:
    found = re.search(r'data-turn="(\d+)" data-step="(\d+)"', html)
    return int(found[1]), int(found[2])


def move(ws, seat: str, html: str, fields: dict | None = None) -> None:
    turn, step = where(html)
    ws.send_json({"type": "move", "seat": seat, "turn": turn, "step": step, "fields": fields or {}})


def control(client: TestClient, host: Host, action: str, **extra) -> None:
    with client.websocket_connect(f"/ws/admin?token={host.room.admin_token}") as admin:
        admin.send_json({"type": "control", "action": action, **extra})
        until(admin, lambda m: m["type"] == "page" and (action != "start" or "Start</button>" not in m["html"]))


def error(ws) -> dict:
    return until(ws, lambda m: m["type"] == "error")


def test_a_seat_token_brings_the_student_back_and_a_forged_one_does_not(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    with TestClient(create_app(trusting_testserver(host))) as client:
        assert client.get(f"/join/{host.room.join_code.lower()}").status_code == 200
        assert client.get("/join/WRONG1").status_code == 404
        ana = join(client, host, "CN", "Ana")
        assert "China" in client.get("/play", headers=ana).text
        assert "China" in client.get("/play", headers=ana).text  # a refresh: the same seat
        name = cookie_name(host.room)
        body, mac = ana["cookie"].split("=", 1)[1].split(".")
        forged = tokens.sign(b"another secret", tokens.Pass(host.room.game, "x", ("US",), "Eve"))
        for bad in (forged, f"{body}.{mac[:-2]}AA", "garbage"):
            reply = client.get("/play", headers={"cookie": f"{name}={bad}"}, follow_redirects=False)
            assert reply.status_code == 303 and reply.headers["location"] == "/"
        # a page of another site cannot use the student's cookie to open their seat's socket
        with pytest.raises(WebSocketDisconnect) as refused, \
                client.websocket_connect("/ws", headers={**ana, "origin": "http://evil.example"}):
            pass
        assert refused.value.code == 4401


def test_a_refused_move_gets_its_reason_beside_the_field_and_a_good_one_plays(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    with TestClient(create_app(trusting_testserver(host))) as client:
        ana = join(client, host, "CN", "Ana")
        control(client, host, "start")
        with client.websocket_connect("/ws", headers=ana) as ws:
            html = page(ws, "Your actions this turn")
            before = host.room.session.digest()
            move(ws, "CN", html, {"level.C1": "1.5"})
            assert error(ws) == {"type": "error", "field": "level.C1", "reason": "level 1.5 is out of range; "
                                 "use honour (1), defect (0) or a level from 0 to 1"}
            assert host.room.session.digest() == before
            move(ws, "CN", html, {"level.C5": "0.5", "surcharge.US": "10"})
            page(ws, 'data-turn="1"')
        assert json.loads(host.store.game_path.read_text())["turn"] == 1  # autosaved


def test_a_student_holds_the_stockpile_from_the_form_and_the_restarted_game_replays_it(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    with TestClient(create_app(trusting_testserver(host))) as client:
        kim = join(client, host, "JP", "Kim")
        control(client, host, "start")
        with client.websocket_connect("/ws", headers=kim) as ws:
            html = page(ws, "Your actions this turn")
            assert '<select name="stockpile">' in html and "your stockpile 2.0 months" not in html  # before turn 0
            move(ws, "JP", html, {"stockpile": "keep"})
            assert error(ws)["field"] == "stockpile"
            move(ws, "JP", html, {"stockpile": "hold"})
            html = page(ws, 'data-turn="1"')
            assert "your stockpile 2.0 months" in html
        digest = host.room.session.digest()
    [kept] = [i for i in host.room.session.inputs if (i["seat"], i["kind"]) == ("JP", "actions")]
    assert kept["move"]["hold_stock"] is True
    assert resumed_host(folder).room.session.digest() == digest


def test_bad_messages_get_an_error_and_change_nothing(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    with TestClient(create_app(trusting_testserver(host))) as client:
        ana = join(client, host, "CN", "Ana")
        control(client, host, "start")
        with client.websocket_connect("/ws", headers=ana) as ws:
            html = page(ws, "Your actions")
            turn, step = where(html)
            before = host.room.session.digest()
            good = {"type": "move", "seat": "CN", "turn": turn, "step": step, "fields": {}}
            cases = [
                ("x" * 9000, "message too large"),
                ("{not json", "must be JSON"),
                ("[1, 2]", "must be a JSON object"),
                (json.dumps({"type": "hello"}), "unknown message type"),
                (json.dumps({**good, "seat": "US"}), "you do not play US"),
                (json.dumps({**good, "turn": turn + 1}), "that step is over"),
                (json.dumps({**good, "step": step - 1}), "that step is over"),
                (json.dumps({**good, "turn": str(turn)}), "needs 'turn' as int"),
                (json.dumps({**good, "fields": ["level.C1"]}), "needs 'fields' as dict"),
                (json.dumps({**good, "fields": {"level.C1": {"deep": 1}}}), "expected a number"),
            ]
            for text, reason in cases:
                ws.send_text(text)
                assert reason in error(ws)["reason"]
            ws.send_bytes(b"\x00\x01")
            assert "not binary" in error(ws)["reason"]
            assert host.room.session.digest() == before
            ws.send_json(good)
            page(ws, 'data-turn="1"')


def test_a_flooding_seat_is_throttled_and_can_move_again_later(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    with TestClient(create_app(trusting_testserver(host))) as client:
        ana = join(client, host, "CN", "Ana")
        control(client, host, "start")
        with client.websocket_connect("/ws", headers=ana) as ws:
            html = page(ws, "Your actions")
            before = host.room.session.digest()
            turn, step = where(html)
            stale = json.dumps({"type": "move", "seat": "CN", "turn": turn, "step": step + 5, "fields": {}})
            for _ in range(150):
                ws.send_text(stale)
            until(ws, lambda m: m["type"] == "error" and "too many messages" in m["reason"], limit=200)
            assert host.room.session.digest() == before
            assert host.room.session.turn == 0
            time.sleep(1.0)  # the bucket refills: a real move goes through again
            move(ws, "CN", html)
            page(ws, 'data-turn="1"')


def test_a_reconnect_gets_the_seat_and_its_move_back(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    with TestClient(create_app(trusting_testserver(host))) as client:
        join(client, host, "US", "Cy")  # present: joined a moment ago, so the step waits for the US
        ana = join(client, host, "CN", "Ana")
        control(client, host, "start")
        with client.websocket_connect("/ws", headers=ana) as ws:
            move(ws, "CN", page(ws, "Your actions"), {"level.C5": "defect"})
            page(ws, "Move made by <b>Ana</b>")
        with client.websocket_connect("/ws", headers=ana) as ws:
            html = page(ws, "Move made by <b>Ana</b>")
            assert "C5 defect" in html and "Waiting for US" in html


def test_the_timer_plays_the_seats_defaults(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder, timer=30)
    now = [100.0]
    host.room.clock = lambda: now[0]
    with TestClient(create_app(trusting_testserver(host))) as client:
        ana = join(client, host, "CN", "Ana")
        control(client, host, "start")
        with client.websocket_connect("/ws", headers=ana) as ws:
            page(ws, "Your actions")
            assert 'class="timer" data-deadline=' in until(ws, lambda m: m["type"] == "status")["html"]
            now[0] += 31  # the clock runs out; the server's ticker notices within a quarter second
            page(ws, 'data-turn="1"')
        record = [i for i in host.room.session.inputs if (i["seat"], i["kind"]) == ("CN", "actions")]
        assert record and host.room.session.choices == []


def test_a_game_played_out_by_the_clock_gets_its_debriefs(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    now = [100.0]
    host.room.clock = lambda: now[0]
    with TestClient(create_app(trusting_testserver(host))) as client:
        join(client, host, "CN", "Ana")  # present for the grace period, but her page never connects
        control(client, host, "start")
        assert host.room.session.turn == 0 and host.room.phase == "actions"
        now[0] += 60  # the grace is over: nobody is at any seat, and the class waits for the instructor
        with client.websocket_connect(f"/ws/admin?token={host.room.admin_token}") as admin:
            page(admin, "nobody is at a seat")
            assert host.room.session.turn == 0 and host.room.settings.paused
            admin.send_json({"type": "control", "action": "resume"})  # the instructor decides: play on
            page(admin, "Debriefs")
        assert (folder / "debrief" / "CN" / "comparison-CN.png").exists()


def test_a_restarted_server_resumes_the_game_and_students_get_their_seats(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    with TestClient(create_app(trusting_testserver(host))) as client:
        cy = join(client, host, "US", "Cy")
        ana = join(client, host, "CN", "Ana")
        control(client, host, "start")
        with client.websocket_connect("/ws", headers=ana) as ws:
            move(ws, "CN", page(ws, "Your actions"), {"level.C5": "0.5"})  # held until the US moves
            page(ws, "Move made by")
        with client.websocket_connect("/ws", headers=cy) as ws:
            move(ws, "US", page(ws, "Your actions"))
            page(ws, 'data-turn="1"')
        with client.websocket_connect("/ws", headers=ana) as ws:
            move(ws, "CN", page(ws, 'data-turn="1"'), {"level.C1": "honour"})  # turn 1: held again
            page(ws, "Move made by")
        digest, inputs = host.room.session.digest(), list(host.room.session.inputs)
    again = resumed_host(folder)  # a new server process would do exactly this
    assert again.room.session.digest() == digest and again.room.join_code == host.room.join_code
    with TestClient(create_app(trusting_testserver(again))) as client:
        with client.websocket_connect("/ws", headers=ana) as ws:
            page(ws, "Move made by <b>Ana</b>")
        with client.websocket_connect("/ws", headers=cy) as ws:
            move(ws, "US", page(ws, "Your actions"))
            page(ws, 'data-turn="2"')
    assert again.room.session.inputs[:len(inputs)] == inputs
    china = [i for i in again.room.session.inputs if (i["seat"], i["kind"], i["turn"]) == ("CN", "actions", 0)]
    assert china[0]["move"]["levels"]["C5"] == 0.5


def test_a_class_waiting_for_its_students_still_waits_after_a_restart_and_a_returning_student_resumes_it(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder, timer=30)
    host.room.start()  # nobody has joined yet: the game waits for the players
    ana = host.room.join("CN", "Ana")
    assert host.room.settings.paused and host.room.emptied
    again = resumed_host(folder)  # the server restarts before Ana's tab connects
    assert again.room.settings.paused and again.room.emptied and again.room.session.inputs == []
    again.room.connect(ana.id)  # the class it waited for is back: it goes on by itself
    assert not again.room.settings.paused and again.room.deadline is not None
    assert [p.seat for p in again.room.pending()] == ["CN"]  # the empty seats played; Ana's waits for her
    again.room.pause()  # the instructor's own pause is saved as such: a returning student does not lift it
    later = resumed_host(folder)
    later.room.connect(ana.id)
    assert later.room.settings.paused and not later.room.emptied


def test_the_dashboard_needs_its_token_controls_the_game_and_exports_it(folder):
    host = classroom_host(load_scenario("classroom_intro"), SEATS, folder)
    with TestClient(create_app(trusting_testserver(host))) as client:
        token = host.room.admin_token
        assert client.get("/admin?token=nope").status_code == 403
        assert client.get("/admin/export/game.json?token=nope").status_code == 403
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/ws/admin?token=nope"):
            pass
        assert refused.value.code == 4403
        join(client, host, "CN", "Ana")
        html = client.get(f"/admin?token={token}").text
        assert host.room.join_code in html and "Ana" in html and "not moved yet" not in html
        with client.websocket_connect(f"/ws/admin?token={token}") as admin:
            until(admin, lambda m: m["type"] == "page")
            admin.send_json({"type": "control", "action": "explode"})
            assert "a control is start" in error(admin)["reason"]
            admin.send_json({"type": "control", "action": "start"})
            assert "not moved yet" in page(admin, "Pause")
            admin.send_json({"type": "control", "action": "timer", "seconds": 45})
            page(admin, 'value="45"')
            admin.send_json({"type": "control", "action": "advance"})
            html = page(admin, "Turn 1 of 8")
            # the market as the seats' charts show it, exact: prices, allied refining, each stockpile
            assert re.search(r"Rare earths outside China: NdPr \d+, Dy/Tb \d+ USD/kg", html)
            assert "allied share of refining: light" in html and "rare-earth prices" in html
            assert "<th>stockpile (months)</th>" in html and "<td>2.0</td>" in html  # Japan's 2 months (P17)
            assert client.get(f"/admin/export/report.zip?token={token}").status_code == 409
            admin.send_json({"type": "control", "action": "end"})
            page(admin, "Game over")
        csv = client.get(f"/admin/export/timeline.csv?token={token}").text
        assert csv.startswith("turn,date,status") and len(csv.splitlines()) == 9
        save = folder / "export.json"
        save.write_bytes(client.get(f"/admin/export/game.json?token={token}").content)
        assert saves.load(save).finished  # the terminal can load it: one play core
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/admin/export/report.zip?token={token}").content))
        assert {"report.csv", "scores.png", "game.json"} <= set(archive.namelist())
        assert archive.read("report.csv").decode().count("\n") == 4  # a header and the three seats


def test_a_single_student_plays_to_the_debrief(tmp_path):
    host = Host(load_scenario("classroom_intro"), classroom=False, saves=tmp_path / "saves")
    with TestClient(create_app(trusting_testserver(host))) as client:
        assert "Choose your country" in client.get("/").text
        reply = client.post("/solo", data={"country": "CN", "name": "Ana", "csrf": csrf_token(host.secret)},
                            follow_redirects=False)
        headers = {"cookie": f"{cookie_name(host.room)}={reply.cookies[cookie_name(host.room)]}"}
        client.cookies.clear()
        with client.websocket_connect("/ws", headers=headers) as ws:
            for _ in range(40):
                message = until(ws, lambda m: m["type"] == "page")
                if "Debrief" in message["html"]:
                    break
                if 'class="move"' in message["html"]:
                    move(ws, "CN", message["html"])
            html = message["html"]
        assert "Truce: it held for all 8 turns" in html
        plot = re.search(r'src="(/debrief/CN/[^"]+)"', html)[1]
        assert client.get(plot, headers=headers).headers["content-type"] == "image/png"
        assert client.get(plot).status_code == 404  # another browser has no seat token
    saved = saves.load(host.save_path)
    assert saved.finished and saved.name == "Ana" and saved.seats == ("CN",)


@pytest.mark.parametrize(("argv", "message"), [
    (["serve", "--host", "0.0.0.0"], "--host needs --class"),
    (["serve", "--class", "--load", "x.json"], "a classroom resumes with --resume"),
    (["serve", "--resume", "nowhere"], "no classroom game here"),
    (["serve", "--load", "missing.json"], "no such save file"),
])
def test_serve_refuses_bad_options_in_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
