"""The reusable mapping file (YAML): which column is which item, what each code means, which spellings merge.

One mapping serves every round exported from the same tool. ``dmkit validate
FILE --write-mapping m.yaml`` writes the mapping the reader inferred, for the
user to check; ``--mapping m.yaml`` (or a file ``FILE.mapping.yaml`` beside
the export, picked up automatically) applies it.

Format::

    format: surveymonkey          # optional: the tool (skips detection)
    instrument: dual_maturity     # optional: checked against the instrument read
    sheet: Svar                   # optional: the workbook sheet
    columns:                      # column header -> what it holds
      "Vilken förvaltning arbetar du på?": unit
      "Q3. Vi följer ...": cap_und_1
      "IP Address": ignore
    answers:                      # cell text -> scale value, dont_know or skip
      "7": dont_know
      "A1": 1
    units:                        # spelling -> unit
      "Soc.förv": Socialförvaltningen
    roles: {}

Column targets: an item id of the instrument, ``unit``, ``role``,
``respondent_id``, ``municipality``, ``round``, ``submitted``, ``free_text``
(kept, never reported), ``ignore`` (dropped), or ``meta:NAME`` (kept as
metadata ``NAME``). Every problem is reported with the file's line number.

Examples
--------
>>> m = parse_mapping('columns:\\n  "Förvaltning": unit\\nanswers:\\n  "7": dont_know\\n', "m.yaml")
>>> m.columns, m.answers
({'Förvaltning': 'unit'}, {'7': 'dont_know'})
>>> parse_mapping('columns:\\n  X: nope\\n', "m.yaml", item_ids=["q1"])
Traceback (most recent call last):
...
evaluation.data.mapping.MappingError: m.yaml line 2: column 'X' maps to 'nope', which is not an item of the instrument nor one of unit, role, respondent_id, municipality, round, submitted, free_text, ignore or meta:NAME (items are e.g. 'q1')
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

import yaml

__all__ = ["Mapping", "MappingError", "load_mapping", "parse_mapping", "find_sidecar", "write_mapping",
           "inferred_mapping_text", "render_mapping", "META_TARGETS"]

META_TARGETS = ("unit", "role", "respondent_id", "municipality", "round", "submitted", "free_text", "ignore")
_SECTIONS = ("format", "instrument", "sheet", "columns", "answers", "units", "roles")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names file and line."""


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file (see module docstring)."""

    columns: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    format: str | None = None
    instrument: str | None = None
    sheet: str | None = None
    source: str = "<mapping>"
    lines: dict[tuple[str, str], int] = field(default_factory=dict, repr=False, compare=False)

    def line(self, section: str, key: str) -> int | None:
        return self.lines.get((section, key))


def _scalar_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def parse_mapping(text: str, source: str = "<mapping>", *, item_ids: Iterable[str] | None = None,
                  scale: tuple[int, int] | None = None) -> Mapping:
    """Parse and validate mapping YAML; ``item_ids``/``scale`` check targets against an instrument."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise MappingError(f"{source}{where}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                           "write one 'key: value' per line, quoting keys that contain ':' or '#'.") from None
    finally:
        loader.dispose()
    if root is None:
        return Mapping(source=source)
    if not isinstance(root, yaml.MappingNode):
        raise MappingError(f"{source} line {root.start_mark.line + 1}: expected sections "
                           f"({', '.join(_SECTIONS)}), found a {root.tag.rsplit(':', 1)[-1]}.")
    ids = set(item_ids) if item_ids is not None else None
    out: dict[str, Any] = {"columns": {}, "answers": {}, "units": {}, "roles": {}}
    lines: dict[tuple[str, str], int] = {}
    c = yaml.SafeLoader("")
    for knode, vnode in root.value:
        sec = str(c.construct_object(knode))
        ln = knode.start_mark.line + 1
        if sec not in _SECTIONS:
            raise MappingError(f"{source} line {ln}: unknown section {sec!r}; expected one of {', '.join(_SECTIONS)}.")
        if sec in ("format", "instrument", "sheet"):
            v = c.construct_object(vnode)
            out[sec] = None if v is None else str(v)
            continue
        if isinstance(vnode, yaml.ScalarNode) and c.construct_object(vnode) is None:
            continue
        if not isinstance(vnode, yaml.MappingNode):
            raise MappingError(f"{source} line {vnode.start_mark.line + 1}: section {sec!r} must be a list of "
                               "'key: value' lines.")
        for k2, v2 in vnode.value:
            key = _scalar_text(c.construct_object(k2))
            val = c.construct_object(v2, deep=True)
            ln2 = k2.start_mark.line + 1
            if key in out[sec]:
                raise MappingError(f"{source} line {ln2}: {key!r} appears twice in {sec!r}; keep one line.")
            lines[(sec, key)] = ln2
            out[sec][key] = _check(sec, key, val, source, ln2, ids, scale)
    # one item per column at most
    seen: dict[str, str] = {}
    for col, tgt in out["columns"].items():
        if tgt in META_TARGETS[:6] or (ids is not None and tgt in ids):
            if tgt in seen:
                raise MappingError(f"{source} line {lines[('columns', col)]}: columns {seen[tgt]!r} and {col!r} both "
                                   f"map to {tgt!r}; one column per item or background field.")
            seen[tgt] = col
    c.dispose()
    return Mapping(columns=out["columns"], answers=out["answers"], units=out["units"], roles=out["roles"],
                   format=out.get("format"), instrument=out.get("instrument"), sheet=out.get("sheet"),
                   source=source, lines=lines)


def _check(sec: str, key: str, val: Any, source: str, ln: int, ids, scale) -> Any:
    if sec == "columns":
        if not isinstance(val, str) or not val.strip():
            raise MappingError(f"{source} line {ln}: column {key!r} needs a target (an item id, unit, role, ...), "
                               f"got {val!r}.")
        val = val.strip()
        ok = val in META_TARGETS or (val.startswith("meta:") and len(val) > 5) or (ids is None or val in ids)
        if not ok:
            eg = f" (items are e.g. {sorted(ids)[0]!r})" if ids else ""
            raise MappingError(
                f"{source} line {ln}: column {key!r} maps to {val!r}, which is not an item of the instrument nor one "
                f"of {', '.join(META_TARGETS)} or meta:NAME{eg}")
        return val
    if sec == "answers":
        if isinstance(val, str):
            v = val.strip().lower()
            if v in ("dont_know", "skip", "invalid"):
                return v
            try:
                val = float(v.replace(",", "."))
            except ValueError:
                raise MappingError(f"{source} line {ln}: answer {key!r} maps to {val!r}; expected a scale value, "
                                   "dont_know, skip or invalid.") from None
        if isinstance(val, bool) or not isinstance(val, (int, float)) or (isinstance(val, float) and math.isnan(val)):
            raise MappingError(f"{source} line {ln}: answer {key!r} maps to {val!r}; expected a scale value, "
                               "dont_know, skip or invalid.")
        if scale is not None and not (scale[0] <= val <= scale[1]):
            raise MappingError(f"{source} line {ln}: answer {key!r} maps to {val}, outside the scale "
                               f"{scale[0]}-{scale[1]}; use a value on the scale, dont_know or skip.")
        return int(val) if float(val).is_integer() else float(val)
    if val is None or not str(val).strip():
        raise MappingError(f"{source} line {ln}: spelling {key!r} needs the name to merge it into.")
    return _scalar_text(val).strip()


def load_mapping(path: str | Path, *, item_ids: Iterable[str] | None = None,
                 scale: tuple[int, int] | None = None) -> Mapping:
    """Read and validate a mapping file; problems name the file and line."""
    p = Path(path)
    if not p.exists():
        raise MappingError(f"{path}: mapping file not found.")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MappingError(f"{p.name}: the mapping file is not UTF-8 text; save it as UTF-8.") from None
    return parse_mapping(text, p.name, item_ids=item_ids, scale=scale)


def find_sidecar(export: str | Path) -> Path | None:
    """``FILE.mapping.yaml`` / ``FILE.mapping.yml`` (or ``STEM.mapping.yaml``) beside an export, if any."""
    p = Path(export)
    for cand in (p.with_name(p.name + ".mapping.yaml"), p.with_name(p.name + ".mapping.yml"),
                 p.with_name(p.stem + ".mapping.yaml"), p.with_name(p.stem + ".mapping.yml")):
        if cand.is_file():
            return cand
    return None


_BARE = re.compile(r"[a-z_][a-z0-9_]*(?::[A-Za-z0-9_]+)?")
_YAML_WORDS = {"yes", "no", "y", "n", "true", "false", "on", "off", "null"}


def _q(s: Any) -> str:
    return json.dumps(str(s), ensure_ascii=False)


def render_mapping(*, columns: list[tuple[str, str, str]], answers: list[tuple[str, Any, str]] = (),
                   units: list[tuple[str, str, str]] = (), roles: list[tuple[str, str, str]] = (),
                   format: str | None = None, instrument: str | None = None, sheet: str | None = None,
                   header: str = "", commented_answers: list[tuple[str, str]] = ()) -> str:
    """Mapping YAML text; each entry is (key, value, comment). ``commented_answers`` are written commented out."""
    out = []
    if header:
        out += [f"# {ln}".rstrip() for ln in header.splitlines()]
    if format:
        out.append(f"format: {format}")
    if instrument:
        out.append(f"instrument: {instrument}")
    if sheet:
        out.append(f"sheet: {_q(sheet)}")

    def section(name: str, rows, commented=()) -> None:
        if not rows and not commented:
            out.append(f"{name}: {{}}")
            return
        out.append(f"{name}:")
        for key, val, note in rows:
            v = val if isinstance(val, (int, float)) and not isinstance(val, bool) else (
                val if isinstance(val, str) and _BARE.fullmatch(val) and val not in _YAML_WORDS else _q(val))
            out.append(f"  {_q(key)}: {v}" + (f"   # {note}" if note else ""))
        for key, note in commented:
            out.append(f"  # {_q(key)}: dont_know   # {note}")

    section("columns", columns)
    section("answers", list(answers), commented_answers)
    section("units", list(units))
    section("roles", list(roles))
    return "\n".join(out) + "\n"


def write_mapping(path: str | Path, text: str) -> Path:
    """Write mapping text (from :func:`render_mapping`) and check that it reads back."""
    p = Path(path)
    parse_mapping(text, p.name)
    p.write_text(text, encoding="utf-8")
    return p


def inferred_mapping_text(*, columns: "pd.DataFrame", spellings: "pd.DataFrame | None" = None, tool: str | None = None,
                          instrument: str | None = None, sheet: str | None = None, source: str = "",
                          declared_answers: dict | None = None, ambiguous: list[dict] = ()) -> str:
    """The mapping a read inferred, as YAML for the user to check and reuse.

    ``columns`` is a column plan (``column``, ``kind``, ``target``, ``how``,
    ``score``); ``spellings`` the unit/role spelling table; ``ambiguous`` the
    undeclared codes, written commented out for the user to confirm.
    """
    cols = []
    for r in columns.itertuples():
        if r.kind == "item":
            note = f"{r.how} {r.score:.2f} - CHECK" if r.how == "fuzzy" else r.how
            cols.append((r.column, r.target, note))
        elif r.kind == "ignore":
            cols.append((r.column, "ignore", r.how))
        elif r.kind == "free_text":
            cols.append((r.column, "free_text", r.how))
        elif r.kind == "timing":
            continue
        elif r.kind == "meta" and r.target in META_TARGETS:
            cols.append((r.column, r.target, r.how))
        elif r.kind == "meta":
            cols.append((r.column, f"meta:{r.target}", r.how))
    units, roles = [], []
    if spellings is not None:
        for r in spellings.itertuples():
            if r.how in ("abbreviation", "normalised", "mapping") and r.spelling != r.value:
                (units if r.field == "unit" else roles).append((r.spelling, r.value, f"{r.how}, {r.n} rows"))
    answers = [(k, v, "declared") for k, v in (declared_answers or {}).items()]
    commented = [(d["value"], f"CHECK: {d['cells']} cells in {d['columns']} item columns, not on the scale")
                 for d in ambiguous]
    header = (f"dmkit column mapping inferred from {source or 'an export'}{f' ({tool})' if tool else ''}.\n"
              "Check every line, then reuse it for each round exported the same way:\n"
              "  dmkit validate FILE -i INSTRUMENT --mapping THIS.yaml   (or save it as FILE.mapping.yaml)\n"
              "Column targets: an item id, unit, role, respondent_id, submitted, municipality, round,\n"
              "free_text, ignore or meta:NAME. answers: cell text -> scale value, dont_know or skip.")
    return render_mapping(columns=cols, answers=answers, units=units, roles=roles, format=tool,
                          instrument=instrument, sheet=sheet, header=header, commented_answers=commented)

