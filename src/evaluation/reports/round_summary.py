"""The round report's executive summary and slide plan, written from results.json alone.

Both the report's first page and the board slides are built here from the
same ``sections`` dict that ``results.json`` stores, by the rules of
:mod:`evaluation.text.summary`, so the words and the slides always carry the
numbers of results.json and nothing is computed twice.

>>> secs = {"overall": {"name": "Total mognad", "mean": 54.5, "ci_low": 52.8, "ci_high": 56.2},
...         "dimensions": {}, "categories": {}, "strongest": [], "weakest": [], "classification": None,
...         "change": None, "benchmark": None}
>>> [k for k, _ in executive_summary(secs, language="sv")]
['result']
"""

from __future__ import annotations

from typing import Any, Mapping

from evaluation.text import format as fmt
from evaluation.text.summary import (benchmark_sentence, benchmark_status, change_sentence, change_status,
                                     classification_sentence, score_sentence)

__all__ = ["executive_summary", "summary_markdown", "slide_plan", "bench_rows", "change_rows"]

_L = {
    "sv": {"result": "Resultat", "place": "Placering", "change": "Förändring", "bench": "Jämförelse",
           "strong": "Starkast", "weak": "Svagast", "next": "Nästa steg",
           "since": "Sedan förra omgången{prev}: {s}.", "dims_clear": "Säkerställd förändring för {items}.",
           "average": ("Båda dimensionerna ligger i nivå med jämförbara kommuner: placeringen säger att resultatet "
                       "ligger över eller under 50-gränsen, inte att organisationen ligger före eller efter andra."),
           "followup": "Följ upp det svagaste området, {name}, i nästa omgång.",
           "title": "Digital mognad – {m} {r}", "profile": "Starkast och svagast", "quadrant": "Placering",
           "change_t": "Förändring sedan förra omgången", "bench_t": "Jämförelse med andra kommuner",
           "summary_t": "Sammanfattning", "profile_msg": "Starkast: {s}. Svagast: {w}."},
    "en": {"result": "Result", "place": "Placement", "change": "Change", "bench": "Comparison",
           "strong": "Strongest", "weak": "Weakest", "next": "Next step",
           "since": "Since the previous round{prev}: {s}.", "dims_clear": "Clear change for {items}.",
           "average": ("Both dimensions are in line with comparable municipalities: the placement says the result "
                       "lies above or below the 50 line, not that the organisation is ahead of or behind others."),
           "followup": "Follow up the weakest area, {name}, in the next round.",
           "title": "Digital maturity – {m} {r}", "profile": "Strongest and weakest", "quadrant": "Placement",
           "change_t": "Change since the previous round", "bench_t": "Comparison with other municipalities",
           "summary_t": "Summary", "profile_msg": "Strongest: {s}. Weakest: {w}."},
}


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def bench_rows(sections: Mapping[str, Any]) -> dict[str, dict]:
    """Benchmark rows (all organisations) by score id, only those shown."""
    b = sections.get("benchmark") or {}
    return {r["id"]: r for r in b.get("rows", []) if r.get("shown")}


def change_rows(sections: Mapping[str, Any]) -> dict[str, dict]:
    """Change rows by score id (only those with a difference)."""
    c = sections.get("change") or {}
    return {r["id"]: r for r in c.get("rows", []) if r.get("diff") is not None}


def _named(sections: Mapping[str, Any], i: str) -> str:
    for block in ("dimensions", "categories"):
        if i in (sections.get(block) or {}):
            return sections[block][i]["name"]
    return sections.get("overall", {}).get("name", i) if i == "overall" else i


def executive_summary(sections: Mapping[str, Any], *, language: str = "sv",
                      markdown: bool = False) -> list[tuple[str, str]]:
    """(key, sentence) pairs of page 1: result, placement, change, comparison, strongest/weakest, next step.

    Each sentence follows a rule of :mod:`evaluation.text.summary`; a part without numbers is left out.
    Text from the user's files (the previous round's label; the names, quadrant and recommendation of
    the instrument, which may be the user's own YAML) is plain; with ``markdown=True`` it is escaped
    with :func:`evaluation.text.format.escape_md` so it cannot become markup or a link.

    >>> secs = {"overall": {"name": "Total", "mean": 50.0, "ci_low": 45.0, "ci_high": 55.0},
    ...         "change": {"previous_round": "<img src=x>", "rows": [{"id": "overall", "diff": 1.0,
    ...                    "ci_low": -1.0, "ci_high": 3.0, "level": "overall"}]}}
    >>> dict(executive_summary(secs, language="en", markdown=True))["change"][:40]
    'Since the previous round (&lt;img src=x&'
    """
    w = _L[language]
    user = fmt.escape_md if markdown else str
    out: list[tuple[str, str]] = []
    o = sections.get("overall") or {}
    bench = bench_rows(sections)
    s = score_sentence(user(o.get("name", "")), o.get("mean"), o.get("ci_low"), o.get("ci_high"), language=language)
    if "overall" in bench:
        b = bench["overall"]
        s += ", " + benchmark_sentence(b["score"], p25=b["bench_p25"], p75=b["bench_p75"], median=b["bench_median"],
                                       language=language)
    out.append(("result", s + "."))
    c = sections.get("classification")
    if c:
        s = classification_sentence(user(c["name"]), certain=bool(c.get("certain")), kind=c.get("type", "quadrant"),
                                    language=language)
        dims = list(sections.get("dimensions") or {})
        if c.get("type") == "quadrant" and dims and all(
                d in bench and benchmark_status(bench[d]["score"], p25=bench[d]["bench_p25"],
                                                p75=bench[d]["bench_p75"]) == "inside" for d in dims):
            s += " " + w["average"]
        out.append(("place", s))
    ch = change_rows(sections)
    if "overall" in ch:
        r = ch["overall"]
        prev = (sections.get("change") or {}).get("previous_round")
        s = w["since"].format(prev=f" ({user(prev)})" if prev else "",
                              s=change_sentence(r["diff"], r["ci_low"], r["ci_high"], language=language))
        clear = [f"{user(_named(sections, i))} ({fmt.signed(r2['diff'], language, 1)})" for i, r2 in ch.items()
                 if i != "overall" and r2.get("level") == "dimension"
                 and change_status(r2["diff"], r2["ci_low"], r2["ci_high"]) in ("up", "down")]
        if clear:
            s += " " + w["dims_clear"].format(items=", ".join(clear))
        out.append(("change", s))
    dims = sections.get("dimensions") or {}
    parts = []
    for d, v in dims.items():
        if d in bench:
            b = bench[d]
            parts.append(f"{user(v['name'])} {fmt.points(v.get('mean'), language)}: "
                         + benchmark_sentence(b["score"], p25=b["bench_p25"], p75=b["bench_p75"],
                                              median=b["bench_median"], language=language))
    if parts:
        out.append(("bench", _cap("; ".join(parts)) + "."))
    cats = sections.get("categories") or {}
    if sections.get("strongest"):
        def names(ids):
            return ", ".join(f"{user(cats[i]['name'])} {fmt.points(cats[i]['mean'], language)}" for i in ids if i in cats)
        out.append(("strong", names(sections["strongest"][:2]) + "."))
        out.append(("weak", names(sections["weakest"][:2]) + "."))
    nxt = []
    if c and c.get("recommendation"):
        nxt.append(user(c["recommendation"]))
    if sections.get("weakest") and sections["weakest"][0] in cats:
        nxt.append(w["followup"].format(name=user(cats[sections["weakest"][0]]["name"])))
    if nxt:
        out.append(("next", " ".join(nxt)))
    return out


def summary_markdown(sections: Mapping[str, Any], *, language: str = "sv") -> str:
    """The executive summary as a markdown list with bold lead words; text from the user's files is escaped."""
    w = _L[language]
    return "\n".join(f"- **{w[k]}:** {s}" for k, s in executive_summary(sections, language=language, markdown=True))


def slide_plan(results: Mapping[str, Any], *, figures: Mapping[str, str] | None = None) -> list[dict]:
    """The board deck: one message per slide (summary, placement, profile, change, benchmark).

    ``results``: the results.json envelope; ``figures``: figure name → PNG path. Returns dicts with
    ``title``, ``message`` (one sentence, from :func:`executive_summary`), ``bullets`` and ``image``.
    """
    from evaluation.reports.envelope import sections_of

    secs = sections_of(results)
    lang = results.get("language", "sv")
    w = _L[lang]
    figures = dict(figures or {})
    summ = dict(executive_summary(secs, language=lang))
    slides = [{"title": w["title"].format(m=secs.get("municipality", ""), r=secs.get("round_label", "")).strip(),
               "message": summ.get("result", ""), "kind": "summary",
               "bullets": [f"{w[k]}: {v}" for k, v in executive_summary(secs, language=lang) if k != "result"],
               "image": None}]
    if "place" in summ and "quadrant" in figures:
        slides.append({"title": w["quadrant"], "message": summ["place"], "bullets": [], "image": figures["quadrant"],
                       "kind": "quadrant"})
    if "profile" in figures and "strong" in summ:
        slides.append({"title": w["profile"], "message": w["profile_msg"].format(
            s=summ["strong"].rstrip("."), w=summ["weak"].rstrip(".")), "bullets": [], "image": figures["profile"],
            "kind": "profile"})
    if "change" in summ:
        slides.append({"title": w["change_t"], "message": summ["change"], "bullets": [],
                       "image": figures.get("change"), "kind": "change"})
    if "bench" in summ:
        slides.append({"title": w["bench_t"], "message": summ["bench"], "bullets": [],
                       "image": figures.get("benchmark"), "kind": "benchmark"})
    return slides
