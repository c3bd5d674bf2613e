"""CSV cells a spreadsheet will not run: the defence against formula injection.

A player's name such as ``=HYPERLINK("http://evil.example","click")`` (or a country or pledge
name from a shared scenario file) would be a live formula when an instructor opens the CSV in
Excel, LibreOffice or Google Sheets. Every text cell that starts with a character those
programs read as the start of a formula (= + - @, a tab or a carriage return) gets a leading
apostrophe, which they show as text (OWASP's advice). Numbers are left alone.
"""

from __future__ import annotations

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """``value`` made inert if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def escape(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index labels are inert."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(cell)
    out.columns = [cell(c) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(cell)
    return out
