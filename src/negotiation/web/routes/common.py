"""What every route module shares: the served state (host, hub, throttles) and small helpers
for requests, pages and seat cookies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.websockets import WebSocket

from negotiation.web import pages, tokens
from negotiation.web.host import Host
from negotiation.web.hub import Hub
from negotiation.web.room import Player, Room, RoomError
from negotiation.web.throttle import Throttle

MAX_FORM = 4096  # bytes of a posted form (a country and a name)


@dataclass
class Served:
    """The state the routes share: what is served, the hub that pushes pages, and the throttles.
    ``make_endings`` starts the debriefs of a finished game (set by the app)."""

    host: Host
    hub: Hub
    make_endings: Callable[[Room], Coroutine[Any, Any, None]]
    # wrong join codes per client address: a class behind one NAT may mistype 30 at once, then one a
    # second (a 6-character code of 31 letters takes ~30 years to guess at that pace); a browser that
    # already holds a seat in this game is never held back
    joins: Throttle = field(default_factory=lambda: Throttle(burst=30, rate=1.0))
    # seats taken per client address: a class at once, then one a second
    seatings: Throttle = field(default_factory=lambda: Throttle(burst=40, rate=1.0))
    messages: Throttle = field(default_factory=Throttle)

    def refresh(self) -> None:
        """Push what changed; once the game is over, start making its debriefs (once)."""
        host, room = self.host, self.host.room
        if room is not None and room.session.finished and host.endings is None and host._ending is None:
            host._ending = asyncio.get_running_loop().create_task(self.make_endings(room))
        self.hub.refresh()


def cookie_name(room: Room) -> str:
    return f"seat_{room.game}"


def player_of(host: Host, conn: Request | WebSocket) -> Player | None:
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


def is_admin(host: Host, conn: Request | WebSocket) -> bool:
    """The request carries the classroom's admin token."""
    room = host.room
    return room is not None and host.classroom and tokens.same(conn.query_params.get("token"), room.admin_token)


def same_origin(ws: WebSocket) -> bool:
    """A browser opening the socket from another site's page is refused (its Origin names that site)."""
    origin = ws.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == ws.headers.get("host")


def seated(host: Host, room: Room, player: Player) -> Response:
    """Give the browser the player's seat token and send it to its page."""
    token = tokens.sign(host.secret, tokens.Pass(room.game, player.id, player.seats, player.name))
    response = RedirectResponse("/play", 303)
    response.set_cookie(cookie_name(room), token, max_age=tokens.TOKEN_TTL, httponly=True, samesite="strict")
    return response


def page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(pages.render(template, **context), status_code)


async def form_of(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM:
        return {}
    return dict(parse_qsl(body.decode("utf-8", "replace"), max_num_fields=8))


def check_fields(data: dict[str, Any], types: dict[str, type]) -> None:
    for name, kind in types.items():
        value = data.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise RoomError(f"a message needs '{name}' as {kind.__name__}")


def attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
