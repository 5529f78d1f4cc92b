"""Scaffolding for a new municipality (``dmkit new-municipality NAME --instrument ID``).

Creates a folder that a strategist can use without a programmer::

    <folder>/
      params.yaml              the round report's parameters (paths relative to the folder)
      README.md                in Swedish: how to collect, run, read; privacy
      introduktion.md          text for respondents (Swedish) with the glossary
      mall/insamling.xlsx      data-collection template (see below)
      mall/insamling.csv       the same columns as CSV (header only)
      mall/kodbok.csv          codebook: item id, dimension, category, texts sv/en, scale
      initiativregister.xlsx   initiative register template (evaluation.admin.initiatives)
      initiativregister.csv
      data/                    put the answers here (data/svar.xlsx)

The Excel template's first sheet *Svar* has one column per item, headed by the
**item id** (so that :func:`evaluation.data.responses.read_responses` maps it
without guessing), the question text as a cell comment on the header, and a
drop-down (Excel data validation) of the allowed answers — ``"6 - Stämmer
helt"`` … and ``"0 - Vet ej"``, which the importer reads as codes. Metadata
columns ``respondent_id``, ``unit`` and ``role`` have drop-downs of the
municipality's units and roles when given. Further sheets: *Kodbok* (Swedish
and English), *Skala*, *Ordlista* (glossary) and a hidden *Listor*.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from evaluation.admin.templates import new_municipality
>>> with tempfile.TemporaryDirectory() as d:
...     s = new_municipality("Solvik kommun", instrument="dual_maturity", directory=Path(d) / "solvik",
...                          units=["Socialtjänst", "Skola"], roles=["Chef", "Strateg"])
...     sorted(p.name for p in s.files)[:4]
['README.md', 'initiativregister.csv', 'initiativregister.xlsx', 'insamling.csv']
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from evaluation.data.resources import resource_dir
from evaluation.data.instruments import Instrument, load_instrument, text

__all__ = [
    "TEMPLATE_DIR",
    "META_COLUMNS",
    "Scaffold",
    "answer_options",
    "codebook",
    "slugify",
    "write_collection_template",
    "new_municipality",
    "add_cli",
]

#: Metadata columns of the data-collection template (names read_responses knows).
META_COLUMNS = ("respondent_id", "unit", "role")
_MAX_ROWS = 2000


def __getattr__(name: str):
    if name == "TEMPLATE_DIR":  # looked up lazily: the shipped templates/ folder
        return resource_dir("templates")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def slugify(name: str) -> str:
    """Folder name for a municipality: lower case ASCII, words joined by ``_``.

    >>> slugify("Upplands Väsby kommun"), slugify("Örnsköldsvik")
    ('upplands_vasby_kommun', 'ornskoldsvik')
    """
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")
    if not s:
        raise ValueError(f"{name!r} gives no usable folder name; use letters or digits (or give --dir).")
    return s


def answer_options(instrument: Instrument | str, language: str = "sv") -> list[str]:
    """Drop-down entries: ``"<code> - <label>"`` for every scale code (high to low), then don't know.

    The importer reads these as codes (``"4 - Stämmer ganska bra"`` → 4).

    >>> answer_options("dual_maturity")[:2], answer_options("dual_maturity")[-1]
    (['6 - Stämmer helt', '5 - Stämmer bra'], '0 - Vet ej')
    """
    inst = load_instrument(instrument)
    sc = inst.scale
    out = [f"{c} - {text(sc.labels[c], language)}" for c in sorted(sc.codes, reverse=True)]
    if sc.dont_know_code is not None:
        out.append(f"{sc.dont_know_code} - {text(sc.dont_know_label, language)}")
    return out


def codebook(instrument: Instrument | str) -> pd.DataFrame:
    """One row per item: ``item``, dimension and category (ids and names sv/en), texts sv/en, reverse, scale.

    >>> cb = codebook("dual_maturity")
    >>> list(cb.columns[:4]), len(cb)
    (['item', 'dimension', 'dimension_sv', 'dimension_en'], 30)
    """
    inst = load_instrument(instrument)
    sc = inst.scale
    scale_sv = "; ".join(f"{c} = {text(sc.labels[c], 'sv')}" for c in sc.codes)
    scale_en = "; ".join(f"{c} = {text(sc.labels[c], 'en')}" for c in sc.codes)
    if sc.dont_know_code is not None:
        scale_sv += f"; {sc.dont_know_code} = {text(sc.dont_know_label, 'sv')}"
        scale_en += f"; {sc.dont_know_code} = {text(sc.dont_know_label, 'en')}"
    rows = []
    for it in inst.items:
        rows.append({"item": it.id, "dimension": it.dimension, "dimension_sv": inst.name_of(it.dimension, "sv"),
                     "dimension_en": inst.name_of(it.dimension, "en"), "category": it.category,
                     "category_sv": inst.name_of(it.category, "sv"), "category_en": inst.name_of(it.category, "en"),
                     "text_sv": text(it.text, "sv"), "text_en": text(it.text, "en"), "reverse": bool(it.reverse),
                     "scale_sv": scale_sv, "scale_en": scale_en})
    return pd.DataFrame(rows)


def write_collection_template(path: str | Path, instrument: Instrument | str, *, units: Sequence[str] = (),
                              roles: Sequence[str] = (), rows: int = _MAX_ROWS) -> Path:
    """Write the Excel data-collection template (see module docstring) to ``path``.

    No data cells are written (only headers, validations and comments), so an
    unfilled template has no respondent rows.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    inst = load_instrument(instrument)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Svar"
    cb_ws = wb.create_sheet("Kodbok")
    scale_ws = wb.create_sheet("Skala")
    gl_ws = wb.create_sheet("Ordlista")
    lists = wb.create_sheet("Listor")
    lists.sheet_state = "hidden"

    opts = answer_options(inst, "sv")
    for i, o in enumerate(opts, start=1):
        lists.cell(row=i, column=1, value=o)
    for i, u in enumerate(units, start=1):
        lists.cell(row=i, column=2, value=str(u))
    for i, r in enumerate(roles, start=1):
        lists.cell(row=i, column=3, value=str(r))

    bold = Font(bold=True)
    meta_fill = PatternFill("solid", fgColor="FFF2CC")
    item_fill = PatternFill("solid", fgColor="DDEBF7")
    last = rows + 1
    help_meta = {"respondent_id": "Löpnummer eller kod för den svarande (inga namn eller e-postadresser).",
                 "unit": "Den svarandes enhet/förvaltning.", "role": "Den svarandes roll."}
    for j, name in enumerate(META_COLUMNS, start=1):
        c = ws.cell(row=1, column=j, value=name)
        c.font, c.fill = bold, meta_fill
        c.comment = Comment(help_meta[name], "dmkit")
        ws.column_dimensions[get_column_letter(j)].width = 16 if name == "respondent_id" else 28
    choices = {"unit": ("B", list(units)), "role": ("C", list(roles))}
    for j, name in enumerate(META_COLUMNS, start=1):
        if name in choices and choices[name][1]:
            colref, vals = choices[name]
            dv = DataValidation(type="list", formula1=f"=Listor!${colref}$1:${colref}${len(vals)}", allow_blank=True)
            dv.errorTitle = "Enhet" if name == "unit" else "Roll"
            dv.error = "Välj ur listan (eller lägg till värdet på bladet Listor)."
            dv.errorStyle = "warning"
            dv.add(f"{get_column_letter(j)}2:{get_column_letter(j)}{last}")
            ws.add_data_validation(dv)
    first = len(META_COLUMNS) + 1
    item_dv = DataValidation(type="list", formula1=f"=Listor!$A$1:$A${len(opts)}", allow_blank=True)
    item_dv.errorTitle = "Svarsalternativ"
    item_dv.error = "Välj ett svarsalternativ ur listan (eller lämna tomt om frågan inte besvarades)."
    item_dv.errorStyle = "warning"  # a typed code such as 4 is accepted after the warning; the importer reads it
    item_dv.promptTitle = "Svar"
    item_dv.prompt = "Välj ur listan; lämna tomt om frågan inte besvarades."
    item_dv.showInputMessage = True
    ws.add_data_validation(item_dv)
    for k, it in enumerate(inst.items):
        j = first + k
        col = get_column_letter(j)
        c = ws.cell(row=1, column=j, value=it.id)
        c.font, c.fill = bold, item_fill
        cm = Comment(f"{text(it.text, 'sv')}\n\n({text(it.text, 'en')})", "dmkit")
        cm.width, cm.height = 320, 140
        c.comment = cm
        ws.column_dimensions[col].width = 22
        item_dv.add(f"{col}2:{col}{last}")
    ws.freeze_panes = ws.cell(row=2, column=first)

    cb = codebook(inst)
    heads = {"item": "Fråge-id / Item id", "dimension": "Dimension (id)", "dimension_sv": "Dimension (sv)",
             "dimension_en": "Dimension (en)", "category": "Kategori (id)", "category_sv": "Kategori (sv)",
             "category_en": "Category (en)", "text_sv": "Frågetext (sv)", "text_en": "Question text (en)",
             "reverse": "Omvänd / Reversed", "scale_sv": "Skala (sv)", "scale_en": "Scale (en)"}
    cb_ws.append([heads[c] for c in cb.columns])
    for r in cb.itertuples(index=False):
        cb_ws.append(["ja" if v is True else "nej" if v is False else v for v in r])
    for cell in cb_ws[1]:
        cell.font = bold
    for col, w in zip("ABCDEFGHIJKL", (14, 12, 22, 22, 14, 26, 26, 70, 70, 10, 40, 40)):
        cb_ws.column_dimensions[col].width = w
    for row in cb_ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    cb_ws.freeze_panes = "B2"

    sc = inst.scale
    scale_ws.append(["Kod / Code", "Svarsalternativ (sv)", "Answer (en)", "I rullgardinslistan / In the drop-down"])
    for c in sorted(sc.codes, reverse=True):
        scale_ws.append([c, text(sc.labels[c], "sv"), text(sc.labels[c], "en"), f"{c} - {text(sc.labels[c], 'sv')}"])
    if sc.dont_know_code is not None:
        scale_ws.append([sc.dont_know_code, text(sc.dont_know_label, "sv"), text(sc.dont_know_label, "en"),
                         f"{sc.dont_know_code} - {text(sc.dont_know_label, 'sv')}"])
    scale_ws.append([])
    scale_ws.append(["", "Tom cell = frågan besvarades inte.", "Blank cell = not answered."])
    for cell in scale_ws[1]:
        cell.font = bold
    for col, w in zip("ABCD", (12, 28, 24, 34)):
        scale_ws.column_dimensions[col].width = w

    gl_ws.append(["Begrepp", "Förklaring", "Term", "Definition"])
    for g in inst.glossary:
        gl_ws.append([text(g["term"], "sv"), text(g["definition"], "sv"), text(g["term"], "en"),
                      text(g["definition"], "en")])
    for cell in gl_ws[1]:
        cell.font = bold
    for col, w in zip("ABCD", (26, 70, 26, 70)):
        gl_ws.column_dimensions[col].width = w
    for row in gl_ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    from evaluation.privacy.spreadsheet import text_only

    text_only(wb)  # a unit, role or instrument text starting with "=" stays text
    wb.save(p)
    return p


@dataclass(frozen=True)
class Scaffold:
    """What :func:`new_municipality` created."""

    folder: Path
    files: tuple[Path, ...]
    params: Path

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"file": [str(p.relative_to(self.folder)) for p in self.files]})


def _render(name: str, **values: object) -> str:
    tpl = resource_dir("templates") / name
    if not tpl.is_file():
        raise ValueError(f"Template {tpl} is missing; reinstall the kit (the templates/ folder ships with it).")
    return string.Template(tpl.read_text(encoding="utf-8")).substitute({k: str(v) for k, v in values.items()})


def _genitive(name: str) -> str:
    return name if name.endswith(("s", "x", "z")) else name + "s"


def _split_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    out = []
    for v in value:
        s = str(v).strip()
        if s and s not in out:
            out.append(s)
    return out


def new_municipality(
    name: str,
    *,
    instrument: str | Instrument,
    directory: str | Path | None = None,
    units: str | Sequence[str] | None = None,
    roles: str | Sequence[str] | None = None,
    round_label: str | None = None,
    municipality_group: str | None = None,
    population: int | None = None,
    overwrite: bool = False,
) -> Scaffold:
    """Scaffold a municipality folder (see module docstring).

    Parameters
    ----------
    name : str
        The municipality's name as shown in its report.
    instrument : id or Instrument
    directory : path, optional
        The folder to create (default: ``./<slugified name>``).
    units, roles : list or comma-separated str, optional
        Drop-down values of the template's ``unit`` and ``role`` columns.
    round_label : str, optional
        Default: the current year.
    municipality_group, population : optional
        SKR municipality group (e.g. ``"B4"``) and inhabitants, written to
        params.yaml for ``dmkit benchmark`` and the batch overview.
    overwrite : bool
        Replace files that already exist (default: refuse).
    """
    from evaluation.run.batch import normalise_group, size_class

    if not str(name or "").strip():
        raise ValueError("Give the municipality's name, e.g. dmkit new-municipality \"Solvik kommun\" --instrument dual_maturity.")
    name = str(name).strip()
    inst = load_instrument(instrument)
    folder = Path(directory) if directory else Path.cwd() / slugify(name)
    units_l, roles_l = _split_list(units), _split_list(roles)
    group = normalise_group(municipality_group, where="--group")
    if population is not None:
        size_class(population)
    label = str(round_label) if round_label else str(_dt.date.today().year)
    targets = {
        "params": folder / "params.yaml",
        "readme": folder / "README.md",
        "intro": folder / "introduktion.md",
        "xlsx": folder / "mall" / "insamling.xlsx",
        "csv": folder / "mall" / "insamling.csv",
        "codebook": folder / "mall" / "kodbok.csv",
        "register_xlsx": folder / "initiativregister.xlsx",
        "register_csv": folder / "initiativregister.csv",
    }
    existing = [str(p) for p in targets.values() if p.exists()]
    if existing and not overwrite:
        raise ValueError(f"{folder}: already holds {', '.join(existing[:3])}{' …' if len(existing) > 3 else ''}; "
                         "choose another --dir or remove the files first.")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "mall").mkdir(exist_ok=True)

    q = json.dumps  # JSON strings are valid YAML scalars
    targets["params"].write_text(_render(
        "params.yaml", responses=q("data/svar.xlsx"), instrument=q(inst.id), municipality=q(name, ensure_ascii=False),
        round_label=q(label, ensure_ascii=False),
        municipality_group_line=(f"municipality_group: {group}            # SKR:s kommungrupp 2017 (för jämförelser)"
                                 if group else "# municipality_group: B4        # SKR:s kommungrupp 2017 (valfritt, för jämförelser)"),
        population_line=(f"population: {int(population)}             # antal invånare (storleksklass i jämförelser)"
                         if population is not None else "# population: 42000            # antal invånare (valfritt)"),
    ), encoding="utf-8")

    sc = inst.scale
    write_collection_template(targets["xlsx"], inst, units=units_l, roles=roles_l)
    targets["csv"].write_text(",".join(list(META_COLUMNS) + inst.item_ids) + "\n", encoding="utf-8")
    from evaluation.privacy.spreadsheet import write_csv

    write_csv(codebook(inst), targets["codebook"])  # item texts of a user's instrument: no formula

    respondents = text(inst.raw.get("respondents"), "sv") if inst.raw.get("respondents") else \
        "Chefer, strateger, verksamhetsutvecklare, systemägare och andra som driver digitala initiativ."
    # the markdown files are opened in markdown viewers and pasted into e-mails: every name and text the user
    # gave is made inert (no HTML, no link or image, no bare URL) yet reads as typed (inert_markdown, not the
    # backslashes of escape_md); the command line to copy is shell-quoted (a name with " or $( stays one word)
    from shlex import quote as sh

    from evaluation.text.format import inert_markdown as md

    targets["readme"].write_text(_render(
        "README_kommun.md", municipality=md(name), municipality_genitive=md(_genitive(name)),
        municipality_arg=sh(name), instrument_title=md(text(inst.title, "sv")), instrument=inst.id,
        instrument_version=md(inst.version), respondents=md(respondents), min_group_size=5,
        first_item=inst.item_ids[0], round_label_arg=sh(label),
    ), encoding="utf-8")

    scale_list = "\n".join(f"- **{c}** – {md(text(sc.labels[c], 'sv'))}" for c in sorted(sc.codes, reverse=True))
    dk = md(text(sc.dont_know_label, "sv")) if sc.dont_know_code is not None else "inget svar (lämna frågan obesvarad)"
    glossary = "\n".join(f"- **{md(text(g['term'], 'sv'))}** – {md(text(g['definition'], 'sv'))}"
                          for g in inst.glossary) or "_(Enkäten har ingen ordlista.)_"
    desc = md(text(inst.description, "sv")) if inst.description else ""
    targets["intro"].write_text(_render(
        "introduktion.md", municipality=md(name), instrument_title=md(text(inst.title, "sv")), instrument_description=desc,
        min_group_size=5, n_items=len(inst.items), scale_list=scale_list, dont_know=dk,
        minutes=max(5, round(len(inst.items) * 0.4)), glossary=glossary,
    ), encoding="utf-8")

    from evaluation.admin.initiatives import write_register_template

    write_register_template(targets["register_xlsx"], units=units_l)
    write_register_template(targets["register_csv"])
    return Scaffold(folder=folder, files=tuple(targets.values()), params=targets["params"])


def _cmd(args: argparse.Namespace) -> int:
    s = new_municipality(args.name, instrument=args.instrument, directory=args.dir, units=args.units,
                         roles=args.roles, round_label=args.round_label, municipality_group=args.group,
                         population=args.population, overwrite=args.force)
    print(f"Created {s.folder}:")
    for p in s.files:
        print(f"  {p.relative_to(s.folder)}")
    print(f"\nNext: read {s.folder / 'README.md'} (in Swedish). Put the answers in {s.folder / 'data' / 'svar.xlsx'}.")
    return 0


def add_cli(subparsers) -> None:
    """Add ``dmkit new-municipality NAME --instrument ID [--dir PATH] [--units ...] [--roles ...]``."""
    s = subparsers.add_parser("new-municipality", help="scaffold a folder for a new municipality "
                                                       "(params, Excel template, README, respondent text)")
    s.add_argument("name", help="the municipality's name, e.g. \"Solvik kommun\"")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--dir", help="folder to create (default: ./<name>), e.g. kommuner/solvik")
    s.add_argument("--units", help="the municipality's units, comma-separated (drop-down in the template), "
                   "e.g. \"Skola,Omsorg,Bygg\"")
    s.add_argument("--roles", help="respondent roles, comma-separated (drop-down in the template), "
                   "e.g. \"Chef,Medarbetare\"")
    s.add_argument("--round-label", help="label of the round (default: this year), e.g. 2026")
    s.add_argument("--group", help="SKR municipality group 2017, e.g. B4 (for benchmarks)")
    s.add_argument("--population", type=int, help="inhabitants (size class for benchmarks), e.g. 24000")
    s.add_argument("--force", action="store_true", help="overwrite existing files")
    s.set_defaults(func=_cmd)
