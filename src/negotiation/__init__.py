"""negotiation: an agent-based trade negotiation game of the late-2025 US-China truce.

The public names load on first use (PEP 562), so ``import negotiation.payoffs`` or
``import negotiation.config`` does not pull in Mesa, pandas and the whole engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from negotiation.api import load_scenario, run
    from negotiation.config.errors import ConfigError
    from negotiation.model import Country, TruceModel
    from negotiation.results import RunResult

# public name -> the module that defines it
_LAZY = {
    "load_scenario": "negotiation.api",
    "run": "negotiation.api",
    "ConfigError": "negotiation.config.errors",
    "Country": "negotiation.model",
    "TruceModel": "negotiation.model",
    "RunResult": "negotiation.results",
}

__all__ = ["ConfigError", "Country", "RunResult", "TruceModel", "__version__", "load_scenario", "run"]

# the one place the version is written: pyproject.toml reads it from here (hatch dynamic version)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is asked for (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'negotiation' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
