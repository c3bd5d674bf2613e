"""The report's figures (matplotlib, written as PNG)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from negotiation.plots import subplots


def holds(tables: dict[str, pd.DataFrame], labels: dict[str, str], path: Path) -> None:
    """P(holds) with its 95 % interval against each parameter, one panel each."""
    n = len(tables)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax, (key, table) in zip(axes.flat, tables.items(), strict=False):
        numeric = pd.api.types.is_numeric_dtype(table["level"]) and not pd.api.types.is_bool_dtype(table["level"])
        x = table["level"].astype(float) if numeric else range(len(table))
        ax.errorbar(x, table["p"], yerr=[table["p"] - table["low"], table["high"] - table["p"]], fmt="o-",
                    capsize=3, ms=4)
        if not numeric:
            ax.set_xticks(list(x), [str(v) for v in table["level"]], rotation=30, ha="right")
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel(labels[key])
        ax.set_ylabel("P(truce holds)")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def hold_map(grid: pd.DataFrame, counts: pd.DataFrame, xlabel: str, ylabel: str, path: Path) -> None:
    """P(holds) over two parameters as a heat map; cells say P in % and their number of runs
    (an empty cell says n=0, not 'nan')."""
    fig, ax = subplots(figsize=(7, 5.5))
    image = ax.imshow(grid.to_numpy(dtype=float), vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
    ax.set_xticks(*_ticks(grid.columns), rotation=30, ha="right")
    ax.set_yticks(*_ticks(grid.index))
    if grid.size <= 144:
        values, n = grid.to_numpy(dtype=float), counts.to_numpy()
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                text = "n=0" if n[i, j] == 0 else f"{100 * values[i, j]:.0f}\nn={n[i, j]}"
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="0.3" if n[i, j] == 0 else "black")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.colorbar(image, ax=ax, label="P(truce holds)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def survival(curves: dict[str, pd.DataFrame], labels: dict[str, str], path: Path,
             ylabel: str = "share of runs still in truce") -> None:
    """Share of runs still in truce after each turn, one line per parameter level."""
    fig, axes = subplots(1, len(curves), figsize=(5.5 * len(curves), 3.8), squeeze=False)
    for ax, (key, frame) in zip(axes.flat, curves.items(), strict=True):
        for level in frame.columns:
            ax.step(frame.index, frame[level], where="post", label=_tick(level))
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("turn")
        ax.set_ylabel(ylabel)
        ax.set_title(labels[key])
        ax.legend(fontsize=7, title=labels[key], title_fontsize=7)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def sensitivity(table: pd.DataFrame, labels: dict[str, str], path: Path) -> None:
    """Sobol' S1 and ST, or Morris mu*, per parameter, with their 95 % intervals as error bars."""
    pairs = [("S1", "ST")] if "ST" in table else [("mu_star",)]
    names = pairs[0]
    fig, ax = subplots(figsize=(6.5, 0.5 * len(table) + 1.6))
    y = np.arange(len(table))
    offsets = [0.2, -0.2] if len(names) == 2 else [0.0]
    for name, offset in zip(names, offsets, strict=True):
        value, low, high = table[name], table[f"{name}_low"], table[f"{name}_high"]
        err = np.vstack([(value - low).clip(lower=0), (high - value).clip(lower=0)]).astype(float)
        ax.barh(y + offset, value, height=0.38, xerr=err, capsize=3, label=name, alpha=0.85)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(list(y), [labels[k] for k in table.index])
    ax.invert_yaxis()
    ax.legend()
    ax.set_xlabel("index of P(truce holds) per design point, 95 % bootstrap interval")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def convergence(frame: pd.DataFrame, labels: dict[str, str], keys: list[str], path: Path) -> None:
    """Sobol' indices against the base sample size, with 95 % intervals: do they settle?"""
    fig, axes = subplots(1, 2, figsize=(11, 4), sharex=True)
    for ax, name in zip(axes, ("S1", "ST"), strict=True):
        for i, key in enumerate(keys):
            rows = frame[frame["key"] == key]
            x = rows["samples"].to_numpy(dtype=float) * (1 + 0.03 * (i - len(keys) / 2))  # spread overlapping bars
            ax.errorbar(x, rows[name], yerr=[(rows[name] - rows[f"{name}_low"]).clip(lower=0),
                                               (rows[f"{name}_high"] - rows[name]).clip(lower=0)],
                        fmt="o-", ms=3, capsize=2, label=labels[key])
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("base sample N (runs = N x (D + 2) x replications)")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=7)
    fig.suptitle("Sobol' indices against sample size (95 % bootstrap intervals)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _ticks(values: pd.Index, most: int = 12) -> tuple[list[int], list[str]]:
    """Tick positions and labels, thinned to at most ``most`` so they do not overlap."""
    step = max(1, -(-len(values) // most))
    positions = list(range(0, len(values), step))
    return positions, [_tick(values[i]) for i in positions]


def _tick(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
