"""A classroom under load: 40 students over loopback websockets through a 12-turn game.

Starts ``negotiation serve busan_truce_2025 --class --turns 12`` in its own process (the five
countries, so 40 students make teams of eight), seats 40 simulated students, starts the game
from the dashboard's websocket and lets one captain per team play the suggested move after a
short random think (0-200 ms) while the teammates watch. The renewal window is widened by a
turn so the last turn has talks (answers) too. For each turn it measures the time from the
last move sent in the turn to the moment every one of the 40 browsers has the next turn's
page (or the game-over page), and prints the median and the 95th percentile over all turns
of all games. Only 127.0.0.1 is used; every wait is bounded.

    python benchmarks/classroom_load.py [--students 40] [--games 3]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from websockets.asyncio.client import connect

SEATS = ["US", "CN", "JP", "AU", "EU"]
GAME_TIMEOUT = 300.0  # seconds: a game that takes longer has hung, and the benchmark stops
WHERE = re.compile(r'data-turn="(\d+)" data-step="(\d+)"')


def start_server(folder: Path) -> tuple[subprocess.Popen, str, str, str]:
    """The server process, its port, the join code and the admin token."""
    process = subprocess.Popen(
        [sys.executable, "-m", "negotiation", "serve", "busan_truce_2025", "--class", "--turns", "12",
         "--set", "negotiation.renewal_window=1", "--port", "0", "--no-browser", "--state", str(folder / "class")],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    out = ""
    deadline = time.monotonic() + 60
    while "admin?token=" not in out and time.monotonic() < deadline:
        out += process.stdout.readline()
    join = re.search(r"http://127\.0\.0\.1:(\d+)/join/(\w+)", out)
    admin = re.search(r"admin\?token=(\S+)", out)
    if not join or not admin:
        process.kill()
        raise SystemExit(f"the server did not start:\n{out}")
    return process, join[1], join[2], admin[1]


def take_seat(port: str, code: str, seat: str, name: str) -> str:
    """POST the welcome form (with the CSRF token the page holds); the seat cookie ('name=token')."""
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    conn.request("GET", f"/join/{code}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', conn.getresponse().read().decode())[1]
    conn.request("POST", f"/join/{code}", body=f"country={seat}&name={name}&csrf={csrf}",
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    reply = conn.getresponse()
    cookie = reply.getheader("set-cookie", "")
    conn.close()
    if reply.status != 303 or not cookie:
        raise SystemExit(f"{name} could not take {seat}: HTTP {reply.status}")
    return cookie.split(";", 1)[0]


async def student(port: str, cookie: str, seat: str, captain: bool, rng: random.Random,
                  seen: dict[int, float], sent: dict[int, float]) -> None:
    """Watch the pages; a captain plays the suggested move of every step it is asked."""
    async with connect(f"ws://127.0.0.1:{port}/ws", additional_headers={"Cookie": cookie}, proxy=None) as ws:
        played: set[int] = set()
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] != "page":
                continue
            html = message["html"]
            turn, step = (int(x) for x in WHERE.search(html).groups())
            seen.setdefault(turn, time.perf_counter())  # the game-over page is at turn 12, after the last
            if "move-panel wide" in html:
                return
            if captain and 'class="move"' in html and step not in played:
                played.add(step)
                await asyncio.sleep(rng.uniform(0.0, 0.2))
                sent[turn] = max(sent.get(turn, 0.0), time.perf_counter())
                await ws.send(json.dumps({"type": "move", "seat": seat, "turn": turn, "step": step, "fields": {}}))


async def one_game(students: int, seed: int) -> list[float]:
    """The latencies (seconds) of the turns of one game."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        process, port, code, token = start_server(Path(tmp))
        try:
            cookies = [(SEATS[i % len(SEATS)], take_seat(port, code, SEATS[i % len(SEATS)], f"s{i}"))
                       for i in range(students)]
            seen: dict[int, dict[int, float]] = defaultdict(dict)
            sent: dict[int, float] = {}
            tasks = [asyncio.create_task(student(port, cookie, seat, i < len(SEATS), random.Random(rng.random()),
                                                 seen[i], sent))
                     for i, (seat, cookie) in enumerate(cookies)]
            await asyncio.sleep(0.5)  # every page has connected
            async with connect(f"ws://127.0.0.1:{port}/ws/admin?token={token}", proxy=None) as admin:
                await admin.send(json.dumps({"type": "control", "action": "start"}))
                await asyncio.wait_for(asyncio.gather(*tasks), GAME_TIMEOUT)
        finally:
            process.terminate()
            process.wait(10)
    return [max(s[turn + 1] for s in seen.values()) - last for turn, last in sorted(sent.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--games", type=int, default=3)
    args = parser.parse_args()
    latencies: list[float] = []
    for game in range(args.games):
        started = time.perf_counter()
        found = asyncio.run(one_game(args.students, game))
        latencies += found
        print(f"game {game + 1}: {len(found)} turns in {time.perf_counter() - started:.1f} s, "
              f"slowest turn change {1000 * max(found):.0f} ms")
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    print(f"{args.students} students, {len(latencies)} turn changes: from the last move of a turn to every "
          f"student seeing the next turn, median {1000 * statistics.median(latencies):.0f} ms, "
          f"95th percentile {1000 * p95:.0f} ms")


if __name__ == "__main__":
    main()
