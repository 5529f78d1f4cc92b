"""The workshop evaluation in numbers: which design the data allow, and the effect per score.

* :func:`choose_design` -- paired, partially paired, independent, then-test or
  difference in differences, decided from the two rounds (or checked when
  asked for), with a reason *code* and note codes (``text.workshop`` words them);
* :func:`workshop_effects` -- one row per category, dimension and overall score
  with the change, its interval, effect size, the minimum detectable effect and
  Holm / Benjamini-Hochberg corrected p-values (statsmodels ``multipletests``);
* :func:`reaction_summary`, :func:`reaction_change` -- Kirkpatrick level 1
  (reaction) and its correlation with the participant's own change;
* :func:`planning` -- what the next round can detect with more respondents;
* :func:`invariance_across_rounds` -- did the survey measure the same thing
  before and after (configural, metric, scalar; Chen 2007)?

Numbers and codes only: the words are in :mod:`evaluation.text.workshop`, the
report in :mod:`evaluation.reports.workshop`.

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scandinavian Journal of Statistics*, 6(2), 65-70.

Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate.
*Journal of the Royal Statistical Society B*, 57(1), 289-300.

Fieller, E. C., Hartley, H. O. & Pearson, E. S. (1957). Tests for rank
correlation coefficients I. *Biometrika*, 44, 470-481.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from evaluation.stats.did import difference_in_differences
from evaluation.stats.effects import (PrePostResult, _check_ci, _check_codes_unique, _group_indicator, prepost,
                                      then_test)
from evaluation.stats.power import mde_from_se, minimum_detectable_effect

__all__ = ["WORKSHOP_DESIGNS", "RETRO_SUFFIXES", "DesignChoice", "choose_design", "retrospective_answers",
           "workshop_effects", "reaction_summary", "reaction_change", "paired_scores", "planning",
           "invariance_across_rounds", "respondent_codes", "round_summary"]

WORKSHOP_DESIGNS = ("auto", "paired", "independent", "then_test", "did")
RETRO_SUFFIXES = ("_then", "_retro", "_fore")
_BEFORE, _AFTER = "before", "after"


def _min_n(min_group_size: Any) -> int:
    """The smallest number of answers a row is computed from (a whole number, 1 or more)."""
    if isinstance(min_group_size, bool) or not float(min_group_size).is_integer() or min_group_size < 1:
        raise ValueError(f"min_group_size must be a whole number of respondents (1 or more), not {min_group_size!r}.")
    return int(min_group_size)


@dataclass(frozen=True)
class DesignChoice:
    """Which design the before/after data allow, and why, as codes.

    ``reason`` is the chosen design's reason code (the design id itself);
    ``notes`` are extra codes: ``independent_although_linked`` (independent was
    asked for though respondents link), ``unpaired_left_out`` (paired was asked
    for and unpaired answers are left out), ``no_comparison_group`` (the change
    cannot be told apart from other things that happened meanwhile).
    """

    design: str
    requested: str
    reason: str
    notes: tuple
    n_before: int
    n_after: int
    n_linked: int
    has_comparison_group: bool
    has_retrospective: bool
    group_column: str = ""

    @property
    def n_before_only(self) -> int:
        return self.n_before - self.n_linked

    @property
    def n_after_only(self) -> int:
        return self.n_after - self.n_linked


def retrospective_answers(rs: Any, *, suffixes: Sequence[str] = RETRO_SUFFIXES) -> pd.DataFrame | None:
    """The retrospective ("before the workshop I ...") answers of an after-round file.

    A then-test export has, beside each item column, a column ``<item id>_then``
    (or ``_retro`` / ``_fore``) with the retrospective answer; the reader keeps
    those in ``rs.meta``. Returns raw codes (float; don't know and anything
    off the scale as NaN) with the item ids as columns, or None when the file
    has no such columns. Items without a retrospective column are NaN.
    """
    inst = rs.instrument
    found = {}
    for it in inst.item_ids:
        for suf in suffixes:
            if f"{it}{suf}" in rs.meta.columns:
                found[it] = f"{it}{suf}"
                break
    if not found:
        return None
    out = pd.DataFrame(index=rs.meta.index, columns=inst.item_ids, dtype=float)
    sc = inst.scale
    lookup: dict[str, float] = {}
    for code, labels in sc.labels.items():
        lookup[str(int(code))] = float(code)
        for lab in labels.values():
            lookup[str(lab).strip().lower()] = float(code)
    missing_words = {""}
    if sc.dont_know_code is not None:
        missing_words.add(str(int(sc.dont_know_code)))
        missing_words |= {str(v).strip().lower() for v in (sc.dont_know_label or {}).values()}

    def parse(v: Any) -> float:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return np.nan
        t = str(v).strip().lower()
        if t in missing_words or t == "nan":
            return np.nan
        try:
            f = float(t.replace(",", "."))
            if f.is_integer() and str(int(f)) in lookup:
                return float(int(f))
        except ValueError:
            pass
        return lookup.get(t, np.inf)

    for it, col in found.items():
        vals = rs.meta[col].map(parse).astype(float)
        bad = np.isinf(vals)
        if bad.any():
            row = vals.index[np.flatnonzero(bad.to_numpy())[0]]
            raise ValueError(
                f"Column '{col}' (retrospective answer to {it}) holds {rs.meta.loc[row, col]!r} at row {row}, "
                f"which is not a code {sc.min}-{sc.max}, a scale label or don't know."
            )
        out[it] = vals
    return out


def respondent_codes(meta: pd.DataFrame, column: str) -> pd.Series | None:
    """The codes in ``column`` as stripped strings (NaN where empty); None when there is no such column."""
    if not column or column not in meta.columns:
        return None
    v = meta[column].astype(object)
    v = v.map(lambda x: np.nan if x is None or (isinstance(x, float) and np.isnan(x)) or str(x).strip() == ""
              else str(x).strip())
    return v


def choose_design(before: Any, after: Any, *, design: str = "auto", subject_column: str = "respondent_id",
                  group_column: str = "", cluster_column: str = "") -> DesignChoice:
    """Decide the design the two rounds allow (``design="auto"``) or check the one asked for.

    Rules for ``auto``, strongest first: a ``group_column`` present in both
    rounds -> ``did``; retrospective columns in the after file ->
    ``then_test``; respondent codes shared by the rounds -> ``paired`` (all
    linked) or ``partially_paired``; otherwise ``independent``.
    """
    if design not in WORKSHOP_DESIGNS:
        raise ValueError(f"design must be one of {', '.join(WORKSHOP_DESIGNS)}; got {design!r}.")
    cb, ca = respondent_codes(before.meta, subject_column), respondent_codes(after.meta, subject_column)
    _check_codes_unique(cb, column=subject_column, where="the before file")
    _check_codes_unique(ca, column=subject_column, where="the after file")
    nb, na = len(before.answers), len(after.answers)
    linked = 0 if cb is None or ca is None else len(set(cb.dropna()) & set(ca.dropna()))
    has_group = bool(group_column) and group_column in before.meta.columns and group_column in after.meta.columns
    retro = retrospective_answers(after)
    has_retro = retro is not None
    if bool(group_column) and not has_group:
        miss = [f for f, rs in (("before", before), ("after", after)) if group_column not in rs.meta.columns]
        raise ValueError(f"Column '{group_column}' (group_column) is missing in the {' and '.join(miss)} file; "
                         "every row needs 1 (took part) or 0 (comparison group).")
    if cluster_column and any(cluster_column not in rs.meta.columns for rs in (before, after)):
        raise ValueError(f"Column '{cluster_column}' (cluster_column) is missing in one of the files.")

    if design == "auto":
        if has_group:
            chosen = "did"
        elif has_retro:
            chosen = "then_test"
        elif linked >= 3:
            chosen = "paired" if linked == nb == na else "partially_paired"
        else:
            chosen = "independent"
    elif design == "paired":
        if linked < 2:
            raise ValueError(
                f"design='paired' needs respondents who answered both rounds with the same code in column "
                f"'{subject_column}', but {linked} code(s) appear in both files. Use design='independent' "
                "or 'auto'.")
        chosen = "paired"
    elif design == "then_test":
        if not has_retro:
            raise ValueError(
                "design='then_test' needs retrospective answers in the after file: a column "
                f"'<item id>_then' beside each item (for example '{after.instrument.item_ids[0]}_then').")
        chosen = "then_test"
    elif design == "did":
        if not group_column:
            raise ValueError("design='did' needs group_column (1 = took part, 0 = comparison group).")
        chosen = "did"
    else:
        chosen = "independent"

    notes = []
    if design == "independent" and linked >= 2:
        notes.append("independent_although_linked")
    if design == "paired" and (nb - linked or na - linked):
        notes.append("unpaired_left_out")
    if chosen in ("paired", "partially_paired", "independent", "then_test"):
        notes.append("no_comparison_group")
    return DesignChoice(design=chosen, requested=design, reason=chosen, notes=tuple(notes), n_before=nb,
                        n_after=na, n_linked=linked, has_comparison_group=has_group, has_retrospective=has_retro,
                        group_column=group_column if has_group else "")


def _score_ids(inst: Any) -> list[tuple[str, str, str]]:
    cat_dim = inst.category_dimension()
    return ([(c, "category", cat_dim[c]) for c in inst.category_items()]
            + [(d, "dimension", d) for d in inst.dimension_categories()] + [("overall", "overall", "")])


def _row_from_prepost(res: PrePostResult) -> dict:
    es = res.effect_sizes
    name = "d_z" if "d_z" in es.index else ("hedges_g" if "hedges_g" in es.index else "d_av")
    return {"design": res.design, "test": res.test, "n_pre": res.n_pre, "n_post": res.n_post,
            "n_pairs": res.n_pairs, "mean_pre": res.mean_pre, "mean_post": res.mean_post, "diff": res.diff,
            "se": res.se, "df": res.df, "ci_low": res.ci_low, "ci_high": res.ci_high, "pvalue": res.pvalue,
            "nonparametric_pvalue": res.nonparametric_pvalue, "nonparametric_test": res.nonparametric_test,
            "es_name": name, "es": es.loc[name, "estimate"], "es_ci_low": es.loc[name, "ci_low"],
            "es_ci_high": es.loc[name, "ci_high"], "es_ci_method": es.loc[name, "ci_method"],
            "mde": mde_from_se(res.se, res.df, alpha=1 - res.ci)}


def workshop_effects(
    before: Any,
    after: Any,
    *,
    design: str = "auto",
    subject_column: str = "respondent_id",
    group_column: str = "",
    cluster_column: str = "",
    min_group_size: int = 5,
    ci: float = 0.95,
    did_method: str = "auto",
    n_boot: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """Effect of the workshop per category, dimension and overall score: a tidy table.

    The design is chosen by :func:`choose_design` (or forced); each score
    (percent of max, :func:`evaluation.scoring.respondent_scores`) is then
    analysed with :func:`prepost`, :func:`then_test` or
    :func:`difference_in_differences`. Multiple-testing corrections (Holm and
    Benjamini-Hochberg, statsmodels ``multipletests``) are applied within each
    comparison and level (the categories are one family, the dimensions
    another), because a dimension score is the mean of its categories. The
    ``mde`` column is the change the design could detect with 80 % power,
    :math:`(t_{1-\\alpha/2} + t_{0.8})\\,SE` (Bloom 1995). A score with fewer
    than ``min_group_size`` answers in a round (or group x round cell) is
    kept as a row with ``suppressed=True`` and no numbers.

    Parameters
    ----------
    before, after : ResponseSet
        The two rounds, read with the same instrument.
    design : {"auto", "paired", "independent", "then_test", "did"}
    subject_column, group_column, cluster_column : str
        Metadata columns (empty string = not used).
    min_group_size : int
    ci : float
    did_method : {"auto", "mixed", "ols"}
        ``auto``: mixed model when respondents link or clusters are given, else OLS.
    n_boot, seed
        Wild cluster bootstrap settings for ``ols`` with few clusters.

    Returns
    -------
    DataFrame
        Columns ``id, level, dimension, comparison, design, test, n_pre, n_post,
        n_pairs, mean_pre, mean_post, diff, se, df, ci_low, ci_high, pvalue,
        p_holm, p_bh, nonparametric_pvalue, es_name, es, es_ci_low,
        es_ci_high, es_ci_method, mde, suppressed``; ``attrs["design"]`` holds
        the :class:`DesignChoice`.

    Examples
    --------
    >>> from evaluation.simulate import simulate_round
    >>> from evaluation.data.responses import read_responses
    >>> b = read_responses(simulate_round("dual_maturity", n=60, seed=1).data, "dual_maturity")
    >>> a = read_responses(simulate_round("dual_maturity", n=60, seed=2, level=0.5).data, "dual_maturity")
    >>> tab = workshop_effects(b, a)
    >>> tab.attrs["design"].design
    'paired'
    >>> tab.loc[tab.id == "overall", ["comparison", "test"]].values.tolist()
    [['post_pre', 'paired t']]
    """
    from evaluation.scoring import respondent_scores

    k = _min_n(min_group_size)
    _check_ci(ci)
    if before.instrument.id != after.instrument.id:
        raise ValueError(f"The before file was read with instrument '{before.instrument.id}' and the after file "
                         f"with '{after.instrument.id}'; both rounds must use the same instrument.")
    inst = after.instrument
    choice = choose_design(before, after, design=design, subject_column=subject_column,
                           group_column=group_column, cluster_column=cluster_column)
    for name, rs in (("before", before), ("after", after)):
        if len(rs.answers) < k:
            raise ValueError(f"The {name} file has {len(rs.answers)} accepted respondent(s), fewer than "
                             f"min_group_size={k}; results for so few are neither reliable nor anonymous.")
    sb, sa = respondent_scores(before), respondent_scores(after)
    ids = _score_ids(inst)
    common = [t for t in ids if sb[t[0]].notna().any() and sa[t[0]].notna().any()]
    dims = [t for t in common if t[1] == "dimension"]
    if not dims:
        empty_b = [t[0] for t in ids if t[1] == "dimension" and not sb[t[0]].notna().any()]
        empty_a = [t[0] for t in ids if t[1] == "dimension" and not sa[t[0]].notna().any()]
        raise ValueError(
            "The before and after files share no dimension with answers: "
            f"no scores before for {', '.join(empty_b) or '-'}; none after for {', '.join(empty_a) or '-'}. "
            "Check that both files are exports of the same questionnaire.")
    cb, ca = respondent_codes(before.meta, subject_column), respondent_codes(after.meta, subject_column)
    subj_b = cb if cb is not None else pd.Series(np.nan, index=sb.index, dtype=object)
    subj_a = ca if ca is not None else pd.Series(np.nan, index=sa.index, dtype=object)
    linked = choice.n_linked >= 2 and choice.design != "independent"
    if choice.design == "paired" and choice.requested == "paired":
        keep = set(subj_b.dropna()) & set(subj_a.dropna())
        mb, ma = subj_b.isin(keep).to_numpy(), subj_a.isin(keep).to_numpy()
        sb, sa, subj_b, subj_a = sb[mb], sa[ma], subj_b[mb], subj_a[ma]
    rows: list[dict] = []

    def suppressed_row(sid: str, level: str, dim: str, comparison: str, n_pre: int, n_post: int) -> dict:
        return {"id": sid, "level": level, "dimension": dim, "comparison": comparison, "design": choice.design,
                "n_pre": n_pre, "n_post": n_post, "suppressed": True}

    if choice.design in ("paired", "partially_paired", "independent"):
        for sid, level, dim in common:
            x_b, x_a = sb[sid], sa[sid]
            n1, n2 = int(x_b.notna().sum()), int(x_a.notna().sum())
            if min(n1, n2) < k:
                rows.append(suppressed_row(sid, level, dim, "post_pre", n1, n2))
                continue
            long = pd.DataFrame({
                "subject": pd.concat([subj_b, subj_a], ignore_index=True) if linked else np.nan,
                "round": [_BEFORE] * len(x_b) + [_AFTER] * len(x_a),
                "score": pd.concat([x_b, x_a], ignore_index=True)})
            res = prepost(long, score="score", time="round", subject="subject" if linked else None,
                          pre=_BEFORE, post=_AFTER, ci=ci, min_group_size=k)
            rows.append({"id": sid, "level": level, "dimension": dim, "comparison": "post_pre",
                         **_row_from_prepost(res), "suppressed": False})
    elif choice.design == "then_test":
        from evaluation.scoring import respondent_scores as _rs

        retro = retrospective_answers(after)
        st = _rs(retro, inst)
        for sid, level, dim in common:
            x_b, x_t, x_a = sb[sid], st[sid], sa[sid]
            n1, n2, nt = int(x_b.notna().sum()), int(x_a.notna().sum()), int(x_t.notna().sum())
            if min(n1, n2, nt) < k:
                for comp in ("then_pre", "post_pre", "post_then"):
                    rows.append(suppressed_row(sid, level, dim, comp, n1, n2))
                continue
            long = pd.DataFrame({
                "subject": pd.concat([subj_b, subj_a], ignore_index=True),
                "round": [_BEFORE] * len(x_b) + [_AFTER] * len(x_a),
                "pre": pd.concat([x_b, pd.Series(np.nan, index=x_a.index)], ignore_index=True),
                "then": pd.concat([pd.Series(np.nan, index=x_b.index), x_t], ignore_index=True),
                "post": pd.concat([pd.Series(np.nan, index=x_b.index), x_a], ignore_index=True)})
            tt = then_test(long, score_then="then", score_pre="pre", score_post="post", time="round",
                           subject="subject" if choice.n_linked >= 2 else None, pre=_BEFORE, post=_AFTER,
                           ci=ci, min_group_size=k)
            for comp, res in (("then_pre", tt.shift), ("post_pre", tt.effect_conventional),
                              ("post_then", tt.effect_retrospective)):
                rows.append({"id": sid, "level": level, "dimension": dim, "comparison": comp,
                             **_row_from_prepost(res), "suppressed": False})
    else:  # did
        gb = _group_indicator(before.meta[group_column], column=group_column)
        ga = _group_indicator(after.meta[group_column], column=group_column)
        clus = None
        if cluster_column:
            clus = pd.concat([respondent_codes(before.meta, cluster_column), respondent_codes(after.meta, cluster_column)],
                             ignore_index=True)
        use_subject = choice.n_linked >= 2
        method = did_method
        if method == "auto":
            method = "mixed" if (use_subject or clus is not None) else "ols"
        for sid, level, dim in common:
            y = pd.concat([sb[sid], sa[sid]], ignore_index=True)
            long = pd.DataFrame({"score": y, "round": [_BEFORE] * len(sb) + [_AFTER] * len(sa),
                                 "took_part": np.concatenate([gb, ga]).astype(int)})
            if use_subject:
                long["subject"] = pd.concat([subj_b, subj_a], ignore_index=True)
                # unlinked respondents get their own code, so nobody is dropped
                miss = long["subject"].isna()
                long.loc[miss, "subject"] = [f"_unlinked_{i}" for i in np.flatnonzero(miss)]
            if clus is not None:
                long["cluster"] = clus
            ok = long["score"].notna()
            cells = long[ok].groupby(["took_part", "round"]).size()
            n_pre = int(cells.xs(_BEFORE, level="round").sum()) if _BEFORE in cells.index.get_level_values(1) else 0
            n_post = int(cells.xs(_AFTER, level="round").sum()) if _AFTER in cells.index.get_level_values(1) else 0
            if len(cells) < 4 or cells.min() < k:
                rows.append(suppressed_row(sid, level, dim, "did", n_pre, n_post))
                continue
            res = difference_in_differences(
                long, score="score", time="round", group="took_part", pre=_BEFORE, post=_AFTER,
                cluster="cluster" if clus is not None else None,
                subject="subject" if use_subject else None,
                method=method, ci=ci, min_group_size=k, n_boot=n_boot, seed=seed)
            sd_pre = float(long.loc[ok & (long["round"] == _BEFORE), "score"].std(ddof=1))
            cm = res.cell_means.set_index(["group", "round"])["mean"]
            rows.append({
                "id": sid, "level": level, "dimension": dim, "comparison": "did", "design": "did",
                "test": f"difference in differences ({res.method}; {res.ci_method})",
                "n_pre": n_pre, "n_post": n_post, "n_pairs": choice.n_linked,
                "mean_pre": cm[("treated", "pre")], "mean_post": cm[("treated", "post")],
                "change_comparison": cm[("comparison", "post")] - cm[("comparison", "pre")],
                "diff": res.estimate, "se": res.se, "df": res.df, "ci_low": res.ci_low, "ci_high": res.ci_high,
                "pvalue": res.pvalue, "nonparametric_pvalue": np.nan, "nonparametric_test": "",
                "es_name": "d_did", "es": res.estimate / sd_pre, "es_ci_low": res.ci_low / sd_pre,
                "es_ci_high": res.ci_high / sd_pre, "es_ci_method": "interval / SD before (SD treated as known)",
                "mde": mde_from_se(res.se, res.df, alpha=1 - ci), "suppressed": False})

    cols = ["id", "level", "dimension", "comparison", "design", "test", "n_pre", "n_post", "n_pairs",
            "mean_pre", "mean_post", "diff", "se", "df", "ci_low", "ci_high", "pvalue", "p_holm", "p_bh",
            "nonparametric_pvalue", "nonparametric_test", "es_name", "es", "es_ci_low", "es_ci_high",
            "es_ci_method", "mde", "suppressed"]
    out = pd.DataFrame(rows)
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    extra = [c for c in out.columns if c not in cols]
    out = out[cols + extra]
    out["suppressed"] = out["suppressed"].astype(bool)
    for (comp, level), idx in out.groupby(["comparison", "level"]).groups.items():
        sub = out.loc[idx]
        ok = ~sub["suppressed"] & sub["pvalue"].notna()
        if ok.any():
            p = sub.loc[ok, "pvalue"].to_numpy(dtype=float)
            out.loc[sub.index[ok], "p_holm"] = multipletests(p, method="holm")[1]
            out.loc[sub.index[ok], "p_bh"] = multipletests(p, method="fdr_bh")[1]
    out.attrs["design"] = choice
    return out


def reaction_summary(feedback: Any, *, min_group_size: int = 5, ci: float = 0.95) -> pd.DataFrame:
    """Kirkpatrick level 1: the workshop-reaction items, one row per item, category and overall.

    Items: ``n`` answers, ``mean`` and t interval on the answer scale, and
    ``share_agree`` (share of answers in the top two scale steps). Categories
    and overall: mean respondent score in percent of max with a t interval
    (:func:`evaluation.scoring.group_scores`). Rows with fewer than
    ``min_group_size`` answers are suppressed (numbers NaN).
    """
    from evaluation.scoring import group_scores, mean_ci

    k = _min_n(min_group_size)
    inst = feedback.instrument
    top = inst.scale.max - 1
    rows = []
    cat_of = {it.id: it.category for it in inst.items}
    for it in inst.item_ids:
        x = feedback.answers[it].dropna()
        r = mean_ci(x, ci=ci)
        sup = r["n"] < k
        rows.append({"level": "item", "id": it, "category": cat_of[it], "n": r["n"],
                     "mean": np.nan if sup else r["mean"], "ci_low": np.nan if sup else r["ci_low"],
                     "ci_high": np.nan if sup else r["ci_high"],
                     "share_agree": np.nan if sup else float((x >= top).mean()),
                     "scale": f"{inst.scale.min}-{inst.scale.max}", "suppressed": sup})
    g = group_scores(feedback, by=None, min_group_size=k, ci=ci)
    for r in g.itertuples():
        rows.append({"level": r.level, "id": r.id, "category": r.id if r.level == "category" else "",
                     "n": r.n, "mean": r.mean, "ci_low": r.ci_low, "ci_high": r.ci_high, "share_agree": np.nan,
                     "scale": "0-100", "suppressed": bool(r.suppressed)})
    return pd.DataFrame(rows)




def paired_scores(before: Any, after: Any, *, subject_column: str = "respondent_id",
                  score: str = "overall") -> pd.DataFrame:
    """The ``score`` of respondents linked by code in both rounds: columns ``before``, ``after`` (complete pairs).

    Empty when the rounds cannot be linked. The index is the respondent code:
    for computing only, never for a report.
    """
    from evaluation.scoring import respondent_scores

    cb, ca = respondent_codes(before.meta, subject_column), respondent_codes(after.meta, subject_column)
    if cb is None or ca is None:
        return pd.DataFrame(columns=[_BEFORE, _AFTER], dtype=float)
    x = respondent_scores(before)[score].set_axis(cb.to_numpy())
    y = respondent_scores(after)[score].set_axis(ca.to_numpy())
    x, y = x[x.index.notna()], y[y.index.notna()]
    com = x.index.intersection(y.index)
    return pd.DataFrame({_BEFORE: x[com], _AFTER: y[com]}).dropna()


def reaction_change(feedback: Any, before: Any, after: Any, *, subject_column: str = "respondent_id",
                    min_n: int = 10, ci: float = 0.95) -> dict | None:
    r"""Spearman correlation between a participant's reaction (level 1) and own overall change.

    The interval is Fisher's z with the Fieller et al. (1957) variance
    :math:`1.06/(n-3)`: :math:`\tanh(\operatorname{atanh}\rho \pm z_{1-\alpha/2}\sqrt{1.06/(n-3)})`.
    None when the files cannot be linked; NaN numbers when fewer than
    ``min_n`` respondents link.
    """
    from evaluation.scoring import respondent_scores

    pairs = paired_scores(before, after, subject_column=subject_column)
    cf = respondent_codes(feedback.meta, subject_column)
    if cf is None or respondent_codes(before.meta, subject_column) is None or not len(pairs):
        return None
    change = pairs[_AFTER] - pairs[_BEFORE]
    react = respondent_scores(feedback)["overall"].set_axis(cf.to_numpy())
    react = react[react.index.notna()].dropna()
    both = change.index.intersection(react.index)
    n = len(both)
    if n < min_n:
        return {"n": n, "spearman_rho": np.nan, "ci_low": np.nan, "ci_high": np.nan, "pvalue": np.nan}
    rho, p = stats.spearmanr(react[both], change[both])
    z = np.arctanh(rho)
    h = stats.norm.ppf(0.5 + ci / 2) * np.sqrt(1.06 / (n - 3))
    return {"n": n, "spearman_rho": float(rho), "ci_low": float(np.tanh(z - h)), "ci_high": float(np.tanh(z + h)),
            "pvalue": float(p)}


def planning(before: Any, after: Any, *, subject_column: str = "respondent_id",
             sizes: Sequence[int] = (10, 20, 40, 80, 160)) -> pd.DataFrame:
    """What the next round can detect: :func:`~evaluation.stats.power.minimum_detectable_effect` per size.

    With the spread of the overall score now (``sd``, mean of the two rounds'
    SDs) for independent groups, and with the observed before-after
    correlation ``r`` for a paired design (when at least 3 respondents link).
    """
    from evaluation.scoring import respondent_scores

    sb, sa = respondent_scores(before)["overall"], respondent_scores(after)["overall"]
    sd = float(np.nanmean([sb.std(ddof=1), sa.std(ddof=1)]))
    pairs = paired_scores(before, after, subject_column=subject_column)
    r_obs = float(pairs[_BEFORE].corr(pairs[_AFTER])) if len(pairs) >= 3 else np.nan
    rows = []
    for n in sizes:
        row = {"n": n, "sd": sd, "r": r_obs,
               "mde_independent": minimum_detectable_effect(n=n, design="independent", sd=sd)}
        row["mde_paired"] = (minimum_detectable_effect(n=n, design="paired", sd=sd,
                                                       r=float(np.clip(r_obs, -0.99, 0.99)))
                             if np.isfinite(r_obs) else np.nan)
        rows.append(row)
    return pd.DataFrame(rows)


def invariance_across_rounds(before: Any, after: Any, *, level: str = "dimension",
                             min_n: int = 100) -> tuple[pd.DataFrame | None, str]:
    """Did the survey measure the same thing before and after? Measurement invariance across the rounds.

    Fits the instrument's CFA (one factor per dimension or category, its items
    as indicators) in both rounds with :func:`evaluation.stats.structure.measurement_invariance`
    (configural, metric, scalar; Chen 2007 cut-offs). Scalar invariance is
    what a comparison of means before/after needs. With fewer than ``min_n``
    respondents in a round the test is not run (a CFA with that little data
    says little). When the same people answered both rounds the two groups are
    not independent; the test is then approximate.

    Returns
    -------
    (table or None, code)
        ``code`` is ``too_few`` (not tested), ``scalar_holds`` or ``scalar_not_shown``.
    """
    from evaluation.stats.structure import measurement_invariance

    nb, na = len(before.answers), len(after.answers)
    if min(nb, na) < min_n:
        return None, "too_few"
    inst = after.instrument
    groups = inst.dimension_items() if level == "dimension" else inst.category_items()
    model = "\n".join(f"{f} =~ " + " + ".join(v) for f, v in groups.items() if len(v) >= 2)
    data = pd.concat([before.scored(), after.scored()], ignore_index=True)
    data["round"] = [_BEFORE] * nb + [_AFTER] * na
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tab = measurement_invariance(data, model, "round", missing="listwise")
    verdict = dict(zip(tab.index, tab["verdict"]))
    return tab, ("scalar_holds" if verdict.get("scalar") == "holds" else "scalar_not_shown")


#: quartiles of a round (or group) are published from ``QUANTILE_MIN_FACTOR x min_group_size`` answers
QUANTILE_MIN_FACTOR = 4


def round_summary(before: Any, after: Any, *, score: str = "overall", group_column: str = "",
                  min_group_size: int = 5, ci: float = 0.95) -> pd.DataFrame:
    """Aggregates of a score per round (and per group for difference in differences), never single answers.

    One row per ``round`` (``before``/``after``) × ``group`` (``all``, or
    ``treated``/``comparison``): ``n``, ``mean`` with a t interval, quartiles
    ``q1``, ``median``, ``q3``; rows with fewer than ``min_group_size``
    answers have ``suppressed=True`` and no numbers, and the quartiles need
    :data:`QUANTILE_MIN_FACTOR` × ``min_group_size`` answers (a small group's
    quartiles are its members' own scores).
    """
    from evaluation.scoring import mean_ci, respondent_scores

    k = _min_n(min_group_size)
    rows = []
    for rnd, rs in ((_BEFORE, before), (_AFTER, after)):
        s = respondent_scores(rs)[score]
        parts = [("all", s)]
        if group_column:
            g = _group_indicator(rs.meta[group_column], column=group_column)
            parts = [("comparison", s[~g]), ("treated", s[g])]
        for group, x in parts:
            x = x.dropna()
            r = mean_ci(x, ci=ci)
            sup = len(x) < k
            # quartiles of a small group are single people's scores (n = 5: the 2nd, 3rd and 4th), and with
            # the mean and its interval they give the other two as well: shown from 4 x min_group_size only
            q = (np.nan,) * 3 if len(x) < QUANTILE_MIN_FACTOR * k else \
                tuple(np.quantile(x.to_numpy(), [0.25, 0.5, 0.75]))
            rows.append({"round": rnd, "group": group, "n": len(x), "mean": np.nan if sup else r["mean"],
                         "ci_low": np.nan if sup else r["ci_low"], "ci_high": np.nan if sup else r["ci_high"],
                         "q1": q[0], "median": q[1], "q3": q[2], "suppressed": sup})
    return pd.DataFrame(rows)
