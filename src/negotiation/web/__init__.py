"""The browser front end over the play core: one student alone, or a class with join codes,
and the instructor's dashboard.

- ``room``: the game room — seats, players, presence, the steps of moves, timers, autoplay
  of empty seats; no web code, so it is tested without a server.
- ``forms``: a browser's form fields into the core's moves (field-level reasons).
- ``tokens``, ``throttle``, ``state``: signed seat tokens, rate limits, the state folder.
- ``pages``, ``charts``, ``debriefs``: HTML fragments, inline SVG charts, the end of a game.
- ``hub``: the open websockets and what each is sent; ``host``: what one server serves;
  ``routes``: the routes by audience and the websockets' message tables; ``app``: the
  Starlette app made of them; ``server``: ``negotiation serve``.
"""
