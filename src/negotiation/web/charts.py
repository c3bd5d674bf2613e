"""Small line charts as inline SVG: drawn on the server, no script, crisp at any size.

A seat's charts come from :func:`negotiation.play.view.seat_history` (what it saw: hidden
values leave gaps), the dashboard's from the exact record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

from negotiation.play.view import History

# The viewBox is about as wide as a chart is drawn on a 360 px phone, so the 13 px of the ticks
# and legends stay at least 12 px on screen there (and grow on wider screens).
WIDTH, HEIGHT = 300, 200
LEFT, RIGHT, TOP, BOTTOM = 46, 8, 24, 44
LINE = 17  # a legend row
CHAR = 8.0  # the width of a 13 px character, about
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def line_chart(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]], unit: str = "",
               low: float | None = None, high: float | None = None, bold: str = "") -> Markup:
    """Lines over the turns, with gaps where a value is None; ``bold`` is drawn thicker (the seat)."""
    values = [v for vs in series.values() for v in vs if v is not None]
    if not labels or not values:
        return Markup(f'<p class="chart-empty">{escape(title)}: after the first turn.</p>')
    lo = min(values) if low is None else low
    hi = max(values) if high is None else high
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    n = len(labels)
    legend, row, at = [], 0, 4.0
    for name in series:  # legend entries left to right, wrapping onto new rows
        size = 16 + CHAR * len(name)
        if at + size > WIDTH and at > 4:
            row, at = row + 1, 4.0
        legend.append((at, row))
        at += size + 10
    height = HEIGHT + LINE * row
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - lo) / (hi - lo))

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="4" y="16" class="chart-title">{escape(title)}</text>']
    for v in (lo, (lo + hi) / 2, hi):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
                     f'<text x="{LEFT - 4}" y="{y(v) + 3:.1f}" class="tick" text-anchor="end">{v:,.0f}{unit}</text>')
    room = max(1, int(plot_w // (CHAR * max(len(label) for label in labels) + 12)))  # labels that fit
    step = max(1, -(-n // room))
    for i in range(0, n, step):
        anchor = "end" if i == n - 1 and n > 1 else "start" if i == 0 and n > 1 else "middle"
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 26}" class="tick" text-anchor="{anchor}">'
                     f'{escape(labels[i])}</text>')
    for k, (name, vs) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        width = 3 if name == bold else 1.6
        for run in _runs(vs):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            if len(run) == 1:
                i, v = run[0]
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}"/>')
            else:
                parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width}"/>')
        lx, lrow = legend[k]
        parts.append(f'<text x="{lx:.0f}" y="{HEIGHT - 6 + LINE * lrow}" class="legend" fill="{colour}">'
                     f'■ {escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive known values."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, v))
    return [r for r in runs if r]


def history_charts(history: History, seat: str | None = None) -> list[Markup]:
    """Payoffs, tariffs, allied capacity against China's leverage, and (with a market) the
    rare-earth prices as multiples of their first month's, so NdPr and Dy/Tb share an axis."""
    pct = {k: tuple(None if v is None else 100 * v for v in vs) for k, vs in history.tariffs.items()}
    shares = {"allied": tuple(None if v is None else 100 * v for v in history.allied_share),
              "China": tuple(None if v is None else 100 * v for v in history.china_share)}
    return [line_chart("cumulative payoffs (USD bn)", history.labels, history.totals, bold=seat or ""),
            line_chart("mean tariff imposed (%)", history.labels, pct, "%", low=0, bold=seat or ""),
            line_chart("processing: allied vs China (%)", history.labels, shares, "%",
                       low=0, high=100), *_price_chart(history)]


def _price_chart(history: History) -> list[Markup]:
    series = {}
    for name, values in history.prices.items():
        first = next((v for v in values if v), None)
        if first is not None:
            series[name] = tuple(None if v is None else v / first for v in values)
    if not series:
        return []
    return [line_chart("rare-earth prices (× month 1)", history.labels, series, "×", low=0)]
