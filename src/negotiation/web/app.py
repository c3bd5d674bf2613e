"""The Starlette application: the routes of :mod:`negotiation.web.routes`, the clock of timers
and presence, the pages pushed to every socket, and the debriefs made once a game ends.

Routes: ``/`` (a single student picks a country; in class, how to join), ``/join/CODE`` (the
welcome page and taking a seat), ``/play`` (a seat's page), ``/ws`` (its websocket),
``/admin?token=`` and ``/ws/admin`` (the dashboard), ``/admin/export/...`` and
``/debrief/SEAT/PLOT.png``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from negotiation.web import debriefs, pages, security
from negotiation.web.host import Host
from negotiation.web.hub import Connection, Hub
from negotiation.web.room import Room
from negotiation.web.routes import instructor, sockets, student
from negotiation.web.routes.common import Served, cookie_name

__all__ = ["Host", "cookie_name", "create_app"]

log = logging.getLogger("negotiation.web")

TICK = 0.25  # seconds between checks of timers and presence
STATIC = Path(__file__).parent / "static"


def create_app(host: Host) -> Starlette:
    """The app serving ``host``; its lifespan runs the clock of timers and presence."""
    hub = Hub(lambda conn, cache: _fragments(host, conn, cache))
    served = Served(host, hub, lambda room: _make_endings(host, room, hub))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticker = asyncio.create_task(_tick(host, served.refresh))
        yield
        ticker.cancel()

    routes = [*student.routes(served), *sockets.routes(served), *instructor.routes(served),
              Mount("/static", StaticFiles(directory=STATIC))]
    guard = Middleware(security.Guard, secret=host.secret, hosts=host.hosts)
    return Starlette(routes=routes, lifespan=lifespan, middleware=[guard])


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
