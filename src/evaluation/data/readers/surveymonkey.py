"""SurveyMonkey (*Analysera → Spara som → Export av alla svar → CSV/XLSX*, original view).

Shape (SurveyMonkey's "all responses" export): two header rows. Row 1 holds
``Respondent ID``, ``Collector ID``, ``Start Date``, ``End Date``,
``IP Address``, ``Email Address``, ``First Name``, ``Last Name``,
``Custom Data 1`` (in a Swedish account ``Respondent-ID``, ``Insamlar-ID``,
``Startdatum``, ``Slutdatum``, ``IP-adress``, ``E-postadress``, ``Förnamn``,
``Efternamn``, ``Anpassade data 1``) and each question's text, written once above the first
column of a matrix and blank above the rest. Row 2 is blank under the
metadata, ``Response`` (``Svar``) under a single-answer question,
``Open-Ended Response`` (``Öppet svar``) under a text box and the row text under each matrix
column. Answers are the option texts. This adapter joins the two rows into one
name per column: ``Question [row text]`` for matrix columns, the question for
the others.
"""

from __future__ import annotations

from ..matching import normalise
from ._common import norm_set
from .base import Export, Grid, table_from_grid

NAME = "surveymonkey"
LABEL = "SurveyMonkey"
META = {"respondent id": "respondent_id", "collector id": "ignore", "start date": "ignore",
        "end date": "submitted", "ip address": "ignore", "email address": "ignore", "first name": "ignore",
        "last name": "ignore", "custom data 1": "ignore", "custom data": "ignore",
        # the same columns when the account's language is Swedish
        "respondent-id": "respondent_id", "insamlar-id": "ignore", "insamlare-id": "ignore",
        "startdatum": "ignore", "slutdatum": "submitted", "ip-adress": "ignore", "e-postadress": "ignore",
        "förnamn": "ignore", "efternamn": "ignore", "anpassade data 1": "ignore", "anpassade data": "ignore"}
_PLAIN = ("response", "open-ended response", "svar", "öppet svar", "öppna svar", "other (please specify)",
          "annat (ange)", "annat (vänligen specificera)")
_SIGNATURES = ({"respondent id", "collector id"}, {"respondent-id", "insamlar-id"}, {"respondent-id", "insamlare-id"})


def detect(grid: Grid) -> tuple[float, str]:
    if len(grid.rows) < 2:
        return 0.0, ""
    row1 = norm_set(grid.rows[0])
    row2 = norm_set(grid.rows[1])
    if any(sig <= row1 for sig in _SIGNATURES) and row2 & set(_PLAIN):
        return 1.0, "header rows 'Respondent ID, Collector ID…' + 'Response'/matrix rows"
    return 0.0, ""


def build(grid: Grid) -> Export:
    top, sub = grid.rows[0], grid.rows[1] if len(grid.rows) > 1 else []
    sub = list(sub) + [""] * (len(top) - len(sub))
    names, texts, question = [], {}, ""
    for t, s in zip(top, sub):
        t, s = str(t).strip(), str(s).strip()
        if t:
            question = t
        if normalise(t) in META or (not s and t):
            names.append(t)
        elif not s or normalise(s) in _PLAIN:
            names.append(question)
        else:
            names.append(f"{question} [{s}]")
    cells, damaged = table_from_grid(grid, 0, n_header_rows=2, names=names)
    for col, s in zip(cells.columns, sub):
        if s.strip() and normalise(s) not in _PLAIN:
            texts[col] = [s.strip()]
    roles = {c: META[normalise(c)] for c in cells.columns if normalise(c) in META}
    return Export(grid.name, NAME, cells, texts=texts, roles=roles, damaged=damaged,
                  info=dict(grid.info, header_row=1, header_rows=2), evidence=detect(grid)[1])
