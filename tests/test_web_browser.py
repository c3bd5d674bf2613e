"""End to end in a real headless browser: Debian's chromium driven by Playwright (never its
own browser download), against ``negotiation serve`` running as a separate process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from negotiation.play import saves

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MAX_CLICKS = 60  # bounded: a game of 8 turns needs about 20


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        message = "the browser tests need Debian's chromium: apt-get install chromium (make test does as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must run them
        pytest.skip(message)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Server:
    """``negotiation serve`` on a free loopback port, in its own process."""

    def __init__(self, folder: Path, *args: str):
        # the server runs in another folder: a relative PYTHONPATH (PYTHONPATH=src) must stay pointing here
        path = os.pathsep.join(str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
        self.process = subprocess.Popen([sys.executable, "-m", "negotiation", "serve", *args, "--port", "0",
                                         "--no-browser"], cwd=folder, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.out = ""
        while not re.search(r"http://127\.0\.0\.1:\d+/(admin\?token=\S+)?\s", self.out):
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"negotiation serve did not start:\n{self.out}")
            self.out += line

    def address(self, pattern: str) -> str:
        return re.search(pattern, self.out)[0]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def serve(tmp_path) -> Iterator:
    started: list[Server] = []

    def start(*args: str) -> Server:
        started.append(Server(tmp_path, *args))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def play_defaults(pages: list[Page]) -> None:
    """Click every suggested move on every page until each shows its debrief."""
    for _ in range(MAX_CLICKS):
        if all(p.locator(".debrief img").count() for p in pages):
            return
        for page in pages:
            button = page.locator("form.move button[type=submit]")
            if button.count():
                step = page.locator(".move-panel").get_attribute("data-step")
                button.click()
                # the next step, a move made and waiting for the others, or the game over
                expect(page.locator(f'.move-panel:not([data-step="{step}"]), .move-panel .done, .move-panel.wide')
                       ).to_be_visible()
        pages[0].wait_for_timeout(100)
    for page in pages:
        expect(page.locator(".debrief img").first).to_be_visible(timeout=30_000)


def test_a_class_of_two_and_the_instructor_play_a_short_game_to_the_debrief(browser, serve, tmp_path):
    server = serve("classroom_intro", "--class", "--turns", "3", "--state", "class")
    join = server.address(r"http://127\.0\.0\.1:\d+/join/\w+")
    instructor = browser.new_context().new_page()
    instructor.goto(server.address(r"http://127\.0\.0\.1:\d+/admin\?token=\S+"))
    students = []
    for country, name in (("CN", "Ana"), ("US", "Bo")):
        page = browser.new_context().new_page()  # a browser context each: separate cookies, separate students
        page.goto(join)
        page.check(f"input[value={country}]")
        page.fill("input[name=name]", name)
        page.click("button[type=submit]")
        expect(page.locator(".move-panel")).to_contain_text("The game starts when the instructor presses start")
        students.append(page)
    expect(instructor.locator("table.seats")).to_contain_text("Ana")
    expect(instructor.locator("table.seats")).to_contain_text("Bo")
    instructor.click("button[data-action=start]")
    ana, bo = students
    expect(ana.locator("form.move")).to_contain_text("Your actions this turn")
    # a move the server refuses: the reason appears beside the field, and nothing is played
    ana.fill("input[name='surcharge.US']", "500")
    ana.click("form.move button[type=submit]")
    expect(ana.locator("[data-error-for='surcharge.US']")).to_contain_text("must be from 0 to 100")
    expect(instructor.locator("table.seats")).to_contain_text("not moved yet")
    ana.fill("input[name='surcharge.US']", "0")
    play_defaults(students)
    expect(ana.locator(".debrief")).to_contain_text("Truce:")
    expect(bo.locator(".move-panel")).to_contain_text("United States")
    expect(bo.locator(".debrief")).to_contain_text("would have scored the same")
    expect(instructor.locator("main")).to_contain_text("Game over")
    expect(instructor.locator("main")).to_contain_text("Debriefs")
    game = saves.load(tmp_path / "class" / "game.json")
    assert game.finished and game.turn == 3


def test_a_single_student_clicks_through_the_defaults_to_the_debrief(browser, serve, tmp_path):
    server = serve()
    page = browser.new_context().new_page()
    page.goto(server.address(r"http://127\.0\.0\.1:\d+/"))
    expect(page.locator("input[value=CN]")).to_be_checked()  # the scenario's human seat is suggested
    page.fill("input[name=name]", "Ana")
    page.click("button[type=submit]")
    expect(page.locator("svg.chart, .chart-empty").first).to_be_visible()
    play_defaults([page])
    expect(page.locator(".debrief")).to_contain_text("it held for all 8 turns")
    expect(page.locator(".debrief")).to_contain_text("self_enforcing would have scored the same")
    [save] = (tmp_path / "saves").glob("*.json")
    assert saves.load(save).finished


FITS = """() => {
  const svg = document.querySelector('svg.chart');
  let font = null;
  if (svg) {
    const tick = svg.querySelector('.tick');
    font = parseFloat(getComputedStyle(tick).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  }
  const header = document.querySelector('header.top');
  return {scroll: document.documentElement.scrollWidth, inner: innerWidth, font: font,
          header: header.getBoundingClientRect().height, text: document.body.innerText};
}"""


def fits(page: Page, where: str, seen: list[str]) -> None:
    """No sideways scroll, a header of at most two lines, chart text of 12 px or more."""
    got = page.evaluate(FITS)
    assert got["scroll"] <= got["inner"], f"{where}: {got['scroll']} px wide on a {got['inner']} px screen"
    assert got["header"] <= 64, f"{where}: the header is {got['header']} px high"
    assert got["font"] is None or got["font"] >= 12, f"{where}: chart text {got['font']:.1f} px"
    assert "Enter in the terminal" not in got["text"], where
    seen.append(where)


@pytest.mark.parametrize("size", [(390, 844), (360, 740)])
def test_every_page_of_a_class_game_fits_a_phone(browser, serve, tmp_path, size):
    server = serve("classroom_intro", "--class", "--turns", "2", "--state", "class")
    phone = {"viewport": {"width": size[0], "height": size[1]}, "is_mobile": True, "has_touch": True}
    seen: list[str] = []
    instructor = browser.new_context(**phone).new_page()
    instructor.goto(server.address(r"http://127\.0\.0\.1:\d+/admin\?token=\S+"))
    fits(instructor, "the dashboard before the start", seen)
    ana = browser.new_context(**phone).new_page()
    ana.goto(server.address(r"http://127\.0\.0\.1:\d+/join/\w+"))
    fits(ana, "the join page", seen)
    ana.check("input[value=CN]")
    ana.fill("input[name=name]", "Ana")
    ana.click("button[type=submit]")
    expect(ana.locator(".move-panel")).to_contain_text("The game starts when the instructor presses start")
    fits(ana, "the seat before the start", seen)
    instructor.click("button[data-action=start]")
    expect(ana.locator("form.move")).to_contain_text("Your actions this turn")
    fits(ana, "the actions form", seen)
    fits(instructor, "the dashboard in play", seen)
    ana.fill("input[name='surcharge.US']", "10")  # a surcharge: turn 1 has a rollback to offer and answer
    for _ in range(MAX_CLICKS):
        if ana.locator(".debrief img").count():
            break
        form = ana.locator("form.move")
        if form.count():
            fits(ana, f"the {form.get_attribute('data-kind')} form", seen)
            step = ana.locator(".move-panel").get_attribute("data-step")
            ana.click("form.move button[type=submit]")
            expect(ana.locator(f'.move-panel:not([data-step="{step}"]), .move-panel .done, .move-panel.wide')
                   ).to_be_visible()
        ana.wait_for_timeout(100)
    expect(ana.locator(".debrief img").first).to_be_visible(timeout=30_000)
    fits(ana, "the debrief", seen)
    expect(instructor.locator("main")).to_contain_text("Debriefs")
    fits(instructor, "the dashboard after the game", seen)
    assert {"the offers form", "the actions form"} <= set(seen)
    assert "left" not in ana.locator("#status").inner_text()  # no '0:00 left' once the game is over


def test_a_server_outage_disables_the_form_and_stops_the_timer(browser, serve):
    server = serve("classroom_intro", "--class", "--timer", "120", "--state", "class")
    instructor = browser.new_context().new_page()
    instructor.goto(server.address(r"http://127\.0\.0\.1:\d+/admin\?token=\S+"))
    ana = browser.new_context().new_page()
    ana.goto(server.address(r"http://127\.0\.0\.1:\d+/join/\w+"))
    ana.check("input[value=CN]")
    ana.fill("input[name=name]", "Ana")
    ana.click("button[type=submit]")
    instructor.click("button[data-action=start]")
    expect(ana.locator("form.move button[type=submit]")).to_be_enabled()
    expect(ana.locator(".timer")).to_contain_text("left")
    server.stop()  # the server goes away (a crash, a laptop lid)
    expect(ana.locator("#offline")).to_contain_text("connection to the game was lost")
    expect(ana.locator("form.move button[type=submit]")).to_be_disabled()
    expect(ana.locator("form.move input").first).to_be_disabled()
    expect(ana.locator(".timer")).to_have_text("timer stopped (offline)")


def test_a_class_whose_students_all_disconnect_waits_past_the_grace_period(browser, serve, tmp_path):
    from negotiation.web.room import GRACE

    server = serve("classroom_intro", "--class", "--timer", "5", "--state", "class")
    instructor = browser.new_context().new_page()
    instructor.goto(server.address(r"http://127\.0\.0\.1:\d+/admin\?token=\S+"))
    students = []
    for country, name in (("CN", "Ana"), ("US", "Bo")):
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.address(r"http://127\.0\.0\.1:\d+/join/\w+"))
        page.check(f"input[value={country}]")
        page.fill("input[name=name]", name)
        page.click("button[type=submit]")
        expect(page.locator(".move-panel")).to_contain_text("The game starts when the instructor presses start")
        students.append(context)
    instructor.click("button[data-action=start]")
    expect(instructor.locator(".phase")).to_contain_text("Turn 0 of 8")
    for context in students:  # a Wi-Fi drop: every student's tab closes
        context.close()
    # within the grace period they count as present (the timer may play their suggestions);
    # once it is over, the class waits
    expect(instructor.locator(".phase")).to_contain_text("nobody is at a seat", timeout=1000 * (GRACE + 10))
    paused_at = instructor.locator(".phase").inner_text()
    instructor.wait_for_timeout(7000)  # the 5-second timer would have run out again
    assert instructor.locator(".phase").inner_text() == paused_at
    assert not (tmp_path / "class" / "game.json").exists() or not saves.load(tmp_path / "class" / "game.json").finished
    instructor.click("button[data-action=resume]")  # the instructor decides: the strategies play on
    expect(instructor.locator("main")).to_contain_text("Game over", timeout=30_000)
