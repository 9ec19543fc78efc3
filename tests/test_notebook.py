"""docs/notebook.ipynb runs clean (nbclient, the venv's python3 kernel)."""
from __future__ import annotations

import pytest

from tests.conftest import ROOT

NOTEBOOK = ROOT / "docs" / "notebook.ipynb"


def test_example_notebook_runs_clean():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"
                and "Traceback" in o.get("text", "")]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert 'class="warta-doc"' in html and '<mark class="entity"' in html  # show(doc) inline
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the chart
    assert "relations_fact_f1" in html  # the evaluation table
