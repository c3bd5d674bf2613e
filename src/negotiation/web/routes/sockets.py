"""The two websockets: a seat's (moves) and the dashboard's (controls).

Every message is checked here (size, JSON, type, rate) and by the room (seat, turn, step, the
move); a bad one gets an error message back and changes nothing. What a message does is looked
up in a table by its ``type`` (a seat's) or its ``action`` (the dashboard's): a new message is a
new entry, not a new branch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from negotiation.play.moves import MoveError
from negotiation.web import security
from negotiation.web.hub import Connection
from negotiation.web.room import Player, Room, RoomError
from negotiation.web.routes.common import Served, check_fields, is_admin, player_of, same_origin
from negotiation.web.throttle import Bucket

log = logging.getLogger("negotiation.web")

MAX_MESSAGE = 8192  # bytes of one websocket message; a move is a few hundred
FLOOD_CLOSE = 400  # dropped messages after which a flooding socket is closed


# --- what a message does -----------------------------------------------------------------
def _move(room: Room, player: Player, data: dict[str, Any]) -> None:
    check_fields(data, {"seat": str, "turn": int, "step": int, "fields": dict})
    room.move(player.id, data["seat"], data["turn"], data["step"], data["fields"])


# a seat's messages, by type
SEAT_MESSAGES: dict[str, Callable[[Room, Player, dict[str, Any]], None]] = {"move": _move}


def _timer(served: Served, room: Room, data: dict[str, Any]) -> None:
    check_fields(data, {"seconds": int})
    room.set_timer(data["seconds"])


def _remove(served: Served, room: Room, data: dict[str, Any]) -> None:
    check_fields(data, {"player": str})
    gone = room.remove(data["player"])
    for other in [c for c in served.hub.connections if c.player == gone.id]:
        other.error("the instructor took you out of this game")
        asyncio.get_running_loop().create_task(other.close(4401))


# the dashboard's controls, by action
CONTROLS: dict[str, Callable[[Served, Room, dict[str, Any]], None]] = {
    "start": lambda served, room, data: room.start(),
    "pause": lambda served, room, data: room.pause(),
    "resume": lambda served, room, data: room.resume(),
    "advance": lambda served, room, data: room.advance(),
    "end": lambda served, room, data: room.end(),
    "timer": _timer,
    "remove": _remove,
}


def _one_of(names: list[str]) -> str:
    """'a', or 'a, b or c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


# --- the sockets --------------------------------------------------------------------------
def routes(served: Served) -> list[BaseRoute]:
    host = served.host

    async def seat_socket(ws: WebSocket) -> None:
        room = host.room
        player = player_of(host, ws)
        if room is None or player is None or not same_origin(ws):
            await ws.close(code=4401)  # no valid seat token: the page sends the browser to join
            return
        await ws.accept()
        room.connect(player.id)
        try:
            await served.hub.serve(Connection(ws, player.id), lambda conn: receive(conn, player, room))
        finally:
            room.disconnect(player.id)
            served.refresh()

    async def receive(conn: Connection, player: Player, room: Room) -> None:
        bucket = served.messages.bucket(player.id)
        while True:
            data = await next_message(conn, bucket)
            if data is None:
                return
            if host.room is not room or player.id not in room.players:  # a replaced game, a removed player
                conn.error("this page belongs to a game you are no longer in; it reloads")
                await conn.close(4401)
                return
            kind = data.get("type")
            handle = SEAT_MESSAGES.get(kind) if isinstance(kind, str) else None
            if handle is None:
                conn.error(f"unknown message type {str(kind)[:20]!r}; a seat sends {_one_of(list(SEAT_MESSAGES))!r}")
                continue
            try:
                handle(room, player, data)
            except MoveError as exc:
                conn.error(str(exc), getattr(exc, "field", ""))
            except Exception:  # a bug must not take the game down: log it, tell the browser
                log.exception("%s refused by an error", kind)
                conn.error(f"the server could not handle this {kind}; nothing changed")
            served.refresh()

    async def admin_socket(ws: WebSocket) -> None:
        room = host.room
        if room is None or not same_origin(ws) or not is_admin(host, ws):
            await ws.close(code=4403)
            return
        await ws.accept()
        await served.hub.serve(Connection(ws, None), lambda conn: control(conn, room))

    async def control(conn: Connection, room: Room) -> None:
        bucket = served.messages.bucket("admin")
        while True:
            data = await next_message(conn, bucket)
            if data is None:
                return
            action = data.get("action")
            try:
                handle = CONTROLS.get(action) if isinstance(action, str) else None
                if data.get("type") != "control" or handle is None:
                    raise RoomError(f"a control is {_one_of(list(CONTROLS))}")
                handle(served, room, data)
            except MoveError as exc:
                conn.error(str(exc))
            except Exception:  # a bug must not take the dashboard down
                log.exception("control refused by an error")
                conn.error("the server could not handle this control; nothing changed")
            served.refresh()

    return [WebSocketRoute("/ws", seat_socket), WebSocketRoute("/ws/admin", admin_socket)]


async def next_message(conn: Connection, bucket: Bucket) -> dict[str, Any] | None:
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
