"""``dmkit``: the kit's command line. Thin: every command calls the library.

Commands
--------
dmkit instruments                      list the shipped instruments
dmkit instruments show ID              print an instrument's items
dmkit validate FILE --instrument ID    validate a survey export
dmkit round FILE --instrument ID ...   run the survey-round report
dmkit items FILE --instrument ID       which questions are hard to understand

Commands added by their own modules (``add_cli``):

dmkit psychometrics FILE -i ID         a researcher's review of an instrument
dmkit workshop BEFORE AFTER -i ID      did the workshop change anything?
dmkit compare A B --instrument-a ...   which instrument suits us?
dmkit new-municipality NAME -i ID      scaffold a municipality's folder and templates
dmkit batch DIR                        round reports for every municipality folder
dmkit benchmark DIR -o FILE            anonymised benchmark file
dmkit initiatives FILE                 which initiatives go to the preparation group
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

__all__ = ["main", "build_parser"]


def _print_df(df, *, max_rows: int = 200) -> None:
    import pandas as pd

    with pd.option_context("display.max_rows", max_rows, "display.max_columns", 50, "display.width", 200,
                           "display.max_colwidth", 90):
        print(df.to_string())


def _fail(message: str, code: int = 1) -> int:
    print(f"dmkit: {message}", file=sys.stderr)
    return code


# -- instruments -------------------------------------------------------------

def cmd_instruments(args: argparse.Namespace) -> int:
    from evaluation.data.instruments import list_instruments, load_instrument, text

    if args.action == "show":
        if not args.id:
            return _fail("give an instrument id: dmkit instruments show ID")
        inst = load_instrument(args.id)
        lang = args.language
        print(f"{inst.id} v{inst.version} — {text(inst.title, lang)}")
        labels = ", ".join(f"{c} = {text(inst.scale.labels[c], lang)}" for c in inst.scale.codes)
        print(f"Scale: {labels}" + (f"; {inst.scale.dont_know_code} = {text(inst.scale.dont_know_label, lang)}"
                                     if inst.scale.dont_know_code is not None else ""))
        for d in inst.dimensions:
            print(f"\n{d.id}: {text(d.name, lang)}")
            for c in d.categories:
                print(f"  {c.id}: {text(c.name, lang)}")
                for it in c.items:
                    rev = " (omvänd)" if it.reverse and lang == "sv" else " (reversed)" if it.reverse else ""
                    print(f"    {it.id}{rev}: {text(it.text, lang)}")
        if inst.glossary:
            print("\nOrdlista:" if lang == "sv" else "\nGlossary:")
            for g in inst.glossary:
                print(f"  {text(g['term'], lang)}: {text(g['definition'], lang)}")
        return 0
    table = list_instruments(args.language)
    if table.empty:
        return _fail("no instruments found: this installation ships none and DMKIT_INSTRUMENT_PATH names "
                     "no folder with instrument YAML files. Reinstall the kit (pip install .) or set "
                     "DMKIT_INSTRUMENT_PATH to your instruments folder.")
    _print_df(table)
    return 0


# -- validate ----------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    from evaluation.data.responses import read_responses

    rs = read_responses(args.file, args.instrument)
    s = rs.summary()
    print(f"File: {args.file}  (instrument {s['instrument']} v{s['instrument_version']})")
    print(f"Rows in: {s['rows_in']}  accepted: {s['accepted']}  rejected: {s['rejected']}  "
          f"(errors: {s['errors']}, warnings: {s['warnings']})")
    print(f"Answers: {s['answers']}  don't know: {s['dont_know']}  skipped: {s['skipped']}")
    if len(rs.issues):
        print("\nProblems (row counts the header as row 1):")
        for r in rs.issues.itertuples():
            col = f" column {r.column!r}" if r.column else ""
            print(f"  {r.severity.upper():7s} {r.file} row {r.row}{col}: {r.message}")
    if len(rs.rejected):
        out = Path(args.rejected_out) if args.rejected_out else Path(args.file).with_suffix(".rejected.csv")
        rs.rejected.to_csv(out, index=False)
        print(f"\nRejected rows with reasons written to {out}")
    return 1 if s["errors"] else 0


# -- round report ----------------------------------------------------------------

def cmd_round(args: argparse.Namespace) -> int:
    from evaluation.reports.protocol import run_report_command
    from evaluation.reports.round import validate_round_parameters

    params = {
        "responses": args.file,
        "instrument": args.instrument,
        "municipality": args.municipality,
        "round_label": args.round_label,
        "previous_responses": args.previous or "",
        "benchmark": args.benchmark or "",
        "municipality_group": args.municipality_group or "",
        "population_size": args.population_size or 0,
        "min_group_size": args.min_group_size,
        "language": args.language,
        "output_dir": args.output_dir,
    }
    return run_report_command(notebook="round_report.ipynb", name="round_report", params=params,
                              validate=validate_round_parameters, quiet=args.quiet,
                              title=f"{args.municipality} {args.round_label}", what="round report")


# -- items (comprehension) ---------------------------------------------------------

def cmd_items(args: argparse.Namespace) -> int:
    from evaluation.data.responses import read_responses

    try:
        from evaluation.stats import comprehension
    except ImportError:  # pragma: no cover - module lands in its own issue
        return _fail("the comprehension module is not installed in this version")
    rs = read_responses(args.file, args.instrument)
    rep = comprehension.comprehension_report(rs, language=args.language,
                                             group=args.group if args.group else None)
    print(comprehension.format_report(rep, args.language))
    return 0


#: Commands added by their own modules with ``add_cli(subparsers)``: each concept owns its
#: command; this file only says where to find it. A module is imported only when its command
#: is used (or for ``--help``), so ``dmkit round`` does not pay for importing the whole kit.
PLUGINS: dict[str, str] = {
    "psychometrics": "evaluation.reports.psychometrics",
    "workshop": "evaluation.stats.effects",
    "compare": "evaluation.stats.agreement",
    "new-municipality": "evaluation.admin.templates",
    "batch": "evaluation.run.batch",
    "benchmark": "evaluation.run.national_benchmark",
    "initiatives": "evaluation.admin.initiatives",
}


def _register_plugins(sub, only: str | None = None) -> None:
    import importlib

    done = set()
    for command, name in PLUGINS.items():
        if only is not None and command != only:
            continue
        if name in done:
            continue
        done.add(name)
        try:
            mod = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a module missing from a partial install
            continue
        add = getattr(mod, "add_cli", None)
        if add is not None:
            add(sub)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``command`` given, only that plugin module is imported."""
    p = argparse.ArgumentParser(prog="dmkit", description="Digital-maturity evaluation kit (open instruments, "
                                "survey import, psychometrics, reports).")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("instruments", help="list instruments, or show one's items")
    s.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    s.add_argument("id", nargs="?")
    s.add_argument("--language", "-l", choices=["sv", "en"], default="sv")
    s.set_defaults(func=cmd_instruments)

    s = sub.add_parser("validate", help="validate a survey export against an instrument")
    s.add_argument("file")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--rejected-out", help="where to write rejected rows (default FILE.rejected.csv)")
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("round", help="run the survey-round report (HTML + results.json)")
    s.add_argument("file", help="survey export (CSV/XLSX/SAV)")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--municipality", "-m", default="Kommunen")
    s.add_argument("--round-label", default="")
    s.add_argument("--previous", help="previous round's export, for change since then")
    s.add_argument("--benchmark", help="benchmark file of other organisations' scores (dmkit benchmark)")
    s.add_argument("--municipality-group", help="SKR municipality group (e.g. B3): also compare within the group")
    s.add_argument("--population-size", type=int, help="number invited, for the response rate")
    s.add_argument("--min-group-size", type=int, default=5)
    s.add_argument("--language", "-l", default="sv")
    s.add_argument("--output-dir", "-o", default="reports/round")
    s.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_round)

    s = sub.add_parser("items", help="rank items by how hard they seem to understand")
    s.add_argument("file")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--group", help="metadata column for DIF and gradient by group (e.g. role)")
    s.add_argument("--language", "-l", choices=["sv", "en"], default="sv")
    s.set_defaults(func=cmd_items)
    if command is None or command in PLUGINS:
        _register_plugins(sub, only=command)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    core = {"instruments", "validate", "round", "items"}
    parser = build_parser(first if first in core or first in PLUGINS else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError) as exc:  # bad input: one plain message, no traceback
        return _fail(str(exc))
    except KeyboardInterrupt:  # pragma: no cover
        return _fail("interrupted", 130)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
