"""The package's front door: lazy public names, imports that load only what they need, one version."""

from __future__ import annotations

import subprocess
import sys

import pytest

import negotiation
from negotiation.cli import main


def _loaded_after(statement: str) -> set[str]:
    """The top-level modules a fresh interpreter holds after running ``statement``."""
    probe = f"{statement}; import sys; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return set(out.split())


@pytest.mark.parametrize("module", ["negotiation", "negotiation.payoffs", "negotiation.truce",
                                    "negotiation.config.resolve", "negotiation.config.validate",
                                    "negotiation.cli"])
def test_rules_config_and_the_command_line_load_no_engine(module):
    loaded = _loaded_after(f"import {module}")
    assert "mesa" not in loaded
    assert "pandas" not in loaded


def test_a_public_name_loads_its_module_on_first_use():
    loaded = _loaded_after("import negotiation; negotiation.run")
    assert "mesa" in loaded
    assert negotiation.TruceModel.__module__ == "negotiation.model"
    assert "load_scenario" in dir(negotiation)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        negotiation.nonesuch  # noqa: B018


def test_version_prints_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"negotiation {negotiation.__version__}"
