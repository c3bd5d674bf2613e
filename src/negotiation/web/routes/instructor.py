"""The instructor's pages: the dashboard and the exports (the game, its timeline, the class report)."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from negotiation import csvsafe
from negotiation.play import report, saves
from negotiation.web import pages
from negotiation.web.routes.common import Served, attachment, is_admin, page


def routes(served: Served) -> list[BaseRoute]:
    host = served.host

    async def admin(request: Request) -> Response:
        room = host.room
        if room is None or not is_admin(host, request):
            return page("message.html", 403, title="Not allowed", text="The dashboard needs its admin token.")
        return page("admin.html", room=room, main=pages.dashboard(room, host.endings, host.join_url))

    async def export(request: Request) -> Response:
        room = host.room
        if room is None or not is_admin(host, request):
            return Response("the export needs the admin token", 403)
        what = request.path_params["what"]
        name = room.session.scenario.name
        if what == "game.json":
            return Response(json.dumps(saves.to_data(room.session), indent=1), media_type="application/json",
                            headers=attachment(f"{name}-game.json"))
        if what == "timeline.csv":
            frame = room.session.result().timeline if room.session.result().records else None
            text = csvsafe.escape(frame).to_csv(index=False) if frame is not None else "turn\n"
            return Response(text, media_type="text/csv", headers=attachment(f"{name}-timeline.csv"))
        if what == "report.zip":
            assert host.store is not None
            return report_zip(host.store.game_path, name)
        return Response("unknown export; exports: game.json, timeline.csv, report.zip", 404)

    return [Route("/admin", admin), Route("/admin/export/{what}", export)]


def report_zip(game: Path, name: str) -> Response:
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
    return Response(buffer.getvalue(), media_type="application/zip", headers=attachment(f"{name}-report.zip"))
