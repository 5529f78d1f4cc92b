"""The psychometrics review in words (sv/en): what each table and figure of the review says.

Every function takes an :class:`evaluation.reports.psychometrics.InstrumentReview`
(read by attribute only, so this layer imports nothing above it) and returns
markdown in the review's language; numbers go through the kit's one formatter
(:mod:`evaluation.text.format`: decimal comma and U+2212 minus in Swedish) and
every cut-off comes from :mod:`evaluation.criteria`.

>>> headings("sv")["summary"], headings("en")["summary"]
('Sammanfattning', 'Summary')
>>> _rule_text("non-invariant if delta_cfi <= -0.01 and p < 0.05", "sv")
'ej invariant om delta_cfi <= -0,01 och p < 0,05'
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from evaluation import criteria as _c
from evaluation.data.instruments import text
from evaluation.text import format as fmt
from evaluation.text.format import escape_md as _e

__all__ = ["headings", "summary_markdown", "reliability_markdown", "items_markdown", "parallel_markdown",
           "cfa_markdown", "invariance_markdown", "comprehension_markdown", "flagged_markdown",
           "reliability_alt", "scree_alt"]


_H = {
    "sv": {"title": "Psykometrisk granskning – {inst}", "summary": "Sammanfattning",
           "reliability": "Reliabilitet per dimension och kategori", "items": "Frågorna",
           "parallel": "Hur många faktorer stöder data? (parallellanalys)",
           "cfa": "Håller instrumentets struktur? (konfirmatorisk faktoranalys)", "loadings": "Standardiserade laddningar",
           "correlations": "Korrelationer mellan faktorerna",
           "invariance": "Mäter instrumentet samma sak i alla grupper? (mätinvarians)",
           "comprehension": "Frågor som kan vara svåra att förstå"},
    "en": {"title": "Psychometric review – {inst}", "summary": "Summary",
           "reliability": "Reliability per dimension and category", "items": "The items",
           "parallel": "How many factors do the data support? (parallel analysis)",
           "cfa": "Does the instrument's structure hold? (confirmatory factor analysis)",
           "loadings": "Standardised loadings", "correlations": "Correlations between the factors",
           "invariance": "Does the instrument measure the same thing in every group? (measurement invariance)",
           "comprehension": "Items that may be hard to understand"},
}

_IDX = {"cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR"}
_LEVEL = {"sv": {"category": "kategorinivå", "dimension": "dimensionsnivå"},
          "en": {"category": "category level", "dimension": "dimension level"}}
_VERDICT = {"sv": {"holds": "håller", "rejected": "förkastas", "not tested": "ej prövad"},
            "en": {"holds": "holds", "rejected": "rejected", "not tested": "not tested"}}
_MI_LEVEL = {"sv": {"configural": "konfigural", "metric": "metrisk", "scalar": "skalär"},
             "en": {"configural": "configural", "metric": "metric", "scalar": "scalar"}}


def _num(x: Any, L: str, d: int = 2) -> str:
    return fmt.number(x, L, d)


def headings(language: str) -> dict:
    """Section headings of the psychometrics notebook in ``language``."""
    return dict(_H[language])


def summary_markdown(rev: Any) -> str:
    """The review in a few plain sentences: data, reliability range, structure, fit, invariance."""
    L, inst, r = rev.language, rev.instrument, rev.results
    n = r["respondents"]["accepted"]
    rel = rev.reliability
    a_lo, a_hi = rel["alpha"].min(), rel["alpha"].max()
    o_lo, o_hi = rel["omega"].min(), rel["omega"].max()
    pa = r["parallel_analysis"]
    parts = []
    if L == "sv":
        parts.append(f"Granskningen bygger på {n} svar på *{_e(text(inst.title, L))}* (version {inst.version}): "
                     f"{len(inst.item_ids)} frågor i {pa['n_dimensions']} dimensioner och {pa['n_categories']} kategorier.")
        parts.append(f"**Reliabilitet:** alfa {_num(a_lo, L)}–{_num(a_hi, L)} och omega {_num(o_lo, L)}–{_num(o_hi, L)} "
                     "över dimensioner och kategorier.")
        parts.append(f"**Antal faktorer:** parallellanalysen stöder {pa['n_factors_fa']} faktorer "
                     f"({pa['n_factors_pc']} komponenter); instrumentet anger {pa['n_dimensions']} dimensioner och "
                     f"{pa['n_categories']} kategorier.")
    else:
        parts.append(f"This review is based on {n} responses to *{_e(text(inst.title, L))}* (version {inst.version}): "
                     f"{len(inst.item_ids)} items in {pa['n_dimensions']} dimensions and {pa['n_categories']} categories.")
        parts.append(f"**Reliability:** alpha {_num(a_lo, L)}–{_num(a_hi, L)} and omega {_num(o_lo, L)}–{_num(o_hi, L)} "
                     "across dimensions and categories.")
        parts.append(f"**Number of factors:** parallel analysis supports {pa['n_factors_fa']} factors "
                     f"({pa['n_factors_pc']} components); the instrument claims {pa['n_dimensions']} dimensions and "
                     f"{pa['n_categories']} categories.")
    for level, c in r["cfa"].items():
        passed = [_IDX[k] for k, v in c["passes"].items() if v]
        lv = _LEVEL[L][level]
        if L == "sv":
            parts.append(f"**Struktur ({lv}):** {c['n_pass']} av 4 mått når Hu & Bentlers gränser"
                         + (f" ({', '.join(passed)})." if passed else ".")
                         + (" Men skattningen har problem (se nedan), så tolka anpassningen försiktigt."
                            if c["problems"] else ""))
        else:
            parts.append(f"**Structure ({lv}):** {c['n_pass']} of 4 indices meet Hu & Bentler's cut-offs"
                         + (f" ({', '.join(passed)})." if passed else ".")
                         + (" But the estimates have problems (see below), so read the fit with care."
                            if c["problems"] else ""))
    inv = r["invariance"]
    if inv is not None and inv["models"]:
        best = []
        for d, rows in inv["models"].items():
            held = [x["model"] for x in rows if x["verdict"] == "holds"]
            top = "scalar" if "scalar" in held else "metric" if "metric" in held else "configural" if held else None
            best.append((_e(inst.name_of(d, L)), top))
        if L == "sv":
            parts.append("**Mätinvarians** mellan grupper i kolumnen " f"'{_e(inv['group_column'])}': " + "; ".join(
                f"{name}: {(_MI_LEVEL[L][t] + ' invarians håller') if t else 'inte ens konfigural invarians håller'}"
                for name, t in best) + ".")
        else:
            parts.append(f"**Measurement invariance** across groups of '{_e(inv['group_column'])}': " + "; ".join(
                f"{name}: {(_MI_LEVEL[L][t] + ' invariance holds') if t else 'not even configural invariance holds'}"
                for name, t in best) + ".")
    return "\n\n".join(parts)


_OMEGA_H_NOTES = {"single_category": {"sv": "instrumentet har en enda kategori, så det finns inga gruppfaktorer",
                                        "en": "the instrument has a single category, so there are no group factors"}}


def _omega_h_note(note: str, L: str) -> str:
    """Why omega_h is missing: a code of the review in words, or the estimator's own message (escaped)."""
    return _OMEGA_H_NOTES[note][L] if note in _OMEGA_H_NOTES else _e(note)


def reliability_markdown(rev: Any) -> str:
    """What the reliability table says, and which scales fall short."""
    L = rev.language
    rel = rev.reliability
    low = [_e(rel.loc[i, "name"]) for i in rel.index if pd.notna(rel.loc[i, "alpha"]) and rel.loc[i, "alpha"] < _c.RELIABILITY_GROUP.value]
    oh = rev.omega_h
    if L == "sv":
        s = ("Alfa (Cronbach) och omega (McDonald) anger hur stor del av variationen i en skalas poäng som är "
             "verklig skillnad mellan svarande snarare än slump. Alfa har ett 95 % konfidensintervall enligt Feldt, "
             "omega ett bootstrapintervall; omega bygger på dem som besvarat alla frågor i skalan. "
             f"Värden ≥ {_num(_c.RELIABILITY_GROUP.value, L)} brukar räcka för att jämföra grupper, ≥ {_num(_c.RELIABILITY_INDIVIDUAL.value, L)} "
             "krävs för beslut om enskilda (Nunnally & Bernstein 1994).")
        s += (f" Under {_num(_c.RELIABILITY_GROUP.value, L)}: {', '.join(low)}." if low
              else f" Alla skalor når {_num(_c.RELIABILITY_GROUP.value, L)}.")
        if oh is not None:
            s += (f"\n\n**Omega hierarkisk** för hela instrumentet är {_num(oh.omega_h, L)} (omega total {_num(oh.omega_t, L)}, "
                  f"{oh.n_groups} gruppfaktorer = {'kategorierna' if rev.omega_h_note == 'categories' else 'dimensionerna'}): "
                  + ("totalpoängen speglar i huvudsak en gemensam faktor, så en sammanlagd mognadspoäng är rimlig."
                     if oh.omega_h >= _c.OMEGA_H_GENERAL.value else
                     f"under {_num(_c.OMEGA_H_GENERAL.value, L)}, så totalpoängen blandar en gemensam faktor med kategorispecifika "
                     "delar; tolka dimensioner och kategorier var för sig.")
                  + " (Gräns enligt Rodriguez, Reise & Haviland 2016.)")
        elif rev.omega_h_note:
            s += f"\n\nOmega hierarkisk beräknades inte: {_omega_h_note(rev.omega_h_note, L)}."
    else:
        s = ("Alpha (Cronbach) and omega (McDonald) give the share of the variation in a scale's scores that is true "
             "difference between respondents rather than noise. Alpha has a Feldt 95 % confidence interval, omega a "
             "bootstrap interval; omega uses the respondents who answered every item of the scale. "
             f"Values ≥ {_num(_c.RELIABILITY_GROUP.value, L)} are usually enough to compare groups, ≥ {_num(_c.RELIABILITY_INDIVIDUAL.value, L)} "
             "is needed for decisions about individuals (Nunnally & Bernstein 1994).")
        s += (f" Below {_num(_c.RELIABILITY_GROUP.value, L)}: {', '.join(low)}." if low
              else f" Every scale reaches {_num(_c.RELIABILITY_GROUP.value, L)}.")
        if oh is not None:
            s += (f"\n\n**Omega hierarchical** of the whole instrument is {_num(oh.omega_h, L)} (omega total {_num(oh.omega_t, L)}, "
                  f"{oh.n_groups} group factors = the {rev.omega_h_note}): "
                  + ("the total score mainly reflects one common factor, so an overall maturity score is reasonable."
                     if oh.omega_h >= _c.OMEGA_H_GENERAL.value else
                     f"below {_num(_c.OMEGA_H_GENERAL.value, L)}, so the total score mixes a common factor with category-specific "
                     "parts; read dimensions and categories on their own.")
                  + " (Cut-off after Rodriguez, Reise & Haviland 2016.)")
        elif rev.omega_h_note:
            s += f"\n\nOmega hierarchical was not computed: {_omega_h_note(rev.omega_h_note, L)}."
    return s


def items_markdown(rev: Any) -> str:
    """How to read the item table, and which items correlate weakly with their category."""
    L = rev.language
    it = rev.items
    weak = [i for i in it.index if pd.notna(it.loc[i, "r_drop"]) and it.loc[i, "r_drop"] < 0.30]
    if L == "sv":
        s = ("Per fråga: antal svar, medelvärde och standardavvikelse (omvänt formulerade frågor är omkodade), "
             "korrigerad korrelation med resten av kategorin (r_drop) och kategorins alfa om frågan tas bort. "
             "r_drop under 0,30 tyder på att frågan mäter något annat än sin kategori.")
        s += f" Under 0,30: {', '.join(weak)}." if weak else " Ingen fråga har r_drop under 0,30."
    else:
        s = ("Per item: answers, mean and standard deviation (reverse-keyed items recoded), corrected correlation "
             "with the rest of its category (r_drop) and the category's alpha if the item is dropped. "
             "An r_drop below 0.30 suggests the item measures something other than its category.")
        s += f" Below 0.30: {', '.join(weak)}." if weak else " No item has r_drop below 0.30."
    return s


def parallel_markdown(rev: Any) -> str:
    """Parallel analysis in words, against the instrument's own structure."""
    L = rev.language
    pa = rev.results["parallel_analysis"]
    nf, npc, nd, nc = pa["n_factors_fa"], pa["n_factors_pc"], pa["n_dimensions"], pa["n_categories"]
    q = int(round(pa["quantile"] * 100))
    if L == "sv":
        s = (f"Egenvärden från data jämförs med egenvärden från slumpdata av samma storlek ({pa['n_iter']} simuleringar; "
             f"{q}:e percentilen, Horn 1965/Glorfeld 1995). Data stöder **{nf} faktorer** ({npc} principalkomponenter). ")
        if nf == nc:
            s += "Det stämmer med antalet kategorier."
        elif nf == nd:
            s += "Det stämmer med antalet dimensioner, inte med antalet kategorier: kategorierna skiljer sig lite åt i data."
        elif nf < nd:
            s += "Det är färre än instrumentets dimensioner: data skiljer inte tydligt dimensionerna åt."
        else:
            s += "Det stämmer varken med antalet dimensioner eller kategorier; se laddningarna nedan."
    else:
        s = (f"Eigenvalues of the data are compared with those of random data of the same size ({pa['n_iter']} "
             f"simulations; {q}th percentile, Horn 1965/Glorfeld 1995). The data support **{nf} factors** "
             f"({npc} principal components). ")
        if nf == nc:
            s += "That matches the number of categories."
        elif nf == nd:
            s += "That matches the number of dimensions, not of categories: the categories differ little in these data."
        elif nf < nd:
            s += "That is fewer than the instrument's dimensions: the data do not clearly separate the dimensions."
        else:
            s += "That matches neither the number of dimensions nor of categories; see the loadings below."
    return s


_PROBLEMS_SV = (
    (r"^The model did not converge.*", "Modellen konvergerade inte; skattningar och anpassningsmått är osäkra."),
    (r"^Negative residual variance for item\(s\) (.*?)( in group .*?)? \(a Heywood case\).*",
     r"Negativ residualvarians för \1\2 (Heywood-fall): modellen passar inte dessa data; leta efter en "
     r"överflödig eller felplacerad fråga."),
    (r"^The factor covariance matrix( in group .*?)? is not positive definite.*",
     r"Faktorernas kovariansmatris\1 är inte positivt definit: några faktorer går inte att skilja åt i dessa data "
     r"(se korrelationerna nedan)."),
    (r"^Standard errors are not available.*", "Standardfel saknas: modellen är kanske inte identifierad."),
)


def _problem_text(problem: str, L: str) -> str:
    """A CFA problem sentence of :mod:`evaluation.stats.structure` in ``L`` (unknown ones as they are)."""
    if L != "sv":
        return problem
    for pat, repl in _PROBLEMS_SV:
        if re.match(pat, problem):
            return re.sub(pat, repl, problem).replace(" in group ", " i gruppen ")
    return problem


def cfa_markdown(rev: Any) -> str:
    """The CFA fit in words: which cut-offs pass at each level, and any estimation problem."""
    L = rev.language
    out = []
    if L == "sv":
        out.append("Modellen: varje kategori (eller dimension) är en faktor som mäts av sina frågor; faktorerna får "
                   "korrelera. Skattning med maximum likelihood som lavaan"
                   + (", med alla svar (full information ML) så att 'vet ej' och obesvarade frågor inte tar bort hela svarande."
                      if rev.missing == "ml" else ", bara svarande som besvarat alla frågor.")
                   + " Gränser för god anpassning enligt Hu & Bentler (1999): CFI ≥ 0,95, TLI ≥ 0,95, RMSEA ≤ 0,06, SRMR ≤ 0,08.")
    else:
        out.append("The model: each category (or dimension) is a factor measured by its items; the factors may "
                   "correlate. Maximum-likelihood estimation as lavaan"
                   + (", using every answer (full-information ML) so that 'don't know' and skipped items do not drop "
                      "whole respondents." if rev.missing == "ml" else ", respondents who answered every item only.")
                   + " Cut-offs for good fit after Hu & Bentler (1999): CFI ≥ 0.95, TLI ≥ 0.95, RMSEA ≤ 0.06, SRMR ≤ 0.08.")
    for level, c in rev.results["cfa"].items():
        lv = _LEVEL[L][level]
        ok = [_IDX[k] for k, v in c["passes"].items() if v]
        bad = [_IDX[k] for k, v in c["passes"].items() if not v]
        if L == "sv":
            s = (f"- **{lv.capitalize()}:** χ² = {_num(c['chisq'], L, 1)} (df {c['df']}, p {_num(c['pvalue'], L, 3)}), "
                 f"CFI {_num(c['cfi'], L, 3)}, TLI {_num(c['tli'], L, 3)}, RMSEA {_num(c['rmsea'], L, 3)} "
                 f"(90 % KI {_num(c['rmsea_ci_low'], L, 3)}–{_num(c['rmsea_ci_high'], L, 3)}), SRMR {_num(c['srmr'], L, 3)}; "
                 f"n = {c['n']}. Når gränsen: {', '.join(ok) or 'inget mått'}"
                 + (f"; når den inte: {', '.join(bad)}." if bad else "."))
        else:
            s = (f"- **{lv.capitalize()}:** χ² = {_num(c['chisq'], L, 1)} (df {c['df']}, p {_num(c['pvalue'], L, 3)}), "
                 f"CFI {_num(c['cfi'], L, 3)}, TLI {_num(c['tli'], L, 3)}, RMSEA {_num(c['rmsea'], L, 3)} "
                 f"(90 % CI {_num(c['rmsea_ci_low'], L, 3)}–{_num(c['rmsea_ci_high'], L, 3)}), SRMR {_num(c['srmr'], L, 3)}; "
                 f"n = {c['n']}. Meets the cut-off: {', '.join(ok) or 'no index'}"
                 + (f"; does not: {', '.join(bad)}." if bad else "."))
        res = rev.cfa[level]
        weak = res.loadings[res.loadings["std_all"].abs() < _c.WEAK_LOADING.value]
        if len(weak):
            items = ", ".join(f"{_e(r.item)} ({_num(r.std_all, L)})" for r in weak.itertuples())
            s += (f"\n  - Svaga standardiserade laddningar (under {_num(_c.WEAK_LOADING.value, L)}, en vanlig tumregel): {items}."
                  if L == "sv" else
                  f"\n  - Weak standardised loadings (below {_num(_c.WEAK_LOADING.value, L)}, a common rule of thumb): {items}.")
        pairs = [(x["factor_1"], x["factor_2"], x["r"]) for x in c["not_distinct"]]
        if pairs:
            names = ", ".join(f"{_e(rev.instrument.name_of(a, L))} – {_e(rev.instrument.name_of(b, L))} "
                              f"({_num(r, L)})" for a, b, r in pairs)
            s += ((f"\n  - Faktorer som korrelerar ≥ {_num(_c.DISCRIMINANT_R.value, L)} och därför knappt går att skilja åt "
                   f"(Brown 2015): {names}.") if L == "sv" else
                  (f"\n  - Factors correlating ≥ {_num(_c.DISCRIMINANT_R.value, L)}, hardly distinct (Brown 2015): {names}."))
        for p in c["problems"]:
            s += f"\n  - ⚠ {_e(_problem_text(p, L))}"
        out.append(s)
    for n in rev.notes["cfa"]:
        out.append(("- Kunde inte skattas: " if L == "sv" else "- Could not be fitted: ") + _e(n))
    return "\n\n".join(out[:1]) + "\n\n" + "\n".join(out[1:])


def _rule_text(rule: str, L: str) -> str:
    """A decision rule of :func:`evaluation.stats.structure.measurement_invariance` in ``L``."""
    if L != "sv":
        return rule
    out = (rule.replace("non-invariant if", "ej invariant om").replace("together with", "tillsammans med")
           .replace(" or ", " eller ").replace("configural fit acceptable if", "konfigural anpassning godtagbar om")
           .replace(" and ", " och "))
    return re.sub(r"(\d)\.(\d)", r"\1,\2", out)


def invariance_markdown(rev: Any) -> str:
    """Which groups were compared, which were left out (labels only), the rule, and the verdicts."""
    L = rev.language
    g = rev.invariance_groups
    if g["group_column"] is None:
        return ("Ingen gruppkolumn angavs, så mätinvarians prövades inte (ange t.ex. `group_column='role'`)."
                if L == "sv" else "No group column was given, so measurement invariance was not tested "
                "(give e.g. `group_column='role'`).")
    k = rev.min_group_size
    if L == "sv":
        s = (f"Grupper i kolumnen '{_e(g['group_column'])}' som jämförs: {', '.join(map(_e, g['included'])) or 'inga'}. "
             "Varje dimensions kategorimodell skattas tre gånger: konfigural (samma struktur), metrisk (lika "
             "laddningar: sambanden går att jämföra) och skalär (även lika intercept: medelvärden går att jämföra).")
        if g["dropped"]:
            s += (f" Grupper med färre än {k} svarande ingår inte i analysen och inga siffror om dem visas: "
                  f"{', '.join(map(_e, g['dropped']))}.")
        else:
            s += f" Alla grupper har minst {k} svarande."
    else:
        s = (f"Groups of the column '{_e(g['group_column'])}' compared: {', '.join(map(_e, g['included'])) or 'none'}. "
             "Each dimension's category model is fitted three times: configural (same structure), metric (equal "
             "loadings: relations can be compared) and scalar (equal intercepts too: means can be compared).")
        if g["dropped"]:
            s += (f" Groups with fewer than {k} respondents are left out of the analysis and no numbers about them "
                  f"are shown: {', '.join(map(_e, g['dropped']))}.")
        else:
            s += f" Every group has at least {k} respondents."
    if "too_few_groups" in rev.notes["invariance"]:
        s += (" Färre än två grupper är tillräckligt stora, så invarians kan inte prövas." if L == "sv"
              else " Fewer than two groups are large enough, so invariance cannot be tested.")
    if rev.invariance:
        tab = next(iter(rev.invariance.values()))
        s += ("\n\nBeslutsregler:\n" if L == "sv" else "\n\nDecision rules:\n") + "\n".join(
            f"- {_MI_LEVEL[L][lvl]}: {_rule_text(rule, L)}" for lvl, rule in tab["rule"].items())
    for n in rev.notes["invariance"]:
        if n != "too_few_groups":
            s += ("\n\n- Kunde inte skattas: " if L == "sv" else "\n\n- Could not be fitted: ") + _e(n)
    return s


def comprehension_markdown(rev: Any) -> str:
    """How many items are flagged as possibly hard to understand."""
    L = rev.language
    comp = rev.comprehension
    if comp is None:
        why = "; ".join(map(_e, rev.notes["comprehension"]))
        return (f"Förståelseanalysen saknas{': ' + why if why else ''}." if L == "sv"
                else f"The comprehension analysis is missing{': ' + why if why else ''}.")
    n_rev = int((comp["flag"] == "revise").sum())
    n_gr = int((comp["flag"] == "review").sum())
    if L == "sv":
        return (f"Signaler från svaren (andel 'vet ej' och obesvarat, om 'vet ej' är vanligare bland dem med lägre "
                f"mognad, svagt samband med kategorin) och från texten (LIX, dubbla frågor, facktermer). "
                f"{n_rev} frågor bör revideras och {n_gr} granskas. Skillnader mellan roller eller enheter: "
                "`dmkit items FIL -i INSTRUMENT --group role`.")
    return (f"Signals from the answers (don't-know and skip rates, whether don't know is more common at lower "
            f"maturity, weak relation with the category) and from the text (readability, double-barrelled wording, "
            f"jargon). {n_rev} items should be revised and {n_gr} reviewed. Differences between roles or units: "
            "`dmkit items FILE -i INSTRUMENT --group role`.")



def reliability_alt(rev: Any) -> str:
    """Alt text of the reliability figure, from the numbers."""
    L = rev.language
    t = rev.reliability
    a = t["alpha"].astype(float)
    lo, hi = a.idxmin(), a.idxmax()
    words = {"sv": "Punktdiagram med alfa och omega med 95 % KI för {k} skalor; lägst alfa {lo} ({lov}), högst {hi} ({hiv}).",
             "en": "Dot plot of alpha and omega with 95% CIs for {k} scales; lowest alpha {lo} ({lov}), highest {hi} ({hiv})."}
    return words[L].format(k=len(t), lo=t.loc[lo, "name"], lov=fmt.number(a[lo], L, 2), hi=t.loc[hi, "name"],
                           hiv=fmt.number(a[hi], L, 2))


def scree_alt(rev: Any) -> str:
    """Alt text of the scree plot, from the parallel analysis."""
    L = rev.language
    pa, fa = rev.parallel, rev.parallel_fa
    words = {"sv": ("Screediagram: observerade egenvärden mot slumpdata. Parallellanalysen föreslår {pc} komponenter "
                    "och {fa} faktorer; instrumentet har {d} dimensioner."),
             "en": ("Scree plot: observed eigenvalues against random data. Parallel analysis suggests {pc} components "
                    "and {fa} factors; the instrument has {d} dimensions.")}
    return words[L].format(pc=pa.n_factors, fa=fa.n_factors if fa is not None else "–",
                           d=len(rev.instrument.dimension_items()))



def flagged_markdown(rev: Any) -> str:
    """Flagged items as a list: id, flag, item text and every reason (nothing cut off)."""
    L = rev.language
    comp = rev.comprehension
    if comp is None or not len(comp):
        return ""
    words = {"sv": {"review": "granska", "revise": "revidera"}, "en": {"review": "review", "revise": "revise"}}[L]
    f = comp[comp["flag"] != "ok"]
    out = []
    for r in f.itertuples():
        out.append(f"- **{_e(r.item)}** ({words[r.flag]}): *{_e(text(rev.instrument.item(r.item).text, L))}*  \n  "
                   + _e(r.reasons))
    return "\n".join(out)

