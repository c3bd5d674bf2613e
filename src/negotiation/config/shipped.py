"""Where the shipped profiles and scenarios live, and their names (no parsing, cheap to import)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SCENARIO = "busan_truce_2025"


def data_root() -> Path:
    """Where the shipped ``agents/`` and ``configs/`` live (source checkout or installed data)."""
    here = Path(__file__).resolve()
    checkout = here.parents[3]
    if (checkout / "agents").is_dir() and (checkout / "configs").is_dir():
        return checkout
    return here.parents[1] / "data"


def builtin_scenarios() -> list[str]:
    return sorted(p.stem for p in (data_root() / "configs" / "scenarios").glob("*.yaml"))


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in (data_root() / "agents").glob("*.yaml"))
