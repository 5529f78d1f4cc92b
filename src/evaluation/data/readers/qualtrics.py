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

``Status`` (*Response Type*) tells a real response (``IP Address``, numeric
``0``; also ``Imported``, ``Offline``) from the survey owner's own clicks:
``Survey Preview`` (``1``), ``Survey Test`` (``2``), ``Spam`` (``8``) and
``Offline Survey Preview`` (``17``); ``DistributionChannel`` says ``preview``
or ``test`` for the same rows. Those rows are rejected with the reason, not
counted as respondents. Unfinished responses (``Finished`` False) are kept:
their answers are answers, and each item's missing share shows the rest.
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


#: Status values (choice text and numeric) of rows that are not a respondent's answer
_NOT_ANSWER_STATUS = {"survey preview": "a survey preview", "1": "a survey preview",
                      "survey test": "a survey test", "2": "a survey test", "spam": "marked as spam", "8": "marked as spam",
                      "offline survey preview": "a survey preview", "17": "a survey preview"}
_NOT_ANSWER_CHANNEL = {"preview": "a survey preview", "test": "a survey test"}


def not_answers(cells) -> dict[int, str]:
    """Rows whose ``Status`` or ``DistributionChannel`` marks a preview, test or spam: row -> reason.

    >>> import pandas as pd
    >>> not_answers(pd.DataFrame({"Status": ["IP Address", "Survey Preview", "0", "2"],
    ...                           "DistributionChannel": ["anonymous", "preview", "anonymous", "test"]},
    ...                          index=[4, 5, 6, 7]))
    {5: "column 'Status': 'Survey Preview' is a survey preview, not a respondent's answer", 7: "column 'Status': '2' is a survey test, not a respondent's answer"}
    """
    out: dict[int, str] = {}
    for col in cells.columns:
        table = {"status": _NOT_ANSWER_STATUS, "distributionchannel": _NOT_ANSWER_CHANNEL}.get(normalise(col))
        if table is None:
            continue
        for r, v in cells[col].items():
            what = table.get(normalise(str(v)))
            if what and r not in out:
                out[r] = f"column {col!r}: {str(v).strip()!r} is {what}, not a respondent's answer"
    return out


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
                  info=dict(grid.info, header_row=1, header_rows=n_head), evidence=detect(grid)[1],
                  not_answers=not_answers(cells))
