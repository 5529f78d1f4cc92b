"""Which questions are hard to understand: the empirical signals of each item.

Part of the comprehension review (the kit's signature feature; overview in
:mod:`evaluation.text.comprehension`). :func:`item_signals` gives per item the
don't-know and skip rates with Wilson confidence intervals, break-off
position, corrected item-total correlation (``r_drop``), floor/ceiling
shares, deviant item difficulty and, when the export has them, response
times per item and per word. :class:`Thresholds` holds every decision rule of
the review with its source; :func:`evaluation.stats.comprehension_flags.comprehension_flags`
applies them. The comprehension gradient is in :mod:`evaluation.stats.gradient`,
DIF in :mod:`evaluation.stats.dif`, the text signals in
:mod:`evaluation.stats.readability`.

References
----------
Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.).
Streiner, D. L., Norman, G. R., & Cairney, J. (2015). *Health Measurement
    Scales* (5th ed.). Oxford University Press.
Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. *JASA*, 22(158), 209-212.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.readability import _words

__all__ = ["Thresholds", "FLAG_LEVELS", "wilson_ci", "item_signals"]

FLAG_LEVELS = ("ok", "review", "revise")
"""Flag levels in increasing order of concern."""

_LEVEL = {name: i for i, name in enumerate(FLAG_LEVELS)}


# --------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    """Decision rules of :func:`~evaluation.stats.comprehension_flags.comprehension_flags`, with their sources.

    Every empirical rule gives ``review`` or ``revise``; text rules give at
    most ``review``.  The item flag is ``revise`` when an empirical rule says
    ``revise``, when at least ``revise_min_empirical`` empirical rules agree,
    or when an empirical ``review`` coincides with a text ``review`` (the data
    and the wording point the same way); otherwise the highest level met.

    Parameters
    ----------
    dk_rate_min : float, default 0.10
        Don't-know rate above which an item is noticeable at all.  A rule of
        thumb chosen for this kit, not a published cut-off: one respondent in
        ten unable to answer is a practical problem for a category score.
        QAS-99 codes the question problems that produce such non-response
        (Willis & Lessler 1999; on item non-response see de Leeuw, Hox &
        Huisman 2003).
    dk_rate_ratio : float, default 2.0
        ...and it must exceed this multiple of the median rate of the *other*
        items, and the Wilson lower bound must exceed that median: the item
        stands out from the instrument, not just from a lenient population.
    skip_rate_min, skip_rate_ratio : float, default 0.05, 2.0
        The same rule for skips (blanks before the respondent's last
        response, among respondents who reached the item; break-off has its
        own rule); skipping is rarer than don't know in closed
        questionnaires, so the floor is lower.
    gradient_alpha : float, default 0.05
        Family-wise (Holm) or false-discovery (BH) level for the
        comprehension-gradient test over items.
    gradient_or_min : float, default 1.5
        Smallest odds ratio per SD lower maturity worth reporting; 1.5 is just
        below what Chen, Cohen & Chen (2010) equate with a small effect
        (OR 1.68 ≈ Cohen's d = 0.2).
    r_drop_review, r_drop_revise : float, default 0.30, 0.10
        Corrected item-total correlation below 0.30 means the item measures
        the construct weakly; 0.30 is the usual lower bound (Nunnally &
        Bernstein 1994; Streiner, Norman & Cairney 2015 discuss cut-offs of
        0.20-0.30).  Below 0.10, or negative, the item essentially measures
        something else -- often because it is misread (e.g. a missed
        negation) -- so revise.
    breakoff_min : float, default 0.05
        Share of respondents who abandon the questionnaire *at* this item
        (their last response was the previous item and everything after is
        blank).  A rule of thumb: in a round with a few per cent break-off
        overall, one item that loses 5 % of respondents stands out; Peytchev
        (2009) relates break-off to burdensome question features.
    floor_ceiling_max : float, default 0.50
        Share at the lowest or highest scale point above which the item can
        hardly discriminate.  Terwee et al. (2007) use 15 % for *scale*
        scores; single 6-point items routinely exceed that, so half of the
        respondents is used for items.
    difficulty_z : float, default 2.5
        The item mean compared with the other items of its category, in units
        of the spread of such differences across the instrument: an item
        much easier or harder than its siblings may be understood differently.
        2.5 keeps the expected false alarms below one item per instrument.
    time_ratio : float, default 2.0
        Median seconds per word relative to the instrument's median item;
        twice as slow per word suggests re-reading (Bassili & Scott 1996;
        Yan & Tourangeau 2008 link response latency to question complexity).
    min_events : int, default 5
        Fewest "don't know or skipped" answers (and fewest answers) needed to
        fit the gradient logistic regression; below this it is not estimated.
    dif_r2_change : float, default 0.02
        McFadden pseudo-R² change from the rest-score model to the model with
        group and group × rest that lordif labels "important" DIF (Choi,
        Gibbons & Crane 2011; used by COSMIN-reviewed studies).
    dif_alpha : float, default 0.01
        Likelihood-ratio significance level for DIF (lordif's default alpha),
        applied after Holm correction over items; an item is flagged only if
        both the R² change and the test agree.
    dif_min_group_n : int, default 20
        Groups with fewer answering respondents are left out of the DIF model
        (too few to estimate group thresholds; also protects small groups).
    lix_review : float, default 50.0
        LIX above 50 is "hard" (50-60) or "very hard" (> 60) text in
        Björnsson's (1968) bands; applied to Swedish and English text alike.
    lix_min_words : int, default 15
        LIX is a measure of running text (Björnsson built it on passages of
        hundreds of words); on one short sentence two or three long words
        decide it ("Våra IT-system fungerar stabilt i det dagliga arbetet."
        scores 70). An item shorter than this is not flagged for LIX.
    max_words : int, default 25
        Items longer than this are hard to keep in working memory; QAS-99
        codes "too long", and common guidance is to keep questions under
        about 20-25 words (Oppenheim 1992; Dillman, Smyth & Christian 2014).
    revise_min_empirical : int, default 2
        Number of distinct empirical rules at ``review`` that together make
        ``revise``.
    """

    dk_rate_min: float = 0.10
    dk_rate_ratio: float = 2.0
    skip_rate_min: float = 0.05
    skip_rate_ratio: float = 2.0
    gradient_alpha: float = 0.05
    gradient_or_min: float = 1.5
    r_drop_review: float = 0.30
    r_drop_revise: float = 0.10
    breakoff_min: float = 0.05
    floor_ceiling_max: float = 0.50
    difficulty_z: float = 2.5
    time_ratio: float = 2.0
    min_events: int = 5
    dif_r2_change: float = 0.02
    dif_alpha: float = 0.01
    dif_min_group_n: int = 20
    lix_review: float = 50.0
    lix_min_words: int = 15
    max_words: int = 25
    revise_min_empirical: int = 2

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise ValueError(
                    f"Thresholds.{f.name} must be a finite number, got {value!r}."
                )
        for name in ("gradient_alpha", "dif_alpha"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"Thresholds.{name} must lie between 0 and 1, got {getattr(self, name)!r}.")
        if self.r_drop_revise > self.r_drop_review:
            raise ValueError(
                "Thresholds.r_drop_revise must not exceed r_drop_review "
                f"({self.r_drop_revise} > {self.r_drop_review})."
            )

    def to_frame(self) -> pd.DataFrame:
        """The thresholds as a two-column table (``parameter``, ``value``).

        >>> float(Thresholds().to_frame().set_index("parameter").loc["lix_review", "value"])
        50.0
        """
        return pd.DataFrame(
            {"parameter": [f.name for f in fields(self)],
             "value": [getattr(self, f.name) for f in fields(self)]}
        )


# --------------------------------------------------------------------------
# Small statistics
# --------------------------------------------------------------------------
def wilson_ci(k, n, *, confidence: float = 0.95):
    """Wilson score interval for a binomial proportion.

    .. math::
        \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    Works element-wise on arrays; ``n == 0`` gives NaN.

    Parameters
    ----------
    k, n : array-like
        Successes and trials.
    confidence : float
        Two-sided coverage.

    Returns
    -------
    (low, high) : tuple of numpy arrays (or floats for scalar input)

    References
    ----------
    Wilson, E. B. (1927). *JASA*, 22, 209-212.

    Examples
    --------
    >>> low, high = wilson_ci(12, 40)
    >>> round(float(low), 4), round(float(high), 4)
    (0.1807, 0.4543)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence!r}.")
    k_arr = np.asarray(k, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    if np.any(k_arr < 0) or np.any(k_arr > n_arr):
        raise ValueError("wilson_ci needs 0 <= k <= n for every proportion.")
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k_arr / n_arr
        denom = 1 + z**2 / n_arr
        centre = (p + z**2 / (2 * n_arr)) / denom
        half = z * np.sqrt(p * (1 - p) / n_arr + z**2 / (4 * n_arr**2)) / denom
        low = np.where(n_arr > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n_arr > 0, np.clip(centre + half, 0, 1), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


# --------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Data:
    scored: pd.DataFrame
    dont_know: pd.DataFrame
    skipped: pd.DataFrame
    meta: pd.DataFrame | None
    timings: pd.DataFrame | None
    instrument: Any
    scale_min: float
    scale_max: float
    dimension_of: dict
    category_of: dict


def _prepare(responses, instrument=None, *, dont_know=None, skipped=None) -> _Data:
    if isinstance(responses, _Data):
        return responses
    if hasattr(responses, "scored") and hasattr(responses, "dont_know"):
        rs = responses
        scored = rs.scored().astype(float)
        dk = rs.dont_know.reindex(index=scored.index, columns=scored.columns).fillna(False).astype(bool)
        sk = rs.skipped.reindex(index=scored.index, columns=scored.columns).fillna(False).astype(bool)
        meta = getattr(rs, "meta", None)
        timings = getattr(rs, "timings", None)
        if instrument is None:
            instrument = getattr(rs, "instrument", None)
    elif isinstance(responses, pd.DataFrame):
        scored = responses.apply(pd.to_numeric, errors="coerce").astype(float)
        meta, timings = None, None
        if dont_know is None and skipped is None:
            dk = pd.DataFrame(False, index=scored.index, columns=scored.columns)
            sk = scored.isna()
        else:
            dk = (dont_know if dont_know is not None else pd.DataFrame(False, index=scored.index, columns=scored.columns))
            dk = dk.reindex(index=scored.index, columns=scored.columns).fillna(False).astype(bool)
            sk = (skipped if skipped is not None else (scored.isna() & ~dk))
            sk = sk.reindex(index=scored.index, columns=scored.columns).fillna(False).astype(bool)
    else:
        raise TypeError(
            "responses must be a ResponseSet (from evaluation.data.responses.read_responses) "
            f"or a DataFrame of item scores, got {type(responses).__name__}."
        )
    if scored.shape[1] < 2:
        raise ValueError("Comprehension diagnostics need at least two items; the data has "
                         f"{scored.shape[1]} item column(s).")
    if scored.shape[0] < 2:
        raise ValueError("Comprehension diagnostics need at least two respondents.")
    dimension_of: dict = {}
    category_of: dict = {}
    smin = smax = None
    if instrument is not None:
        for item in getattr(instrument, "items", ()):
            dimension_of[item.id] = getattr(item, "dimension", None)
            category_of[item.id] = getattr(item, "category", None)
        scale = getattr(instrument, "scale", None)
        if scale is not None:
            smin, smax = float(scale.min), float(scale.max)
        missing = [c for c in scored.columns if c not in dimension_of]
        if dimension_of and missing:
            raise ValueError(
                f"Columns {missing} are not items of instrument {getattr(instrument, 'id', '?')!r}; "
                "pass only the item columns or the matching instrument."
            )
    if smin is None:
        smin, smax = float(np.nanmin(scored.values)), float(np.nanmax(scored.values))
    for c in scored.columns:
        dimension_of.setdefault(c, "all")
        category_of.setdefault(c, dimension_of[c])
    if timings is not None:
        timings = timings.reindex(index=scored.index).apply(pd.to_numeric, errors="coerce")
    return _Data(scored, dk, sk, meta, timings, instrument, smin, smax, dimension_of, category_of)


def _group_series(data: _Data, group) -> pd.Series | None:
    if group is None:
        return None
    if isinstance(group, str):
        if data.meta is None or group not in data.meta.columns:
            have = [] if data.meta is None else list(data.meta.columns)
            raise ValueError(
                f"group={group!r} is not a metadata column of the responses (have {have}); "
                "pass 'role', 'unit' or a Series with one value per respondent."
            )
        g = data.meta[group]
    else:
        g = pd.Series(group)
        if len(g) != len(data.scored):
            raise ValueError(f"group has {len(g)} values but there are {len(data.scored)} respondents.")
        g.index = data.scored.index
    return g.reindex(data.scored.index)


def _rest_means(scored: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Per respondent and item: mean of the answered OTHER items (in ``columns``)."""
    cols = list(columns) if columns is not None else list(scored.columns)
    block = scored[cols]
    total = block.sum(axis=1, min_count=1).fillna(0.0)
    count = block.notna().sum(axis=1)
    out = {}
    for c in scored.columns:
        own = scored[c]
        if c in cols:
            s = total - own.fillna(0.0)
            n = count - own.notna().astype(int)
        else:
            s, n = total, count
        out[c] = (s / n.replace(0, np.nan)).astype(float)
    return pd.DataFrame(out, index=scored.index)


# --------------------------------------------------------------------------
# Empirical signals
# --------------------------------------------------------------------------
def _trailing_blanks(answered: pd.DataFrame, dk: pd.DataFrame) -> pd.DataFrame:
    """True where the cell comes after the respondent's last response (answer or don't know)."""
    responded = (answered | dk).to_numpy()
    n_items = responded.shape[1]
    last = np.where(responded.any(axis=1), n_items - 1 - responded[:, ::-1].argmax(axis=1), -1)
    mask = np.arange(n_items)[None, :] > last[:, None]
    return pd.DataFrame(mask, index=answered.index, columns=answered.columns)


def _breakoff(answered: pd.DataFrame, dk: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Break-off: last item with any response (answer or don't know), all blank after."""
    responded = (answered | dk).to_numpy()
    n_items = responded.shape[1]
    any_resp = responded.any(axis=1)
    # index of last responded item per row
    rev = responded[:, ::-1]
    last = n_items - 1 - rev.argmax(axis=1)
    broke = any_resp & (last < n_items - 1)
    after = np.zeros(n_items)
    at = np.zeros(n_items)
    n = responded.shape[0]
    for pos in last[broke]:
        after[pos] += 1
        at[pos + 1] += 1
    return (pd.Series(after / n, index=answered.columns),
            pd.Series(at / n, index=answered.columns))


def item_signals(responses, instrument=None, *, dont_know=None, skipped=None,
                 scale_by: str = "dimension", confidence: float = 0.95) -> pd.DataFrame:
    """Per-item empirical signals of comprehension problems.

    Columns (index: item id, name ``item``):

    * ``n`` respondents; ``n_answered`` scale answers;
    * ``dk_rate`` = don't know / n with Wilson CI ``dk_ci_low``/``dk_ci_high``,
      and ``dk_rate_others`` = median don't-know rate of the other items;
    * ``skip_rate`` = skipped / ``n_reached`` with Wilson CI and
      ``skip_rate_others``, where a skip is a blank *before* the
      respondent's last response and ``n_reached`` counts respondents who had
      not yet abandoned the questionnaire at this item; blanks after the last
      response are break-off, counted by ``breakoff_*`` (otherwise late items
      would look skipped because of break-off earlier); ``blank_rate`` =
      all blanks / n;
    * ``breakoff_after`` = share of respondents whose last response (answer or
      don't know) is this item with everything after blank; ``breakoff_at`` =
      share who abandoned *at* this item (their last response was the
      previous item) -- the item they saw and did not answer;
    * ``r_drop`` = corrected item-total correlation: Pearson r between the
      item score and the mean of the respondent's other answered items in the
      same ``scale_by`` group (dimension by default), pairwise complete;
    * ``floor``, ``ceiling`` = share of answers at the scale minimum/maximum
      (reverse-keyed scores);
    * ``mean`` item score and ``difficulty_z`` = :math:`d_j / (1.4826\,
      \operatorname{median}_k |d_k|)` with :math:`d_j` = item mean minus the
      median of the means of the other items of its category: a robust z
      (median absolute deviation), so one deviant item neither hides itself
      nor pushes its siblings;
    * when ``timings`` exist: ``time_median`` (s), ``n_words`` of the item's
      Swedish text (or English when Swedish is absent), ``time_per_word`` and
      ``time_ratio`` = time per word / median over items.

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        A ResponseSet (uses ``scored()``, ``dont_know``, ``skipped``,
        ``timings``), or a DataFrame of reverse-keyed item scores with NaN
        where not answered; then pass ``dont_know`` (bool frame) and
        optionally ``skipped``; without either, every NaN counts as skipped.
    instrument : Instrument, optional
        Defaults to ``responses.instrument``; gives dimensions, categories,
        scale bounds and texts.  Without it all items form one scale and the
        scale bounds are the observed minimum and maximum.
    scale_by : {"dimension", "category", "instrument"}
        Which items make the rest score for ``r_drop``.
    confidence : float
        Coverage of the Wilson intervals.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> theta = rng.normal(size=200)
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(size=200)), 1, 6)
    ...                    for i in range(4)})
    >>> df["q3"] = 7 - df["q3"]                      # measures the opposite
    >>> sig = item_signals(df)
    >>> bool(sig.loc["q3", "r_drop"] < 0 < sig.loc["q0", "r_drop"])
    True
    """
    if scale_by not in ("dimension", "category", "instrument"):
        raise ValueError(f"scale_by must be 'dimension', 'category' or 'instrument', got {scale_by!r}.")
    data = _prepare(responses, instrument, dont_know=dont_know, skipped=skipped)
    scored, dk, sk = data.scored, data.dont_know, data.skipped
    items = list(scored.columns)
    n = len(scored)
    answered = scored.notna()
    out = pd.DataFrame(index=pd.Index(items, name="item"))
    out["dimension"] = [data.dimension_of[c] for c in items]
    out["category"] = [data.category_of[c] for c in items]
    out["n"] = n
    out["n_answered"] = answered.sum().astype(int)
    trailing = _trailing_blanks(answered, dk)
    reached = (~trailing).sum().to_numpy(dtype=float)
    out["n_reached"] = reached.astype(int)
    out["blank_rate"] = sk.sum().to_numpy(dtype=float) / n
    for key, mask in (("dk", dk), ("skip", sk & ~trailing)):
        k = mask.sum().to_numpy(dtype=float)
        denom = np.full_like(k, n) if key == "dk" else reached
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(denom > 0, k / np.maximum(denom, 1), np.nan)
        low, high = wilson_ci(k, denom, confidence=confidence)
        name = "dk_rate" if key == "dk" else "skip_rate"
        out[name] = rate
        out[f"{key}_ci_low"] = low
        out[f"{key}_ci_high"] = high
        others = [float(np.nanmedian(np.delete(rate, i))) for i in range(len(items))]
        out[f"{name}_others"] = others
    after, at = _breakoff(answered, dk)
    out["breakoff_after"] = after
    out["breakoff_at"] = at
    # corrected item-total r
    if scale_by == "instrument":
        groups = {c: "all" for c in items}
    elif scale_by == "dimension":
        groups = data.dimension_of
    else:
        groups = data.category_of
    r = {}
    for g in dict.fromkeys(groups[c] for c in items):
        cols = [c for c in items if groups[c] == g]
        if len(cols) < 2:
            for c in cols:
                r[c] = float("nan")
            continue
        rest = _rest_means(scored[cols])
        for c in cols:
            ok = scored[c].notna() & rest[c].notna()
            x, y = scored.loc[ok, c].to_numpy(), rest.loc[ok, c].to_numpy()
            if ok.sum() < 3 or np.std(x) == 0 or np.std(y) == 0:
                r[c] = float("nan")
            else:
                r[c] = float(np.corrcoef(x, y)[0, 1])
    out["r_drop"] = pd.Series(r)
    with np.errstate(invalid="ignore", divide="ignore"):
        na = out["n_answered"].replace(0, np.nan)
        out["floor"] = (scored == data.scale_min).sum() / na
        out["ceiling"] = (scored == data.scale_max).sum() / na
    means = scored.mean()
    out["mean"] = means
    diff = {}
    for c in items:
        sib = [s for s in items if data.category_of[s] == data.category_of[c] and s != c]
        if not sib:
            sib = [s for s in items if data.dimension_of[s] == data.dimension_of[c] and s != c]
        if not sib:
            sib = [s for s in items if s != c]
        diff[c] = means[c] - float(np.nanmedian(means[sib]))
    diff = pd.Series(diff, dtype=float)
    spread = 1.4826 * float(np.nanmedian(np.abs(diff)))
    if not spread > 0:
        spread = float(diff.std())
    out["difficulty_z"] = diff / spread if spread > 0 else np.nan
    if data.timings is not None:
        t = data.timings.reindex(columns=items)
        med = t.where(answered | dk).median()
        words = []
        for c in items:
            txt = ""
            inst = data.instrument
            if inst is not None and hasattr(inst, "item"):
                try:
                    texts = inst.item(c).text or {}
                    txt = texts.get("sv") or texts.get("en") or ""
                except Exception:  # pragma: no cover - unknown item
                    txt = ""
            words.append(len(_words(txt)) if txt else np.nan)
        out["time_median"] = med
        out["n_words"] = words
        with np.errstate(invalid="ignore", divide="ignore"):
            tpw = out["time_median"] / out["n_words"]
        if tpw.notna().sum() == 0:
            tpw = out["time_median"]  # no texts: compare raw times
        out["time_per_word"] = tpw
        out["time_ratio"] = tpw / float(np.nanmedian(tpw)) if tpw.notna().any() else np.nan
    return out
