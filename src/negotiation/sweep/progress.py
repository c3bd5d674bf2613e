"""A progress bar for a running sweep: runs done, failures, the measured rate and time left.

The rate is this session's runs divided by the time since it started, so chunks that land
in bursts, or runs already on disk from an earlier session, do not inflate it.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text


class RateColumn(ProgressColumn):
    """Runs per second this session (measured), and the time left at that rate."""

    def render(self, task: Task) -> Text:
        rate = task.fields.get("rate")
        if not rate:
            return Text("- runs/s")
        left = (task.total or 0) - task.completed
        minutes, seconds = divmod(int(round(left / rate)), 60)
        return Text(f"{rate:,.1f} runs/s, {minutes}:{seconds:02d} left")


def progress_bar(console: Console) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[failed]} failed"), RateColumn(), console=console, transient=False)


class Meter:
    """The sweep's progress callback: updates the bar with counts and the measured rate."""

    def __init__(self, bar: Progress, task: TaskID, clock=time.monotonic):
        self.bar, self.task, self.clock = bar, task, clock
        self.start: float | None = None
        self.base = 0

    def __call__(self, done: int, failed: int) -> None:
        now = self.clock()
        if self.start is None:  # the runner's first call: runs on disk before this session
            self.start, self.base = now, done
        ran, elapsed = done - self.base, now - self.start
        rate = ran / elapsed if ran and elapsed > 0 else None
        self.bar.update(self.task, completed=done, failed=failed, rate=rate)
