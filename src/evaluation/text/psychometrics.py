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
from evaluation.text.catalogue import register, t
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


#: a comprehension flag in words (the review's list and its table)
FLAG_WORDS = {"sv": {"review": "granska", "revise": "revidera"}, "en": {"review": "review", "revise": "revise"}}


def headings(language: str) -> dict:
    """Section headings of the psychometrics notebook in ``language``."""
    return dict(_H[language])


register("psychometrics_words", {
    # summary
    "psy.sum.data": {
        "sv": "Granskningen bygger på {n} svar på *{title}* (version {version}): {k} frågor i {nd} dimensioner och {nc} kategorier.",
        "en": "This review is based on {n} responses to *{title}* (version {version}): {k} items in {nd} dimensions and {nc} categories."},
    "psy.sum.reliability": {
        "sv": "**Reliabilitet:** alfa {a_lo}–{a_hi} och omega {o_lo}–{o_hi} över dimensioner och kategorier.",
        "en": "**Reliability:** alpha {a_lo}–{a_hi} and omega {o_lo}–{o_hi} across dimensions and categories."},
    "psy.sum.factors": {
        "sv": ("**Antal faktorer:** parallellanalysen stöder {nf} faktorer ({npc} komponenter); instrumentet anger "
               "{nd} dimensioner och {nc} kategorier."),
        "en": ("**Number of factors:** parallel analysis supports {nf} factors ({npc} components); the instrument "
               "claims {nd} dimensions and {nc} categories.")},
    "psy.sum.structure": {"sv": "**Struktur ({level}):** {n_pass} av 4 mått når Hu & Bentlers gränser{passed}.",
                          "en": "**Structure ({level}):** {n_pass} of 4 indices meet Hu & Bentler's cut-offs{passed}."},
    "psy.sum.problems": {"sv": " Men skattningen har problem (se nedan), så tolka anpassningen försiktigt.",
                         "en": " But the estimates have problems (see below), so read the fit with care."},
    "psy.sum.invariance": {"sv": "**Mätinvarians** mellan grupper i kolumnen '{column}': {verdicts}.",
                           "en": "**Measurement invariance** across groups of '{column}': {verdicts}."},
    "psy.sum.inv_holds": {"sv": "{name}: {level} invarians håller", "en": "{name}: {level} invariance holds"},
    "psy.sum.inv_none": {"sv": "{name}: inte ens konfigural invarians håller",
                         "en": "{name}: not even configural invariance holds"},
    # reliability
    "psy.rel.intro": {
        "sv": ("Alfa (Cronbach) och omega (McDonald) anger hur stor del av variationen i en skalas poäng som är "
               "verklig skillnad mellan svarande snarare än slump. Alfa har ett 95 % konfidensintervall enligt Feldt, "
               "omega ett bootstrapintervall; omega bygger på dem som besvarat alla frågor i skalan. "
               "Värden ≥ {group} brukar räcka för att jämföra grupper, ≥ {individual} krävs för beslut om enskilda "
               "(Nunnally & Bernstein 1994)."),
        "en": ("Alpha (Cronbach) and omega (McDonald) give the share of the variation in a scale's scores that is true "
               "difference between respondents rather than noise. Alpha has a Feldt 95 % confidence interval, omega a "
               "bootstrap interval; omega uses the respondents who answered every item of the scale. "
               "Values ≥ {group} are usually enough to compare groups, ≥ {individual} is needed for decisions about "
               "individuals (Nunnally & Bernstein 1994).")},
    "psy.rel.low": {"sv": " Under {group}: {scales}.", "en": " Below {group}: {scales}."},
    "psy.rel.all_ok": {"sv": " Alla skalor når {group}.", "en": " Every scale reaches {group}."},
    "psy.rel.omega_h": {
        "sv": "**Omega hierarkisk** för hela instrumentet är {oh} (omega total {ot}, {g} gruppfaktorer = {groups}): ",
        "en": "**Omega hierarchical** of the whole instrument is {oh} (omega total {ot}, {g} group factors = {groups}): "},
    "psy.rel.groups.categories": {"sv": "kategorierna", "en": "the categories"},
    "psy.rel.groups.dimensions": {"sv": "dimensionerna", "en": "the dimensions"},
    "psy.rel.general": {
        "sv": "totalpoängen speglar i huvudsak en gemensam faktor, så en sammanlagd mognadspoäng är rimlig.",
        "en": "the total score mainly reflects one common factor, so an overall maturity score is reasonable."},
    "psy.rel.not_general": {
        "sv": ("under {cut}, så totalpoängen blandar en gemensam faktor med kategorispecifika delar; tolka "
               "dimensioner och kategorier var för sig."),
        "en": ("below {cut}, so the total score mixes a common factor with category-specific parts; read dimensions "
               "and categories on their own.")},
    "psy.rel.omega_h_ref": {"sv": " (Gräns enligt Rodriguez, Reise & Haviland 2016.)",
                            "en": " (Cut-off after Rodriguez, Reise & Haviland 2016.)"},
    "psy.rel.omega_h_missing": {"sv": "Omega hierarkisk beräknades inte: {why}.",
                                "en": "Omega hierarchical was not computed: {why}."},
    "psy.rel.single_category": {"sv": "instrumentet har en enda kategori, så det finns inga gruppfaktorer",
                                "en": "the instrument has a single category, so there are no group factors"},
    # items
    "psy.items.intro": {
        "sv": ("Per fråga: antal svar, medelvärde och standardavvikelse (omvänt formulerade frågor är omkodade), "
               "korrigerad korrelation med resten av kategorin (r_drop) och kategorins alfa om frågan tas bort. "
               "r_drop under {cut} tyder på att frågan mäter något annat än sin kategori."),
        "en": ("Per item: answers, mean and standard deviation (reverse-keyed items recoded), corrected correlation "
               "with the rest of its category (r_drop) and the category's alpha if the item is dropped. "
               "An r_drop below {cut} suggests the item measures something other than its category.")},
    "psy.items.weak": {"sv": " Under {cut}: {items}.", "en": " Below {cut}: {items}."},
    "psy.items.none_weak": {"sv": " Ingen fråga har r_drop under {cut}.", "en": " No item has r_drop below {cut}."},
    # parallel analysis
    "psy.pa.intro": {
        "sv": ("Egenvärden från data jämförs med egenvärden från slumpdata av samma storlek ({n_iter} simuleringar; "
               "{q}:e percentilen, Horn 1965/Glorfeld 1995). Data stöder **{nf} faktorer** ({npc} principalkomponenter). "),
        "en": ("Eigenvalues of the data are compared with those of random data of the same size ({n_iter} "
               "simulations; {q}th percentile, Horn 1965/Glorfeld 1995). The data support **{nf} factors** "
               "({npc} principal components). ")},
    "psy.pa.left_out": {
        "sv": " Utelämnade ur analysen (för få svar, ingen spridning eller korrelationer som inte går att beräkna): {items}.",
        "en": " Left out of the analysis (too few answers, no spread, or correlations that cannot be computed): {items}."},
    "psy.pa.categories": {"sv": "Det stämmer med antalet kategorier.", "en": "That matches the number of categories."},
    "psy.pa.dimensions": {
        "sv": "Det stämmer med antalet dimensioner, inte med antalet kategorier: kategorierna skiljer sig lite åt i data.",
        "en": "That matches the number of dimensions, not of categories: the categories differ little in these data."},
    "psy.pa.fewer": {"sv": "Det är färre än instrumentets dimensioner: data skiljer inte tydligt dimensionerna åt.",
                     "en": "That is fewer than the instrument's dimensions: the data do not clearly separate the dimensions."},
    "psy.pa.neither": {"sv": "Det stämmer varken med antalet dimensioner eller kategorier; se laddningarna nedan.",
                       "en": "That matches neither the number of dimensions nor of categories; see the loadings below."},
    # CFA
    "psy.cfa.intro": {
        "sv": ("Modellen: varje kategori (eller dimension) är en faktor som mäts av sina frågor; faktorerna får "
               "korrelera. Skattning med maximum likelihood som lavaan{missing} Gränser för god anpassning enligt "
               "Hu & Bentler (1999): {cutoffs}."),
        "en": ("The model: each category (or dimension) is a factor measured by its items; the factors may "
               "correlate. Maximum-likelihood estimation as lavaan{missing} Cut-offs for good fit after "
               "Hu & Bentler (1999): {cutoffs}.")},
    "psy.cfa.fiml": {
        "sv": ", med alla svar (full information ML) så att 'vet ej' och obesvarade frågor inte tar bort hela svarande.",
        "en": (", using every answer (full-information ML) so that 'don't know' and skipped items do not drop "
               "whole respondents.")},
    "psy.cfa.listwise": {"sv": ", bara svarande som besvarat alla frågor.",
                         "en": ", respondents who answered every item only."},
    "psy.cfa.level": {
        "sv": ("- **{level}:** χ² = {chisq} (df {df}, p {p}), CFI {cfi}, TLI {tli}, RMSEA {rmsea} (90 % KI {lo}–{hi}), "
               "SRMR {srmr}; n = {n}. Når gränsen: {ok}"),
        "en": ("- **{level}:** χ² = {chisq} (df {df}, p {p}), CFI {cfi}, TLI {tli}, RMSEA {rmsea} (90 % CI {lo}–{hi}), "
               "SRMR {srmr}; n = {n}. Meets the cut-off: {ok}")},
    "psy.cfa.no_index": {"sv": "inget mått", "en": "no index"},
    "psy.cfa.bad": {"sv": "; når den inte: {bad}", "en": "; does not: {bad}"},
    "psy.cfa.weak": {"sv": "Svaga standardiserade laddningar (under {cut}, en vanlig tumregel): {items}.",
                     "en": "Weak standardised loadings (below {cut}, a common rule of thumb): {items}."},
    "psy.cfa.not_distinct": {
        "sv": "Faktorer som korrelerar ≥ {cut} och därför knappt går att skilja åt (Brown 2015): {pairs}.",
        "en": "Factors correlating ≥ {cut}, hardly distinct (Brown 2015): {pairs}."},
    "psy.not_fitted": {"sv": "Kunde inte skattas: {why}", "en": "Could not be fitted: {why}"},
    # invariance
    "psy.inv.no_group": {
        "sv": "Ingen gruppkolumn angavs, så mätinvarians prövades inte (ange t.ex. `group_column='role'`).",
        "en": "No group column was given, so measurement invariance was not tested (give e.g. `group_column='role'`)."},
    "psy.inv.intro": {
        "sv": ("Grupper i kolumnen '{column}' som jämförs: {groups}. Varje dimensions kategorimodell skattas tre "
               "gånger: konfigural (samma struktur), metrisk (lika laddningar: sambanden går att jämföra) och skalär "
               "(även lika intercept: medelvärden går att jämföra)."),
        "en": ("Groups of the column '{column}' compared: {groups}. Each dimension's category model is fitted three "
               "times: configural (same structure), metric (equal loadings: relations can be compared) and scalar "
               "(equal intercepts too: means can be compared).")},
    "psy.inv.none": {"sv": "inga", "en": "none"},
    "psy.inv.dropped": {
        "sv": " Grupper med färre än {k} svarande ingår inte i analysen och inga siffror om dem visas: {groups}.",
        "en": (" Groups with fewer than {k} respondents are left out of the analysis and no numbers about them "
               "are shown: {groups}.")},
    "psy.inv.all_large": {"sv": " Alla grupper har minst {k} svarande.", "en": " Every group has at least {k} respondents."},
    "psy.inv.too_few": {"sv": " Färre än två grupper är tillräckligt stora, så invarians kan inte prövas.",
                        "en": " Fewer than two groups are large enough, so invariance cannot be tested."},
    "psy.inv.rules": {"sv": "Beslutsregler:", "en": "Decision rules:"},
    # comprehension
    "psy.comp.missing": {"sv": "Förståelseanalysen saknas{why}.", "en": "The comprehension analysis is missing{why}."},
    "psy.comp.summary": {
        "sv": ("Signaler från svaren (andel 'vet ej' och obesvarat, om 'vet ej' är vanligare bland dem med lägre "
               "mognad, svagt samband med kategorin) och från texten (LIX, dubbla frågor, facktermer). {n_rev} frågor "
               "bör revideras och {n_gr} granskas. Skillnader mellan roller eller enheter: "
               "`dmkit items FIL -i INSTRUMENT --group role`."),
        "en": ("Signals from the answers (don't-know and skip rates, whether don't know is more common at lower "
               "maturity, weak relation with the category) and from the text (readability, double-barrelled wording, "
               "jargon). {n_rev} items should be revised and {n_gr} reviewed. Differences between roles or units: "
               "`dmkit items FILE -i INSTRUMENT --group role`.")},
})


def summary_markdown(rev: Any) -> str:
    """The review in a few plain sentences: data, reliability range, structure, fit, invariance."""
    L, inst, r = rev.language, rev.instrument, rev.results
    rel = rev.reliability
    pa = r["parallel_analysis"]
    sizes = dict(nd=pa["n_dimensions"], nc=pa["n_categories"])
    parts = [t("psy.sum.data", L, n=r["respondents"]["accepted"], title=_e(text(inst.title, L)),
               version=_e(inst.version), k=len(inst.item_ids), **sizes),
             t("psy.sum.reliability", L, a_lo=_num(rel["alpha"].min(), L), a_hi=_num(rel["alpha"].max(), L),
               o_lo=_num(rel["omega"].min(), L), o_hi=_num(rel["omega"].max(), L)),
             t("psy.sum.factors", L, nf=pa["n_factors_fa"], npc=pa["n_factors_pc"], **sizes)]
    for level, c in r["cfa"].items():
        passed = [_IDX[k] for k, v in c["passes"].items() if v]
        parts.append(t("psy.sum.structure", L, level=_LEVEL[L][level], n_pass=c["n_pass"],
                       passed=f" ({', '.join(passed)})" if passed else "")
                     + (t("psy.sum.problems", L) if c["problems"] else ""))
    inv = r["invariance"]
    if inv is not None and inv["models"]:
        verdicts = []
        for d, rows in inv["models"].items():
            held = [x["model"] for x in rows if x["verdict"] == "holds"]
            top = "scalar" if "scalar" in held else "metric" if "metric" in held else "configural" if held else None
            name = _e(inst.name_of(d, L))
            verdicts.append(t("psy.sum.inv_holds", L, name=name, level=_MI_LEVEL[L][top]) if top
                            else t("psy.sum.inv_none", L, name=name))
        parts.append(t("psy.sum.invariance", L, column=_e(inv["group_column"]), verdicts="; ".join(verdicts)))
    return "\n\n".join(parts)


def _omega_h_note(note: str, L: str) -> str:
    """Why omega_h is missing: a code of the review in words, or the estimator's own message (escaped)."""
    return t("psy.rel.single_category", L) if note == "single_category" else _e(note)


def reliability_markdown(rev: Any) -> str:
    """What the reliability table says, and which scales fall short."""
    L = rev.language
    rel = rev.reliability
    group = _num(_c.RELIABILITY_GROUP.value, L)
    low = [_e(rel.loc[i, "name"]) for i in rel.index
           if pd.notna(rel.loc[i, "alpha"]) and not _c.RELIABILITY_GROUP.passes(rel.loc[i, "alpha"])]
    s = t("psy.rel.intro", L, group=group, individual=_num(_c.RELIABILITY_INDIVIDUAL.value, L))
    s += t("psy.rel.low", L, group=group, scales=", ".join(low)) if low else t("psy.rel.all_ok", L, group=group)
    oh = rev.omega_h
    if oh is not None:
        groups = t(f"psy.rel.groups.{'categories' if rev.omega_h_note == 'categories' else 'dimensions'}", L)
        s += ("\n\n" + t("psy.rel.omega_h", L, oh=_num(oh.omega_h, L), ot=_num(oh.omega_t, L), g=oh.n_groups,
                         groups=groups)
              + (t("psy.rel.general", L) if _c.OMEGA_H_GENERAL.passes(oh.omega_h)
                 else t("psy.rel.not_general", L, cut=_num(_c.OMEGA_H_GENERAL.value, L)))
              + t("psy.rel.omega_h_ref", L))
    elif rev.omega_h_note:
        s += "\n\n" + t("psy.rel.omega_h_missing", L, why=_omega_h_note(rev.omega_h_note, L))
    return s


def items_markdown(rev: Any) -> str:
    """How to read the item table, and which items correlate weakly with their category."""
    L = rev.language
    it = rev.items
    cut = _num(_c.ITEM_REST_R.value, L)
    weak = [_e(i) for i in it.index if pd.notna(it.loc[i, "r_drop"]) and not _c.ITEM_REST_R.passes(it.loc[i, "r_drop"])]
    return t("psy.items.intro", L, cut=cut) + (t("psy.items.weak", L, cut=cut, items=", ".join(weak)) if weak
                                               else t("psy.items.none_weak", L, cut=cut))


def parallel_markdown(rev: Any) -> str:
    """Parallel analysis in words, against the instrument's own structure."""
    L = rev.language
    pa = rev.results["parallel_analysis"]
    nf, nd, nc = pa["n_factors_fa"], pa["n_dimensions"], pa["n_categories"]
    verdict = ("categories" if nf == nc else "dimensions" if nf == nd else "fewer" if nf < nd else "neither")
    out = (t("psy.pa.intro", L, n_iter=pa["n_iter"], q=int(round(pa["quantile"] * 100)), nf=nf, npc=pa["n_factors_pc"])
           + t(f"psy.pa.{verdict}", L))
    left = (rev.results.get("notes") or {}).get("parallel") or []
    if left:
        from evaluation.text.format import escape_md

        names = ", ".join(escape_md(rev.responses.instrument.name_of(i, L)) for i in left)
        out += t("psy.pa.left_out", L, items=names)
    return out


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


def _cutoffs(L: str) -> str:
    """Hu & Bentler's cut-offs as the report writes them: "CFI ≥ 0,95, TLI ≥ 0,95, RMSEA ≤ 0,06, SRMR ≤ 0,08"."""
    show = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
    return ", ".join(f"{_IDX[k]} {show[c.op]} {_num(c.value, L)}" for k, c in _c.HU_BENTLER.items())


def cfa_markdown(rev: Any) -> str:
    """The CFA fit in words: which cut-offs pass at each level, and any estimation problem."""
    L = rev.language
    out = [t("psy.cfa.intro", L, missing=t("psy.cfa.fiml" if rev.missing == "ml" else "psy.cfa.listwise", L),
             cutoffs=_cutoffs(L))]
    for level, c in rev.results["cfa"].items():
        ok = [_IDX[k] for k, v in c["passes"].items() if v]
        bad = [_IDX[k] for k, v in c["passes"].items() if not v]
        s = t("psy.cfa.level", L, level=_LEVEL[L][level].capitalize(), chisq=_num(c["chisq"], L, 1), df=c["df"],
              p=_num(c["pvalue"], L, 3), cfi=_num(c["cfi"], L, 3), tli=_num(c["tli"], L, 3),
              rmsea=_num(c["rmsea"], L, 3), lo=_num(c["rmsea_ci_low"], L, 3), hi=_num(c["rmsea_ci_high"], L, 3),
              srmr=_num(c["srmr"], L, 3), n=c["n"], ok=", ".join(ok) or t("psy.cfa.no_index", L))
        s += (t("psy.cfa.bad", L, bad=", ".join(bad)) if bad else "") + "."
        res = rev.cfa[level]
        weak = res.loadings[[_c.WEAK_LOADING.passes(abs(v)) is False for v in res.loadings["std_all"]]]
        if len(weak):
            items = ", ".join(f"{_e(r.item)} ({_num(r.std_all, L)})" for r in weak.itertuples())
            s += "\n  - " + t("psy.cfa.weak", L, cut=_num(_c.WEAK_LOADING.value, L), items=items)
        if c["not_distinct"]:
            pairs = ", ".join(f"{_e(rev.instrument.name_of(x['factor_1'], L))} – "
                              f"{_e(rev.instrument.name_of(x['factor_2'], L))} ({_num(x['r'], L)})"
                              for x in c["not_distinct"])
            s += "\n  - " + t("psy.cfa.not_distinct", L, cut=_num(_c.DISCRIMINANT_R.value, L), pairs=pairs)
        for p in c["problems"]:
            s += f"\n  - ⚠ {_e(_problem_text(p, L))}"
        out.append(s)
    out += ["- " + t("psy.not_fitted", L, why=_e(n)) for n in rev.notes["cfa"]]
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
        return t("psy.inv.no_group", L)
    k = rev.min_group_size
    s = t("psy.inv.intro", L, column=_e(g["group_column"]),
          groups=", ".join(map(_e, g["included"])) or t("psy.inv.none", L))
    s += (t("psy.inv.dropped", L, k=k, groups=", ".join(map(_e, g["dropped"]))) if g["dropped"]
          else t("psy.inv.all_large", L, k=k))
    if "too_few_groups" in rev.notes["invariance"]:
        s += t("psy.inv.too_few", L)
    if rev.invariance:
        tab = next(iter(rev.invariance.values()))
        s += f"\n\n{t('psy.inv.rules', L)}\n" + "\n".join(
            f"- {_MI_LEVEL[L][lvl]}: {_rule_text(rule, L)}" for lvl, rule in tab["rule"].items())
    for n in rev.notes["invariance"]:
        if n != "too_few_groups":
            s += "\n\n- " + t("psy.not_fitted", L, why=_e(n))
    return s


def comprehension_markdown(rev: Any) -> str:
    """How many items are flagged as possibly hard to understand."""
    L = rev.language
    comp = rev.comprehension
    if comp is None:
        why = "; ".join(map(_e, rev.notes["comprehension"]))
        return t("psy.comp.missing", L, why=f": {why}" if why else "")
    return t("psy.comp.summary", L, n_rev=int((comp["flag"] == "revise").sum()),
             n_gr=int((comp["flag"] == "review").sum()))


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
    words = FLAG_WORDS[L]
    f = comp[comp["flag"] != "ok"]
    out = []
    for r in f.itertuples():
        out.append(f"- **{_e(r.item)}** ({words[r.flag]}): *{_e(text(rev.instrument.item(r.item).text, L))}*  \n  "
                   + _e(r.reasons))
    return "\n".join(out)

