"""The register of digitalisation initiatives and its seven submission criteria.

Many municipalities (Nacka's digitalisation process is the model, see
``DOMAIN.md``) send an initiative to a **preparation group** (beredningsgrupp)
when at least one of seven criteria holds:

1. more than 40 hours of shared resources (e.g. IT, information security, legal),
2. more than 500 hours in total,
3. the funding is unclear,
4. a new IT support (system) is needed,
5. new integrations are needed,
6. data will be processed by an external party,
7. several units are affected.

Large or cross-cutting initiatives (criterion 2 or 7) are in addition marked
for the **digitalisation council** (digitaliseringsrådet). Every initiative
joins the portfolio, summarised per unit beside the unit's digital maturity
from a round report's ``results.json`` (suppressed units stay hidden).

A criterion that is not filled in ("vet ej", blank) is *unknown*: the
initiative is listed as incomplete with the questions to answer. It goes to
the preparation group only when a known criterion is met.

Register format (template: :func:`write_register_template`; Swedish headers,
English ones accepted too)::

    id, initiativ, enhet, beskrivning, timmar_gemensamma_resurser, timmar_totalt,
    oklar_finansiering, nytt_it_stod, nya_integrationer, extern_databehandling,
    berorda_enheter

Yes/no cells take ja/nej (or yes/no, x, 1/0); hours are numbers (decimal
comma fine); ``berorda_enheter`` lists other affected units separated by ``;``.

Examples
--------
>>> import pandas as pd
>>> from evaluation.admin.initiatives import assess_initiatives
>>> reg = pd.DataFrame({"id": ["I1", "I2"], "initiativ": ["E-tjänst bygglov", "Ny rutin"],
...                     "enhet": ["Bygg", "Skola"], "timmar_gemensamma_resurser": [60, 5],
...                     "timmar_totalt": [300, 20], "oklar_finansiering": ["nej", "nej"],
...                     "nytt_it_stod": ["ja", "nej"], "nya_integrationer": ["nej", "nej"],
...                     "extern_databehandling": ["nej", "nej"], "berorda_enheter": ["", ""]})
>>> a = assess_initiatives(reg)
>>> a[["id", "to_preparation_group", "criteria_met"]].values.tolist()
[['I1', True, 'shared_hours; new_it_support'], ['I2', False, '']]
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from evaluation.reports.envelope import sections_of

__all__ = [
    "FIELDS",
    "CRITERIA",
    "SHARED_HOURS_LIMIT",
    "TOTAL_HOURS_LIMIT",
    "read_register",
    "assess_initiatives",
    "portfolio",
    "read_unit_maturity",
    "write_register_template",
    "add_cli",
]

SHARED_HOURS_LIMIT = 40.0
TOTAL_HOURS_LIMIT = 500.0


@dataclass(frozen=True)
class Field:
    key: str
    header: str  # Swedish header of the template
    kind: str  # text | hours | yesno | units
    required: bool
    aliases: tuple[str, ...]
    help_sv: str


FIELDS: tuple[Field, ...] = (
    Field("id", "id", "text", True, ("nr", "initiativ-id", "initiativ_id", "initiative id", "initiative_id"),
          "Initiativets nummer eller kod (unik i registret)."),
    Field("title", "initiativ", "text", True, ("namn", "benämning", "title", "name", "initiative"),
          "Kort namn på initiativet."),
    Field("unit", "enhet", "text", True, ("ägande enhet", "agande enhet", "förvaltning", "unit", "owner unit",
                                          "owner_unit"),
          "Den enhet som äger initiativet."),
    Field("description", "beskrivning", "text", False, ("description", "behov"), "Vilket behov initiativet möter."),
    Field("shared_hours", "timmar_gemensamma_resurser", "hours", False,
          ("timmar gemensamma resurser", "gemensamma resurser (timmar)", "gemensamma resurser timmar",
           "shared resource hours", "shared_hours", "shared hours"),
          "Uppskattade timmar från gemensamma resurser (IT, informationssäkerhet, juridik m.fl.)."),
    Field("total_hours", "timmar_totalt", "hours", False,
          ("timmar totalt", "totalt (timmar)", "total hours", "total_hours"),
          "Uppskattade timmar totalt, alla inblandade."),
    Field("unclear_funding", "oklar_finansiering", "yesno", False,
          ("oklar finansiering", "unclear funding", "unclear_funding"), "Ja om finansieringen inte är klar."),
    Field("new_it_support", "nytt_it_stod", "yesno", False,
          ("nytt it-stöd", "nytt it-stod", "nytt it stöd", "nytt_it_stöd", "new it support", "new_it_support"),
          "Ja om ett nytt IT-stöd (system) behövs."),
    Field("new_integrations", "nya_integrationer", "yesno", False,
          ("nya integrationer", "new integrations", "new_integrations"),
          "Ja om nya integrationer mellan system behövs."),
    Field("external_processing", "extern_databehandling", "yesno", False,
          ("extern databehandling", "data behandlas av extern part", "external data processing",
           "external_processing", "external processing"),
          "Ja om data ska behandlas av en extern part (t.ex. molntjänst, leverantör)."),
    Field("affected_units", "berorda_enheter", "units", False,
          ("berörda enheter", "berorda enheter", "berörda_enheter", "affected units", "affected_units"),
          "Andra enheter som berörs, åtskilda med semikolon."),
)

#: The seven criteria: key, Swedish and English wording.
CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("shared_hours", "Mer än 40 timmar gemensamma resurser", "More than 40 hours of shared resources"),
    ("total_hours", "Mer än 500 timmar totalt", "More than 500 hours in total"),
    ("unclear_funding", "Oklar finansiering", "Unclear funding"),
    ("new_it_support", "Nytt IT-stöd", "New IT support"),
    ("new_integrations", "Nya integrationer", "New integrations"),
    ("external_processing", "Data behandlas av extern part", "Data processed by an external party"),
    ("several_units", "Flera enheter berörs", "Several units affected"),
)

_YES = {"ja", "j", "yes", "y", "x", "1", "true", "sant", "sann"}
_NO = {"nej", "n", "no", "0", "false", "falskt", "falsk"}
_UNKNOWN = {"", "vet ej", "vet inte", "oklart", "okänt", "okant", "?", "don't know", "dont know", "unknown", "nan",
            "none"}


def _norm(s: Any) -> str:
    s = unicodedata.normalize("NFC", str(s)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", s).strip().casefold()


def _header_map(columns: Sequence[str], name: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for f in FIELDS:
        for a in (f.key, f.header, *f.aliases):
            lookup[_norm(a)] = f.key
            lookup[_norm(a).replace("_", " ")] = f.key
    out: dict[str, str] = {}
    for c in columns:
        key = lookup.get(_norm(c)) or lookup.get(_norm(c).replace("_", " "))
        if key is None:
            continue
        if key in out.values():
            other = next(k for k, v in out.items() if v == key)
            raise ValueError(f"{name}: columns {other!r} and {c!r} both mean {key!r}; keep one of them.")
        out[c] = key
    missing = [f.header for f in FIELDS if f.required and f.key not in out.values()]
    if missing:
        raise ValueError(f"{name}: the register lacks the column(s) {missing}; the template's first row has the "
                         "expected headers (dmkit initiatives FILE --template).")
    return out


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise ValueError(f"{path}: file not found.")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str, sheet_name=0).fillna("")
        except Exception as exc:
            raise ValueError(f"{path.name}: could not read as an Excel workbook ({exc}).") from None
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            textdata = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    first = textdata.splitlines()[0] if textdata.strip() else ""
    if not first:
        raise ValueError(f"{path.name}: the file is empty; expected a header row and one row per initiative.")
    sep = max((";", ",", "\t"), key=first.count)
    import io

    return pd.read_csv(io.StringIO(textdata), sep=sep, dtype=str, keep_default_na=False)


def read_register(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read and validate an initiative register (CSV, XLSX or DataFrame).

    Returns a DataFrame with canonical columns (``id``, ``title``, ``unit``,
    ``description``, ``shared_hours``, ``total_hours`` as float (NaN = not
    given), the yes/no criteria as objects True/False/None, and
    ``affected_units`` as tuples) and a ``row`` column (header = row 1).

    Raises
    ------
    ValueError
        Naming the file, row and column of the first bad cell, and what was expected.
    """
    if isinstance(source, pd.DataFrame):
        df = source.copy().astype(object).where(source.notna(), "")
        df = df.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
        name = "<DataFrame>"
    else:
        p = Path(source)
        df = _read_table(p)
        name = p.name
    df.columns = [str(c).strip() for c in df.columns]
    cmap = _header_map(list(df.columns), name)
    df = df.reset_index(drop=True)
    rows = np.arange(2, 2 + len(df))
    keep = ~(df.astype(str).apply(lambda s: s.str.strip()).eq("").all(axis=1)).to_numpy()
    df, rows = df[keep].reset_index(drop=True), rows[keep]
    fields = {f.key: f for f in FIELDS}
    out = pd.DataFrame({"row": rows})
    for col, key in cmap.items():
        f = fields[key]
        vals = []
        for r, v in zip(rows, df[col].astype(str)):
            s = v.strip()
            where = f"{name} row {r} column {col!r}"
            if f.kind == "text":
                if f.required and not s:
                    raise ValueError(f"{where}: is empty; every initiative needs {f.header!r} ({f.help_sv})")
                vals.append(s)
            elif f.kind == "hours":
                if not s or _norm(s) in _UNKNOWN:
                    vals.append(np.nan)
                    continue
                t = re.sub(r"[\s\u00a0]", "", s).replace(",", ".")
                t = re.sub(r"(?i)(h|tim(mar)?|hours?)$", "", t)
                try:
                    x = float(t)
                except ValueError:
                    raise ValueError(f"{where}: {s!r} is not a number of hours (expected e.g. 120 or 12,5).") from None
                if not np.isfinite(x) or x < 0:
                    raise ValueError(f"{where}: {s!r} hours; expected 0 or more.")
                vals.append(x)
            elif f.kind == "yesno":
                k = _norm(s)
                if k in _YES:
                    vals.append(True)
                elif k in _NO:
                    vals.append(False)
                elif k in _UNKNOWN:
                    vals.append(None)
                else:
                    raise ValueError(f"{where}: {s!r} is not ja/nej (expected ja, nej or vet ej; yes/no also work).")
            else:  # units
                parts = [u.strip() for u in re.split(r"[;,\n]", s) if u.strip()]
                vals.append(tuple(parts))
        out[key] = pd.Series(vals, dtype=object if f.kind != "hours" else float)
    for f in FIELDS:
        if f.key not in out.columns:
            out[f.key] = pd.Series([np.nan if f.kind == "hours" else None if f.kind == "yesno" else
                                    () if f.kind == "units" else "" for _ in range(len(out))],
                                   dtype=float if f.kind == "hours" else object)
    dup = out["id"].duplicated(keep=False)
    if dup.any():
        d = out[dup]
        raise ValueError(f"{name}: initiative id {d['id'].iloc[0]!r} appears on rows "
                         f"{', '.join(map(str, d.loc[d['id'] == d['id'].iloc[0], 'row']))}; ids must be unique.")
    return out[["row"] + [f.key for f in FIELDS]]


def assess_initiatives(register: pd.DataFrame | str | Path) -> pd.DataFrame:
    """Which initiatives must go to the preparation group, and why.

    Criterion values are True (met), False (not met) or None (unknown: not
    filled in). An initiative goes to the preparation group when at least one
    criterion is met (``to_preparation_group``); ``council`` marks large or
    cross-cutting ones (criterion 2 or 7) for the digitalisation council;
    ``incomplete`` lists criteria still unknown.

    Returns
    -------
    DataFrame
        One row per initiative: ``id``, ``title``, ``unit``, ``row``, one
        boolean/None column per criterion key (see ``CRITERIA``),
        ``n_criteria``, ``criteria_met`` (keys joined by "; "),
        ``to_preparation_group``, ``council``, ``incomplete``.
    """
    reg = register if isinstance(register, pd.DataFrame) and "row" in register.columns and \
        "shared_hours" in register.columns and register["shared_hours"].dtype == float else read_register(register)
    out = reg[["id", "title", "unit", "row"]].copy()

    def over(x: float, limit: float) -> bool | None:
        return None if pd.isna(x) else bool(x > limit)

    out["shared_hours"] = [over(x, SHARED_HOURS_LIMIT) for x in reg["shared_hours"]]
    out["total_hours"] = [over(x, TOTAL_HOURS_LIMIT) for x in reg["total_hours"]]
    for k in ("unclear_funding", "new_it_support", "new_integrations", "external_processing"):
        out[k] = list(reg[k])
    out["several_units"] = [len({_norm(u) for u in (unit, *aff) if str(u).strip()}) > 1
                            for unit, aff in zip(reg["unit"], reg["affected_units"])]
    keys = [c[0] for c in CRITERIA]
    met = [[k for k in keys if r[k] is True] for _, r in out.iterrows()]
    unknown = [[k for k in keys if r[k] is None] for _, r in out.iterrows()]
    out["n_criteria"] = [len(m) for m in met]
    out["criteria_met"] = ["; ".join(m) for m in met]
    out["to_preparation_group"] = out["n_criteria"] > 0
    out["council"] = [(r["total_hours"] is True) or (r["several_units"] is True) for _, r in out.iterrows()]
    out["incomplete"] = ["; ".join(u) for u in unknown]
    return out.reset_index(drop=True)


def read_unit_maturity(results: str | Path | Mapping) -> pd.DataFrame:
    """Per-unit maturity from a round report's ``results.json`` (suppressed units keep only their name).

    Returns a DataFrame indexed by unit: ``suppressed``, ``n``, ``overall`` and
    one column per dimension (means; NaN where hidden).
    """
    if isinstance(results, Mapping):
        res, name = results, "results"
    else:
        p = Path(results)
        if not p.exists():
            raise ValueError(f"{p}: results.json not found; give the results.json of a round report (dmkit round).")
        try:
            res = sections_of(json.loads(p.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{p}: not valid JSON ({exc}).") from None
        name = p.name
    units = res.get("units")
    if units is None:
        raise ValueError(f"{name}: has no per-unit results (the survey export had no 'unit' column).")
    dims = list((res.get("dimensions") or {}).keys())
    rows = []
    for u in units:
        row = {"unit": u.get("group"), "suppressed": bool(u.get("suppressed")), "n": u.get("n")}
        for d in dims + ["overall"]:
            v = u.get(d)
            row[d] = np.nan if (u.get("suppressed") or not v) else v.get("mean")
        rows.append(row)
    return pd.DataFrame(rows, columns=["unit", "suppressed", "n", *dims, "overall"]).set_index("unit")


def portfolio(assessed: pd.DataFrame, maturity: pd.DataFrame | str | Path | Mapping | None = None, *,
              register: pd.DataFrame | None = None) -> pd.DataFrame:
    """Portfolio per owning unit beside the unit's digital maturity.

    Parameters
    ----------
    assessed : DataFrame
        From :func:`assess_initiatives`.
    maturity : DataFrame or results.json path/mapping, optional
        Unit maturity (:func:`read_unit_maturity`); suppressed units show
        ``maturity_hidden`` True and no numbers.
    register : DataFrame, optional
        The read register, to add the hours (``total_hours_sum``).

    Returns
    -------
    DataFrame indexed by unit: ``initiatives``, ``to_preparation_group``,
    ``council``, ``incomplete``, optionally ``total_hours_sum`` and
    ``shared_hours_sum``, and the maturity columns (``maturity_hidden``,
    ``respondents``, dimension means, ``overall``).
    """
    g = assessed.groupby("unit", sort=True)
    out = pd.DataFrame({
        "initiatives": g.size(),
        "to_preparation_group": g["to_preparation_group"].sum().astype(int),
        "council": g["council"].sum().astype(int),
        "incomplete": g["incomplete"].apply(lambda s: int((s != "").sum())),
    })
    if register is not None:
        r = register.groupby("unit", sort=True)
        out["shared_hours_sum"] = r["shared_hours"].sum(min_count=1)
        out["total_hours_sum"] = r["total_hours"].sum(min_count=1)
    if maturity is not None:
        m = maturity if isinstance(maturity, pd.DataFrame) else read_unit_maturity(maturity)
        m = m.rename(columns={"suppressed": "maturity_hidden", "n": "respondents"})
        by_norm = {_norm(u): u for u in m.index}
        idx = [by_norm.get(_norm(u)) for u in out.index]
        mm = m.reindex(idx)
        mm.index = out.index
        out = out.join(mm)
    out.index.name = "unit"
    return out


# -- template ----------------------------------------------------------------------------

def write_register_template(path: str | Path, *, units: Sequence[str] = (), rows: int = 500) -> Path:
    """Write an empty register template: ``.xlsx`` (drop-downs, criteria sheet) or ``.csv`` (header only).

    The Excel file has a sheet *Initiativ* (one row per initiative; ja/nej
    drop-downs, hours ≥ 0, the municipality's units as a drop-down when
    given), a sheet *Kriterier* explaining the seven criteria and a hidden
    sheet *Listor*.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    headers = [f.header for f in FIELDS]
    if p.suffix.lower() == ".csv":
        p.write_text(",".join(headers) + "\n", encoding="utf-8")
        return p
    if p.suffix.lower() != ".xlsx":
        raise ValueError(f"{p}: the template can be written as .xlsx or .csv, not {p.suffix or 'no suffix'!r}.")
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Initiativ"
    lists = wb.create_sheet("Kriterier")
    hidden = wb.create_sheet("Listor")
    hidden.sheet_state = "hidden"
    for i, v in enumerate(["ja", "nej", "vet ej"], start=1):
        hidden.cell(row=i, column=1, value=v)
    for i, u in enumerate(units, start=1):
        hidden.cell(row=i, column=2, value=str(u))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    last = rows + 1
    for j, f in enumerate(FIELDS, start=1):
        c = ws.cell(row=1, column=j, value=f.header)
        c.font, c.fill = bold, fill
        c.comment = Comment(f.help_sv, "dmkit")
        col = get_column_letter(j)
        ws.column_dimensions[col].width = max(14, min(40, len(f.header) + 4))
        rng = f"{col}2:{col}{last}"
        if f.kind == "yesno":
            dv = DataValidation(type="list", formula1="=Listor!$A$1:$A$3", allow_blank=True, showDropDown=False)
            dv.error, dv.errorTitle, dv.errorStyle = "Välj ja, nej eller vet ej.", "Ja eller nej", "stop"
            dv.add(rng)
            ws.add_data_validation(dv)
        elif f.kind == "hours":
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error, dv.errorTitle = "Ange antal timmar (0 eller mer).", "Timmar"
            dv.add(rng)
            ws.add_data_validation(dv)
        elif f.key == "unit" and units:
            dv = DataValidation(type="list", formula1=f"=Listor!$B$1:$B${len(units)}", allow_blank=False)
            dv.error, dv.errorTitle, dv.errorStyle = "Välj en enhet ur listan.", "Enhet", "warning"
            dv.add(rng)
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    lists.append(["Nr", "Kriterium", "Kolumn i registret", "Uppfyllt när"])
    when = {"shared_hours": f"timmar_gemensamma_resurser > {SHARED_HOURS_LIMIT:.0f}",
            "total_hours": f"timmar_totalt > {TOTAL_HOURS_LIMIT:.0f}",
            "unclear_funding": "oklar_finansiering = ja", "new_it_support": "nytt_it_stod = ja",
            "new_integrations": "nya_integrationer = ja", "external_processing": "extern_databehandling = ja",
            "several_units": "berorda_enheter anger minst en annan enhet än ägande enhet"}
    cols = {"shared_hours": "timmar_gemensamma_resurser", "total_hours": "timmar_totalt",
            "several_units": "enhet + berorda_enheter"}
    for i, (k, sv, _en) in enumerate(CRITERIA, start=1):
        headers_by_key = {f.key: f.header for f in FIELDS}
        lists.append([i, sv, cols.get(k) or headers_by_key[k], when[k]])
    lists.append([])
    lists.append(["", "Ett initiativ ska till beredningsgruppen om minst ett kriterium är uppfyllt. Stora eller "
                      "tvärgående initiativ (kriterium 2 eller 7) tas dessutom upp i digitaliseringsrådet. "
                      "Alla initiativ ingår i portföljen."])
    lists.append(["", "Kontrollera registret: dmkit initiatives initiativregister.xlsx "
                      "--maturity rapport/results.json"])
    for cell in lists[1]:
        cell.font = bold
    for col, w in zip("ABCD", (5, 42, 30, 60)):
        lists.column_dimensions[col].width = w
    for row in lists.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    from evaluation.privacy.spreadsheet import text_only

    text_only(wb)  # a unit, role or instrument text starting with "=" stays text
    wb.save(p)
    return p


# -- CLI -------------------------------------------------------------------------------------

def format_assessment(assessed: pd.DataFrame, port: pd.DataFrame, *, language: str = "sv") -> str:
    """Plain-text answer: which initiatives go to the preparation group, with criteria; portfolio per unit."""
    sv = language == "sv"
    names = {k: (s if sv else e) for k, s, e in CRITERIA}
    lines = []
    go = assessed[assessed["to_preparation_group"]]
    lines.append(("Ska till beredningsgruppen" if sv else "Must go to the preparation group") + f" ({len(go)} av "
                 f"{len(assessed)}):" if sv else f"Must go to the preparation group ({len(go)} of {len(assessed)}):")
    for r in go.itertuples():
        crit = ", ".join(names[k] for k in r.criteria_met.split("; ") if k)
        council = (" – även digitaliseringsrådet" if sv else " – also the digitalisation council") if r.council else ""
        lines.append(f"  {r.id} {r.title} ({r.unit}): {crit}{council}")
    inc = assessed[assessed["incomplete"] != ""]
    if len(inc):
        lines.append("")
        lines.append("Ofullständiga (svara på kriterierna):" if sv else "Incomplete (answer the criteria):")
        for r in inc.itertuples():
            lines.append(f"  {r.id} {r.title}: " + ", ".join(names[k] for k in r.incomplete.split("; ")))
    lines.append("")
    lines.append("Portfölj per enhet:" if sv else "Portfolio per unit:")
    show = port.copy()
    if "maturity_hidden" in show.columns:
        hidden_txt = "dold (för få svar)" if sv else "hidden (too few answers)"
        show["overall"] = [hidden_txt if h is True else ("–" if pd.isna(v) else f"{v:.0f} %")
                           for h, v in zip(show["maturity_hidden"], show["overall"])]
    cols = [c for c in ("initiatives", "to_preparation_group", "council", "incomplete", "total_hours_sum", "overall")
            if c in show.columns]
    heads = {"initiatives": "initiativ" if sv else "initiatives", "to_preparation_group": "till beredning" if sv else
             "to preparation", "council": "rådet" if sv else "council", "incomplete": "ofullständiga" if sv else
             "incomplete", "total_hours_sum": "timmar totalt" if sv else "total hours",
             "overall": "total mognad" if sv else "overall maturity"}
    lines.append(show[cols].rename(columns=heads).to_string())
    return "\n".join(lines)


def _cmd(args: argparse.Namespace) -> int:
    if args.template:
        units = [u.strip() for u in (args.units or "").split(",") if u.strip()]
        p = write_register_template(args.file, units=units)
        print(f"Template written: {p}")
        return 0
    reg = read_register(args.file)
    assessed = assess_initiatives(reg)
    port = portfolio(assessed, args.maturity, register=reg)
    print(format_assessment(assessed, port, language=args.language))
    if args.output:
        from evaluation.privacy.spreadsheet import write_csv

        write_csv(assessed, args.output)
        print(f"\nAssessment written to {args.output}")
    return 0


def add_cli(subparsers) -> None:
    """Add ``dmkit initiatives FILE [--maturity RESULTS_JSON]``."""
    s = subparsers.add_parser("initiatives", help="which initiatives must go to the preparation group; "
                                                  "portfolio per unit beside its maturity")
    s.add_argument("file", help="initiative register (XLSX or CSV; template: --template), e.g. initiativ.xlsx")
    s.add_argument("--maturity", help="results.json of a round report, for the units' maturity, "
                   "e.g. reports/solvik_2025/results.json")
    s.add_argument("--output", "-o", help="write the assessment per initiative as CSV, e.g. bedomning.csv")
    s.add_argument("--template", action="store_true", help="write an empty register template to FILE instead")
    s.add_argument("--units", help="with --template: the municipality's units, comma-separated, e.g. \"Skola,Omsorg\"")
    s.add_argument("--language", "-l", choices=["sv", "en"], default="sv")
    s.set_defaults(func=_cmd)
