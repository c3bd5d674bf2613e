"""atomic_write: a file is replaced whole or not at all, and nothing is left behind on failure."""

from __future__ import annotations

import stat

import pytest

from negotiation.files import atomic_write


def test_text_and_bytes_replace_the_file_and_leave_no_temporary(tmp_path):
    target = tmp_path / "deep" / "state.json"
    atomic_write(target, "first")
    atomic_write(target, b"second \xe2\x9c\x93")
    assert target.read_text(encoding="utf-8") == "second ✓"
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


def test_a_writer_that_fails_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "results.parquet"
    atomic_write(target, "the complete old file")

    def torn(path):
        path.write_text("half a fi", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, torn)
    assert target.read_text(encoding="utf-8") == "the complete old file"
    assert [p.name for p in tmp_path.iterdir()] == ["results.parquet"]


def test_a_writer_function_writes_at_the_path_it_is_given(tmp_path):
    target = tmp_path / "table.txt"
    atomic_write(target, lambda path: path.write_text("from the writer", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "from the writer"


def test_private_files_are_for_their_owner_only(tmp_path):
    secret = atomic_write(tmp_path / "secret", b"key", private=True)
    shared = atomic_write(tmp_path / "manifest.json", "{}")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) & 0o044  # readable by others under the usual umask
