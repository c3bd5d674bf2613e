"""The students' pages: picking a country alone, joining a classroom game, a seat's page, the
debrief's plots."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from negotiation.web import pages, tokens
from negotiation.web.room import Room, RoomError
from negotiation.web.routes.common import Served, form_of, page, player_of, seated


def routes(served: Served) -> list[BaseRoute]:
    host = served.host

    async def home(request: Request) -> Response:
        room = host.room
        player = player_of(host, request)
        if host.classroom:
            if player is not None:
                return RedirectResponse("/play", 303)
            return page("message.html", title="Join a classroom game",
                        text="Open the join address your instructor gives you (it ends with the join code).")
        current = None
        if room is not None and not room.session.finished:
            current = f"{', '.join(room.seats)}, turn {room.session.turn} of {room.session.scenario.turns}"
        chosen = next((c for c, v in host.scenario.countries.items() if v.player == "human"),
                      next(iter(host.scenario.countries)))
        return page("pick.html", scenario=host.scenario, chosen=chosen, current=current)

    async def solo(request: Request) -> Response:
        form = await form_of(request)
        seat = form.get("country", "")
        if host.classroom or seat not in host.scenario.countries:
            return page("message.html", 400, title="Choose a country",
                        text="Pick one of the scenario's countries.", link="/", link_text="Back")
        room = host.new_solo_room([seat], form.get("name", ""))
        for stale in list(served.hub.connections):  # tabs of the game just replaced go back to the start page
            stale.error("a new game was started in another tab")
            asyncio.get_running_loop().create_task(stale.close(4401))
        return seated(host, room, host.solo_player())

    async def resume_solo(request: Request) -> Response:
        if host.classroom or host.room is None:
            return RedirectResponse("/", 303)
        return seated(host, host.room, host.solo_player())

    async def join_form(request: Request) -> Response:
        code = request.query_params.get("code", "").strip().upper()
        return RedirectResponse(f"/join/{code}" if code else "/", 303)

    def room_for(request: Request, code: str) -> Room | Response:
        room = host.room
        client = request.client.host if request.client else "?"
        if player_of(host, request) is None and not served.joins.bucket(client).ready():
            return page("message.html", 429, title="Too many tries", text="Wait a few seconds and try again.")
        if room is None or not host.classroom or not tokens.same(code.upper(), room.join_code):
            served.joins.allow(client)
            return page("message.html", 404, title="No game with this code",
                        text="Check the join code with your instructor.")
        return room

    async def welcome(request: Request) -> Response:
        room = room_for(request, request.path_params["code"])
        if isinstance(room, Response):
            return room
        player = player_of(host, request)
        return page("welcome.html", room=room, mine=", ".join(player.seats) if player else "", error="")

    async def take_seat(request: Request) -> Response:
        room = room_for(request, request.path_params["code"])
        if isinstance(room, Response):
            return room
        form = await form_of(request)
        if not served.seatings.allow(request.client.host if request.client else "?"):
            return page("welcome.html", 429, room=room, mine="", error="Too many seats taken from this network "
                                                                        "just now: wait a few seconds and try again.")
        try:
            player = room.join(form.get("country", ""), form.get("name", ""))
        except RoomError as exc:
            return page("welcome.html", 400, room=room, mine="", error=str(exc))
        served.refresh()
        return seated(host, room, player)

    async def play(request: Request) -> Response:
        room, player = host.room, player_of(host, request)
        if room is None or player is None:
            return RedirectResponse("/", 303)
        seat = pages.acting_seat(room, player)
        return page("play.html", title=f"{room.session.scenario.countries[seat].name} · {room.session.scenario.name}",
                    who=f"{player.name + ' · ' if player.name else ''}{', '.join(player.seats)}",
                    main=pages.seat_main(room, seat, host.endings), status=pages.status(room, seat))

    async def debrief_plot(request: Request) -> Response:
        seat, name = request.path_params["seat"], request.path_params["name"]
        player = player_of(host, request)
        room = host.room
        allowed = (player is not None and seat in player.seats) or (
            room is not None and tokens.same(request.query_params.get("token"), room.admin_token))
        ending = (host.endings or {}).get(seat)
        if not allowed or ending is None or name not in ending.plots:
            return Response("no such plot", 404)
        return FileResponse(host.debrief_folder() / seat / name, media_type="image/png")

    return [Route("/", home), Route("/solo", solo, methods=["POST"]),
            Route("/continue", resume_solo, methods=["POST"]), Route("/join", join_form),
            Route("/join/{code}", welcome), Route("/join/{code}", take_seat, methods=["POST"]),
            Route("/play", play), Route("/debrief/{seat}/{name}", debrief_plot)]
