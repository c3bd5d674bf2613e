"""``negotiation new-scenario``: a copy of a scenario (or of the commented classroom
template) for an instructor to edit, comments kept, never overwriting a file."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from negotiation.config.errors import ConfigError, Problem
from negotiation.config.resolve import data_root, find_scenario

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
PROFILE = re.compile(r"(\bprofile:\s*)([^\s,}]+)")


def template_path() -> Path:
    """The commented template of a classroom session."""
    return data_root() / "configs" / "templates" / "classroom_template.yaml"


def copy_scenario(name: str, source: str | None = None) -> Path:
    """Write ``NAME.yaml`` (or the path NAME) as a copy of ``source`` named NAME; return it."""
    target = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if not NAME.match(target.stem):
        raise ConfigError([Problem(name, None, "NAME", "use letters, digits, '_' and '-' only, e.g. week3_section_b")])
    origin = template_path() if source is None else find_scenario(source)
    if not origin.is_file():
        raise ConfigError([Problem(str(origin), None, "--from", "no such scenario file")])
    text = origin.read_text(encoding="utf-8")
    text = re.sub(r"^name:.*$", f"name: {target.stem}", text, count=1, flags=re.MULTILINE)
    # a profile given as a relative path must still be found from the copy's folder
    text = PROFILE.sub(lambda m: m.group(1) + _anchored(m.group(2), origin.parent), text)
    header = f"# Copied from {source or 'the classroom template'} by 'negotiation new-scenario' on {date.today()}.\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as out:
            out.write(header + text)
    except FileExistsError:
        raise ConfigError([Problem(str(target), None, "NAME", "already exists; new-scenario never overwrites a file, "
                                                              "choose another name")]) from None
    return target


def _anchored(value: str, folder: Path) -> str:
    if ("/" in value or value.endswith((".yaml", ".yml"))) and not Path(value).is_absolute():
        return str((folder / value).resolve())
    return value
