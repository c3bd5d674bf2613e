"""Matplotlib figures of one run. Each function takes a RunResult and returns a Figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from negotiation.results import RunResult, turn_label


def subplots(nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Figure, Any]:
    """A figure and its axes, like ``pyplot.subplots`` but outside pyplot: no backend is chosen
    and no figure is kept open anywhere (saving as PNG renders with Agg), so any thread may draw."""
    figure_keys = {k: kwargs.pop(k) for k in ("figsize", "layout", "dpi") if k in kwargs}
    fig = Figure(**figure_keys)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def _mark_break(ax, result: RunResult) -> None:
    """Each breach a light dotted line (an incident that may heal); the collapse a solid line
    with its cause (the truce's end)."""
    for b in result.breaches:
        ax.axvline(b.turn, color="crimson", linestyle=":", linewidth=0.8, alpha=0.4)
    c = result.collapse
    if c is not None:
        ax.axvline(c.turn, color="crimson", linestyle="-", linewidth=1.2)
        what = f"{c.cause.replace('_', ' ')}" + (f" · {c.pledge}" if c.pledge else "")
        ax.annotate(f"truce collapsed\n{c.country} · {what}", xy=(c.turn, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -4), textcoords="offset points", va="top", fontsize=8, color="crimson")


def _turn_axis(ax, result: RunResult) -> None:
    n = len(result.records)
    step = max(1, n // 9)
    ticks = list(range(0, n, step))
    ax.set_xticks(ticks, [turn_label(result.scenario, t) for t in ticks], rotation=30, fontsize=8)
    ax.set_xlim(-0.5, n - 0.5)


def payoffs(result: RunResult) -> Figure:
    """Cumulative payoff of each country over the turns."""
    fig, ax = subplots(figsize=(8, 4.5), layout="constrained")
    for cid in result.totals:
        ax.plot(result.turns(), [f.total for f in result.path(cid)], label=cid, linewidth=2)
    ax.axhline(0, color="grey", linewidth=0.5)
    _mark_break(ax, result)
    _turn_axis(ax, result)
    ax.set_ylabel("cumulative payoff (USD bn)")
    ax.set_title(f"{result.scenario.name}: payoffs over time (seed {result.seed})")
    ax.legend(ncols=min(5, len(result.totals)), fontsize=8)
    return fig


def compliance(result: RunResult) -> Figure:
    """Pledges x turns: honoured, partial, defected, or not in force."""
    table = result.compliance
    data = table.to_numpy(dtype=float)
    fig, ax = subplots(figsize=(9, 0.28 * len(table) + 1.6), layout="constrained")
    cmap = ListedColormap(["#c0392b", "#f5b041", "#27ae60"]).with_extremes(bad="#eeeeee")
    binned = np.where(np.isnan(data), np.nan, np.where(data >= 1.0, 2, np.where(data >= 0.5, 1, 0)))
    ax.imshow(np.ma.masked_invalid(binned), aspect="auto", cmap=cmap, vmin=0, vmax=2, interpolation="nearest")
    ax.set_yticks(range(len(table)), table.index, fontsize=8)
    _turn_axis(ax, result)
    _mark_break(ax, result)
    ax.set_title("pledge compliance (green honoured, amber partial, red defected, grey not in force)", fontsize=9)
    return fig


def instruments(result: RunResult) -> Figure:
    """Mean tariff each country imposes, and the supplier's export controls on each country."""
    turns = result.turns()
    fig, (top, bottom) = subplots(2, 1, figsize=(8, 6), sharex=True, layout="constrained")
    for cid in result.totals:
        path = result.path(cid)
        top.plot(turns, [100 * f.tariff_out for f in path], label=cid)
        bottom.step(turns, [f.control_on for f in path], where="mid", label=cid)
    top.set_ylabel("mean tariff imposed (%)")
    bottom.set_ylabel("export controls faced (0-1)")
    bottom.set_ylim(-0.05, 1.05)
    top.legend(ncols=5, fontsize=8)
    _mark_break(top, result)
    _turn_axis(bottom, result)
    top.set_title("tariffs and export controls")
    return fig


def capacity(result: RunResult) -> Figure:
    """Allied share of processing capacity against China's share (its leverage); with the
    rare-earth market, the allied share of each stage and good, and below it the prices."""
    markets = [r.market for r in result.records if r.market is not None]
    with_market = bool(markets) and len(markets) == len(result.records)
    fig, axes = subplots(2 if with_market else 1, 1, figsize=(8, 6.5 if with_market else 4), layout="constrained",
                         sharex=True, squeeze=False)
    ax = axes[0][0]
    turns = result.turns()
    ax.plot(turns, [100 * r.allied_share for r in result.records], label="allied share of processing", linewidth=2,
            color="#2471a3")
    ax.plot(turns, [100 * r.china_share for r in result.records], label="China's share (leverage)", linewidth=2,
            color="#c0392b")
    if with_market:
        for name, label, style in (("allied_mining_light", "allied mining", ":"),
                                   ("allied_magnets_light", "allied magnets", "--"),
                                   ("allied_refining_heavy", "allied heavy separation", "-.")):
            ax.plot(turns, [100 * getattr(m, name) for m in markets], label=label, linewidth=1.2, color="#2471a3",
                    linestyle=style)
    ax.set_ylabel("% of world capacity")
    ax.set_ylim(0, 100)
    _mark_break(ax, result)
    ax.legend(fontsize=8)
    ax.set_title("allied capacity against China's leverage" + (" (light rare earths unless said)" if with_market
                                                                else ""))
    if with_market:
        low = axes[1][0]
        low.plot(turns, [m.price_light for m in markets], label="NdPr (light)", linewidth=2, color="#7d3c98")
        low.plot(turns, [m.price_heavy for m in markets], label="Dy/Tb (heavy)", linewidth=2, color="#d68910")
        low.plot(turns, [m.world_price_light for m in markets], label="NdPr without controls", linewidth=1,
                 color="#7d3c98", linestyle=":")
        low.set_yscale("log")
        low.set_ylabel("USD/kg outside China")
        low.set_title("rare-earth prices (weighted by what each importer would buy)")
        _mark_break(low, result)
        low.legend(fontsize=8)
    _turn_axis(axes[-1][0], result)
    return fig


def compare_payoffs(results: dict[str, RunResult], country: str) -> Figure:
    """One country's cumulative payoff in several runs of the same game (the debrief's
    counterfactuals: the player's game against the seat played by a strategy)."""
    fig, ax = subplots(figsize=(8, 4.5), layout="constrained")
    for n, (label, result) in enumerate(results.items()):
        totals = [f.total for f in result.path(country)]
        # the player's game drawn thick and the alternatives dashed, so identical runs stay visible
        ax.plot(result.turns(), totals, label=label, linewidth=4 if n == 0 else 1.5,
                linestyle="-" if n == 0 else "--", alpha=0.6 if n == 0 else 1.0)
        for b in result.breaches:
            ax.plot(b.turn, totals[b.turn], ".", color="crimson", alpha=0.4)
        if result.collapse is not None:
            ax.plot(result.collapse.turn, totals[result.collapse.turn], "x", color="crimson")
    first = next(iter(results.values()))
    ax.axhline(0, color="grey", linewidth=0.5)
    _turn_axis(ax, first)
    ax.set_ylabel(f"{country}: cumulative payoff (USD bn)")
    ax.set_title(f"{first.scenario.name}: {country}'s payoff, your game against the alternatives "
                 "(x: truce collapsed, ·: breach)")
    ax.legend(fontsize=8)
    return fig


FIGURES = {"payoffs": payoffs, "compliance": compliance, "instruments": instruments, "capacity": capacity}


def save_all(result: RunResult, folder: Path) -> list[Path]:
    """Write every figure of the run as PNG into ``folder``."""
    paths = []
    for name, make in FIGURES.items():
        fig = make(result)
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=110)
        paths.append(path)
    return paths
