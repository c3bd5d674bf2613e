"""A progress bar for a running sweep: runs done, failures, rate and time left."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text


class RateColumn(ProgressColumn):
    """Runs per second over the recent past."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f} runs/s" if task.speed else "- runs/s")


def progress_bar(console: Console) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[failed]} failed"), RateColumn(), TimeRemainingColumn(),
                    console=console, transient=False)
