"""The open websockets and what each is sent.

Every connection has an outbox that keeps only the newest page and status (a slow browser
gets the current state, not a backlog) and every error in order. After any change the app
calls :meth:`Hub.refresh`: each page is rendered once per seat (not per browser) and sent
only where it changed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect


@dataclass(eq=False)
class Connection:
    """One browser tab: a seat's player (``player`` set) or the instructor's dashboard."""

    socket: WebSocket
    player: str | None
    pending: dict[str, str] = field(default_factory=dict)  # kind -> newest message text
    errors: list[str] = field(default_factory=list)
    sent: dict[str, str] = field(default_factory=dict)  # kind -> the html last sent
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, kind: str, html: str) -> None:
        """Queue a fragment unless the browser already shows it."""
        if self.sent.get(kind) != html:
            self.sent[kind] = html
            self.pending[kind] = json.dumps({"type": kind, "html": html})
            self.wake.set()

    def error(self, reason: str, field_name: str = "") -> None:
        self.errors.append(json.dumps({"type": "error", "field": field_name, "reason": reason}))
        self.wake.set()

    async def _send_queued(self) -> bool:
        """Send and forget what is queued; False when the socket is gone."""
        out = [*self.pending.values(), *self.errors]
        self.pending.clear()
        self.errors.clear()
        try:
            for text in out:
                await self.socket.send_text(text)
        except (OSError, RuntimeError, WebSocketDisconnect):
            return False
        return True

    async def close(self, code: int) -> None:
        """Send what is queued (the reason for closing among it), then close the socket."""
        if not await self._send_queued():
            return  # already gone
        try:
            await self.socket.close(code=code)
        except (OSError, RuntimeError, WebSocketDisconnect):
            return

    async def pump(self) -> None:
        """Send what is queued until the socket closes."""
        while True:
            await self.wake.wait()
            self.wake.clear()
            if not await self._send_queued():
                return  # the browser left; its receiving side ends the connection


class Hub:
    """All connections; ``render(connection)`` gives the fragments a connection should show."""

    def __init__(self, render: Callable[[Connection, dict[Any, str]], dict[str, str]]):
        self.render = render
        self.connections: set[Connection] = set()

    def refresh(self) -> None:
        cache: dict[Any, str] = {}  # rendered fragments shared by the connections of one seat
        for conn in list(self.connections):
            for kind, html in self.render(conn, cache).items():
                conn.offer(kind, html)

    async def serve(self, conn: Connection, receive: Callable[[Connection], Any]) -> None:
        """Run one connection: its pump, and ``receive`` until the browser leaves."""
        self.connections.add(conn)
        pump = asyncio.create_task(conn.pump())
        try:
            self.refresh()
            await receive(conn)
        finally:
            self.connections.discard(conn)
            pump.cancel()
