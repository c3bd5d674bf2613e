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


# Limits that no real input comes near, so a hostile or broken file is refused in
# milliseconds instead of exhausting the stack or the memory (a "billion laughs" document).
MAX_DEPTH = 64  # nesting of mappings and lists, as written and through aliases
MAX_VALUES = 200_000  # values once every alias is expanded
MAX_BYTES = 4_000_000  # of one file's text


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent override is a classic typo), keys that
    are lists or mappings, and scalars its constructors cannot read (``!!int x``, 2025-13-45),
    each as a YAML error at the line of the offending node."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # the composer recurses once per level: refuse deep text before it exhausts the stack
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {str(value)[:40]!r} as {node.tag.rsplit(':', 1)[-1]} ({exc})",
                node.start_mark) from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value (a name or a number), not a list or mapping",
                key_node.start_mark)
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Refuse aliases that refer to themselves or expand beyond MAX_VALUES values or
    MAX_DEPTH levels. Each node is measured once (aliases share nodes), without recursion."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            where = node.start_mark.line + 1
            if size[key] > MAX_VALUES:
                raise ConfigError([Problem(file, where, "", f"expands to more than {MAX_VALUES:,} values "
                                                            "(aliases repeated inside aliases)")])
            if depth[key] > MAX_DEPTH:
                raise ConfigError([Problem(file, where, "", f"nested more than {MAX_DEPTH} levels deep "
                                                            "once its aliases are expanded")])
            continue
        if key in size:
            continue
        if key in open_:
            raise ConfigError([Problem(file, node.start_mark.line + 1, "", "an alias refers to the value it is "
                                                                           "part of (a loop)")])
        open_.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_:
                raise ConfigError([Problem(file, child.start_mark.line + 1, "", "an alias refers to the value it "
                                                                                "is part of (a loop)")])
            if id(child) not in size:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


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
    if len(text) > MAX_BYTES:
        raise ConfigError([Problem(file, None, "", f"is larger than {MAX_BYTES // 1_000_000} MB; "
                                                   "no scenario, profile, sweep or moves file comes near that")])
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_expansion(node, file)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
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


def read_bounded(path: Path, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes, refused (ConfigError) beyond ``limit``: a huge file, or a device such as
    /dev/zero that never ends, is answered at once instead of filling the memory."""
    with path.open("rb") as stream:
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise ConfigError([Problem(str(path), None, "", f"is larger than {limit // 1_000_000} MB; no scenario, "
                                                        "profile, sweep or moves file comes near that")])
    return raw


def read_yaml(path: Path) -> tuple[Any, Origins]:
    """Read a YAML file; a missing, unreadable or non-text file is a ConfigError."""
    file = str(path)
    if not path.exists():
        raise ConfigError([Problem(file, None, "", "no such file")])
    if path.is_dir():
        raise ConfigError([Problem(file, None, "", "is a directory, expected a YAML file")])
    try:
        raw = read_bounded(path)
    except OSError as exc:
        raise ConfigError([Problem(file, None, "", f"cannot be read ({exc.strerror or exc})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError([Problem(file, None, "", "is a binary file, not UTF-8 YAML text")]) from None
    return parse_yaml(text, file)
