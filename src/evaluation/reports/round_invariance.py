r"""Do the questions mean the same in both rounds? Ordinal invariance in the round report's change section.

With a previous round, :func:`change_invariance` fits the configural, metric
and scalar ordinal (WLSMV) invariance models of each dimension across the two
rounds, reusing the psychometrics report's
:func:`evaluation.reports.psychometrics_research.invariance_section` (which
calls :func:`evaluation.stats.ordinal_invariance.ordinal_invariance`, checked
against lavaan). A step fails when its scaled difference test (Satorra 2000)
has :math:`p < 0.05` (:data:`evaluation.criteria.INVARIANCE_P`); when the
metric or scalar step fails, the univariate score tests of the scalar model
(Bentler 1990; lavaan's ``lavTestScore``) name the items whose loading or
thresholds to free, at most three per dimension with :math:`p < 0.05`.

:func:`invariance_blocks` turns the language-free result into the change
section's words: one sentence when invariance holds; the subsection
"Frågor som kan ha bytt betydelse" naming the questions (their text, not ids)
when it fails; one sentence saying why when it could not be fitted (too few
respondents per round, answer categories missing, no convergence). Nothing
here raises on data: a failure becomes a reason. The fit runs with one BLAS thread
(its matrices are small; on the Solvik sample that cut it from about 5 s to about 1.3 s on two busy cores).

Privacy: the models are fitted on the organisation's respondents of each round
(each round needs ``max(min_group_size, 100)`` complete answers,
:data:`evaluation.criteria.WLSMV_MIN_N`); only the verdict, the p value of the
failing step and item ids are published, no unit or role figure.

References
----------
Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of moment structures.
Bentler, P. M. (1990). Fit indexes, Lagrange multipliers, constraint changes and incomplete data in
structural models. *Multivariate Behavioral Research* 25, 163-172.
Wu, H. & Estabrook, R. (2016). Identification of confirmatory factor analysis models of different levels
of invariance for ordered categorical outcomes. *Psychometrika* 81, 1014-1045.

Examples
--------
>>> from evaluation.simulate import simulate_round
>>> from evaluation.data.responses import read_responses
>>> a = read_responses(simulate_round("dual_maturity", n=40, seed=1).data, "dual_maturity")
>>> b = read_responses(simulate_round("dual_maturity", n=40, seed=2).data, "dual_maturity")
>>> inv = change_invariance(a, b)
>>> inv["status"], inv["not_fitted"][0]["code"]
('not_fitted', 'small_rounds')
>>> print(invariance_blocks(inv, a.instrument, language="en")[0])  # doctest: +ELLIPSIS
Whether the questions measure the same thing in both rounds could not be tested for Digital capability and Digital legacy: the test needs at least 100 respondents per round ...
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

import evaluation.text.round_invariance  # noqa: F401  (registers the round.inv.* messages)
from evaluation import criteria as cr
from evaluation.privacy import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from evaluation.reports.base import escape_md
from evaluation.text import fmt, t
from evaluation.text.format import check_language
from evaluation.text.round_invariance import MARK

__all__ = ["change_invariance", "invariance_blocks", "marked_areas", "MARK"]

#: the two rounds' labels inside the model (language-free; never printed)
_PREVIOUS, _CURRENT = "1_previous", "2_current"


def change_invariance(previous: Any, current: Any, *, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> dict:
    """Ordinal measurement invariance of each dimension between two rounds (ResponseSets of one instrument).

    Returns
    -------
    dict
        Language-free, for ``results.json["change"]["invariance"]``:
        ``status`` (``holds``: every fitted dimension holds scalar invariance; ``fails``: some dimension
        fails the metric or scalar step; ``not_fitted``: no dimension could be fitted), ``alpha``,
        ``min_n_per_round``, ``dimensions`` (one record per fitted dimension: ``dimension``, ``verdict``,
        ``fails_at``, ``p`` of the failing step, else of the scalar step, ``items_to_free``,
        ``left_out_items``), ``not_fitted`` (``dimension``, ``code`` and the reason's fields), ``items``
        (the questions the score tests point to, instrument order) and ``categories`` (their areas).
    """
    k = check_min_group_size(min_group_size)
    need = int(max(k, cr.WLSMV_MIN_N.value))
    out: dict[str, Any] = {"status": "not_fitted", "method": "ordinal_wlsmv", "alpha": cr.INVARIANCE_P.value,
                           "min_n_per_round": need, "dimensions": [], "not_fitted": [], "items": [],
                           "categories": []}
    try:
        from evaluation.reports.psychometrics_research import invariance_section, research_frame

        inst = current.instrument
        model = inst.dimension_items()
        items = inst.item_ids
        data = pd.concat([research_frame(previous)[items].assign(round=_PREVIOUS),
                          research_frame(current)[items].assign(round=_CURRENT)], ignore_index=True)
        from evaluation.stats.sem_input import _threadpool_limits

        with _threadpool_limits(limits=1):  # small matrices: BLAS threads cost more than they save
            sec = invariance_section(data, model, min_group_size=k, language="en")
    except Exception as exc:  # the report must come out; say why this part is missing
        out["not_fitted"].append({"dimension": None, "code": "error", "detail": f"{exc.__class__.__name__}: {exc}"})
        return out
    models = sec.tables.get("models")
    for d in sec.results.get("dimensions", []):
        step = d["fails_at"] or "scalar"
        p = None
        if models is not None:
            hit = models[(models["dimension"] == d["dimension"]) & (models["model"] == step)]
            p = float(hit["p_diff"].iloc[0]) if len(hit) else None
        out["dimensions"].append({"dimension": d["dimension"], "verdict": d["verdict"], "fails_at": d["fails_at"],
                                  "p": p, "items_to_free": list(d["items_to_free"]),
                                  "left_out_items": list(d["left_out_items"])})
    for r in sec.reasons:
        entry = {"dimension": r.get("dimension"), "code": r["code"]}
        entry.update({key: v for key, v in r.items() if key in ("need", "n", "detail")})
        out["not_fitted"].append(entry)
    if sec.status == "skipped" and not sec.reasons:  # e.g. no round column: cannot happen here, but say so
        out["not_fitted"].append({"dimension": None, "code": "error", "detail": "skipped"})
    fitted = out["dimensions"]
    if fitted:
        out["status"] = "fails" if any(d["verdict"] == "fails" for d in fitted) else "holds"
    named = {i for d in fitted for i in d["items_to_free"]}
    out["items"] = [i for i in items if i in named]
    cat_of = {it.id: it.category for it in inst.items}
    out["categories"] = list(dict.fromkeys(cat_of[i] for i in out["items"]))
    return out


def marked_areas(invariance: Mapping[str, Any] | None) -> set:
    """The change-table rows to mark with † : the categories holding a question that may have changed meaning."""
    if not invariance or invariance.get("status") != "fails":
        return set()
    return set(invariance.get("categories") or ())


def _p(p: Any, L: str) -> str:
    """``p = 0,154`` or ``p < 0,001`` (the kit's formatter gives the number or ``< 0,001``)."""
    s = fmt.pvalue(p, L)
    return f"p {s}" if s.startswith("<") else f"p = {s}"


def _dims(records: list, instrument: Any, L: str, key: str) -> str:
    parts = []
    for d in records:
        fields = {"dim": escape_md(instrument.name_of(d["dimension"], L)), "p": _p(d.get("p"), L)}
        if key == "round.inv.fails_dim":
            fields["level"] = t(f"round.inv.{d['fails_at']}", L)
        parts.append(t(key, L, **fields))
    return "; ".join(parts)


def invariance_blocks(invariance: Mapping[str, Any] | None, instrument: Any, *, language: str = "sv") -> list[str]:
    """The change section's invariance words (markdown blocks) in ``language``; ``[]`` without a result.

    Holds: one sentence. Fails: the subsection heading, the sentence naming the failing step, the
    questions (text and area) and the sentence that the change of the areas marked † should be read
    with care. Not fitted: one sentence per dimension saying why.
    """
    L = check_language(language)
    if not invariance:
        return []
    blocks: list[str] = []
    fitted = invariance.get("dimensions") or []
    holding = [d for d in fitted if d["verdict"] == "holds"]
    failing = [d for d in fitted if d["verdict"] == "fails"]
    if failing:
        blocks.append(f"### {t('round.inv.heading', L)}")
        blocks.append(t("round.inv.fails", L, dims=_dims(failing, instrument, L, "round.inv.fails_dim")))
        names = {it.id: it for it in instrument.items}
        lines = [f"- {t('round.inv.item', L, question=escape_md(instrument.name_of(i, L)), area=escape_md(instrument.name_of(names[i].category, L)))}"
                 for i in invariance.get("items") or [] if i in names]
        if lines:
            blocks.append("\n".join(lines))
            blocks.append(t("round.inv.care", L, mark=MARK))
        else:
            areas = ", ".join(escape_md(instrument.name_of(d["dimension"], L)) for d in failing)
            blocks.append(t("round.inv.fails_none", L, dims=areas))
        if holding:
            blocks.append(t("round.inv.holds", L, dims=_dims(holding, instrument, L, "round.inv.holds_dim")))
    elif holding:
        blocks.append(t("round.inv.holds", L, dims=_dims(holding, instrument, L, "round.inv.holds_dim")))
    n_left = sum(len(d.get("left_out_items") or ()) for d in fitted)
    if n_left:
        blocks.append(t("round.inv.left_out", L, n=fmt.integer(n_left, L)))
    same: dict[tuple, list[str]] = {}  # dimensions with the same reason share one sentence
    for r in invariance.get("not_fitted") or []:
        code = r.get("code")
        if code in ("small_rounds", "too_few_items", "fit_failed") and r.get("dimension"):
            key = (code, r.get("need"), r.get("n"))
            same.setdefault(key, []).append(escape_md(instrument.name_of(r["dimension"], L)))
        else:
            blocks.append(t("round.inv.reason.error", L, detail=escape_md(r.get("detail") or code)))
    for (code, need, n), dims in same.items():
        dim = dims[0] if len(dims) == 1 else ", ".join(dims[:-1]) + t("round.inv.and", L) + dims[-1]
        blocks.append(t(f"round.inv.reason.{code}", L, dim=dim, need=fmt.integer(need, L), n=fmt.integer(n, L)))
    return blocks
