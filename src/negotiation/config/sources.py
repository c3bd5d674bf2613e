"""Every number needs a source: the check that ``tests/test_sources.py`` runs over every shipped file.

A number in a country profile needs an entry in the profile's ``sources:`` map, keyed by
its dotted path relative to the country (pledges by id: ``pledges.C5.value``); a pledge's
own ``source:`` fact id covers its level, start and end. A scenario's own numbers need an
entry in the scenario's ``sources:`` map (``market.lead_time_scale``, ``events.0.probability``).
A source on a key covers every number under it (``parameters.world.noise_scale.values``
covers the whole list). A source names a fact id of FACTS.md (C1-C9, U1-U4, F1-F14, T1-T8, P1-P20), or starts
with ``model:`` (a stated modelling assumption) or ``public:`` (a named public source).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

FACT = re.compile(r"\b(C[1-9]|U[1-4]|F(1[0-4]|[1-9])|T[1-8]|P(20|1[0-9]|[1-9]))\b")
COVERED_BY_PLEDGE_SOURCE = ("level", "start", "end")


def is_source(text: Any) -> bool:
    return isinstance(text, str) and (bool(FACT.search(text)) or text.startswith(("model:", "public:")))


def numbers(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Dotted paths of every numeric leaf, pledges keyed by id, ``sources`` maps skipped."""
    if isinstance(node, bool):
        return
    if isinstance(node, int | float):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "sources":
                yield from numbers(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            by_id = path[-1:] == ("pledges",) and isinstance(item, dict) and "id" in item
            yield from numbers(item, (*path, str(item["id"]) if by_id else str(i)))


def _check(data: dict, where: str, skip: tuple[str, ...] = ()) -> list[str]:
    sources = data.get("sources") or {}
    pledge_source = {p.get("id"): p.get("source") for p in data.get("pledges") or [] if isinstance(p, dict)}
    problems = [f"{where}: sources.{key}: '{text}' names no fact id and is not 'model:' or 'public:'"
                for key, text in sources.items() if not is_source(text)]
    for path in numbers({k: v for k, v in data.items() if k not in skip}):
        key = ".".join(path)
        if any(".".join(path[:n]) in sources for n in range(len(path), 0, -1)):
            continue  # a source on a key covers every number under it (a list of values, a range)
        if (len(path) == 3 and path[0] == "pledges" and path[2] in COVERED_BY_PLEDGE_SOURCE
                and is_source(pledge_source.get(path[1]))):
            continue
        problems.append(f"{where}: {key}: a number without a source; add 'sources: {{{key}: <fact id>}}'")
    return problems


def unsourced(data: Any, where: str) -> list[str]:
    """Problems with the sources of one country profile or scenario (raw YAML data)."""
    if not isinstance(data, dict):
        return []
    if "countries" not in data:
        return _check(data, where)
    problems = _check(data, where, skip=("countries",))
    for cid, entry in (data.get("countries") or {}).items():
        if not isinstance(entry, dict):
            continue
        if "profile" in entry:
            # an override of a profile's number is sourced in the scenario's own map
            scenario_sources = data.get("sources") or {}
            problems += [f"{where}: countries.{cid}.{'.'.join(path)}: a number without a source"
                         for path in numbers({k: v for k, v in entry.items() if k != "profile"})
                         if not is_source(scenario_sources.get(f"countries.{cid}." + ".".join(path)))]
        else:
            problems += _check(entry, f"{where}: countries.{cid}")
    return problems
