"""Generate every report notebook from its Report class (one builder, no hand-edited notebooks).

``python tools/build_notebooks.py`` writes ``notebooks/<Report.notebook>`` for
every registered report; ``tests/house/test_notebooks.py`` fails when a
committed notebook differs from what this builder writes. The notebook is
thin by construction: a parameters cell, one ``open_report`` call, one
``report.show(id)`` cell per section, ``report.save()``.
"""

from __future__ import annotations

import json
from typing import Any

from evaluation.reports.base import REPORTS, Report, report_class
from evaluation.reports.protocol import KERNEL_NAME

__all__ = ["build_notebook", "notebook_json", "all_notebooks", "STEP_CHECK", "STEP_ANALYSE"]

#: step names of the two plumbing cells, as error messages name them
STEP_CHECK = "checking the parameters"
STEP_ANALYSE = "reading the data and analysing"


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def build_notebook(cls: type[Report]):
    """The notebook (an nbformat node) of report class ``cls``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python (dmkit)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    width = max(len(f"{p.name}: {p.type} = {_literal(p.default)}") for p in cls.parameters)
    lines = [f"{p.name}: {p.type} = {_literal(p.default)}".ljust(width) + f"  # {p.help}" for p in cls.parameters]
    par = nbformat.v4.new_code_cell("\n".join(lines))
    par.metadata.update({"tags": ["parameters"], "step": "parameters"})
    nb.cells.append(par)
    args = ",\n    ".join(f"{p.name}={p.name}" for p in cls.parameters)
    check = nbformat.v4.new_code_cell(
        "from evaluation.reports import check_parameters, open_report\n\n"
        f"params = check_parameters(\n    {cls.kind!r},\n    {args},\n)")
    check.metadata.update({"tags": ["remove"], "step": STEP_CHECK})
    nb.cells.append(check)
    opener = nbformat.v4.new_code_cell(f"report = open_report({cls.kind!r}, params)")
    opener.metadata.update({"tags": ["remove"], "step": STEP_ANALYSE})
    nb.cells.append(opener)
    for sid in cls.section_ids:
        cell = nbformat.v4.new_code_cell(f"report.show({sid!r})")
        cell.metadata.update({"step": sid})
        nb.cells.append(cell)
    save = nbformat.v4.new_code_cell("report.save()")
    save.metadata.update({"tags": ["remove"], "step": "saving results.json"})
    nb.cells.append(save)
    for i, cell in enumerate(nb.cells):  # stable ids: the committed file does not change on rebuild
        cell["id"] = f"{cls.kind}-{i:02d}"
    return nb


def notebook_json(cls: type[Report]) -> str:
    """The notebook of ``cls`` as the exact text written to disk."""
    import nbformat

    return nbformat.writes(build_notebook(cls)) + "\n"


def all_notebooks() -> dict[str, str]:
    """notebook file name → its text, for every registered report."""
    out = {}
    for kind in REPORTS:
        cls = report_class(kind)
        out[cls.notebook] = notebook_json(cls)
    return out
