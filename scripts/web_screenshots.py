"""Take the README's pictures of the browser game from a real classroom game.

Starts ``negotiation serve classroom_intro --class`` on a free loopback port, seats two
students (China and the US) in headless chromium, starts the game from the dashboard and
plays the suggested moves until China is asked to answer the US's renewal offer (turn 5);
then saves China's page, the dashboard and China's page on a 390 px phone to docs/img/.

    python scripts/web_screenshots.py        (needs Debian's chromium and playwright)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.executable, "-m", "negotiation", "serve", "--class", "--port", "0",
                                   "--no-browser", "--timer", "90", "--state", "class"], cwd=tmp, text=True,
                                  stdout=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        out = ""
        while "admin?token=" not in out:
            out += server.stdout.readline()
        try:
            shoot(re.search(r"http://\S+/join/\w+", out)[0], re.search(r"http://\S+/admin\?token=\S+", out)[0])
        finally:
            server.terminate()
            server.wait(10)


def shoot(join: str, admin: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        instructor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        instructor.goto(admin)
        pages = {}
        for country, name in (("CN", "Ana"), ("US", "Team Bo")):
            page = browser.new_context(viewport={"width": 1280, "height": 1060}).new_page()
            page.goto(join)
            page.check(f"input[value={country}]")
            page.fill("input[name=name]", name)
            page.click("button[type=submit]")
            pages[country] = page
        instructor.click("button[data-action=start]")
        china = pages["CN"]
        for _ in range(40):  # bounded: turn 5 is about 15 clicks away
            if china.locator("form[data-kind=answer]").count():
                break
            for page in pages.values():
                if page.locator("form.move button[type=submit]").count():
                    step = page.locator(".move-panel").get_attribute("data-step")
                    page.click("form.move button[type=submit]")
                    expect(page.locator(f'.move-panel:not([data-step="{step}"]), .move-panel .done')).to_be_visible()
        expect(china.locator("form[data-kind=answer]")).to_be_visible()
        china.screenshot(path=ROOT / "docs/img/browser_student.png")
        instructor.wait_for_timeout(300)
        instructor.screenshot(path=ROOT / "docs/img/browser_dashboard.png", full_page=True)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        phone.add_cookies(china.context.cookies())  # China's seat, on a 390 x 844 phone
        small = phone.new_page()
        small.goto(china.url)
        expect(small.locator("form[data-kind=answer]")).to_be_visible()
        small.screenshot(path=ROOT / "docs/img/browser_phone.png")
        browser.close()


if __name__ == "__main__":
    main()
