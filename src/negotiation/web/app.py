"""The Starlette application: pages, the seat and dashboard websockets, exports.

Routes: ``/`` (a single student picks a country; in class, how to join), ``/join/CODE`` (the
welcome page and taking a seat), ``/play`` (a seat's page), ``/ws`` (its websocket),
``/admin?token=`` and ``/ws/admin`` (the dashboard), ``/admin/export/...`` and
``/debrief/SEAT/PLOT.png``. Every websocket message is checked here (size, JSON, type,
rate) and by the room (seat, turn, step, the move); a bad one gets an error message back
and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from negotiation import csvsafe
from negotiation.config.models import Scenario
from negotiation.play import report, saves
from negotiation.play.commands import default_save_path
from negotiation.play.moves import MoveError
from negotiation.play.session import Session
from negotiation.web import debriefs, pages, security, tokens
from negotiation.web.hub import Connection, Hub
from negotiation.web.room import Player, Room, RoomError
from negotiation.web.state import Store
from negotiation.web.throttle import Throttle

log = logging.getLogger("negotiation.web")

MAX_MESSAGE = 8192  # bytes of one websocket message; a move is a few hundred
MAX_FORM = 4096  # bytes of a posted form (a country and a name)
TICK = 0.25  # seconds between checks of timers and presence
FLOOD_CLOSE = 400  # dropped messages after which a flooding socket is closed
STATIC = Path(__file__).parent / "static"


@dataclass
class Host:
    """What one server serves: a classroom room (with its state folder) or a single student's
    games (a new room each time a country is picked; saves in ``saves``)."""

    scenario: Scenario
    classroom: bool
    secret: bytes = field(default_factory=tokens.new_secret)
    room: Room | None = None
    store: Store | None = None
    saves: Path = Path("saves")
    save_path: Path | None = None
    seed: int | None = None
    compare: list[str] | None = None
    join_url: str = ""
    hosts: frozenset[str] = security.LOOPBACK_NAMES  # host names the server answers to (security.Guard)
    endings: dict[str, debriefs.Ending] | None = None
    _ending: asyncio.Task | None = None
    _saved_inputs: int = -1

    def persist(self, room: Room) -> None:
        """Autosave: the game whenever a move went into it, and the room (class) after every change.
        A failed write is logged, not raised: the game goes on in memory and the next change retries."""
        if room is not self.room and self.room is not None:
            return  # a single student's earlier game, replaced: it must never write over the new one's save
        try:
            if len(room.session.inputs) != self._saved_inputs or room.session.finished:
                if self.store is not None:
                    self.store.save_game(room.session)
                elif self.save_path is not None:
                    saves.save(room.session, self.save_path)
                self._saved_inputs = len(room.session.inputs)
            if self.store is not None:
                self.store.write_room(room.to_data())
        except OSError:
            log.exception("the game could not be saved")

    def debrief_folder(self) -> Path:
        if self.store is not None:
            return self.store.folder / "debrief"
        assert self.save_path is not None
        return self.save_path.with_name(self.save_path.stem + "-debrief")

    def new_solo_room(self, seats: list[str], name: str) -> Room:
        """A new single-student game at ``seats`` (one country, or a hot seat)."""
        session = Session(self.scenario, seats, seed=self.seed, name=name)
        self.save_path = default_save_path(self.scenario, seats, self.saves)
        self.endings, self._ending, self._saved_inputs = None, None, -1
        self.room = Room(session, classroom=False, persist=self.persist)
        self.room.persist(self.room)
        return self.room

    def solo_player(self) -> Player:
        """The single student (made on first use: a game started by --as or --load has none yet)."""
        assert self.room is not None
        return next(iter(self.room.players.values()), None) or self.room.host(self.room.session.name)


def create_app(host: Host) -> Starlette:
    """The app serving ``host``; its lifespan runs the clock of timers and presence."""
    hub = Hub(lambda conn, cache: _fragments(host, conn, cache))
    # wrong join codes per client address: a class behind one NAT may mistype 30 at once, then one a
    # second (a 6-character code of 31 letters takes ~30 years to guess at that pace); a browser that
    # already holds a seat in this game is never held back
    joins = Throttle(burst=30, rate=1.0)
    seatings = Throttle(burst=40, rate=1.0)  # seats taken per client address: a class at once, then one a second
    messages = Throttle()

    def refresh() -> None:
        """Push what changed; once the game is over, start making its debriefs (once)."""
        room = host.room
        if room is not None and room.session.finished and host.endings is None and host._ending is None:
            host._ending = asyncio.get_running_loop().create_task(_make_endings(host, room, hub))
        hub.refresh()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticker = asyncio.create_task(_tick(host, refresh))
        yield
        ticker.cancel()

    async def home(request: Request) -> Response:
        room = host.room
        player = _player(host, request)
        if host.classroom:
            if player is not None:
                return RedirectResponse("/play", 303)
            return _page("message.html", title="Join a classroom game",
                         text="Open the join address your instructor gives you (it ends with the join code).")
        current = None
        if room is not None and not room.session.finished:
            current = f"{', '.join(room.seats)}, turn {room.session.turn} of {room.session.scenario.turns}"
        chosen = next((c for c, v in host.scenario.countries.items() if v.player == "human"),
                      next(iter(host.scenario.countries)))
        return _page("pick.html", scenario=host.scenario, chosen=chosen, current=current)

    async def solo(request: Request) -> Response:
        form = await _form(request)
        seat = form.get("country", "")
        if host.classroom or seat not in host.scenario.countries:
            return _page("message.html", 400, title="Choose a country",
                         text="Pick one of the scenario's countries.", link="/", link_text="Back")
        room = host.new_solo_room([seat], form.get("name", ""))
        for stale in list(hub.connections):  # tabs of the game just replaced go back to the start page
            stale.error("a new game was started in another tab")
            asyncio.get_running_loop().create_task(stale.close(4401))
        return _seated(host, room, host.solo_player())

    async def resume_solo(request: Request) -> Response:
        if host.classroom or host.room is None:
            return RedirectResponse("/", 303)
        return _seated(host, host.room, host.solo_player())

    async def join_form(request: Request) -> Response:
        code = request.query_params.get("code", "").strip().upper()
        return RedirectResponse(f"/join/{code}" if code else "/", 303)

    def _room_for(request: Request, code: str) -> Room | Response:
        room = host.room
        client = request.client.host if request.client else "?"
        if _player(host, request) is None and not joins.bucket(client).ready():
            return _page("message.html", 429, title="Too many tries", text="Wait a few seconds and try again.")
        if room is None or not host.classroom or not tokens.same(code.upper(), room.join_code):
            joins.allow(client)
            return _page("message.html", 404, title="No game with this code",
                         text="Check the join code with your instructor.")
        return room

    async def welcome(request: Request) -> Response:
        room = _room_for(request, request.path_params["code"])
        if isinstance(room, Response):
            return room
        player = _player(host, request)
        return _page("welcome.html", room=room, mine=", ".join(player.seats) if player else "", error="")

    async def take_seat(request: Request) -> Response:
        room = _room_for(request, request.path_params["code"])
        if isinstance(room, Response):
            return room
        form = await _form(request)
        if not seatings.allow(request.client.host if request.client else "?"):
            return _page("welcome.html", 429, room=room, mine="", error="Too many seats taken from this network "
                                                                         "just now: wait a few seconds and try again.")
        try:
            player = room.join(form.get("country", ""), form.get("name", ""))
        except RoomError as exc:
            return _page("welcome.html", 400, room=room, mine="", error=str(exc))
        refresh()
        return _seated(host, room, player)

    async def play(request: Request) -> Response:
        room, player = host.room, _player(host, request)
        if room is None or player is None:
            return RedirectResponse("/", 303)
        seat = pages.acting_seat(room, player)
        return _page("play.html", title=f"{room.session.scenario.countries[seat].name} · {room.session.scenario.name}",
                     who=f"{player.name + ' · ' if player.name else ''}{', '.join(player.seats)}",
                     main=pages.seat_main(room, seat, host.endings), status=pages.status(room, seat))

    async def seat_socket(ws: WebSocket) -> None:
        room = host.room
        player = _player(host, ws)
        if room is None or player is None or not _same_origin(ws):
            await ws.close(code=4401)  # no valid seat token: the page sends the browser to join
            return
        await ws.accept()
        room.connect(player.id)
        try:
            await hub.serve(Connection(ws, player.id), lambda conn: _receive(conn, player, room))
        finally:
            room.disconnect(player.id)
            refresh()

    async def _receive(conn: Connection, player: Player, room: Room) -> None:
        bucket = messages.bucket(player.id)
        while True:
            data = await _next_message(conn, bucket)
            if data is None:
                return
            if host.room is not room or player.id not in room.players:  # a replaced game, a removed player
                conn.error("this page belongs to a game you are no longer in; it reloads")
                await conn.close(4401)
                return
            if data.get("type") != "move":
                conn.error(f"unknown message type {str(data.get('type'))[:20]!r}; a seat sends 'move'")
                continue
            try:
                _check_fields(data, {"seat": str, "turn": int, "step": int, "fields": dict})
                room.move(player.id, data["seat"], data["turn"], data["step"], data["fields"])
            except MoveError as exc:
                conn.error(str(exc), getattr(exc, "field", ""))
            except Exception:  # a bug must not take the game down: log it, tell the browser
                log.exception("move refused by an error")
                conn.error("the server could not handle this move; nothing changed")
            refresh()

    async def admin(request: Request) -> Response:
        room = host.room
        if room is None or not host.classroom or not tokens.same(request.query_params.get("token"), room.admin_token):
            return _page("message.html", 403, title="Not allowed", text="The dashboard needs its admin token.")
        return _page("admin.html", room=room, main=pages.dashboard(room, host.endings, host.join_url))

    async def admin_socket(ws: WebSocket) -> None:
        room = host.room
        if (room is None or not host.classroom or not _same_origin(ws)
                or not tokens.same(ws.query_params.get("token"), room.admin_token)):
            await ws.close(code=4403)
            return
        await ws.accept()
        await hub.serve(Connection(ws, None), lambda conn: _control(conn, room))

    async def _control(conn: Connection, room: Room) -> None:
        bucket = messages.bucket("admin")
        while True:
            data = await _next_message(conn, bucket)
            if data is None:
                return
            action = data.get("action")
            try:
                if data.get("type") != "control" or action not in ("start", "pause", "resume", "advance", "end",
                                                                   "timer", "remove"):
                    raise RoomError("a control is start, pause, resume, advance, end, timer or remove")
                if action == "timer":
                    _check_fields(data, {"seconds": int})
                    room.set_timer(data["seconds"])
                elif action == "remove":
                    _check_fields(data, {"player": str})
                    gone = room.remove(data["player"])
                    for other in [c for c in hub.connections if c.player == gone.id]:
                        other.error("the instructor took you out of this game")
                        asyncio.get_running_loop().create_task(other.close(4401))
                else:
                    getattr(room, action)()
            except MoveError as exc:
                conn.error(str(exc))
            except Exception:  # a bug must not take the dashboard down
                log.exception("control refused by an error")
                conn.error("the server could not handle this control; nothing changed")
            refresh()

    async def export(request: Request) -> Response:
        room = host.room
        if room is None or not host.classroom or not tokens.same(request.query_params.get("token"), room.admin_token):
            return Response("the export needs the admin token", 403)
        what = request.path_params["what"]
        name = room.session.scenario.name
        if what == "game.json":
            return Response(json.dumps(saves.to_data(room.session), indent=1), media_type="application/json",
                            headers=_attachment(f"{name}-game.json"))
        if what == "timeline.csv":
            frame = room.session.result().timeline if room.session.result().records else None
            text = csvsafe.escape(frame).to_csv(index=False) if frame is not None else "turn\n"
            return Response(text, media_type="text/csv", headers=_attachment(f"{name}-timeline.csv"))
        if what == "report.zip":
            assert host.store is not None
            return _report_zip(host.store.game_path, name)
        return Response("unknown export; exports: game.json, timeline.csv, report.zip", 404)

    async def debrief_plot(request: Request) -> Response:
        seat, name = request.path_params["seat"], request.path_params["name"]
        player = _player(host, request)
        room = host.room
        allowed = (player is not None and seat in player.seats) or (
            room is not None and tokens.same(request.query_params.get("token"), room.admin_token))
        ending = (host.endings or {}).get(seat)
        if not allowed or ending is None or name not in ending.plots:
            return Response("no such plot", 404)
        return FileResponse(host.debrief_folder() / seat / name, media_type="image/png")

    routes = [Route("/", home), Route("/solo", solo, methods=["POST"]),
              Route("/continue", resume_solo, methods=["POST"]), Route("/join", join_form),
              Route("/join/{code}", welcome), Route("/join/{code}", take_seat, methods=["POST"]),
              Route("/play", play), WebSocketRoute("/ws", seat_socket), Route("/admin", admin),
              WebSocketRoute("/ws/admin", admin_socket), Route("/admin/export/{what}", export),
              Route("/debrief/{seat}/{name}", debrief_plot), Mount("/static", StaticFiles(directory=STATIC))]
    guard = Middleware(security.Guard, secret=host.secret, hosts=host.hosts)
    return Starlette(routes=routes, lifespan=lifespan, middleware=[guard])


# --- helpers ---------------------------------------------------------------------------
def cookie_name(room: Room) -> str:
    return f"seat_{room.game}"


def _player(host: Host, conn: Request | WebSocket) -> Player | None:
    """The player whose genuine seat token the browser holds, if any."""
    room = host.room
    if room is None:
        return None
    token = tokens.verify(host.secret, conn.cookies.get(cookie_name(room)), room.game)
    if token is None or token.player in room.revoked:
        return None
    player = room.players.get(token.player)
    if player is None:  # a token signed before a restart lost the room's last write: seat them again
        player = Player(token.player, tuple(s for s in token.seats if s in room.seats), token.name)
        if not player.seats:
            return None
        room.players[player.id] = player
    return player


def _same_origin(ws: WebSocket) -> bool:
    """A browser opening the socket from another site's page is refused (its Origin names that site)."""
    origin = ws.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == ws.headers.get("host")


def _seated(host: Host, room: Room, player: Player) -> Response:
    token = tokens.sign(host.secret, tokens.Pass(room.game, player.id, player.seats, player.name))
    response = RedirectResponse("/play", 303)
    response.set_cookie(cookie_name(room), token, max_age=tokens.TOKEN_TTL, httponly=True, samesite="strict")
    return response


def _page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(pages.render(template, **context), status_code)


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM:
        return {}
    return dict(parse_qsl(body.decode("utf-8", "replace"), max_num_fields=8))


def _check_fields(data: dict[str, Any], types: dict[str, type]) -> None:
    for name, kind in types.items():
        value = data.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise RoomError(f"a message needs '{name}' as {kind.__name__}")


async def _next_message(conn: Connection, bucket) -> dict[str, Any] | None:
    """The next well-formed message (None when the browser left); floods, oversized or
    malformed messages are answered with an error and skipped."""
    while True:
        try:
            message = await conn.socket.receive()
        except WebSocketDisconnect:
            return None
        if message["type"] == "websocket.disconnect":
            return None
        if not bucket.allow():
            if bucket.dropped % 50 == 1:  # tell the flooder now and then, not once per message
                conn.error("too many messages: slow down; the last ones were ignored")
            if bucket.dropped >= FLOOD_CLOSE:
                await conn.socket.close(code=1008)
                return None
            continue
        text = message.get("text")
        if text is None:
            conn.error("messages are JSON text, not binary")
            continue
        if len(text.encode()) > MAX_MESSAGE:
            conn.error(f"message too large (over {MAX_MESSAGE} bytes)")
            continue
        try:
            data = security.load_message(text)
        except ValueError as exc:
            conn.error(f"a message must be JSON within limits ({str(exc)[:80]})")
            continue
        if not isinstance(data, dict):
            conn.error("a message must be a JSON object")
            continue
        return data


def _fragments(host: Host, conn: Connection, cache: dict[Any, str]) -> dict[str, str]:
    room = host.room
    if room is None:
        return {}
    if conn.player is None:
        key = ("admin", room.version, host.endings is not None)
        if key not in cache:
            cache[key] = pages.dashboard(room, host.endings, host.join_url)
        return {"page": cache[key]}
    player = room.players.get(conn.player)
    if player is None:
        return {}
    seat = pages.acting_seat(room, player)
    key = (seat, room.version, host.endings is not None)
    if key not in cache:
        cache[key] = pages.seat_main(room, seat, host.endings)
        cache[("status", *key)] = pages.status(room, seat)
    return {"page": cache[key], "status": cache[("status", *key)]}


async def _tick(host: Host, refresh: Callable[[], None]) -> None:
    while True:
        await asyncio.sleep(TICK)
        room = host.room
        try:
            if room is not None and room.tick():
                refresh()
        except Exception:  # the clock must keep running for the other seats
            log.exception("a timer or presence check failed")


async def _make_endings(host: Host, room: Room, hub: Hub) -> None:
    try:
        endings = await asyncio.to_thread(debriefs.make_all, room.session, host.debrief_folder(), host.compare)
    except Exception:  # the game is saved; a debrief that fails must not take the server down
        log.exception("the debrief could not be made")
        endings = {}
    if host.room is room:  # a single student may have started a new game meanwhile
        host.endings = endings
        hub.refresh()


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _report_zip(game: Path, name: str) -> Response:
    """The class report of this game (report.csv and its plots, as ``negotiation report``
    writes them) with the save, as a zip."""
    games, _ = report.read_games([game])
    frame = report.table(games)
    if frame.empty:
        reason = next((g.problem for g in games if g.problem), "is not finished")
        return Response(f"no report yet: the game {reason}", 409)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path in report.write(frame, games, Path(tmp)):
            z.write(path, path.name)
        z.write(game, "game.json")
    return Response(buffer.getvalue(), media_type="application/zip", headers=_attachment(f"{name}-report.zip"))
