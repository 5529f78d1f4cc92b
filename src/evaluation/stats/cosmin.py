"""COSMIN ratings of one instrument's measurement properties: ``+``, ``?`` or ``−`` with the numbers behind.

Cut-offs come from :mod:`evaluation.criteria` (Hu & Bentler for structure,
0.70 for internal consistency and ICC, Terwee's 75 % rule); the words of each
property and criterion are in :mod:`evaluation.text.comparison`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation.criteria import (COSMIN_INTERNAL_CONSISTENCY, COSMIN_RELIABILITY, COSMIN_STRUCTURAL)
from evaluation.stats.agreement import MINUS
from evaluation.stats.validity import terwee_verdict

__all__ = ["PROPERTIES", "cosmin_summary", "DIF_R2_IMPORTANT"]

#: the properties rated, in report order
PROPERTIES = ("structural_validity", "internal_consistency", "reliability", "measurement_error",
              "hypotheses_testing", "cross_group_invariance")
#: McFadden R² change from which DIF is important (Zumbo 1999; Choi, Gibbons & Crane 2011, lordif)
DIF_R2_IMPORTANT = 0.02
_REFERENCE = "Prinsen et al. 2018; Terwee et al. 2007"


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def cosmin_summary(
    *,
    cfi: float | None = None,
    rmsea: float | None = None,
    srmr: float | None = None,
    alphas: Mapping[str, float] | None = None,
    icc: float | None = None,
    sdc: float | None = None,
    loa: float | None = None,
    mic: float | None = None,
    hypotheses_share: float | None = None,
    n_hypotheses: int | None = None,
    invariance: bool | None = None,
    max_dif_r2: float | None = None,
    fit_rule: str = "any",
) -> pd.DataFrame:
    r"""Rate one instrument's measurement properties against COSMIN's criteria.

    Each property gets ``"+"`` (sufficient), ``"?"`` (indeterminate: the
    numbers needed were not given) or ``"−"`` (insufficient), with the numbers
    behind the rating and the criterion (Prinsen et al. 2018, Table 1;
    Terwee et al. 2007):

    * structural validity: CFI ≥ 0.95 **or** RMSEA ≤ 0.06 **or** SRMR ≤ 0.08
      (COSMIN's rule with Hu & Bentler's cut-offs read as :data:`evaluation.criteria.HU_BENTLER`
      says, the same in every report; ``fit_rule="all"`` demands all given indices);
    * internal consistency: "+" if structural validity is "+" and every
      (sub)scale's alpha ≥ 0.70, "−" if structural validity is "+" and some
      alpha < 0.70, else "?";
    * reliability: ICC (or weighted kappa) ≥ 0.70;
    * measurement error: SDC (or the half-width of the limits of agreement,
      ``loa``) < MIC; "?" without MIC;
    * hypotheses testing: ≥ 75 % of the hypotheses confirmed;
    * cross-group invariance: ``invariance`` (True: invariance holds / no
      important DIF) decides when given; otherwise ``max_dif_r2`` (largest
      McFadden R² change over items) < 0.02 gives "+", ≥ 0.02 gives "−".

    Any input left as None makes its property "?". Inputs are plain numbers
    so that this works without the structure or reliability modules.

    Returns
    -------
    DataFrame
        Index ``property`` (fixed ids); columns ``rating`` (``+``,
        ``?``, ``−``), ``values`` (dict of the numbers used) and ``reference``.
        The labels and criteria in words are in :mod:`evaluation.text.comparison`.

    References
    ----------
    Prinsen, C. A. C., et al. (2018). COSMIN guideline for systematic reviews
    of patient-reported outcome measures. *Qual Life Res*, 27, 1147--1157.
    Terwee, C. B., et al. (2007). *J Clin Epidemiol*, 60, 34--42.

    Examples
    --------
    >>> t = cosmin_summary(cfi=0.97, rmsea=0.07, srmr=0.05, alphas={"cap": 0.82, "leg": 0.74},
    ...                    icc=0.81, sdc=9.0, hypotheses_share=0.8)
    >>> t["rating"].tolist()
    ['+', '+', '+', '?', '+', '?']
    """
    if fit_rule not in ("any", "all"):
        raise ValueError(f"fit_rule must be 'any' (COSMIN) or 'all' (got {fit_rule!r}).")
    out: dict[str, tuple[str, dict[str, Any]]] = {}

    fit = {"cfi": _num(cfi), "rmsea": _num(rmsea), "srmr": _num(srmr)}
    checks = [COSMIN_STRUCTURAL[k].passes(v) for k, v in fit.items() if v is not None]
    if not checks:
        sv = "?"
    elif fit_rule == "any":
        sv = "+" if any(checks) else MINUS
    else:
        sv = ("+" if all(checks) else MINUS) if len(checks) == 3 or not all(checks) else "?"
    out["structural_validity"] = (sv, {k: v for k, v in fit.items() if v is not None})

    al = {str(k): _num(v) for k, v in (alphas or {}).items()}
    al = {k: v for k, v in al.items() if v is not None}
    if not al or sv != "+":
        ic = "?"
    else:
        ic = "+" if COSMIN_INTERNAL_CONSISTENCY.passes(min(al.values())) else MINUS
    out["internal_consistency"] = (ic, {f"alpha_{k}": v for k, v in al.items()})

    icc_ = _num(icc)
    out["reliability"] = ("?" if icc_ is None else ("+" if COSMIN_RELIABILITY.passes(icc_) else MINUS),
                          {} if icc_ is None else {"icc": icc_})

    err = _num(sdc)
    err_name = "sdc"
    if err is None and _num(loa) is not None:
        err, err_name = _num(loa), "loa"
    mic_ = _num(mic)
    vals = {k: v for k, v in ((err_name, err), ("mic", mic_)) if v is not None}
    if err is None or mic_ is None:
        me = "?"
    else:
        me = "+" if err < mic_ else MINUS
    out["measurement_error"] = (me, vals)

    share = _num(hypotheses_share)
    hv: dict[str, Any] = {} if share is None else {"share_confirmed": share}
    if n_hypotheses is not None:
        hv["n_hypotheses"] = int(n_hypotheses)
    out["hypotheses_testing"] = (terwee_verdict(share), hv)

    r2 = _num(max_dif_r2)
    iv: dict[str, Any] = {}
    if invariance is not None:
        iv["invariance"] = bool(invariance)
    if r2 is not None:
        iv["max_dif_r2"] = r2
    if invariance is not None:  # a verdict from an invariance/DIF analysis decides
        inv = "+" if invariance else MINUS
    elif r2 is not None:
        inv = "+" if r2 < DIF_R2_IMPORTANT else MINUS
    else:
        inv = "?"
    out["cross_group_invariance"] = (inv, iv)

    rows = [{"property": prop, "rating": rating, "values": values, "reference": _REFERENCE}
            for prop, (rating, values) in out.items()]
    return pd.DataFrame(rows).set_index("property")


