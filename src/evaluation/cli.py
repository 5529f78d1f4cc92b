"""``dmkit``: the kit's command line. Thin: every command calls the library.

Commands
--------
dmkit instruments                      list the shipped instruments
dmkit instruments show ID              print an instrument's items
dmkit validate FILE --instrument ID    validate a survey export (--format, --mapping, --write-mapping)
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

Conventions (tests/test_cli_conventions.py checks them): ``dmkit --version`` prints the kit's
and the shipped instruments' versions; every option has a help text with an example value
(options every command shares get theirs from :data:`SHARED_HELP` when the command gives
none); every ``dmkit COMMAND --help`` ends with a runnable example (:data:`EXAMPLES`, run from
the repository's root); errors are one plain line on stderr, ``dmkit: ...`` or
``dmkit COMMAND: ...``, with exit code 1 for bad input and 2 for a bad command line.
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


#: Exit codes: 0 done, 1 bad input (a file, a value, a failing report), 2 bad command line.
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one plain line pointing at ``--help``."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def version_text() -> str:
    """The kit's version and every shipped instrument's, as ``dmkit --version`` prints them.

    >>> print(version_text())  # doctest: +ELLIPSIS
    dmkit ... (package evaluation, Python ...)
    instruments: dual_maturity ..., workshop_reaction ...
    """
    import platform

    from evaluation import __version__
    from evaluation.data.instruments import list_instruments

    inst = list_instruments("en")
    versions = ", ".join(f"{i} {v}" for i, v in zip(inst["id"], inst["version"]))
    return (f"dmkit {__version__} (package evaluation, Python {platform.python_version()})\n"
            f"instruments: {versions}")


class _VersionAction(argparse.Action):
    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit(0)


#: Help of the options several commands share, used where a command's own ``add_argument``
#: gives none (keyed by the option's ``dest``), so the same option reads the same everywhere.
SHARED_HELP: dict[str, str] = {
    "instrument": "instrument id or path to its YAML (list them: dmkit instruments), e.g. dual_maturity",
    "instrument_a": "id or YAML path of the first file's instrument, e.g. dual_maturity",
    "instrument_b": "id or YAML path of the second file's instrument, e.g. public_dma",
    "language": "language of the output, sv or en (default %(default)s), e.g. en",
    "min_group_size": "fewest respondents any published number may describe (default %(default)s), e.g. 10",
    "output_dir": "folder for the HTML report, the executed notebook and results.json "
                  "(default %(default)s), e.g. reports/solvik_2025",
    "quiet": "no progress bar",
    "municipality": "the municipality's name as the report prints it (default %(default)s), "
                    "e.g. \"Solvik kommun\"",
    "round_label": "label of this round, e.g. 2025",
    "file": "survey export (CSV, XLSX or SAV), e.g. data_samples/solvik_2025.csv",
}

#: The runnable example that ends each ``dmkit COMMAND --help`` (run from the repository's
#: root: the files are the synthetic samples in data_samples/). A command's module may set its
#: own ``epilog`` instead; this table fills in where it does not.
EXAMPLES: dict[str, str] = {
    "instruments": "dmkit instruments show dual_maturity --language en",
    "validate": "dmkit validate data_samples/solvik_2025_messy.csv --instrument dual_maturity",
    "round": ("dmkit round data_samples/solvik_2025.csv --instrument dual_maturity "
              "--municipality \"Solvik kommun\" --round-label 2025 --previous data_samples/solvik_2024.csv "
              "--benchmark data_samples/benchmark_2025.csv --population-size 320 --output-dir reports/solvik_2025"),
    "items": "dmkit items data_samples/solvik_2025.csv --instrument dual_maturity --group role",
    "psychometrics": ("dmkit psychometrics data_samples/solvik_2025.csv --instrument dual_maturity --group role "
                      "--output-dir reports/psychometrics"),
    "workshop": ("dmkit workshop data_samples/workshop_before.csv data_samples/workshop_after.csv "
                 "--instrument workshop_followup --group-column took_part --cluster-column unit "
                 "--feedback data_samples/workshop_reaction.csv --output-dir reports/workshop"),
    "compare": ("dmkit compare data_samples/paired_dual_maturity.csv data_samples/paired_public_dma.csv "
                "--instrument-a dual_maturity --instrument-b public_dma "
                "--retest-a data_samples/paired_dual_maturity_retest.csv "
                "--retest-b data_samples/paired_public_dma_retest.csv --output-dir reports/comparison"),
    "new-municipality": ("dmkit new-municipality \"Solvik kommun\" --instrument dual_maturity "
                         "--units \"Skola,Omsorg,Bygg\" --roles \"Chef,Medarbetare\" --dir kommuner/solvik"),
    "batch": "dmkit batch kommuner --workers 2",
    "audit": "dmkit audit reports/solvik_2025 --previous reports/solvik_2025_first",
    "unpublish": "dmkit unpublish reports/solvik_2025_trial",
    "benchmark": "dmkit benchmark kommuner --output benchmark.csv --summary benchmark_summary.csv",
    "initiatives": "dmkit initiatives initiativ.xlsx --template --units \"Skola,Omsorg,Bygg\"",
}

#: What an example needs before it can run, said in its epilog (the others run as they stand).
EXAMPLE_NOTES: dict[str, str] = {
    "batch": "(kommuner/ holds one folder per municipality, as dmkit new-municipality makes them)",
    "benchmark": "(after dmkit batch kommuner)",
    "audit": "(after dmkit round ... --output-dir reports/solvik_2025; the previous folder is optional)",
    "unpublish": "(only for a report folder that was never shared)",
}


def _finish(sub: argparse._SubParsersAction) -> None:
    """Apply the conventions to every command: shared help texts, the example at the end."""
    for name, sp in sub.choices.items():
        sp.formatter_class = argparse.RawDescriptionHelpFormatter
        for action in sp._actions:
            if not action.help and action.dest in SHARED_HELP:
                action.help = SHARED_HELP[action.dest]
        if not sp.epilog and name in EXAMPLES:
            note = f"\n  {EXAMPLE_NOTES[name]}" if name in EXAMPLE_NOTES else ""
            sp.epilog = f"example:\n  {EXAMPLES[name]}{note}"


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
        if inst.changes:
            print("\nVersioner:" if lang == "sv" else "\nVersions:")
            for c in inst.changes:
                date = f" ({c['date']})" if c.get("date") else ""
                print(f"  {c['version']}{date}: {text(c['summary'], lang)}")
                for key, sv, en in (("changed", "ändrade", "changed"), ("added", "nya", "added"),
                                    ("removed", "borttagna", "removed")):
                    if c.get(key):
                        print(f"    {sv if lang == 'sv' else en}: {', '.join(c[key])}")
        return 0
    table = list_instruments(args.language)
    if table.empty:
        return _fail("no instruments found: this installation ships none and DMKIT_INSTRUMENT_PATH names "
                     "no folder with instrument YAML files. Reinstall the kit (pip install .) or set "
                     "DMKIT_INSTRUMENT_PATH to your instruments folder.")
    _print_df(table)
    return 0


# -- validate ----------------------------------------------------------------

_REASONS = (("fields but the header has", "field count differs from the header (shifted columns)"),
            ("is cut off", "file cut off mid-row"), ("quote", "unclosed quote"),
            ("is not an answer on the scale", "answer not on the scale"), ("empty row", "empty row"),
            ("no item answered", "no item answered"), ("duplicates row", "duplicate respondent id"))


def _reason_kind(reason: str) -> str:
    return next((label for key, label in _REASONS if key in reason), "other")


def _read_for_cli(args: argparse.Namespace):
    """read_responses with --format/--mapping; with --write-mapping, a refused read still writes its mapping."""
    from .data.mapping import inferred_mapping_text, write_mapping
    from .data.responses import AmbiguousCodeError, read_responses

    try:
        return read_responses(args.file, args.instrument, mapping=getattr(args, "mapping", None) or None,
                              format=getattr(args, "format", None) or None)
    except AmbiguousCodeError as exc:
        out = getattr(args, "write_mapping", None)
        if out and exc.plan is not None:
            text = inferred_mapping_text(columns=exc.plan.table, tool=exc.export.tool if exc.export else None,
                                         instrument=args.instrument, source=Path(args.file).name,
                                         sheet=(exc.export.info.get("sheet") if exc.export else None),
                                         ambiguous=exc.codes)
            write_mapping(out, text)
            raise ValueError(f"{exc}\nA mapping to complete was written to {out}: uncomment the answers line(s) "
                             "marked CHECK, then read again with --mapping.") from None
        raise


def _summary_lines(rs, file: str) -> list[str]:
    s = rs.summary()
    label = rs.info.get("tool_label", rs.tool)
    lines = [f"File: {file}  (instrument {s['instrument']} v{s['instrument_version']})",
             f"Tool: {label}" + (f"  ({rs.tool_evidence})" if rs.tool_evidence else "")]
    lines.append(f"Respondents: {s['accepted']} read of {s['rows_in']} rows; rejected {s['rejected']}")
    cols = rs.columns
    items = cols[cols["kind"] == "item"] if cols is not None else None
    how = ""
    if items is not None and len(items):
        counts = items["how"].value_counts()
        how = " (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")"
        if "fuzzy" in counts:
            how += " — check the fuzzy ones"
    lines.append(f"Items matched: {s['items_matched']}/{s['items']}{how}")
    for fld in ("unit", "role"):
        if fld in rs.meta.columns:
            col = next((r.column for r in cols.itertuples() if r.target == fld), fld) if cols is not None else fld
            n = rs.meta[fld].nunique()
            sp = rs.spellings[rs.spellings["field"] == fld] if rs.spellings is not None else None
            merged = int((sp["how"] != "as_is").sum()) if sp is not None and len(sp) else 0
            extra = f"; {merged} spellings merged" if merged else ""
            lines.append(f"{fld.capitalize()}: column {col!r}, {n} distinct{extra}")
        else:
            lines.append(f"{fld.capitalize()}: not found (name the column in a mapping: columns: {{\"...\": {fld}}})")
    if len(rs.rejected):
        kinds = rs.rejected["reason"].map(_reason_kind).value_counts()
        lines.append("Rejected: " + ", ".join(f"{k} ({v})" for k, v in kinds.head(4).items()))
    else:
        lines.append("Rejected: none")
    if rs.mapping is not None:
        lines.append(f"Mapping: {rs.mapping.source}")
    for n in rs.notes:
        lines.append(f"Note: {n}")
    return lines


def cmd_validate(args: argparse.Namespace) -> int:
    from .data.mapping import inferred_mapping_text, write_mapping

    rs = _read_for_cli(args)
    s = rs.summary()
    for line in _summary_lines(rs, args.file):
        print(line)
    print("\nDetails")
    print(f"Rows in: {s['rows_in']}  accepted: {s['accepted']}  rejected: {s['rejected']}  "
          f"(errors: {s['errors']}, warnings: {s['warnings']})")
    print(f"Answers: {s['answers']}  don't know: {s['dont_know']}  skipped: {s['skipped']}")
    sp = rs.spellings
    if sp is not None and len(sp) and (sp["how"] != "as_is").any():
        print("\nSpellings merged (spelling -> name, rows):")
        for r in sp[sp["how"] != "as_is"].itertuples():
            print(f"  {r.field}: {r.spelling!r} -> {r.value!r} ({r.n}, {r.how})")
    if len(rs.issues):
        print("\nProblems (row counts the first header row as row 1):")
        for r in rs.issues.itertuples():
            col = f" column {r.column!r}" if r.column else ""
            print(f"  {r.severity.upper():7s} {r.file} row {r.row}{col}: {r.message}")
    if len(rs.rejected):
        out = Path(args.rejected_out) if args.rejected_out else Path(args.file).with_suffix(".rejected.csv")
        from .privacy.spreadsheet import write_csv

        write_csv(rs.rejected, out, personal_data=True, language=getattr(args, "language", "sv") or "sv")
        print(f"\nRejected rows with reasons written to {out} (personal data: its first line says so; "
              "delete it once the rows are fixed)")
    if args.write_mapping:
        text = inferred_mapping_text(columns=rs.columns, spellings=rs.spellings, tool=rs.tool,
                                     instrument=rs.instrument.id, sheet=rs.info.get("sheet"), source=rs.source,
                                     declared_answers=dict(rs.mapping.answers) if rs.mapping else None)
        write_mapping(args.write_mapping, text)
        print(f"\nMapping written to {args.write_mapping}: check it, then reuse it with --mapping "
              f"(or save it as {Path(args.file).name}.mapping.yaml beside the export)")
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
        "mapping": args.mapping or "",
        "format": args.format or "",
        "shrink": bool(args.shrink),
    }
    return run_report_command(notebook="round_report.ipynb", name="round_report", params=params,
                              validate=validate_round_parameters, quiet=args.quiet,
                              title=f"{args.municipality} {args.round_label}", what="round report",
                              kind="round", pdf=args.pdf, slides=args.slides)


# -- items (comprehension) ---------------------------------------------------------

def cmd_items(args: argparse.Namespace) -> int:
    try:
        from evaluation.text import comprehension
    except ImportError:  # pragma: no cover - module lands in its own issue
        return _fail("the comprehension module is not installed in this version")
    rs = _read_for_cli(args)
    k = args.min_group_size
    if len(rs.answers) < k:
        return _fail(f"{args.file}: {len(rs.answers)} accepted respondents, fewer than --min-group-size {k}; "
                     "item statistics of so few people would show their answers, so none are printed.")
    rep = comprehension.comprehension_report(rs, language=args.language, min_group_size=k,
                                             group=args.group if args.group else None)
    print(comprehension.format_report(rep, args.language))
    return 0


# -- audit (disclosure check of a written report) -----------------------------------

def cmd_audit(args: argparse.Namespace) -> int:
    from evaluation.privacy.audit import audit, read_results

    results = read_results(args.report_dir)
    previous = read_results(args.previous) if args.previous else None
    found = audit(results, previous=previous, min_group_size=args.min_group_size, margin=args.margin)
    where = f"{args.report_dir}" + (f" (with {args.previous})" if args.previous else "")
    if found.empty:
        print(f"{where}: no value of a group of fewer than {args.min_group_size} respondents can be derived "
              "from results.json.")
        return 0
    import pandas as pd

    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 60):
        print(found.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\n{where}: {len(found)} values of groups of fewer than {args.min_group_size} respondents "
          "can be derived (column how says by what).")
    return 1


def cmd_unpublish(args: argparse.Namespace) -> int:
    from evaluation.privacy.publications import forget_publications, store_dir

    n = forget_publications(args.report_dir)
    print(f"{args.report_dir}: {n} publication(s) removed from the private register ({store_dir()}). "
          "Do this only for a version that was never shared." if n else
          f"{args.report_dir}: no publication of that folder is in the private register ({store_dir()}).")
    return 0


def _add_read_options(s) -> None:
    from .reports.protocol import add_read_options

    add_read_options(s)


#: Commands added by their own modules with ``add_cli(subparsers)``: each concept owns its
#: command; this file only says where to find it. A module is imported only when its command
#: is used (or for ``--help``), so ``dmkit round`` does not pay for importing the whole kit.
PLUGINS: dict[str, str] = {
    "psychometrics": "evaluation.reports.psychometrics",
    "workshop": "evaluation.reports.workshop_report",
    "compare": "evaluation.reports.comparison_report",
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
    p = _Parser(prog="dmkit", description="Digital-maturity evaluation kit (open instruments, "
                "survey import, psychometrics, reports).",
                epilog="example:\n  dmkit instruments\n\nEach command's --help ends with an example, "
                       "e.g. dmkit round --help.", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", "-V", action=_VersionAction,
                   help="print the kit's version and the shipped instruments' versions, e.g. dmkit --version")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    s = sub.add_parser("instruments", help="list instruments, or show one's items")
    s.add_argument("action", nargs="?", choices=["list", "show"], default="list",
                   help="list the shipped instruments (default) or show one, e.g. show")
    s.add_argument("id", nargs="?", help="with show: the instrument's id, e.g. dual_maturity")
    s.add_argument("--language", "-l", choices=["sv", "en"], default="sv")
    s.set_defaults(func=cmd_instruments)

    s = sub.add_parser("validate", help="validate a survey export against an instrument")
    s.add_argument("file", help="survey export to check (CSV, XLSX or SAV), e.g. data_samples/solvik_2025_messy.csv")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--rejected-out", help="where to write rejected rows (default FILE.rejected.csv), "
                                          "e.g. rejected.csv")
    _add_read_options(s)
    s.add_argument("--write-mapping", metavar="M.yaml",
                   help="write the column/answer/unit mapping inferred from this file, to check and reuse, e.g. --write-mapping m.yaml")
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("round", help="run the survey-round report (HTML + results.json)")
    s.add_argument("file", help="survey export (CSV, XLSX or SAV), e.g. data_samples/solvik_2025.csv")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--municipality", "-m", default="Kommunen")
    s.add_argument("--round-label", default="")
    s.add_argument("--previous", help="previous round's export, for change since then, "
                                      "e.g. data_samples/solvik_2024.csv")
    s.add_argument("--benchmark", help="benchmark file of other organisations' scores (dmkit benchmark), "
                                       "e.g. data_samples/benchmark_2025.csv")
    s.add_argument("--municipality-group", help="SKR municipality group (e.g. B3): also compare within the group")
    s.add_argument("--population-size", type=int, help="number invited, for the response rate, e.g. 320")
    s.add_argument("--min-group-size", type=int, default=5)
    s.add_argument("--language", "-l", default="sv")
    s.add_argument("--output-dir", "-o", default="reports/round")
    from .reports.protocol import add_output_options

    s.add_argument("--shrink", action="store_true",
                   help="also show each published unit's shrunken (BLUP) overall mean beside its mean")
    add_output_options(s, stem="round_report")
    _add_read_options(s)
    s.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_round)

    s = sub.add_parser("items", help="rank items by how hard they seem to understand")
    s.add_argument("file", help="survey export (CSV, XLSX or SAV), e.g. data_samples/solvik_2025.csv")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--group", help="metadata column for DIF and gradient by group (e.g. role)")
    _add_read_options(s)
    s.add_argument("--min-group-size", type=int, default=5,
                   help="fewest respondents whose item statistics are printed (privacy), e.g. 5")
    s.add_argument("--language", "-l", choices=["sv", "en"], default="sv")
    s.set_defaults(func=cmd_items)
    s = sub.add_parser("audit", help="list every value of a small group an attacker can derive from a report")
    s.add_argument("report_dir", metavar="REPORT_DIR",
                   help="output folder of a report (holding results.json), e.g. reports/solvik_2025")
    s.add_argument("--previous", metavar="DIR",
                   help="an earlier publication of the same respondents (a re-run before late answers), "
                        "e.g. reports/solvik_2025_first")
    s.add_argument("--min-group-size", type=int, default=5)
    s.add_argument("--margin", type=float, default=0.1,
                   help="a hidden group is disclosed when its mean is pinned within this share of the scale "
                        "(default %(default)s), e.g. 0.05")
    s.set_defaults(func=cmd_audit)
    s = sub.add_parser("unpublish", help="forget a never-shared report in the private register of publications")
    s.add_argument("report_dir", metavar="REPORT_DIR",
                   help="the output folder of a trial run that never left this machine, e.g. reports/trial")
    s.set_defaults(func=cmd_unpublish)
    if command is None or command in PLUGINS:
        _register_plugins(sub, only=command)
    _finish(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    core = {"instruments", "validate", "round", "items", "audit", "unpublish"}
    if first is None and any(a in ("--version", "-V") for a in argv):
        first = ""  # the version needs no command's module
    parser = build_parser(first if first == "" or first in core or first in PLUGINS else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError) as exc:  # bad input: one plain message, no traceback
        return _fail(str(exc))
    except KeyboardInterrupt:  # pragma: no cover
        return _fail("interrupted", 130)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
