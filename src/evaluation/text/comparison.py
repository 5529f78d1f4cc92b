"""Words of the instrument-comparison report (sv, en): headings, headers, COSMIN sentences, the recommendation.

Statistics (:mod:`evaluation.stats.comparison`, :mod:`evaluation.stats.cosmin`)
return numbers, ratings (``+``, ``?``, ``−``) and codes; this module words
them, every number through :mod:`evaluation.text.format`.

>>> rating_word("+", "sv"), rating_word("\\u2212", "en")
('tillräcklig (+)', 'insufficient (−)')
>>> cosmin_label("reliability", "sv")
'Reliabilitet'
>>> landis_koch(0.65, "en")
'substantial'
"""

from __future__ import annotations

from typing import Any, Mapping

from evaluation.text import format as fmt
from evaluation.text.catalogue import register, t

__all__ = ["heading", "col", "rating_word", "cosmin_label", "cosmin_criterion", "cosmin_values", "landis_koch",
           "agreement_name", "recommendation_text", "summary_lines"]

MINUS = "\u2212"

_M: dict[str, dict[str, str]] = {
    "comparison.title": {"sv": "Jämförelse av mätinstrument: {a} och {b}", "en": "Comparing instruments: {a} and {b}"},
    "comparison.summary": {"sv": "Sammanfattning", "en": "Summary"},
    "comparison.recommendation": {"sv": "Vilket instrument passar oss?", "en": "Which instrument suits us?"},
    "comparison.reliability": {"sv": "Reliabilitet (intern konsistens)", "en": "Reliability (internal consistency)"},
    "comparison.structure": {"sv": "Strukturell validitet (faktoranalys)", "en": "Structural validity (factor analysis)"},
    "comparison.validity": {"sv": "Konvergent och diskriminant validitet", "en": "Convergent and discriminant validity"},
    "comparison.mtmm": {"sv": "Korrelationer mellan instrumentens poäng", "en": "Correlations between the instruments' scores"},
    "comparison.agreement": {"sv": "Överensstämmelse i klassificering", "en": "Agreement of classifications"},
    "comparison.retest": {"sv": "Test–retest", "en": "Test–retest"},
    "comparison.comprehension": {"sv": "Frågor som verkar svåra att förstå", "en": "Questions that seem hard to understand"},
    "comparison.burden": {"sv": "Svarsbörda", "en": "Respondent burden"},
    "comparison.cosmin": {"sv": "Mätegenskaper enligt COSMIN", "en": "Measurement properties (COSMIN)"},
    "comparison.how_to_read": {
        "sv": ("**Så läser du rapporten.** Samma personer har besvarat båda enkäterna. Ett 95 % konfidensintervall "
               "(KI) visar hur säker en siffra är. Alfa och ICC går från 0 till 1; 0,70 eller mer räcker för att "
               "jämföra grupper. Celler och punkter som bygger på färre än {k} personer visas inte."),
        "en": ("**How to read this report.** The same people answered both surveys. A 95% confidence interval (CI) "
               "shows how certain a figure is. Alpha and ICC run from 0 to 1; 0.70 or more is enough to compare "
               "groups. Cells and points based on fewer than {k} people are not shown.")},
    # columns
    "comparison.col.instrument": {"sv": "Instrument", "en": "Instrument"},
    "comparison.col.scale": {"sv": "Skala", "en": "Scale"},
    "comparison.col.level": {"sv": "Nivå", "en": "Level"},
    "comparison.col.items": {"sv": "Frågor", "en": "Items"},
    "comparison.col.alpha": {"sv": "Alfa", "en": "Alpha"},
    "comparison.col.ci": {"sv": "95 % KI", "en": "95% CI"},
    "comparison.col.verdict": {"sv": "Bedömning", "en": "Verdict"},
    "comparison.col.expected": {"sv": "Förväntat", "en": "Expected"},
    "comparison.col.r": {"sv": "r (95 % KI)", "en": "r (95% CI)"},
    "comparison.col.r_corrected": {"sv": "r korrigerad", "en": "r corrected"},
    "comparison.col.confirmed": {"sv": "Bekräftad", "en": "Confirmed"},
    "comparison.col.classification": {"sv": "Klassificering", "en": "Classification"},
    "comparison.col.share_same": {"sv": "Andel lika", "en": "Agreement"},
    "comparison.col.n": {"sv": "Personer", "en": "People"},
    "comparison.col.score": {"sv": "Poäng", "en": "Score"},
    "comparison.col.mean_t1": {"sv": "Medel test", "en": "Mean test"},
    "comparison.col.mean_t2": {"sv": "Medel retest", "en": "Mean retest"},
    "comparison.col.icc": {"sv": "ICC(2,1) (95 % KI)", "en": "ICC(2,1) (95% CI)"},
    "comparison.col.sdc": {"sv": "Minsta säkra förändring", "en": "Smallest detectable change"},
    "comparison.col.revise": {"sv": "Bör omarbetas", "en": "To revise"},
    "comparison.col.review": {"sv": "Bör ses över", "en": "To review"},
    "comparison.col.property": {"sv": "Egenskap", "en": "Property"},
    "comparison.col.weights": {"sv": "Vikter", "en": "Weights"},
    "comparison.col.measure": {"sv": "Mått", "en": "Measure"},
    "comparison.burden.items": {"sv": "Frågor", "en": "Items"},
    "comparison.burden.dimensions": {"sv": "Dimensioner", "en": "Dimensions"},
    "comparison.burden.categories": {"sv": "Kategorier", "en": "Categories"},
    "comparison.burden.median_minutes": {"sv": "Mediantid (minuter)", "en": "Median time (minutes)"},
    "comparison.burden.share_dont_know": {"sv": "Andel ”vet ej”", "en": "Share “don't know”"},
    "comparison.burden.share_skipped": {"sv": "Andel obesvarade", "en": "Share skipped"},
    # values
    "comparison.level.category": {"sv": "kategori", "en": "category"},
    "comparison.level.dimension": {"sv": "dimension", "en": "dimension"},
    "comparison.level.total": {"sv": "totalt", "en": "total"},
    "comparison.overall": {"sv": "Totalt", "en": "Overall"},
    "comparison.yes": {"sv": "ja", "en": "yes"},
    "comparison.no": {"sv": "nej", "en": "no"},
    "comparison.convergent": {"sv": "samband (konvergent)", "en": "related (convergent)"},
    "comparison.discriminant": {"sv": "svagt samband (diskriminant)", "en": "weakly related (discriminant)"},
    "comparison.fit_good": {"sv": "god", "en": "good"},
    "comparison.fit_acceptable": {"sv": "acceptabel", "en": "acceptable"},
    "comparison.fit_poor": {"sv": "svag", "en": "poor"},
    "comparison.not_converged": {"sv": "skattningen konvergerade inte", "en": "the estimation did not converge"},
    "comparison.weights_none": {"sv": "–", "en": "–"},
    "comparison.weights_quadratic": {"sv": "kvadratiska vikter", "en": "quadratic weights"},
    "comparison.weights_linear": {"sv": "linjära vikter", "en": "linear weights"},
    "comparison.agree.high_low": {"sv": "Hög/låg mognad (totalpoäng ≥ 50 %)", "en": "High/low maturity (overall ≥ 50%)"},
    "comparison.agree.tertiles": {"sv": "Tredjedelar av totalpoängen", "en": "Thirds of the overall score"},
    "comparison.agree.own_levels": {"sv": "Instrumentens egna nivåer", "en": "The instruments' own levels"},
    "comparison.rating.+": {"sv": "tillräcklig (+)", "en": "sufficient (+)"},
    "comparison.rating.?": {"sv": "obestämd (?)", "en": "indeterminate (?)"},
    "comparison.rating.−": {"sv": "otillräcklig (−)", "en": "insufficient (−)"},
    "comparison.landis.0": {"sv": "sämre än slumpen", "en": "poor"},
    "comparison.landis.1": {"sv": "obetydlig", "en": "slight"},
    "comparison.landis.2": {"sv": "svag", "en": "fair"},
    "comparison.landis.3": {"sv": "måttlig", "en": "moderate"},
    "comparison.landis.4": {"sv": "god", "en": "substantial"},
    "comparison.landis.5": {"sv": "mycket god", "en": "almost perfect"},
    "comparison.suppressed": {"sv": "Celler med färre än {k} personer visas inte (–).",
                              "en": "Cells with fewer than {k} people are not shown (–)."},
    "comparison.none_retest": {"sv": "Ingen retest-fil angavs; test–retest och mätfel kan inte bedömas.",
                               "en": "No retest file was given; test–retest and measurement error cannot be judged."},
    "comparison.no_classes": {"sv": "Instrumenten har ingen gemensam klassificering att korstabulera.",
                              "en": "The instruments have no classifications to cross-tabulate."},
    "comparison.comprehension_off": {"sv": "Förståelseanalysen kördes inte.", "en": "The comprehension analysis was not run."},
    "comparison.ba_alt": {"sv": "Bland–Altman-diagram för {name}: skillnad retest − test mot medelvärdet, {n} "
                                "grupper om minst {k} personer; medelskillnad {bias}.",
                          "en": "Bland–Altman plot for {name}: retest − test difference against the mean, {n} "
                                "groups of at least {k} people; mean difference {bias}."},
    "comparison.validity_alt": {"sv": "Korrelationer med 95 % KI för {m} hypoteser; {k} bekräftade.",
                                "en": "Correlations with 95% CI for {m} hypotheses; {k} confirmed."},
    "comparison.ba_x": {"sv": "Medelvärde av test och retest (totalpoäng)", "en": "Mean of test and retest (overall)"},
    "comparison.ba_y": {"sv": "Retest − test (procentenheter)", "en": "Retest − test (percentage points)"},
    "comparison.ba_bias": {"sv": "Medelskillnad", "en": "Mean difference"},
    "comparison.ba_loa": {"sv": "Gränser för överensstämmelse", "en": "Limits of agreement"},
    "comparison.ba_points": {"sv": "medel för grupper om minst {k} personer", "en": "means of groups of at least {k} people"},
    "comparison.not_confirmed": {"sv": "ej bekräftad", "en": "not confirmed"},
    "comparison.ba_text": {
        "sv": ("Punkterna är medelvärden för grupper om minst {k} personer med liknande poäng, så ingen punkt är en "
               "enskild person. Medelskillnaden är {bias} procentenheter och 95 % av skillnaderna väntas ligga mellan "
               "{lo} och {hi}."),
        "en": ("The points are means of groups of at least {k} people with similar scores, so no point is one "
               "person. The mean difference is {bias} percentage points and 95% of differences are expected between "
               "{lo} and {hi}.")},
    # COSMIN
    "comparison.cos.structural_validity": {"sv": "Strukturell validitet", "en": "Structural validity"},
    "comparison.cos.internal_consistency": {"sv": "Intern konsistens", "en": "Internal consistency"},
    "comparison.cos.reliability": {"sv": "Reliabilitet", "en": "Reliability"},
    "comparison.cos.measurement_error": {"sv": "Mätfel", "en": "Measurement error"},
    "comparison.cos.hypotheses_testing": {"sv": "Hypotesprövning", "en": "Hypotheses testing"},
    "comparison.cos.cross_group_invariance": {"sv": "Invarians mellan grupper", "en": "Cross-group invariance"},
    "comparison.crit.structural_validity": {"sv": "+ om CFI ≥ 0,95 eller RMSEA ≤ 0,06 eller SRMR ≤ 0,08",
                                            "en": "+ if CFI ≥ 0.95 or RMSEA ≤ 0.06 or SRMR ≤ 0.08"},
    "comparison.crit.internal_consistency": {"sv": "+ om strukturen är + och alfa ≥ 0,70 för varje skala",
                                             "en": "+ if structure is + and alpha ≥ 0.70 for every scale"},
    "comparison.crit.reliability": {"sv": "+ om ICC ≥ 0,70", "en": "+ if ICC ≥ 0.70"},
    "comparison.crit.measurement_error": {"sv": "+ om minsta säkra förändring < minsta viktiga förändring (MIC)",
                                          "en": "+ if smallest detectable change < minimal important change (MIC)"},
    "comparison.crit.hypotheses_testing": {"sv": "+ om minst 75 % av hypoteserna bekräftas",
                                           "en": "+ if at least 75% of the hypotheses are confirmed"},
    "comparison.crit.cross_group_invariance": {"sv": "+ om ingen fråga har betydande DIF (R² < 0,02)",
                                               "en": "+ if no item has important DIF (R² < 0.02)"},
    "comparison.val.none": {"sv": "inga uppgifter", "en": "no data"},
    "comparison.val.fit": {"sv": "CFI {cfi}, RMSEA {rmsea}, SRMR {srmr}", "en": "CFI {cfi}, RMSEA {rmsea}, SRMR {srmr}"},
    "comparison.val.alpha": {"sv": "alfa {lo}–{hi} i {n} skalor, lägst för {low}", "en": "alpha {lo}–{hi} in {n} scales, lowest for {low}"},
    "comparison.val.icc": {"sv": "ICC {icc}", "en": "ICC {icc}"},
    "comparison.val.sdc": {"sv": "minsta säkra förändring {sdc} procentenheter", "en": "smallest detectable change {sdc} points"},
    "comparison.val.loa": {"sv": "gränser för överensstämmelse ±{loa}", "en": "limits of agreement ±{loa}"},
    "comparison.val.mic": {"sv": ", minsta viktiga förändring {mic}", "en": ", minimal important change {mic}"},
    "comparison.val.no_mic": {"sv": "; ingen minsta viktiga förändring angiven", "en": "; no minimal important change given"},
    "comparison.val.hyp": {"sv": "{k} av {m} hypoteser bekräftade, {p}", "en": "{k} of {m} hypotheses confirmed, {p}"},
    "comparison.val.dif": {"sv": "största DIF R² {r2}", "en": "largest DIF R² {r2}"},
    "comparison.val.inv_yes": {"sv": "ingen betydande DIF", "en": "no important DIF"},
    "comparison.val.inv_no": {"sv": "betydande DIF i minst en fråga", "en": "important DIF in at least one item"},
    "comparison.cos_sentence": {"sv": "**{prop}** – A: {ra}, {va}. B: {rb}, {vb}. Kriterium: {crit}.",
                                "en": "**{prop}** – A: {ra}, {va}. B: {rb}, {vb}. Criterion: {crit}."},
    # summary lines
    "comparison.n_line": {"sv": "{na} svar på {a} (A) och {nb} på {b} (B); {nl} personer besvarade båda och ligger "
                                "till grund för jämförelsen.",
                          "en": "{na} responses to {a} (A) and {nb} to {b} (B); {nl} people answered both and are the "
                                "basis of the comparison."},
    "comparison.hyp_line": {"sv": "{k} av {m} förväntade samband mellan instrumenten bekräftades ({p}); "
                                  "hypotesprövningen är {v}.",
                            "en": "{k} of {m} expected relations between the instruments were confirmed ({p}); "
                                  "hypotheses testing is {v}."},
    "comparison.hyp_none": {"sv": "Korstabellen innehåller inga hypoteser som parar ihop dessa två instrument.",
                            "en": "The crosswalk has no hypothesis pairing these two instruments."},
    "comparison.rel_better": {"sv": "{w} har högre intern konsistens (median-alfa {x} mot {y} per kategori).",
                              "en": "{w} is more internally consistent (median alpha {x} vs {y} per category)."},
    "comparison.rel_same": {"sv": "Instrumenten har likvärdig intern konsistens (median-alfa {x} och {y} per kategori).",
                            "en": "Internal consistency is similar (median alpha {x} and {y} per category)."},
    "comparison.feldt": {"sv": " Feldts test av totalskalornas alfa: p = {p}.",
                         "en": " Feldt's test of the total scales' alphas: p = {p}."},
    "comparison.fit_better": {"sv": "Datan stöder {w}s egen struktur bättre (CFI {x} mot {y}).",
                              "en": "The data support {w}'s own structure better (CFI {x} vs {y})."},
    "comparison.fit_same": {"sv": "Båda instrumentens egen struktur får gott eller likvärdigt stöd av datan (CFI {x} och {y}).",
                            "en": "The data support both instruments' own structures well or about equally (CFI {x} and {y})."},
    "comparison.fit_missing": {"sv": "Strukturell validitet kunde inte skattas för båda instrumenten.",
                               "en": "Structural validity could not be estimated for both instruments."},
    "comparison.icc_better": {"sv": "{w} ger stabilare resultat vid omtest (ICC {x} mot {y}).",
                              "en": "{w} gives more stable results on retest (ICC {x} vs {y})."},
    "comparison.icc_same": {"sv": "Stabiliteten vid omtest är likvärdig (ICC {x} och {y}; intervallen överlappar).",
                            "en": "Retest stability is similar (ICC {x} and {y}; intervals overlap)."},
    "comparison.icc_one": {"sv": "Test–retest finns bara för {w} (ICC {x}).", "en": "Test–retest is available for {w} only (ICC {x})."},
    "comparison.kappa_line": {"sv": "Klassificeringen hög/låg mognad stämmer överens för {pa} av personerna, "
                                    "kappa = {k} ({lab}).",
                              "en": "The high/low maturity classification agrees for {pa} of the people, kappa = {k} ({lab})."},
    "comparison.burden_line": {"sv": "{w} är kortare ({x} mot {y} frågor).", "en": "{w} is shorter ({x} vs {y} questions)."},
    "comparison.burden_same": {"sv": "Instrumenten har lika många frågor ({x}).", "en": "Both have the same number of questions ({x})."},
    "comparison.time_line": {"sv": " Mediantiden var {x} mot {y} minuter.", "en": " Median time was {x} vs {y} minutes."},
    "comparison.compr_line": {"sv": "{w} har färre frågor som bör ses över ({x} mot {y}).",
                              "en": "{w} has fewer questions to revise or review ({x} vs {y})."},
    "comparison.compr_same": {"sv": "Lika många frågor bör ses över i båda ({x}).",
                              "en": "Both have as many questions to revise or review ({x})."},
    # recommendation
    "comparison.rec.choose": {"sv": "**{w} passar bäst utifrån de här svaren.** Skälen:",
                              "en": "**{w} suits you best on these answers.** The reasons:"},
    "comparison.rec.either": {"sv": "**Båda instrumenten fungerar ungefär lika bra här.** Valet kan avgöras av vad ni "
                                    "vill mäta och hur mycket tid enkäten får ta:",
                              "en": "**Both instruments work about equally well here.** The choice can rest on what "
                                    "you want to measure and how much time the survey may take:"},
    "comparison.rec.cosmin_more": {"sv": "{w} uppfyller fler mätkrav enligt COSMIN ({x} mot {y} av {m} egenskaper).",
                                   "en": "{w} meets more measurement criteria by COSMIN ({x} vs {y} of {m} properties)."},
    "comparison.rec.cosmin_same": {"sv": "Båda uppfyller lika många mätkrav enligt COSMIN ({x} av {m} egenskaper).",
                                   "en": "Both meet as many measurement criteria by COSMIN ({x} of {m} properties)."},
    "comparison.rec.insufficient": {"sv": "{w} brister i: {props}.", "en": "{w} falls short in: {props}."},
    "comparison.rec.not_interchangeable": {
        "sv": ("Instrumenten mäter delvis olika saker (bara {k} av {m} förväntade samband bekräftades): resultat från "
               "det ena kan inte jämföras rakt av med tidigare resultat från det andra."),
        "en": ("The instruments partly measure different things (only {k} of {m} expected relations were "
               "confirmed): results from one cannot be compared directly with earlier results from the other.")},
    "comparison.rec.interchangeable": {
        "sv": "Instrumenten mäter i stort sett samma sak ({k} av {m} förväntade samband bekräftades).",
        "en": "The instruments largely measure the same thing ({k} of {m} expected relations were confirmed)."},
    "comparison.rec.advantages": {"sv": "Fördelar för {w}: {list}.", "en": "Advantages of {w}: {list}."},
    "comparison.adv.more_consistent": {"sv": "högre intern konsistens", "en": "higher internal consistency"},
    "comparison.adv.better_structure": {"sv": "en struktur som får bättre stöd av svaren",
                                        "en": "a structure better supported by the answers"},
    "comparison.adv.more_stable": {"sv": "stabilare resultat vid omtest", "en": "more stable results on retest"},
    "comparison.adv.shorter": {"sv": "kortare enkät", "en": "a shorter survey"},
    "comparison.adv.fewer_flags": {"sv": "färre frågor som behöver ses över", "en": "fewer questions to revise"},
    "comparison.rec.caveat": {
        "sv": ("Rekommendationen bygger på {n} personer i er organisation; med andra svarande kan utfallet bli ett "
               "annat. Se bilagorna för detaljerna."),
        "en": ("The recommendation rests on {n} people in your organisation; with other respondents the result may "
               "differ. See the appendices for the details.")},
}
register("comparison", _M)


def heading(key: str, language: str, **fields) -> str:
    return t(f"comparison.{key}", language, **fields)


def col(key: str, language: str) -> str:
    return t(f"comparison.col.{key}", language)


def rating_word(rating: str, language: str) -> str:
    """A COSMIN rating in words: "tillräcklig (+)", "obestämd (?)", "otillräcklig (−)"."""
    return t(f"comparison.rating.{rating}", language)


def cosmin_label(prop: str, language: str) -> str:
    return t(f"comparison.cos.{prop}", language)


def cosmin_criterion(prop: str, language: str) -> str:
    return t(f"comparison.crit.{prop}", language)


def landis_koch(kappa: float, language: str = "sv") -> str:
    """Landis & Koch's (1977) words for a kappa value (its band: :func:`evaluation.stats.agreement.kappa_band`)."""
    from evaluation.stats.agreement import kappa_band

    band = kappa_band(kappa)
    return fmt.DASH if band is None else t(f"comparison.landis.{band}", language)


def agreement_name(key: str, language: str) -> str:
    return t(f"comparison.agree.{key}", language)


def cosmin_values(prop: str, values: Mapping[str, Any], language: str, *, names: Mapping[str, str] | None = None) -> str:
    """The numbers behind one COSMIN rating, as a phrase (no raw keys)."""
    L, v = language, dict(values or {})
    if prop == "structural_validity" and v:
        return t("comparison.val.fit", L, cfi=fmt.number(v.get("cfi"), L, 3), rmsea=fmt.number(v.get("rmsea"), L, 3),
                 srmr=fmt.number(v.get("srmr"), L, 3))
    if prop == "internal_consistency" and v:
        alphas = {k.removeprefix("alpha_"): x for k, x in v.items()}
        low = min(alphas, key=alphas.get)
        return t("comparison.val.alpha", L, lo=fmt.number(min(alphas.values()), L, 2),
                 hi=fmt.number(max(alphas.values()), L, 2), n=len(alphas), low=(names or {}).get(low, low))
    if prop == "reliability" and "icc" in v:
        return t("comparison.val.icc", L, icc=fmt.number(v["icc"], L, 2))
    if prop == "measurement_error" and ("sdc" in v or "loa" in v):
        s = (t("comparison.val.sdc", L, sdc=fmt.number(v["sdc"], L, 1)) if "sdc" in v
             else t("comparison.val.loa", L, loa=fmt.number(v["loa"], L, 1)))
        return s + (t("comparison.val.mic", L, mic=fmt.number(v["mic"], L, 1)) if "mic" in v
                    else t("comparison.val.no_mic", L))
    if prop == "hypotheses_testing" and "share_confirmed" in v:
        m = int(v.get("n_hypotheses", 0))
        return t("comparison.val.hyp", L, k=round(v["share_confirmed"] * m), m=m, p=fmt.percent(v["share_confirmed"], L))
    if prop == "cross_group_invariance" and v:
        parts = []
        if "invariance" in v:
            parts.append(t("comparison.val.inv_yes" if v["invariance"] else "comparison.val.inv_no", L))
        if "max_dif_r2" in v:
            parts.append(t("comparison.val.dif", L, r2=fmt.number(v["max_dif_r2"], L, 3)))
        return ", ".join(parts)
    return t("comparison.val.none", L)


def recommendation_text(rec: Mapping[str, Any], names: Mapping[str, str], language: str) -> str:
    """The recommendation (codes from :func:`evaluation.reports.comparison.recommendation`) in words."""
    head, lines, caveat = recommendation_parts(rec, names, language)
    body = "\n".join(f"- {s}" for s in lines)
    return f"{head}\n\n{body}\n\n{caveat}"


def recommendation_parts(rec: Mapping[str, Any], names: Mapping[str, str],
                         language: str) -> tuple[str, list[str], str]:
    """The recommendation's headline, its reasons (one sentence each) and the caveat, in ``language``."""
    L = language
    lines = []
    head = (t("comparison.rec.choose", L, w=names[rec["choice"]]) if rec["choice"] in ("A", "B")
            else t("comparison.rec.either", L))
    c = rec["cosmin_plus"]
    m = rec["n_properties"]
    if c["A"] != c["B"]:
        w = "A" if c["A"] > c["B"] else "B"
        lines.append(t("comparison.rec.cosmin_more", L, w=names[w], x=c[w], y=c["B" if w == "A" else "A"], m=m))
    else:
        lines.append(t("comparison.rec.cosmin_same", L, x=c["A"], m=m))
    for side in ("A", "B"):
        props = rec["insufficient"][side]
        if props:
            lines.append(t("comparison.rec.insufficient", L, w=names[side],
                           props=", ".join(cosmin_label(p, L).lower() for p in props)))
    for side in ("A", "B"):
        adv = rec["advantages"][side]
        if adv:
            lines.append(t("comparison.rec.advantages", L, w=names[side],
                           list=", ".join(t(f"comparison.adv.{a}", L) for a in adv)))
    if rec["hypotheses"]["m"]:
        key = "comparison.rec.interchangeable" if rec["interchangeable"] else "comparison.rec.not_interchangeable"
        lines.append(t(key, L, k=rec["hypotheses"]["k"], m=rec["hypotheses"]["m"]))
    return head, lines, t("comparison.rec.caveat", L, n=fmt.integer(rec["n_linked"], L))


def summary_lines(key_values: list[tuple[str, dict]], language: str) -> list[str]:
    """Sentences from ``(message key, fields)`` pairs (the report decides which apply)."""
    return [t(f"comparison.{k}", language, **f) for k, f in key_values]
