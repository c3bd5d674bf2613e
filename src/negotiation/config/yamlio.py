"""YAML reading that remembers where each value came from.

Every value is loaded together with its line, so a validation error deep inside a
merged scenario can still point at ``agents/china.yaml:42``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from negotiation.config.errors import ConfigError, Problem

Path_ = tuple[str | int, ...]
Origins = dict[Path_, tuple[str, int]]


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent override is a classic typo)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _origins(node: yaml.Node, file: str, path: Path_, out: Origins) -> None:
    out[path] = (file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _origins(value_node, file, path + (key_node.value,), out)
            # point at the key, which is where a reader looks for a misspelt field
            out[path + (key_node.value,)] = (file, key_node.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _origins(item, file, path + (index,), out)


def parse_yaml(text: str, file: str) -> tuple[Any, Origins]:
    """Parse YAML text; return the data and the line of every key and item."""
    if "\x00" in text:
        raise ConfigError([Problem(file, None, "", "is a binary file, not YAML text")])
    if not text.strip():
        raise ConfigError([Problem(file, None, "", "is empty; expected a YAML mapping")])
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        context = ""
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            context = f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise ConfigError([Problem(file, line, "", f"malformed YAML: {exc.problem}{context}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(file, None, "", f"malformed YAML: {exc}")]) from None
    origins: Origins = {}
    if node is not None:
        _origins(node, file, (), origins)
    return data, origins


def read_yaml(path: Path) -> tuple[Any, Origins]:
    """Read a YAML file; a missing, unreadable or non-text file is a ConfigError."""
    file = str(path)
    if not path.exists():
        raise ConfigError([Problem(file, None, "", "no such file")])
    if path.is_dir():
        raise ConfigError([Problem(file, None, "", "is a directory, expected a YAML file")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError([Problem(file, None, "", "is a binary file, not UTF-8 YAML text")]) from None
    return parse_yaml(text, file)
