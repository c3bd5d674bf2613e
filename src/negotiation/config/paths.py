"""Checking where a command will write before it starts, so a bad ``--out`` is one clear line
(exit 2) instead of an error after minutes of work, and nothing is half written."""

from __future__ import annotations

import os
from pathlib import Path

from negotiation.config.errors import ConfigError, Problem


def check_writable(path: Path, option: str, *, folder: bool = True) -> None:
    """Refuse an output ``path`` that cannot be made: a file where a folder is wanted (or the
    reverse), or a nearest existing parent that is a file or not writable."""
    if path.exists() and path.is_dir() != folder:
        wanted = "a folder" if folder else "a file"
        raise ConfigError([Problem(str(path), None, option, f"is {'a file' if folder else 'a folder'}; "
                                                            f"give {wanted} here")])
    for parent in path.absolute().parents:
        if not parent.exists():
            continue
        if not parent.is_dir():
            raise ConfigError([Problem(str(path), None, option, f"cannot be made: {parent} is a file, not a folder")])
        if not os.access(parent, os.W_OK | os.X_OK):
            raise ConfigError([Problem(str(path), None, option, f"cannot be made: {parent} is not writable")])
        return
