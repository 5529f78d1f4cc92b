"""The round report's tables, display-ready: headers and values in the report language, numbers
through :mod:`evaluation.text.format` (decimal comma, U+2212 minus), no index, no ids, no codes.

They read what :func:`evaluation.reports.round.analyse_round` returns and format it; a hidden
(suppressed) value arrives as NaN/None and is shown as "–", never recomputed.

>>> import pandas as pd
>>> change_frame(pd.DataFrame({"level": ["overall"], "mean_prev": [52.1], "mean_cur": [54.5], "diff": [2.44],
...     "ci_low": [-0.11], "ci_high": [4.99], "pvalue": [0.061], "hedges_g": [0.168]}, index=["overall"]),
...     names={"overall": "Total mognad"}, language="sv").iloc[0].tolist()
['Total mognad', '52,1', '54,5', '+2,4', '−0,1\xa0till\xa05,0', 'ingen säkerställd förändring', '0,061', '0,17']
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

import evaluation.text.round  # noqa: F401  (registers the round.* messages)
from evaluation.text import format as fmt
from evaluation.text.catalogue import t
from evaluation.text.summary import benchmark_status, change_status

from evaluation.privacy.gate import gate_values  # re-exported from its old home here

__all__ = ["gate_values", "change_frame", "benchmark_frame", "reliability_frame", "items_frame", "flagged_frame",
           "shrunken_frame", "shrunken_blocks", "REVERSE_MARK", "COLUMNS"]

#: marker after a reverse-keyed question's text (its mean is shown recoded, as in the psychometrics report)
REVERSE_MARK = {"sv": " (omvänd fråga, omkodad)", "en": " (reverse-keyed, recoded)"}

COLUMNS = {
    "sv": {"area": "Område", "prev": "Förra omgången", "cur": "Denna omgång", "diff": "Förändring",
           "ci": "95 % KI", "verdict": "Bedömning", "p": "p-värde", "g": "Effektstorlek (g)",
           "score": "Er poäng", "pct": "Percentil", "median": "Median", "iqr": "Mittersta hälften",
           "n_org": "Antal organisationer", "level": "Nivå", "k": "Frågor", "n": "Svarande",
           "alpha": "Cronbachs alfa", "question": "Fråga", "mean": "Medelvärde", "dk": "Vet ej", "skip": "Obesvarad",
           "disc": "Samstämmighet med området", "flag": "Förslag", "reasons": "Skäl"},
    "en": {"area": "Area", "prev": "Previous round", "cur": "This round", "diff": "Change",
           "ci": "95% CI", "verdict": "Assessment", "p": "p-value", "g": "Effect size (g)",
           "score": "Your score", "pct": "Percentile", "median": "Median", "iqr": "Middle half",
           "n_org": "Organisations", "level": "Level", "k": "Questions", "n": "Respondents",
           "alpha": "Cronbach's alpha", "question": "Question", "mean": "Mean", "dk": "Don't know",
           "skip": "Not answered", "disc": "Agreement with the area", "flag": "Suggestion", "reasons": "Reasons"},
}

_VERDICT = {
    "sv": {"up": "säkerställd ökning", "down": "säkerställd minskning", "unclear": "ingen säkerställd förändring",
           "unknown": "–", "inside": "i nivå med jämförbara", "above": "högre än de flesta", "below": "lägre än de flesta"},
    "en": {"up": "clear increase", "down": "clear decrease", "unclear": "no clear change", "unknown": "–",
           "inside": "in line with comparable", "above": "higher than most", "below": "lower than most"},
}
_LEVEL = {"sv": {"dimension": "Dimension", "category": "Kategori", "overall": "Totalt"},
          "en": {"dimension": "Dimension", "category": "Category", "overall": "Overall"}}
_FLAG = {"sv": {"revise": "Bör omformuleras", "review": "Kan förbättras", "ok": "Fungerar"},
         "en": {"revise": "Should be reworded", "review": "Could be improved", "ok": "Works"}}


def _nb(s: str) -> str:
    """Keep "−0,1 till 5,0" on one line in a table cell (no-break spaces)."""
    return s.replace(" ", "\u00a0")


def _v(row: Any, key: str) -> Any:
    try:
        return row[key]
    except (KeyError, IndexError):
        return None


def change_frame(change: pd.DataFrame, *, names: Mapping[str, str], language: str = "sv") -> pd.DataFrame:
    """Change per dimension/category: previous, now, change, CI, the rule's verdict, p, Hedges' g."""
    c = COLUMNS[language]
    rows = []
    for i, r in change.iterrows():
        d, lo, hi = _v(r, "diff"), _v(r, "ci_low"), _v(r, "ci_high")
        rows.append({c["area"]: names.get(i, str(i)), c["prev"]: fmt.number(_v(r, "mean_prev"), language, 1),
                     c["cur"]: fmt.number(_v(r, "mean_cur"), language, 1), c["diff"]: fmt.signed(d, language, 1),
                     c["ci"]: _nb(fmt.ci(lo, hi, language, 1)),
                     c["verdict"]: _VERDICT[language][change_status(d, lo, hi)],
                     c["p"]: fmt.pvalue(_v(r, "pvalue"), language), c["g"]: fmt.number(_v(r, "hedges_g"), language, 2)})
    return pd.DataFrame(rows)


def benchmark_frame(bench: pd.DataFrame, *, names: Mapping[str, str], language: str = "sv") -> pd.DataFrame:
    """Own score, percentile, benchmark median and interquartile range, with the IQR rule's verdict."""
    c = COLUMNS[language]
    rows = []
    for r in bench.itertuples():
        if not r.shown:
            continue
        rows.append({c["area"]: names.get(r.id, r.id), c["score"]: fmt.points(r.score, language),
                     c["pct"]: fmt.number(r.percentile, language, 0), c["median"]: fmt.points(r.bench_median, language),
                     c["iqr"]: f"{fmt.number(r.bench_p25, language, 0)}–{fmt.points(r.bench_p75, language)}",
                     c["verdict"]: _VERDICT[language][benchmark_status(r.score, p25=r.bench_p25, p75=r.bench_p75)],
                     c["n_org"]: fmt.integer(r.n_organisations, language)})
    return pd.DataFrame(rows)


def reliability_frame(rel: pd.DataFrame, *, names: Mapping[str, str], language: str = "sv") -> pd.DataFrame:
    """Cronbach's alpha with its 95 % CI per dimension and category."""
    c = COLUMNS[language]
    rows = []
    for r in rel.to_dict(orient="records"):
        rows.append({c["level"]: _LEVEL[language].get(r.get("level"), r.get("level")),
                     c["area"]: names.get(r["id"], r["id"]), c["k"]: fmt.integer(r.get("k"), language),
                     c["n"]: fmt.integer(r.get("n"), language), c["alpha"]: fmt.number(r.get("alpha"), language, 2),
                     c["ci"]: _nb(fmt.ci(r.get("ci_low"), r.get("ci_high"), language, 2))})
    return pd.DataFrame(rows)


def items_frame(items: pd.DataFrame, *, texts: Mapping[str, str], areas: Mapping[str, str],
                reverse: Mapping[str, bool], r_drop: pd.Series | None = None, language: str = "sv") -> pd.DataFrame:
    """One row per question: full text (reverse-keyed marked), area, mean (recoded for reverse-keyed items,
    column ``mean_scored``), don't know, not answered, item–rest correlation."""
    c = COLUMNS[language]
    mean_col = "mean_scored" if "mean_scored" in items.columns else "mean"
    rows = []
    for i, r in items.iterrows():
        q = texts.get(i, str(i)) + (REVERSE_MARK[language] if reverse.get(i) else "")
        row = {c["question"]: q, c["area"]: areas.get(i, ""), c["mean"]: fmt.number(r[mean_col], language, 2),
               c["dk"]: fmt.percent(r["dont_know"], language, 1), c["skip"]: fmt.percent(r["skipped"], language, 1)}
        if r_drop is not None:
            row[c["disc"]] = fmt.number(r_drop.get(i), language, 2)
        rows.append(row)
    return pd.DataFrame(rows)


def flagged_frame(comp: pd.DataFrame, *, texts: Mapping[str, str], reverse: Mapping[str, bool],
                  language: str = "sv") -> pd.DataFrame:
    """Questions with a suggestion from the comprehension review: text, suggestion (in words), reasons."""
    c = COLUMNS[language]
    t = comp if "item" in comp.columns else comp.reset_index(names="item")
    t = t[t["flag"] != "ok"]
    order = {"revise": 0, "review": 1}
    t = t.assign(_o=t["flag"].map(order).fillna(2)).sort_values(["_o", "item"], kind="stable")
    rows = []
    for r in t.to_dict(orient="records"):
        rows.append({c["question"]: texts.get(r["item"], r["item"]) + (REVERSE_MARK[language] if reverse.get(r["item"])
                                                                       else ""),
                     c["flag"]: _FLAG[language].get(r["flag"], str(r["flag"])),
                     c["reasons"]: str(r.get("reasons") or "")})
    return pd.DataFrame(rows)


def shrunken_frame(shrunken: pd.DataFrame, *, language: str = "sv") -> pd.DataFrame:
    """One row per published unit: name, respondents, mean and shrunken mean (BLUP) of the overall score.

    >>> s = pd.DataFrame({"n": [12], "raw_mean": [61.26], "blup_mean": [58.04]}, index=["Skola"])
    >>> shrunken_frame(s, language="en").iloc[0].tolist()
    ['Skola', '12', '61.3', '58.0']
    """
    rows = []
    for g, r in shrunken.iterrows():
        rows.append({t("round.shrink.unit", language): str(g), t("round.shrink.n", language): fmt.integer(r["n"], language),
                     t("round.shrink.raw", language): fmt.number(r["raw_mean"], language, 1),
                     t("round.shrink.column", language): fmt.number(r["blup_mean"], language, 1)})
    return pd.DataFrame(rows, columns=[t(f"round.shrink.{c}", language) for c in ("unit", "n", "raw", "column")])


def shrunken_blocks(shrunken: pd.DataFrame, *, min_group_size: int, language: str = "sv") -> list:
    """The groups section's shrunken-means blocks: the explaining sentence and the gated table
    (or, with fewer than two published units, the sentence saying why there is none)."""
    from evaluation.privacy.gate import publish
    from evaluation.reports.base import Table

    k = fmt.integer(min_group_size, language)
    if not len(shrunken):
        return [t("round.shrink.unavailable", language, k=k)]
    gate = publish(shrunken[["raw_mean", "blup_mean"]], n=shrunken["n"], min_group_size=min_group_size)
    frame = shrunken_frame(shrunken, language=language)  # table_html escapes the unit names
    return [t("round.shrink.note", language, g=fmt.integer(len(shrunken), language), k=k),
            Table(frame, caption=t("round.shrink.caption", language), name="units_shrunken", published=gate)]
