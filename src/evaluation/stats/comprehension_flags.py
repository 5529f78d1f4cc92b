"""Which questions are hard to understand: the review's rules, applied per item.

:func:`comprehension_flags` joins the empirical signals
(:func:`~evaluation.stats.item_signals.item_signals`), the comprehension
gradient (:func:`~evaluation.stats.gradient.comprehension_gradient`), DIF
between groups (:func:`~evaluation.stats.dif.dif_ordinal`) and the text
signals of the instrument's primary text
(:func:`~evaluation.stats.readability.instrument_text_signals`), applies the
rules of :class:`~evaluation.stats.item_signals.Thresholds` and returns one
row per item, worst first, with a flag (``ok`` / ``review`` / ``revise``) and
the reasons as codes (:data:`REASON_CODES`). The sentences for the codes are
in :mod:`evaluation.text.comprehension`; the flags and codes do not depend on
the report they end up in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.stats.dif import dif_ordinal
from evaluation.stats.gradient import comprehension_gradient
from evaluation.stats.item_signals import FLAG_LEVELS, Thresholds, _group_series, _prepare, item_signals
from evaluation.stats.readability import instrument_text_signals

__all__ = ["comprehension_flags", "REASON_CODES", "EMPIRICAL_CODES", "TEXT_CODES"]

_LEVEL = {name: i for i, name in enumerate(FLAG_LEVELS)}

#: Reason codes from the answers, in the order a rule is checked.
EMPIRICAL_CODES = ("dk", "skip", "gradient", "r_drop_neg", "r_drop_low", "breakoff", "floor", "ceiling",
                   "difficulty_hi", "difficulty_lo", "time", "group_dk", "dif")
#: Reason codes from the item text.
TEXT_CODES = ("lix", "long", "double", "double_neg", "negation", "jargon", "vague")
REASON_CODES = EMPIRICAL_CODES + TEXT_CODES

_TEXT_COLS = ["lix", "lix_band", "flesch", "n_words_text", "words_per_sentence", "mean_word_length",
              "double_barrelled", "negations", "double_negation", "jargon_terms", "glossary_terms",
              "vague_quantifiers"]


def _empirical_codes(r: pd.Series, th: Thresholds, *, grouped: bool, timed: bool) -> list[tuple[int, str]]:
    """(level, code) of every empirical rule that fires for the item row ``r``."""
    emp: list[tuple[int, str]] = []
    dk_hi = (r["dk_rate"] > th.dk_rate_min and r["dk_rate"] > th.dk_rate_ratio * r["dk_rate_others"]
             and r["dk_ci_low"] > r["dk_rate_others"])
    sk_hi = (r["skip_rate"] > th.skip_rate_min and r["skip_rate"] > th.skip_rate_ratio * r["skip_rate_others"]
             and r["skip_ci_low"] > r["skip_rate_others"])
    grad_sig = (np.isfinite(r["gradient_p_adj"]) and r["gradient_p_adj"] < th.gradient_alpha
                and r["gradient_or"] >= th.gradient_or_min)
    if dk_hi:
        emp.append((1, "dk"))
    if sk_hi:
        emp.append((1, "skip"))
    if grad_sig:
        emp.append((2 if (dk_hi or sk_hi) else 1, "gradient"))
    rd = r["r_drop"]
    if np.isfinite(rd) and rd < th.r_drop_revise:
        emp.append((2, "r_drop_neg"))
    elif np.isfinite(rd) and rd < th.r_drop_review:
        emp.append((1, "r_drop_low"))
    if r["breakoff_at"] >= th.breakoff_min:
        emp.append((1, "breakoff"))
    if np.isfinite(r["floor"]) and r["floor"] > th.floor_ceiling_max:
        emp.append((1, "floor"))
    if np.isfinite(r["ceiling"]) and r["ceiling"] > th.floor_ceiling_max:
        emp.append((1, "ceiling"))
    dz = r["difficulty_z"]
    if np.isfinite(dz) and abs(dz) > th.difficulty_z:
        emp.append((1, "difficulty_hi" if dz > 0 else "difficulty_lo"))
    if timed and np.isfinite(r["time_ratio"]) and r["time_ratio"] > th.time_ratio:
        emp.append((1, "time"))
    if grouped and np.isfinite(r["gradient_group_p_adj"]) and r["gradient_group_p_adj"] < th.gradient_alpha:
        emp.append((1, "group_dk"))
    if grouped and bool(r["dif"]):
        emp.append((1, "dif"))
    return emp


def _text_codes(r: pd.Series, th: Thresholds) -> list[str]:
    """Codes of every text rule that fires for the item row ``r``."""
    txt = []
    if np.isfinite(r["lix"]) and r["lix"] > th.lix_review and r["n_words_text"] >= th.lix_min_words:
        txt.append("lix")
    if r["n_words_text"] > th.max_words:
        txt.append("long")
    if r["double_barrelled"]:
        txt.append("double")
    if r["double_negation"]:
        txt.append("double_neg")
    elif r["negations"]:
        txt.append("negation")
    if r["jargon_terms"]:
        txt.append("jargon")
    if r["vague_quantifiers"]:
        txt.append("vague")
    return txt


def comprehension_flags(responses, instrument=None, *, group=None, thresholds: Thresholds | None = None,
                        text_signals: bool = True, dont_know=None, skipped=None,
                        method: str = "holm") -> pd.DataFrame:
    """One row per item, ranked worst first: which questions are hard to understand, as codes.

    Flag logic (each rule documented in :class:`~evaluation.stats.item_signals.Thresholds`):

    * ``empirical_flag``: ``review`` when any empirical rule fires (high
      don't-know or skip rate, significant comprehension gradient, r_drop <
      ``r_drop_review``, break-off, floor/ceiling, deviant difficulty, slow
      reading, DIF, group differences in don't know at equal maturity);
      ``revise`` when r_drop < ``r_drop_revise``, when a high
      don't-know/skip rate comes with a significant gradient, or when at least
      ``revise_min_empirical`` empirical rules fire.
    * ``text_flag``: ``review`` when any text rule fires (LIX, length,
      double-barrelled, negation, double negation, unexplained jargon, vague
      quantifier), else ``ok``; text alone never gives ``revise``. The text
      analysed is the instrument's primary one (Swedish; English only when the
      instrument has no Swedish text), whatever the report is written in.
    * ``flag``: ``revise`` if ``empirical_flag`` is ``revise`` or both flags
      are ``review``; otherwise the higher of the two.  With
      ``text_signals=False`` the flag equals ``empirical_flag``.

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        See :func:`~evaluation.stats.item_signals.item_signals`; for a DataFrame pass ``dont_know``/``skipped``.
    instrument : Instrument, optional
        Defaults to ``responses.instrument``.
    group : str or Series, optional
        Metadata column ("role", "unit"): the gradient is then adjusted for
        group and tested for group differences in don't know/skipping, and
        DIF between the groups is tested.  None skips both.
    thresholds : Thresholds, optional
    text_signals : bool
        Include the text rules (default).  Set False to judge the data only,
        e.g. when benchmarking detection of planted items.
    method : str
        Multiple-testing method for the gradient ("holm" or "fdr_bh").

    Returns
    -------
    DataFrame
        One row per item, worst first: ``item``, ``dimension``, ``category``,
        ``text`` (the analysed text), every signal column, gradient columns
        ``gradient_or``, ``gradient_ci_low``, ``gradient_ci_high``,
        ``gradient_p``, ``gradient_p_adj``, ``gradient_note``; when ``group``:
        ``gradient_group_p``, ``gradient_group_p_adj``,
        ``gradient_group_highest``, ``gradient_group_highest_rate`` and DIF
        columns ``dif_r2_change``, ``dif_p``, ``dif_p_adj``, ``dif``,
        ``dif_note``; text columns (``lix``, ``lix_band``, ``flesch``,
        ``n_words_text``, ...), ``empirical_flag``, ``text_flag``, ``flag``,
        ``reason_codes`` (tuple of :data:`REASON_CODES`, strongest empirical
        first, then text), ``n_reasons``, ``n_empirical_reasons``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(4)
    >>> theta = rng.normal(size=300)
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(size=300)), 1, 6)
    ...                    for i in range(6)})
    >>> dk = pd.DataFrame(False, index=df.index, columns=df.columns)
    >>> dk["q2"] = rng.random(300) < 1 / (1 + np.exp(1.2 + 1.5 * theta))
    >>> rep = comprehension_flags(df.mask(dk), dont_know=dk)
    >>> rep.iloc[0][["item", "flag"]].tolist(), rep.iloc[0]["reason_codes"]
    (['q2', 'revise'], ('gradient', 'dk'))
    """
    th = thresholds if thresholds is not None else Thresholds()
    if not isinstance(th, Thresholds):
        raise TypeError("thresholds must be a Thresholds instance (evaluation.stats.item_signals.Thresholds).")
    data = _prepare(responses, instrument, dont_know=dont_know, skipped=skipped)
    sig = item_signals(data)
    gser = _group_series(data, group)
    grad = comprehension_gradient(data, method=method, min_events=th.min_events,
                                  adjust_for=gser, min_group_n=th.dif_min_group_n)
    rep = sig.copy()
    rep["gradient_events"] = grad["events"]
    for col, src in (("or", "odds_ratio"), ("ci_low", "ci_low"), ("ci_high", "ci_high"), ("p", "p"),
                     ("p_adj", "p_adj"), ("note", "note")):
        rep[f"gradient_{col}"] = grad[src]
    if group is not None:
        for col in ("group_p", "group_p_adj", "group_highest", "group_highest_rate"):
            rep[f"gradient_{col}"] = grad[col]
        dif = dif_ordinal(data, gser, min_group_n=th.dif_min_group_n,
                          criterion_r2=th.dif_r2_change, alpha=th.dif_alpha, method=method)
        rep["dif_r2_change"] = dif["r2_change_13"]
        rep["dif_p"] = dif["p_13"]
        rep["dif_p_adj"] = dif["p_13_adj"]
        rep["dif"] = dif["dif"]
        rep["dif_note"] = dif["note"]
    inst = data.instrument
    has_items = inst is not None and hasattr(inst, "items")
    if has_items:
        ts = instrument_text_signals(inst).reindex(rep.index)
        rep.insert(2, "text", ts["text"])
        ts = ts.rename(columns={"n_words": "n_words_text"})
        for col in _TEXT_COLS:
            rep[col] = ts[col]
    else:
        rep.insert(2, "text", "")
    has_text = text_signals and has_items
    timed = "time_ratio" in rep.columns

    emp_flags, txt_flags, codes_all, n_emp = [], [], [], []
    for _, r in rep.iterrows():
        emp = _empirical_codes(r, th, grouped=group is not None, timed=timed)
        txt = _text_codes(r, th) if has_text else []
        level_emp = max([lvl for lvl, _ in emp], default=0)
        if len(emp) >= th.revise_min_empirical:
            level_emp = 2
        emp_flags.append(FLAG_LEVELS[level_emp])
        txt_flags.append(FLAG_LEVELS[1 if txt else 0])
        codes_all.append(tuple(c for _, c in sorted(emp, key=lambda t: -t[0])) + tuple(txt))
        n_emp.append(len(emp))
    rep["empirical_flag"] = emp_flags
    rep["text_flag"] = txt_flags
    levels = []
    for e, t in zip(emp_flags, txt_flags):
        le, lt = _LEVEL[e], (_LEVEL[t] if text_signals else 0)
        levels.append(FLAG_LEVELS[2 if (le == 2 or (le >= 1 and lt >= 1)) else max(le, lt)])
    rep["flag"] = levels
    if not text_signals:
        codes_all = [cs[:k] for cs, k in zip(codes_all, n_emp)]
    rep["reason_codes"] = codes_all
    rep["n_reasons"] = [len(cs) for cs in codes_all]
    rep["n_empirical_reasons"] = n_emp
    # Rank: flag, empirical evidence, all reasons, then the don't-know excess.
    rep["_lvl"] = rep["flag"].map(_LEVEL)
    rep["_elvl"] = rep["empirical_flag"].map(_LEVEL)
    rep["_excess"] = (rep["dk_rate"] + rep["skip_rate"]) - (rep["dk_rate_others"] + rep["skip_rate_others"])
    rep["_order"] = np.arange(len(rep))
    rep = rep.sort_values(["_lvl", "_elvl", "n_empirical_reasons", "n_reasons", "_excess", "_order"],
                          ascending=[False, False, False, False, False, True])
    return rep.drop(columns=["_lvl", "_elvl", "_excess", "_order"]).reset_index()
