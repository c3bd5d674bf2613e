"""negotiation: an agent-based trade negotiation game of the late-2025 US-China truce."""

from negotiation.api import load_scenario, run
from negotiation.config.errors import ConfigError
from negotiation.model import Country, TruceModel
from negotiation.results import RunResult

__all__ = ["ConfigError", "Country", "RunResult", "TruceModel", "load_scenario", "run"]
__version__ = "0.1.0"
