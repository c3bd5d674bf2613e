"""The report's figures (matplotlib, written as PNG)."""

from __future__ import annotations

import math
from pathlib import Path

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


def hold_map(grid: pd.DataFrame, xlabel: str, ylabel: str, path: Path) -> None:
    """P(holds) over two parameters as a heat map, annotated when small enough to read."""
    fig, ax = subplots(figsize=(6.5, 5))
    image = ax.imshow(grid.to_numpy(dtype=float), vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns], rotation=30, ha="right")
    ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index])
    if grid.size <= 144:
        for (i, j), value in pd.DataFrame(grid.to_numpy()).stack().items():
            ax.text(j, i, f"{100 * value:.0f}", ha="center", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.colorbar(image, ax=ax, label="P(truce holds)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def survival(curves: dict[str, pd.DataFrame], labels: dict[str, str], path: Path) -> None:
    """Share of runs still in truce after each turn, one line per parameter level."""
    fig, axes = subplots(1, len(curves), figsize=(5.5 * len(curves), 3.8), squeeze=False)
    for ax, (key, frame) in zip(axes.flat, curves.items(), strict=True):
        for level in frame.columns:
            ax.step(frame.index, frame[level], where="post", label=_tick(level))
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("turn")
        ax.set_ylabel("share of runs still in truce")
        ax.set_title(labels[key])
        ax.legend(fontsize=7, title=labels[key], title_fontsize=7)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def sensitivity(table: pd.DataFrame, labels: dict[str, str], path: Path) -> None:
    """Sobol' first-order and total indices, or Morris mu* and sigma, per parameter."""
    first, second = ("S1", "ST") if "ST" in table else ("mu_star", "sigma")
    fig, ax = subplots(figsize=(6.5, 0.45 * len(table) + 1.5))
    y = range(len(table))
    ax.barh([v + 0.2 for v in y], table[first], height=0.4, label=first)
    ax.barh([v - 0.2 for v in y], table[second], height=0.4, label=second)
    ax.set_yticks(list(y), [labels[k] for k in table.index])
    ax.invert_yaxis()
    ax.legend()
    ax.set_xlabel("index (output: P(truce holds) per design point)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _tick(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
