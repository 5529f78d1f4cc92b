"""esMaker (Entergate; *Resultat → Exportera → Excel/CSV*).

Entergate publishes no file specification; the shape here follows esMaker
CSV exports as Swedish municipalities receive them: ``;`` separated,
Windows-1252, metadata ``Löpnr``, ``Inskickad``, ``Status``, question columns
headed ``Fråga N: text`` and answers exported as *code and text*
(``6 = Stämmer helt``, ``7 = Vet ej``).
"""

from __future__ import annotations

from ._common import header_score, simple_export
from .base import Export, Grid

NAME = "esmaker"
LABEL = "esMaker"
META = {"löpnr": "respondent_id", "löpnummer": "respondent_id", "inskickad": "submitted", "status": "ignore",
        "besvarad": "submitted", "påbörjad": "ignore", "svarstid": "ignore"}
_SIG = ("löpnr", "inskickad", "status")


def detect(grid: Grid) -> tuple[float, str]:
    s = header_score(grid, _SIG, need=2)
    if s:
        return 0.85, "columns Löpnr, Inskickad (esMaker)"
    return 0.0, ""


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, META, evidence=detect(grid)[1])
