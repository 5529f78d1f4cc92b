"""LimeSurvey (*Svar → Exportera*, CSV).

Shape (LimeSurvey's export dialog): comma separated, UTF-8, headings as
*question code*, *abbreviated* or *full question text*; array questions give
one column per subquestion, headed ``Question text [Subquestion text]``
(full text) or ``Q1[SQ001]`` (codes). System columns first: ``id``,
``submitdate``, ``lastpage``, ``startlanguage``, ``seed``, ``startdate``,
``datestamp`` (sv full text: ``Svars-ID``, ``Datum inskickat``,
``Sista sidan``, ``Startspråk``, ``Seed``, ``Startdatum``,
``Datum senaste åtgärd``). Responses as *full answers* (option texts) or as
*answer codes* (``A1``, ``A2``...), whose meaning only the survey knows: a
code export needs a mapping file for its answer codes.
"""

from __future__ import annotations

from ._common import header_score, simple_export
from .base import Export, Grid

NAME = "limesurvey"
LABEL = "LimeSurvey"
META = {"id": "respondent_id", "svars-id": "respondent_id", "response id": "respondent_id",
        "submitdate": "submitted", "datum inskickat": "submitted", "date submitted": "submitted",
        "lastpage": "ignore", "sista sidan": "ignore", "last page": "ignore",
        "startlanguage": "ignore", "startspråk": "ignore", "start language": "ignore",
        "seed": "ignore", "startdate": "ignore", "startdatum": "ignore", "date started": "ignore",
        "datestamp": "ignore", "datum senaste åtgärd": "ignore", "date last action": "ignore",
        "ipaddr": "ignore", "ip-adress": "ignore", "refurl": "ignore", "token": "ignore"}
_CODES = ("id", "submitdate", "lastpage", "startlanguage", "seed")
_SV = ("svars-id", "datum inskickat", "sista sidan", "startspråk", "seed")
_EN = ("response id", "date submitted", "last page", "start language", "seed")


def detect(grid: Grid) -> tuple[float, str]:
    s = max(header_score(grid, sig, need=4) for sig in (_CODES, _SV, _EN))
    return (0.95, "LimeSurvey system columns (id/submitdate/lastpage/startlanguage)") if s else (0.0, "")


def build(grid: Grid) -> Export:
    return simple_export(grid, NAME, META, evidence=detect(grid)[1])
