"""The researchers' notebook in docs/ runs from top to bottom on the current code."""

import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "sweep_notebook.ipynb"


def test_the_sweep_notebook_executes_and_shows_the_threshold(tmp_path):
    shutil.copy(NOTEBOOK, tmp_path)
    notebook = nbformat.read(tmp_path / NOTEBOOK.name, as_version=4)
    nbclient.NotebookClient(notebook, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", []))
    assert "matters most: A patience" in text  # the report's headline
    assert "0.50    1.0" in text and "0.48    0.0" in text  # the jump at patience 0.5 (P13)
    assert any("image/png" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))
    assert (tmp_path / "runs" / "pd" / "codebook.md").exists()
