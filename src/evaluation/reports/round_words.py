"""Words of the round report (sv, en): the summary, change, benchmark and quality texts and the headings.

Split from :mod:`evaluation.reports.round` (the analysis; one module per
concept); the names are still served from there. Every function reads a
:class:`~evaluation.reports.round.RoundAnalysis` and returns markdown or a
table; no number is computed here that the analysis does not publish.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from evaluation.data.instruments import text
from evaluation.reports.round import MIN_BENCHMARK_ORGS
from evaluation.text.summary import change_sentence
from evaluation.text.format import escape_md

if TYPE_CHECKING:  # pragma: no cover
    from evaluation.reports.round import RoundAnalysis

__all__ = ["summary_markdown", "suppression_note", "change_markdown", "benchmark_markdown", "unit_matrix",
           "headings", "quality_markdown"]


_W = {
    "sv": {
        "title": "Digital mognad – {m} {r}",
        "intro": "Rapporten bygger på {n} svar på enkäten *{inst}* (version {ver}).",
        "rate": " Svarsfrekvensen är {rate:.0%} ({n} av {pop} inbjudna).",
        "rejected": " {rej} rader i filen kunde inte användas och finns med skäl i valideringen.",
        "overall": "**Total mognad: {m:.0f} %** av optimala förutsättningar (95 % KI {lo:.0f}–{hi:.0f}).",
        "dim": "- {name}: **{m:.0f} %** (95 % KI {lo:.0f}–{hi:.0f}, n = {n})",
        "quadrant": "Organisationen hamnar i kvadranten **{name}**. {desc}\n\n**Rekommendation:** {rec}",
        "level": "Organisationen är på nivån **{name}**. {desc}",
        "strong": "**Starkast** (i absoluta tal): {items}.",
        "weak": "**Svagast**: {items}.",
        "cat": "{name} {m:.0f} % (KI {lo:.0f}–{hi:.0f})",
        "uncertain": "*{note}*",
        "suppressed_groups": "Grupper med färre än {k} svarande visas inte (och ytterligare grupper döljs vid behov så att de inte kan räknas fram): {groups}.",
        "no_small": "Alla grupper har minst {k} svarande.",
        "change_head": "Jämfört med föregående omgång{prev}: ",
        "change_row": "{name} {d:+.1f} procentenheter (95 % KI {lo:+.1f} till {hi:+.1f}; p = {p:.3f}; Hedges g = {g:.2f})",
        "no_change": "Ingen föregående omgång angavs, så förändring kan inte visas.",
        "change_withheld": "Förändringen visas inte: exporten av den föregående omgången skiljer sig med bara {d} "
                           "svar (färre än {k}) från den som en tidigare rapport publicerades på. Skillnaden "
                           "skulle visa just de svarandes resultat. Använd samma export som den föregående "
                           "rapporten, eller en med minst {k} svar fler.",
        "bench_none": "Ingen jämförelsefil angavs.",
        "bench_few": "Jämförelsen visas inte: färre än {k} organisationer i jämförelsefilen.",
        "bench_row": "; percentil {p} bland {n} organisationer.",
        "bench_group_head": "Inom kommungruppen {g}:",
        "bench_group_few": "Jämförelsen inom kommungruppen {g} visas inte: färre än {k} organisationer ur gruppen i jämförelsefilen.",
    },
    "en": {
        "title": "Digital maturity – {m} {r}",
        "intro": "This report is based on {n} responses to *{inst}* (version {ver}).",
        "rate": " The response rate is {rate:.0%} ({n} of {pop} invited).",
        "rejected": " {rej} rows of the file could not be used; they are listed with reasons in the validation.",
        "overall": "**Overall maturity: {m:.0f} %** of optimal conditions (95 % CI {lo:.0f}–{hi:.0f}).",
        "dim": "- {name}: **{m:.0f} %** (95 % CI {lo:.0f}–{hi:.0f}, n = {n})",
        "quadrant": "The organisation falls in the quadrant **{name}**. {desc}\n\n**Recommendation:** {rec}",
        "level": "The organisation is at the level **{name}**. {desc}",
        "strong": "**Strongest** (absolute scores): {items}.",
        "weak": "**Weakest**: {items}.",
        "cat": "{name} {m:.0f} % (CI {lo:.0f}–{hi:.0f})",
        "uncertain": "*{note}*",
        "suppressed_groups": "Groups with fewer than {k} respondents are not shown (and further groups are hidden where needed so they cannot be derived): {groups}.",
        "no_small": "Every group has at least {k} respondents.",
        "change_head": "Compared with the previous round{prev}: ",
        "change_row": "{name} {d:+.1f} percentage points (95 % CI {lo:+.1f} to {hi:+.1f}; p = {p:.3f}; Hedges g = {g:.2f})",
        "no_change": "No previous round was given, so change cannot be shown.",
        "change_withheld": "Change is not shown: the previous round's export differs by only {d} answers "
                           "(fewer than {k}) from the one an earlier report was published on. The difference "
                           "would show those respondents' results. Use the same export as the earlier report, "
                           "or one with at least {k} more answers.",
        "bench_none": "No benchmark file was given.",
        "bench_few": "The benchmark is not shown: fewer than {k} organisations in the benchmark file.",
        "bench_row": "; percentile {p} among {n} organisations.",
        "bench_group_head": "Within the municipality group {g}:",
        "bench_group_few": "The comparison within the municipality group {g} is not shown: fewer than {k} organisations of the group in the benchmark file.",
    },
}


def summary_markdown(res: RoundAnalysis) -> str:
    """The report's summary in words (Swedish or English), absolute numbers with CIs."""
    p, inst, r = res.params, res.instrument, res.results
    w = _W[p.language]
    lang = p.language
    n = r["respondents"]["accepted"]
    s = w["intro"].format(n=n, inst=escape_md(text(inst.title, lang)), ver=inst.version)
    if p.population_size:
        s += w["rate"].format(rate=n / p.population_size, n=n, pop=p.population_size)
    if r["respondents"]["rejected"]:
        s += w["rejected"].format(rej=r["respondents"]["rejected"])
    parts = [s]
    o = r["overall"]
    if not o.get("suppressed"):
        parts.append(w["overall"].format(m=o["mean"], lo=o["ci_low"], hi=o["ci_high"]))
        parts.append("\n".join(w["dim"].format(name=escape_md(v["name"]), m=v["mean"], lo=v["ci_low"], hi=v["ci_high"], n=v["n"])
                               for v in r["dimensions"].values() if not v.get("suppressed")))
    c = res.classification
    if c is not None:
        key = "quadrant" if c.type == "quadrant" else "level"
        parts.append(w[key].format(name=escape_md(c.name), desc=escape_md(c.description),
                                   rec=escape_md(c.recommendation)))
        if not c.certain:
            parts.append(w["uncertain"].format(note=escape_md(c.note)))
    cats = r["categories"]

    def fmt(ids: list[str]) -> str:
        return "; ".join(w["cat"].format(name=escape_md(cats[i]["name"]), m=cats[i]["mean"], lo=cats[i]["ci_low"],
                                         hi=cats[i]["ci_high"]) for i in ids)
    if r["strongest"]:
        parts.append(w["strong"].format(items=fmt(r["strongest"])) + " " + w["weak"].format(items=fmt(r["weakest"])))
    return "\n\n".join(parts)


def suppression_note(res: RoundAnalysis, by: str) -> str:
    """Which groups of ``by`` are hidden for privacy (labels only)."""
    table = res.units if by == "unit" else res.roles
    w = _W[res.params.language]
    if table is None:
        return ""
    hidden = sorted(table.loc[(table["id"] == "overall") & table["suppressed"], "group"].unique())
    if not hidden:
        return w["no_small"].format(k=res.params.min_group_size)
    return w["suppressed_groups"].format(k=res.params.min_group_size, groups=", ".join(hidden))


def change_markdown(res: RoundAnalysis) -> str:
    """Change since the previous round in words (dimensions and overall)."""
    w = _W[res.params.language]
    if res.change is None:
        if res.change_withheld:
            return w["change_withheld"].format(d=res.change_withheld["difference"], k=res.params.min_group_size)
        return w["no_change"]
    prev = res.results["change"]["previous_round"]
    head = w["change_head"].format(prev=f" ({escape_md(prev)})" if prev else "")
    rows = []
    for i, r in res.change.iterrows():
        if r["level"] == "category" or pd.isna(r.get("diff")):
            continue
        rows.append(f"- {escape_md(res.instrument.name_of(i, res.params.language))}: "
                    + change_sentence(r["diff"], r["ci_low"], r["ci_high"], language=res.params.language))
    out = head + "\n\n" + "\n".join(rows)
    if res.version_warning:
        out = f"**⚠ {escape_md(res.version_warning)}**\n\n" + out
    return out


def benchmark_markdown(res: RoundAnalysis) -> str:
    """Benchmark percentiles in words (all organisations, then the own municipality group), or why not shown."""
    w = _W[res.params.language]
    if res.benchmark is None:
        return w["bench_none"]
    dims = set(res.instrument.dimension_categories()) | {"overall"}

    def lines(table: pd.DataFrame) -> list[str]:
        from evaluation.text import format as fmt
        from evaluation.text.summary import benchmark_sentence

        lang = res.params.language
        return [f"- {escape_md(res.instrument.name_of(r.id, lang))} {fmt.points(r.score, lang)}: "
                + benchmark_sentence(r.score, p25=r.bench_p25, p75=r.bench_p75, median=r.bench_median, language=lang)
                + w["bench_row"].format(p=fmt.number(r.percentile, lang, 0), n=fmt.integer(r.n_organisations, lang))
                for r in table.itertuples() if r.id in dims]

    parts = []
    for among, table in res.benchmark.groupby("among", sort=False):
        shown = table[table["shown"]]
        if among == "all":
            parts.append("\n".join(lines(shown)) if len(shown) else w["bench_few"].format(k=MIN_BENCHMARK_ORGS))
        elif len(shown):
            parts.append(w["bench_group_head"].format(g=escape_md(among)) + "\n\n" + "\n".join(lines(shown)))
        else:
            parts.append(w["bench_group_few"].format(g=escape_md(among), k=MIN_BENCHMARK_ORGS))
    return "\n\n".join(parts)


def unit_matrix(res: RoundAnalysis) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Units × categories means and the hidden-cell mask for the heatmap."""
    if res.units is None:
        return None
    cats = list(res.instrument.category_items())
    u = res.units[res.units["level"] == "category"]
    m = u.pivot(index="group", columns="id", values="mean").reindex(columns=cats)
    h = u.pivot(index="group", columns="id", values="suppressed").reindex(columns=cats).astype(bool)
    return m, h


_H = {
    "sv": {"title": "Digital mognad – {m} {r}", "summary": "Sammanfattning", "quadrant": "Kvadrant",
           "profile": "Kategoriprofil (med 95 % konfidensintervall)", "groups": "Skillnader mellan grupper",
           "unit": "Enheter", "role": "Roller", "items": "Svar per fråga", "change": "Förändring sedan förra omgången",
           "benchmark": "Jämförelse med andra organisationer", "quality": "Mätningens kvalitet",
           "appendix": "Bilaga: metod och mätningens kvalitet",
           "rel": "Reliabilitet (Cronbachs alfa med 95 % KI)", "itemtab": "Frågorna: medelvärde, vet ej och obesvarade",
           "flag": "Förslag inför nästa omgång"},
    "en": {"title": "Digital maturity – {m} {r}", "summary": "Summary", "quadrant": "Quadrant",
           "profile": "Category profile (with 95 % confidence intervals)", "groups": "Differences between groups",
           "unit": "Units", "role": "Roles", "items": "Answers per question", "change": "Change since the previous round",
           "benchmark": "Comparison with other organisations", "quality": "Quality of measurement",
           "appendix": "Appendix: method and quality of measurement",
           "rel": "Reliability (Cronbach's alpha with 95 % CI)", "itemtab": "The questions: mean, don't know and not answered",
           "flag": "Suggestions for the next round"},
}


def headings(language: str) -> dict:
    """Section headings of the round report in ``language``."""
    return dict(_H[language])


def quality_markdown(res: RoundAnalysis) -> str:
    """Plain explanation of the measurement-quality appendix: don't know, not answered, and what the
    comprehension review's suggestions mean (improvements for the next round, not errors in the results)."""
    from evaluation.text import format as fmt

    q = res.results["quality"]
    lang = res.params.language
    flagged = q["flagged"]
    n_items = len(res.instrument.item_ids)
    n_rev = sum(1 for f in flagged if f.get("flag") == "revise")
    n_review = len(flagged) - n_rev
    dk, sk = fmt.percent(q["dont_know_rate"], lang, 1), fmt.percent(q["skip_rate"], lang, 1)
    if lang == "sv":
        s = (f"Andel *vet ej* över alla frågor: {dk}; andel obesvarade: {sk}. Cronbachs alfa på minst 0,70 brukar "
             "räknas som tillräckligt för att jämföra grupper. *Samstämmighet med området* är korrelationen mellan "
             "frågan och övriga frågor i samma kategori; under 0,30 mäter frågan troligen något annat.")
        if flagged:
            s += (f"\n\nGranskningen av frågorna ger förslag för {len(flagged)} av {n_items} frågor. Det är vanligt och "
                  "betyder inte att enkäten eller resultaten är felaktiga: förslagen gäller formuleringar att förbättra "
                  f"inför nästa omgång. {n_rev} frågor *bör omformuleras* (svaren tyder på att de kan missförstås), "
                  f"{n_review} *kan förbättras* (språkliga förslag).")
    else:
        s = (f"Share of *don't know* over all questions: {dk}; share not answered: {sk}. A Cronbach's alpha of at "
             "least 0.70 is usually taken as sufficient to compare groups. *Agreement with the area* is the "
             "correlation between a question and the other questions of its category; below 0.30 the question "
             "probably measures something else.")
        if flagged:
            s += (f"\n\nThe review of the questions has suggestions for {len(flagged)} of {n_items} questions. This is "
                  "common and does not mean that the survey or its results are wrong: the suggestions are wordings to "
                  f"improve before the next round. {n_rev} questions *should be reworded* (the answers suggest they can "
                  f"be misunderstood), {n_review} *could be improved* (language suggestions).")
    if "comprehension_error" in res.quality:
        s += f"\n\n*{res.quality['comprehension_error']}*"
    return s
