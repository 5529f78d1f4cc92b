"""The crosswalk: which scores of two instruments should correlate (convergent) and which should not.

``instruments/crosswalk.yaml`` names constructs with their members per
instrument and discriminant pairs; :func:`load_crosswalk` reads and validates
it (against ``crosswalk.schema.json``), :func:`crosswalk_hypotheses` turns it
into the hypotheses of one pair of instruments for
:func:`evaluation.stats.validity.convergent_validity`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["load_crosswalk", "crosswalk_hypotheses"]


def load_crosswalk(path: str | Any = None) -> dict:
    """Read ``instruments/crosswalk.yaml`` (or another crosswalk) and validate it.

    The file is checked against ``crosswalk.schema.json`` in the same folder
    (or in the kit's ``instruments/``) when that schema exists.

    >>> cw = load_crosswalk()
    >>> sorted(cw["thresholds"])
    ['convergent_min_r', 'discriminant_max_r']
    """
    from pathlib import Path

    import yaml

    from evaluation.data.resources import resource_dir

    INSTRUMENT_DIR = resource_dir("instruments")

    p = Path(path) if path not in (None, "") else INSTRUMENT_DIR / "crosswalk.yaml"
    if not p.exists():
        raise ValueError(f"Crosswalk file {str(p)!r} does not exist.")
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"Crosswalk {str(p)!r} is not valid YAML: {exc}") from None
    schema_path = p.parent / "crosswalk.schema.json"
    if not schema_path.exists():
        schema_path = INSTRUMENT_DIR / "crosswalk.schema.json"
    if schema_path.exists():
        import json

        import jsonschema

        try:
            jsonschema.validate(doc, json.loads(schema_path.read_text(encoding="utf-8")))
        except jsonschema.ValidationError as exc:
            where = "/".join(str(x) for x in exc.absolute_path) or "(top level)"
            raise ValueError(f"Crosswalk {str(p)!r} at {where}: {exc.message}") from None
    doc.setdefault("thresholds", {})
    doc["thresholds"].setdefault("convergent_min_r", 0.5)
    doc["thresholds"].setdefault("discriminant_max_r", 0.3)
    doc.setdefault("discriminant", [])
    return doc


def _member_score(member: Mapping[str, Any], inst: Any) -> str:
    dim = member["dimension"]
    if dim not in inst.dimension_items():
        raise ValueError(
            f"The crosswalk names dimension {dim!r} of {inst.id!r}, which has "
            f"{list(inst.dimension_items())}."
        )
    cat = member.get("category")
    if cat is None:
        return dim
    if cat not in inst.dimension_categories()[dim]:
        raise ValueError(
            f"The crosswalk names category {cat!r} of {inst.id!r}/{dim}, which has "
            f"{inst.dimension_categories()[dim]}."
        )
    return cat


def crosswalk_hypotheses(crosswalk: Mapping[str, Any], instrument_a: Any, instrument_b: Any) -> pd.DataFrame:
    """Hypotheses (a, b, expected, thresholds) for one pair of instruments.

    Every pair of members of a crosswalk construct, one from each instrument,
    becomes a convergent hypothesis (``min_r`` = ``convergent_min_r``); every
    ``discriminant`` pair with one member in each becomes a discriminant one
    (``max_r`` = ``discriminant_max_r``). ``a``/``b`` are score ids (the
    category when the member names one, else the dimension).

    >>> from evaluation.data.instruments import load_instrument
    >>> h = crosswalk_hypotheses(load_crosswalk(), load_instrument("dual_maturity"),
    ...                          load_instrument("public_dma"))
    >>> h[["a", "b", "expected"]].head(2).values.tolist()
    [['capture', 'strategy_investment', 'convergent'], ['information', 'data_security', 'convergent']]
    """
    cols = ["a", "b", "expected", "min_r", "max_r", "construct"]
    if instrument_a.id == instrument_b.id:
        return pd.DataFrame(columns=cols)
    th = crosswalk.get("thresholds", {})
    cmin = float(th.get("convergent_min_r", 0.5))
    dmax = float(th.get("discriminant_max_r", 0.3))
    rows = []
    for con in crosswalk.get("constructs", []):
        ma = [m for m in con["members"] if m["instrument"] == instrument_a.id]
        mb = [m for m in con["members"] if m["instrument"] == instrument_b.id]
        for x in ma:
            for y in mb:
                rows.append({"a": _member_score(x, instrument_a), "b": _member_score(y, instrument_b),
                             "expected": "convergent", "min_r": cmin, "max_r": math.nan,
                             "construct": con["id"]})
    for x, y in crosswalk.get("discriminant", []):
        if x["instrument"] == instrument_b.id and y["instrument"] == instrument_a.id:
            x, y = y, x
        if x["instrument"] == instrument_a.id and y["instrument"] == instrument_b.id:
            rows.append({"a": _member_score(x, instrument_a), "b": _member_score(y, instrument_b),
                         "expected": "discriminant", "min_r": math.nan, "max_r": dmax,
                         "construct": ""})
    return pd.DataFrame(rows, columns=cols).drop_duplicates(["a", "b", "expected"]).reset_index(drop=True)
