"""Writing a file whole or not at all (saves, classroom state, sweep results).

A reader — or a restart after a crash or a power cut — sees either the old complete file or
the new complete file, never a part: the data goes to a temporary file beside the target, is
flushed to the disk (fsync), and the temporary file is renamed over the target.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, data: bytes | str | Callable[[Path], object], *, private: bool = False) -> Path:
    """Write ``data`` (bytes, text as UTF-8, or a function that writes the file at the path it is
    given, e.g. ``lambda p: pq.write_table(table, p)``) to ``path`` atomically and durably.

    ``private`` files are readable by their owner only (0600); others get the usual permissions
    (0666 less the umask). Returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            if not callable(data):
                out.write(data.encode("utf-8") if isinstance(data, str) else data)
                out.flush()
                os.fsync(out.fileno())
        if callable(data):
            data(tmp)
            with open(tmp, "rb") as written:
                os.fsync(written.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
