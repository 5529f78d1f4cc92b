"""Words of the psychometrics report's research sections (sv, en): aggregation, item difficulty, invariance, DIF.

Statistics return numbers and reason codes; these messages turn them into
sentences. Keys are ``research.*``; the report fills in numbers already
formatted by :mod:`evaluation.text.format` and user strings already escaped.

>>> from evaluation.text.catalogue import t
>>> t("research.reason.too_few_rows", "en", n="80", need="100")
'Only 80 respondents answered; the ordinal model needs at least 100 (Flora & Curran 2004).'
"""

from __future__ import annotations

from evaluation.text.catalogue import register

__all__ = ["MESSAGES"]

MESSAGES: dict[str, dict[str, str]] = {
    # headings
    "research.aggregation": {"sv": "Får enhetens medelvärde kallas enhetens mognad? (aggregering)",
                             "en": "Can a unit's mean be called the unit's maturity? (aggregation)"},
    "research.item_difficulty": {"sv": "Frågornas svårighet (ordinal faktoranalys och IRT)",
                                 "en": "Item difficulty (ordinal factor analysis and IRT)"},
    "research.ordinal_invariance": {"sv": "Mäter instrumentet samma sak i båda omgångarna? (ordinal mätinvarians)",
                                    "en": "Does the instrument measure the same thing in both rounds? "
                                          "(ordinal measurement invariance)"},
    "research.dif": {"sv": "Läser rollerna frågorna olika? (DIF)",
                     "en": "Do the roles read the items differently? (DIF)"},
    # aggregation
    "research.agg.intro": {
        "sv": ("En enhets medelvärde beskriver enheten först när enheten förklarar en del av skillnaderna mellan "
               "svaren (ICC(1) {icc1}), medelvärdena är tillförlitliga (ICC(2) {icc2}) och de svarande inom enheten "
               "är överens (median-rwg(J) {rwg}). Gränserna är Blieses (2000) och LeBreton & Senters (2008). "
               "Enheter med färre än {k} svarande ingår inte."),
        "en": ("A unit's mean describes the unit only when the unit explains part of the differences between "
               "answers (ICC(1) {icc1}), the means are reliable (ICC(2) {icc2}) and the respondents within a unit "
               "agree (median rwg(J) {rwg}). The cut-offs are Bliese's (2000) and LeBreton & Senter's (2008). "
               "Units with fewer than {k} respondents are not included.")},
    "research.agg.justified": {
        "sv": "**{dim}**: enheternas medelvärden är motiverade (ICC(1) = {icc1}, ICC(2) = {icc2}, median-rwg(J) = {rwg}).",
        "en": "**{dim}**: unit means are justified (ICC(1) = {icc1}, ICC(2) = {icc2}, median rwg(J) = {rwg})."},
    "research.agg.not_justified": {
        "sv": ("**{dim}**: enheternas medelvärden är inte motiverade (ICC(1) = {icc1}, ICC(2) = {icc2}, "
               "median-rwg(J) = {rwg}); under gränsen: {failed}."),
        "en": ("**{dim}**: unit means are not justified (ICC(1) = {icc1}, ICC(2) = {icc2}, median rwg(J) = {rwg}); "
               "below the cut-off: {failed}.")},
    "research.agg.undecided": {
        "sv": "**{dim}**: kan inte bedömas ({why}).",
        "en": "**{dim}**: cannot be judged ({why})."},
    "research.agg.omitted": {
        "sv": "{n} enheter med färre än {k} svarande som besvarat alla frågor visas inte.",
        "en": "{n} units with fewer than {k} respondents who answered every item are not shown."},
    "research.agg.units_caption": {
        "sv": "Överensstämmelse inom enheter (rwg(J) och awg; svarande som besvarat alla dimensionens frågor).",
        "en": "Agreement within units (rwg(J) and awg; respondents who answered every item of the dimension)."},
    "research.agg.caption": {
        "sv": "ICC(1), ICC(2) och median-rwg(J) per dimension.",
        "en": "ICC(1), ICC(2) and median rwg(J) per dimension."},
    # item difficulty
    "research.diff.intro": {
        "sv": ("Likertsvar är ordnade kategorier. Den ordinala faktoranalysen (WLSMV, som lavaan) ger varje fråga "
               "en diskriminering *a* och trösklar *b1–b{kmax}* på samma skala som mognaden (θ, medel 0, sd 1): "
               "*b_k* är den mognad där ett svar över kategori *k* blir troligare än inte. Det är frågans svårighet "
               "i IRT-mening (graded response model). {n} svarande ingår (parvis)."),
        "en": ("Likert answers are ordered categories. The ordinal factor analysis (WLSMV, as lavaan) gives each item "
               "a discrimination *a* and thresholds *b1–b{kmax}* on the same scale as maturity (θ, mean 0, sd 1): "
               "*b_k* is the maturity at which answering above category *k* becomes more likely than not. That is "
               "the item's difficulty in the IRT sense (graded response model). {n} respondents are included "
               "(pairwise).")},
    "research.diff.fit_caption": {
        "sv": "Modellens anpassning: ML (frågorna som intervallskala) bredvid WLSMV (ordinal, skalade värden).",
        "en": "Model fit: ML (items as interval scale) beside WLSMV (ordinal, scaled values)."},
    "research.diff.grm_caption": {
        "sv": "Graded response-parametrar per fråga (normalogiv metrik).",
        "en": "Graded-response parameters per item (normal-ogive metric)."},
    "research.diff.weak": {
        "sv": ("Frågor med svag standardiserad laddning (λ < {lam}, alltså *a* < {a}): {items}. Deras trösklar "
               "ligger långt ut och säger lite om svårigheten."),
        "en": ("Items with a weak standardised loading (λ < {lam}, so *a* < {a}): {items}. Their thresholds lie "
               "far out and say little about difficulty.")},
    "research.diff.map_alt": {
        "sv": ("Frågekarta: trösklarna b1–b{kmax} för {n} frågor på mognadsskalan; lägsta tröskel {low} ({low_item}), "
               "högsta {high} ({high_item})."),
        "en": ("Item map: thresholds b1–b{kmax} of {n} items on the maturity scale; lowest threshold {low} "
               "({low_item}), highest {high} ({high_item}).")},
    "research.diff.info_alt": {
        "sv": "Testinformation per dimension över mognadsskalan; störst för {dim} vid θ = {theta} ({value}).",
        "en": "Test information per dimension across the maturity scale; largest for {dim} at θ = {theta} ({value})."},
    "research.diff.map_x": {"sv": "Mognad (θ)", "en": "Maturity (θ)"},
    "research.diff.map_title": {"sv": "Frågekarta (trösklar b1–b{kmax})", "en": "Item map (thresholds b1–b{kmax})"},
    "research.diff.map_outside": {"sv": "utanför ±{lim}", "en": "beyond ±{lim}"},
    "research.diff.info_y": {"sv": "Information", "en": "Information"},
    "research.diff.info_title": {"sv": "Testinformation", "en": "Test information"},
    "research.diff.info_note": {
        "sv": "Testinformationen visar var instrumentet mäter skarpast; standardfelet i θ är 1/√information.",
        "en": "Test information shows where the instrument measures most precisely; the standard error of θ is "
              "1/√information."},
    # invariance
    "research.inv.intro": {
        "sv": ("Ordinal mätinvarians mellan omgångarna {rounds} (WLSMV, som lavaan): konfigural (samma struktur), "
               "metrisk (samma laddningar) och skalär (samma trösklar). Ett signifikant skalat Δχ² (p < {alpha}) betyder "
               "att steget inte håller; poängtesterna visar vilka frågor som i så fall bör släppas fria. Varje omgång "
               "behöver minst {need} svarande som besvarat alla dimensionens frågor."),
        "en": ("Ordinal measurement invariance between the rounds {rounds} (WLSMV, as lavaan): configural (same "
               "structure), metric (same loadings) and scalar (same thresholds). A significant scaled Δχ² (p < {alpha}) "
               "means the step does not hold; the score tests show which items to free in that case. Each round "
               "needs at least {need} respondents who answered every item of the dimension.")},
    "research.inv.holds": {"sv": "**{dim}**: skalär invarians håller (p = {p}).",
                           "en": "**{dim}**: scalar invariance holds (p = {p})."},
    "research.inv.fails": {
        "sv": "**{dim}**: {level} invarians håller inte (p = {p}). Frågor att släppa fria först: {items}.",
        "en": "**{dim}**: {level} invariance does not hold (p = {p}). Items to free first: {items}."},
    "research.inv.left_out": {
        "sv": "**{dim}**: frågorna {items} har en tom svarskategori i någon omgång och ingår inte i modellen.",
        "en": "**{dim}**: the items {items} have an empty answer category in a round and are left out of the model."},
    "research.inv.caption": {"sv": "Invariansmodeller (skalade värden) och skalade Δχ²-test mot föregående rad.",
                             "en": "Invariance models (scaled values) and scaled Δχ² tests against the row before."},
    "research.inv.score_caption": {
        "sv": "Största poängtesten för att släppa en likhetsrestriktion i den skalära modellen.",
        "en": "Largest score tests for releasing an equality constraint of the scalar model."},
    "research.inv.configural": {"sv": "konfigural", "en": "configural"},
    "research.inv.metric": {"sv": "metrisk", "en": "metric"},
    "research.inv.scalar": {"sv": "skalär", "en": "scalar"},
    # DIF
    "research.dif.intro": {
        "sv": ("Ordinal logistisk regression per fråga (Zumbo 1999; som lordif utan IRT): förklarar rollen svaret "
               "utöver dimensionens totalpoäng? En fråga flaggas när p < {p} och McFaddens ΔR² ≥ {r2} "
               "(lordifs standard, Choi m.fl. 2011). Varje roll med minst {k} svarande som besvarat alla "
               "dimensionens frågor jämförs med övriga."),
        "en": ("Ordinal logistic regression per item (Zumbo 1999; as lordif without IRT): does the role explain the "
               "answer beyond the dimension's total score? An item is flagged when p < {p} and McFadden's "
               "ΔR² ≥ {r2} (lordif's default, Choi et al. 2011). Each role with at least {k} respondents who "
               "answered every item of the dimension is compared with the others.")},
    "research.dif.none": {"sv": "Ingen fråga flaggas för någon roll ({n} prövningar).",
                          "en": "No item is flagged for any role ({n} tests)."},
    "research.dif.some": {"sv": "{n} av {total} prövningar flaggas:", "en": "{n} of {total} tests are flagged:"},
    "research.dif.not_tested": {
        "sv": "Roller med för få svarande ingår inte i prövningen: {roles}.",
        "en": "Roles with too few respondents are not included in the tests: {roles}."},
    "research.dif.caption": {"sv": "Flaggade frågor (rollen mot övriga).",
                             "en": "Flagged items (the role against all others)."},
    # reasons (skips)
    "research.reason.too_few_rows": {
        "sv": "Bara {n} svarande; den ordinala modellen behöver minst {need} (Flora & Curran 2004).",
        "en": "Only {n} respondents answered; the ordinal model needs at least {need} (Flora & Curran 2004)."},
    "research.reason.fit_failed": {"sv": "Modellen kunde inte skattas: {detail}",
                                   "en": "The model could not be fitted: {detail}"},
    "research.reason.one_round": {
        "sv": "Data har bara en omgång; invarians mellan omgångar kräver minst två (lägg ihop två exporter med kolumnen round).",
        "en": "The data hold one round only; invariance across rounds needs at least two (combine two exports with a "
              "round column)."},
    "research.reason.small_rounds": {
        "sv": "Färre än två omgångar har minst {need} svarande som besvarat alla frågor ({rounds}).",
        "en": "Fewer than two rounds have at least {need} respondents who answered every item ({rounds})."},
    "research.reason.no_column": {"sv": "Data saknar kolumnen {column}.", "en": "The data have no column {column}."},
    "research.reason.no_units": {
        "sv": "Färre än två enheter har minst {k} svarande.", "en": "Fewer than two units have at least {k} respondents."},
    "research.reason.no_roles": {
        "sv": "Ingen roll har minst {k} svarande både i rollen och bland övriga.",
        "en": "No role has at least {k} respondents both in the role and among the others."},
    "research.reason.too_few_items": {
        "sv": "För få frågor kvar för en modell ({n}; minst 3).", "en": "Too few items left for a model ({n}; at least 3)."},
    # table headers
    "research.col.dimension": {"sv": "Dimension", "en": "Dimension"},
    "research.col.unit": {"sv": "Enhet", "en": "Unit"},
    "research.col.item": {"sv": "Fråga", "en": "Item"},
    "research.col.role": {"sv": "Roll", "en": "Role"},
    "research.col.n": {"sv": "n", "en": "n"},
    "research.col.n_units": {"sv": "Enheter", "en": "Units"},
    "research.col.verdict": {"sv": "Medelvärden motiverade", "en": "Means justified"},
    "research.col.index": {"sv": "Mått", "en": "Index"},
    "research.col.cutoff": {"sv": "Gräns", "en": "Cut-off"},
    "research.col.model": {"sv": "Modell", "en": "Model"},
    "research.col.param": {"sv": "Restriktion", "en": "Constraint"},
    "research.col.b_range": {"sv": "b-spann", "en": "b range"},
    "research.col.dif_r2": {"sv": "DIF ΔR² (max)", "en": "DIF ΔR² (max)"},
    "research.col.flag": {"sv": "Flagga", "en": "Flag"},
    "research.col.r2_uniform": {"sv": "ΔR² (likformig DIF)", "en": "ΔR² (uniform DIF)"},
    "research.col.r2_total": {"sv": "ΔR² (totalt)", "en": "ΔR² (total)"},
    "research.col.chisq_scaled": {"sv": "χ² (skalat)", "en": "χ² (scaled)"},
    "research.col.reasons": {"sv": "Skäl", "en": "Reasons"},
    "research.yes": {"sv": "ja", "en": "yes"},
    "research.no": {"sv": "nej", "en": "no"},
    "research.unknown": {"sv": "kan ej bedömas", "en": "cannot be judged"},
    "research.comp.caption": {
        "sv": ("De flaggade frågorna med DIF (största ΔR² över rollerna), diskriminering a och tröskelspann "
               "b1–b{kmax} från den ordinala modellen; – när måttet saknas. Ett brett spann med lågt a betyder "
               "att frågan skiljer dåligt mellan mognadsnivåer."),
        "en": ("The flagged items with DIF (largest ΔR² over the roles), discrimination a and threshold range "
               "b1–b{kmax} from the ordinal model; – when a measure is missing. A wide range with a low a means "
               "the item separates maturity levels poorly.")},
}

register("psychometrics_research", MESSAGES)
