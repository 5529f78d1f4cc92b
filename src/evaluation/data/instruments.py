"""Load and validate maturity instruments (open, versioned, bilingual YAML).

An instrument is data, not code: ``instruments/<id>.yaml`` holds its scale,
dimensions → categories → items (Swedish and English text), scoring rules,
classification (quadrants or levels) and a glossary of hard terms. Files are
validated against ``instruments/instrument.schema.json`` on load; every error
names the file and the path inside it.

Examples
--------
>>> from evaluation.data.instruments import load_instrument
>>> inst = load_instrument("dual_maturity")
>>> inst.id, inst.scale.min, inst.scale.max, len(inst.items)
('dual_maturity', 1, 6, 30)
>>> sorted(inst.dimension_items())
['capability', 'legacy']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import yaml

from evaluation.data.resources import instrument_dirs, resource_dir

__all__ = [
    "INSTRUMENT_DIR",
    "Category",
    "Dimension",
    "Instrument",
    "InstrumentError",
    "Item",
    "Scale",
    "VersionChange",
    "list_instruments",
    "version_key",
    "load_instrument",
    "text",
]

LANGUAGES = ("sv", "en")


def __getattr__(name: str):
    # INSTRUMENT_DIR is looked up lazily so that importing this module never fails
    # on an installation without package data (the error then names what to do).
    if name == "INSTRUMENT_DIR":
        return resource_dir("instruments")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class InstrumentError(ValueError):
    """An instrument file is missing or does not follow the schema."""


def text(obj: Mapping[str, str] | str | None, language: str = "sv") -> str:
    """Pick the text in ``language`` from a bilingual ``{sv: ..., en: ...}`` mapping.

    Falls back to the other language, then to ``""``.

    >>> text({"sv": "Hej", "en": "Hello"}, "en")
    'Hello'
    >>> text("plain", "sv")
    'plain'
    """
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    if language in obj and obj[language]:
        return str(obj[language])
    for lang in LANGUAGES:
        if obj.get(lang):
            return str(obj[lang])
    return ""


@dataclass(frozen=True)
class Item:
    id: str
    text: Mapping[str, str]
    dimension: str
    category: str
    reverse: bool = False
    retrospective: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Category:
    id: str
    name: Mapping[str, str]
    items: tuple[Item, ...]
    description: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Dimension:
    id: str
    name: Mapping[str, str]
    categories: tuple[Category, ...]
    description: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: Mapping[int, Mapping[str, str]]
    dont_know_code: int | None = None
    dont_know_label: Mapping[str, str] | None = None

    @property
    def codes(self) -> list[int]:
        return list(range(self.min, self.max + 1))


@dataclass(frozen=True)
class Instrument:
    """A validated instrument. Build it with :func:`load_instrument`."""

    id: str
    version: str
    title: Mapping[str, str]
    scale: Scale
    dimensions: tuple[Dimension, ...]
    min_answered: float = 0.5
    classification: Mapping[str, Any] | None = None
    glossary: tuple[Mapping[str, Any], ...] = ()
    kind: str = "maturity"
    description: Mapping[str, str] | None = None
    path: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: the YAML's ``changes:`` history, oldest first (see :meth:`changes_since`)
    changes: tuple[Mapping[str, Any], ...] = ()

    def changes_since(self, version: str) -> "VersionChange":
        """What changed from ``version`` to this one, from the ``changes:`` history.

        The items listed under ``changed``, ``added`` or ``removed`` in any version after
        ``version`` up to this one are not comparable across the two; every other item is.

        Examples
        --------
        >>> inst = load_instrument("dual_maturity")
        >>> inst.changes_since(inst.version).known, inst.changes_since("0.1").known
        (True, False)
        """
        key = version_key
        spelled = {key(c["version"]): str(c["version"]) for c in self.changes}
        if key(version) not in spelled:
            return VersionChange(str(version), self.version, known=False)
        version = spelled[key(version)]  # as the history writes it ("1" read from a file -> "1.0")
        steps = [c for c in self.changes if key(version) < key(c["version"]) <= key(self.version)]
        changed = {i for c in steps for i in c.get("changed", ())}
        added = {i for c in steps for i in c.get("added", ())}
        removed = {i for c in steps for i in c.get("removed", ())}
        ids = set(self.item_ids)
        cats = tuple(c.id for c in self.categories if any(it.id in changed | added for it in c.items))
        return VersionChange(version, self.version, known=True, steps=tuple(steps),
                             not_comparable=tuple(i for i in self.item_ids if i in changed | added),
                             removed=tuple(sorted(removed - ids)), affected_categories=cats)

    # -- navigation ---------------------------------------------------------
    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(it for d in self.dimensions for c in d.categories for it in c.items)

    @property
    def item_ids(self) -> list[str]:
        return [it.id for it in self.items]

    @property
    def categories(self) -> tuple[Category, ...]:
        return tuple(c for d in self.dimensions for c in d.categories)

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(f"Instrument {self.id!r} has no item {item_id!r}.")

    def dimension(self, dim_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise KeyError(f"Instrument {self.id!r} has no dimension {dim_id!r}.")

    def category(self, cat_id: str) -> Category:
        for c in self.categories:
            if c.id == cat_id:
                return c
        raise KeyError(f"Instrument {self.id!r} has no category {cat_id!r}.")

    def category_items(self) -> dict[str, list[str]]:
        """``{category id: [item ids]}`` in instrument order."""
        return {c.id: [it.id for it in c.items] for c in self.categories}

    def dimension_items(self) -> dict[str, list[str]]:
        """``{dimension id: [item ids]}`` in instrument order."""
        return {d.id: [it.id for c in d.categories for it in c.items] for d in self.dimensions}

    def dimension_categories(self) -> dict[str, list[str]]:
        """``{dimension id: [category ids]}``."""
        return {d.id: [c.id for c in d.categories] for d in self.dimensions}

    def category_dimension(self) -> dict[str, str]:
        """``{category id: dimension id}``."""
        return {c.id: d.id for d in self.dimensions for c in d.categories}

    def items_frame(self) -> pd.DataFrame:
        """One row per item: dimension, category, reverse, text_sv, text_en."""
        rows = [
            {
                "item": it.id,
                "dimension": it.dimension,
                "category": it.category,
                "reverse": it.reverse,
                "text_sv": text(it.text, "sv"),
                "text_en": text(it.text, "en"),
            }
            for it in self.items
        ]
        return pd.DataFrame(rows).set_index("item")

    def name_of(self, any_id: str, language: str = "sv") -> str:
        """Display name of a dimension, category or item id (item: its text)."""
        for d in self.dimensions:
            if d.id == any_id:
                return text(d.name, language)
            for c in d.categories:
                if c.id == any_id:
                    return text(c.name, language)
                for it in c.items:
                    if it.id == any_id:
                        return text(it.text, language)
        if any_id == "overall":
            return "Total mognad" if language == "sv" else "Overall maturity"
        return any_id

    def text(self, obj: Mapping[str, str] | str | None, language: str = "sv") -> str:
        return text(obj, language)

    def scale_label(self, code: int, language: str = "sv") -> str:
        if self.scale.dont_know_code is not None and code == self.scale.dont_know_code:
            return text(self.scale.dont_know_label, language)
        return text(self.scale.labels.get(int(code)), language)


# -- loading -----------------------------------------------------------------

@lru_cache(maxsize=1)
def _schema() -> dict:
    path = resource_dir("instruments") / "instrument.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _resolve(id_or_path: str | Path) -> Path:
    p = Path(id_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.exists():
            raise InstrumentError(f"Instrument file {str(p)!r} does not exist.")
        return p
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(id_or_path)):
        raise InstrumentError(
            f"{str(id_or_path)!r} is neither an instrument id (snake_case) nor an existing YAML file."
        )
    for folder in instrument_dirs():
        for suffix in (".yaml", ".yml"):
            cand = folder / f"{id_or_path}{suffix}"
            if cand.is_file():
                return cand
    known = ", ".join(list_instrument_ids())
    if not known:
        raise InstrumentError(
            f"Unknown instrument {str(id_or_path)!r}: this installation finds no instruments at all. "
            "Reinstall the kit (pip install .), give a YAML file (--instrument path.yaml), or name a folder "
            "of instrument files in the environment variable DMKIT_INSTRUMENT_PATH."
        )
    raise InstrumentError(f"Unknown instrument {str(id_or_path)!r}. Known instruments: {known}.")


def list_instrument_ids() -> list[str]:
    """Ids of the known instruments: the user's folders (``DMKIT_INSTRUMENT_PATH``), then the shipped ones."""
    out: list[str] = []
    for folder in instrument_dirs():
        for p in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            if p.stem in ("crosswalk",) or p.stem in out:
                continue
            out.append(p.stem)
    return out


def _import_jsonschema():
    """Import jsonschema without its optional IRI-format checker.

    jsonschema imports ``rfc3987_syntax`` (when installed) only to check the
    ``iri`` string format, and that package builds a parser grammar at import
    time (about 1 s, paid by every ``dmkit`` process and every report kernel).
    The instrument schema uses no string formats, so when jsonschema is not yet
    loaded we keep that optional module out; jsonschema treats it as absent.
    """
    import sys

    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
        try:
            import jsonschema
        finally:
            del sys.modules["rfc3987_syntax"]
        return jsonschema
    import jsonschema

    return jsonschema


def _validate(doc: Any, path: Path) -> None:
    jsonschema = _import_jsonschema()

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        lines = []
        for e in errors[:10]:
            where = "/".join(str(x) for x in e.absolute_path) or "(top level)"
            lines.append(f"  at {where}: {e.message}")
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise InstrumentError(f"Instrument file {path} does not follow the schema:\n" + "\n".join(lines) + more)


def version_key(version: Any) -> tuple[int, ...]:
    """A version as a tuple for comparing, trailing zeros dropped: "1", "1.0" and 1.0 are equal.

    >>> version_key("1.0") == version_key(1) == version_key("1"), version_key("1.10") > version_key("1.9")
    (True, True)
    """
    parts: list = [int(x) if x.isdigit() else x for x in str(version).strip().split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


@dataclass(frozen=True)
class VersionChange:
    """What changed between two versions of an instrument (:meth:`Instrument.changes_since`).

    ``known`` is False when the older version is not in the instrument's history; then
    nothing can be said about which items are comparable.
    """

    from_version: str
    to_version: str
    known: bool
    steps: tuple[Mapping[str, Any], ...] = ()
    not_comparable: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    affected_categories: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per version step: ``version``, ``date``, ``changed``, ``added``, ``removed``."""
        return pd.DataFrame([{"version": str(c["version"]), "date": c.get("date"),
                              "changed": list(c.get("changed", ())), "added": list(c.get("added", ())),
                              "removed": list(c.get("removed", ()))} for c in self.steps],
                            columns=["version", "date", "changed", "added", "removed"])


def _semantic_checks(doc: dict, path: Path) -> None:
    problems = []
    versions = [str(c["version"]) for c in doc.get("changes") or ()]
    if versions:
        if versions[-1] != str(doc["version"]):
            problems.append(f"at changes: the last entry is version {versions[-1]!r}, but the instrument is "
                            f"version {doc['version']!r} (add an entry for it, newest last)")
        keys = [version_key(v) for v in versions]
        if keys != sorted(set(keys)):
            problems.append(f"at changes: versions must be unique and oldest first, not {versions}")
        item_ids = {it["id"] for d in doc["dimensions"] for c in d["categories"] for it in c["items"]}
        last = doc["changes"][-1]
        for key in ("changed", "added"):
            unknown = sorted(set(last.get(key) or ()) - item_ids)
            if unknown:
                problems.append(f"at changes/{len(versions) - 1}/{key}: {unknown} are not items of this version")
        gone = sorted(set(last.get("removed") or ()) & item_ids)
        if gone:
            problems.append(f"at changes/{len(versions) - 1}/removed: {gone} are still items of this version")
    if doc["id"] != path.stem:
        problems.append(f"at id: {doc['id']!r} must equal the file name stem {path.stem!r}")
    scale = doc["scale"]
    lo, hi = int(scale["min"]), int(scale["max"])
    if lo >= hi:
        problems.append(f"at scale: min ({lo}) must be below max ({hi})")
    label_codes = {int(k) for k in scale["labels"]}
    missing = sorted(set(range(lo, hi + 1)) - label_codes)
    if missing:
        problems.append(f"at scale/labels: no label for code(s) {missing}")
    extra = sorted(label_codes - set(range(lo, hi + 1)))
    if extra:
        problems.append(f"at scale/labels: code(s) {extra} outside {lo}..{hi}")
    dk = scale.get("dont_know")
    if dk is not None and lo <= int(dk["code"]) <= hi:
        problems.append(f"at scale/dont_know/code: {dk['code']} collides with the scale {lo}..{hi}")
    seen: dict[str, str] = {}
    for di, d in enumerate(doc["dimensions"]):
        for ci, c in enumerate(d["categories"]):
            for ii, it in enumerate(c["items"]):
                where = f"dimensions/{di}/categories/{ci}/items/{ii}/id"
                if it["id"] in seen:
                    problems.append(f"at {where}: item id {it['id']!r} also used at {seen[it['id']]}")
                seen[it["id"]] = where
    ids = [d["id"] for d in doc["dimensions"]] + [c["id"] for d in doc["dimensions"] for c in d["categories"]]
    dup = sorted({x for x in ids if ids.count(x) > 1})
    if dup:
        problems.append(f"at dimensions: dimension/category id(s) used twice: {dup}")
    cls = doc.get("classification")
    if cls and cls.get("type") == "quadrant":
        dims = {d["id"] for d in doc["dimensions"]}
        for axis in ("x", "y"):
            if cls[axis] not in dims:
                problems.append(f"at classification/{axis}: {cls[axis]!r} is not a dimension id ({sorted(dims)})")
        combos = {(q["x"], q["y"]) for q in cls["quadrants"]}
        if len(combos) != 4:
            problems.append("at classification/quadrants: need one quadrant for each low/high × low/high combination")
    if cls and cls.get("type") == "levels":
        mins = [lv["min"] for lv in cls["levels"]]
        if mins != sorted(mins):
            problems.append("at classification/levels: levels must be in ascending order of min")
    if problems:
        raise InstrumentError(f"Instrument file {path} is inconsistent:\n  " + "\n  ".join(problems))


def _build(doc: dict, path: Path) -> Instrument:
    sc = doc["scale"]
    dk = sc.get("dont_know")
    scale = Scale(
        min=int(sc["min"]),
        max=int(sc["max"]),
        labels={int(k): dict(v) for k, v in sc["labels"].items()},
        dont_know_code=None if dk is None else int(dk["code"]),
        dont_know_label=None if dk is None else dict(dk["label"]),
    )
    dims = []
    for d in doc["dimensions"]:
        cats = []
        for c in d["categories"]:
            items = tuple(
                Item(
                    id=it["id"],
                    text=dict(it["text"]),
                    dimension=d["id"],
                    category=c["id"],
                    reverse=bool(it.get("reverse", False)),
                    retrospective=dict(it["retrospective"]) if it.get("retrospective") else None,
                )
                for it in c["items"]
            )
            cats.append(Category(id=c["id"], name=dict(c["name"]), items=items, description=c.get("description")))
        dims.append(Dimension(id=d["id"], name=dict(d["name"]), categories=tuple(cats), description=d.get("description")))
    return Instrument(
        id=doc["id"],
        version=str(doc["version"]),
        title=dict(doc["title"]),
        scale=scale,
        dimensions=tuple(dims),
        min_answered=float((doc.get("scoring") or {}).get("min_answered", 0.5)),
        classification=doc.get("classification"),
        glossary=tuple(doc.get("glossary") or ()),
        kind=doc.get("kind", "maturity"),
        description=doc.get("description"),
        path=str(path),
        raw=doc,
        changes=tuple(doc.get("changes") or ()),
    )


@lru_cache(maxsize=64)
def _load_cached(path_str: str, mtime: float) -> Instrument:
    path = Path(path_str)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InstrumentError(f"Instrument file {path} is not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise InstrumentError(f"Instrument file {path} must hold a mapping at the top level, not {type(doc).__name__}.")
    # YAML turns 1: into int keys; the schema speaks JSON, where keys are strings.
    if isinstance(doc.get("scale"), dict) and isinstance(doc["scale"].get("labels"), dict):
        doc["scale"]["labels"] = {str(k): v for k, v in doc["scale"]["labels"].items()}
    if "version" in doc and isinstance(doc["version"], (int, float)):
        doc["version"] = str(doc["version"])
    _validate(doc, path)
    _semantic_checks(doc, path)
    return _build(doc, path)


def load_instrument(id_or_path: str | Path | Instrument) -> Instrument:
    """Load an instrument by id (``"dual_maturity"``) or by path to a YAML file.

    Parameters
    ----------
    id_or_path : str, Path or Instrument
        An id of a shipped instrument, a path to a YAML file, or an already
        loaded :class:`Instrument` (returned as is).

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError (a ValueError)
        Unknown id, missing file, invalid YAML, or a schema violation; the
        message names the file and the path inside it.

    Examples
    --------
    >>> inst = load_instrument("leadership_current_state")
    >>> inst.scale.max
    5
    """
    if isinstance(id_or_path, Instrument):
        return id_or_path
    path = _resolve(id_or_path).resolve()
    return _load_cached(str(path), path.stat().st_mtime)


def list_instruments(language: str = "sv") -> pd.DataFrame:
    """Table of shipped instruments: id, version, title, dimensions, items, scale.

    >>> "dual_maturity" in list_instruments()["id"].tolist()
    True
    """
    rows = []
    for iid in list_instrument_ids():
        inst = load_instrument(iid)
        rows.append(
            {
                "id": inst.id,
                "version": inst.version,
                "title": text(inst.title, language),
                "kind": inst.kind,
                "dimensions": len(inst.dimensions),
                "categories": len(inst.categories),
                "items": len(inst.items),
                "scale": f"{inst.scale.min}-{inst.scale.max}" + (" + vet ej" if inst.scale.dont_know_code is not None and language == "sv" else " + don't know" if inst.scale.dont_know_code is not None else ""),
            }
        )
    return pd.DataFrame(rows)
