"""Qualtrics (*Data och analys → Exportera data → CSV*, choice text or numeric values).

Shape (Qualtrics' CSV export, "legacy" off): three header rows. Row 1: column
names ``StartDate``, ``EndDate``, ``Status``, ``IPAddress``, ``Progress``,
``Duration (in seconds)``, ``Finished``, ``RecordedDate``, ``ResponseId``,
``RecipientLastName``, ``RecipientFirstName``, ``RecipientEmail``,
``ExternalReference``, ``LocationLatitude``, ``LocationLongitude``,
``DistributionChannel``, ``UserLanguage``, then ``Q1``, ``Q3_1``... Row 2:
the question text (a matrix statement as ``Question text - Statement``).
Row 3: ``{"ImportId":"QID3_1"}`` JSON. Answers are the choice texts, or their
numeric recode values when exported *numeric*: those need the survey's
recodes (a mapping file) where a value such as ``7`` is not on the scale.
"""

from __future__ import annotations

from ..matching import normalise
from .base import Export, Grid, table_from_grid

NAME = "qualtrics"
LABEL = "Qualtrics"
META = {"startdate": "ignore", "enddate": "ignore", "status": "ignore", "ipaddress": "ignore",
        "progress": "ignore", "duration (in seconds)": "ignore", "finished": "ignore",
        "recordeddate": "submitted", "responseid": "respondent_id", "recipientlastname": "ignore",
        "recipientfirstname": "ignore", "recipientemail": "ignore", "externalreference": "ignore",
        "locationlatitude": "ignore", "locationlongitude": "ignore", "distributionchannel": "ignore",
        "userlanguage": "ignore", "q_recaptchascore": "ignore", "q_relevantidduplicate": "ignore"}


def _import_ids(row: list[str]) -> int:
    return sum(1 for c in row if '"importid"' in str(c).replace(" ", "").lower())


def detect(grid: Grid) -> tuple[float, str]:
    if len(grid.rows) >= 3 and _import_ids(grid.rows[2]) >= max(2, len(grid.rows[2]) // 2):
        return 1.0, "three header rows, the third with ImportId JSON"
    if grid.rows and {"responseid", "startdate", "enddate"} <= {normalise(c) for c in grid.rows[0]}:
        return 0.8, "columns StartDate, EndDate, ResponseId"
    return 0.0, ""


def build(grid: Grid) -> Export:
    n_head = 3 if len(grid.rows) >= 3 and _import_ids(grid.rows[2]) else (2 if len(grid.rows) > 1 and
                                                                          "responseid" not in map(normalise, grid.rows[1]) else 1)
    cells, damaged = table_from_grid(grid, 0, n_header_rows=n_head)
    texts = {}
    if n_head >= 2:
        for col, t in zip(cells.columns, grid.rows[1]):
            if str(t).strip() and normalise(col) not in META:
                texts[col] = [str(t).strip()]
    roles = {c: META[normalise(c)] for c in cells.columns if normalise(c) in META}
    return Export(grid.name, NAME, cells, texts=texts, roles=roles, damaged=damaged,
                  info=dict(grid.info, header_row=1, header_rows=n_head), evidence=detect(grid)[1])
