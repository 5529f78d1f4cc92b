"""Words of the workshop report (sv, en): headings, table headers, design reasons and the plain-language summary.

Statistics (:mod:`evaluation.stats.workshop`) return numbers and codes; the
functions here turn them into sentences by fixed rules, with every number
through :mod:`evaluation.text.format`. The summary never over-claims: when
the confidence interval covers 0 it says "ingen säkerställd förändring"
(no clear change) and that this is not evidence of no effect.

>>> change_sentence(2.0, -0.5, 4.5, 6.0, "Den totala mognaden", "sv")[:50]
'Den totala mognaden: ingen säkerställd förändring.'
>>> change_sentence(5.0, 1.0, 9.0, 6.0, "Overall maturity", "en")
'Overall maturity increased by 5.0 percentage points (95% confidence interval 1.0 to 9.0).'
"""

from __future__ import annotations

from typing import Any, Mapping

from evaluation.text import format as fmt
from evaluation.text.catalogue import register, t

__all__ = ["HEADINGS", "heading", "change_sentence", "design_text", "invariance_text", "is_clear",
           "design_name", "comparison_name", "level_name", "effect_size_name", "statistical_test_name"]

_M: dict[str, dict[str, str]] = {
    # headings
    "workshop.title": {"sv": "Gav workshoppen någon effekt?", "en": "Did the workshop change anything?"},
    "workshop.summary": {"sv": "Sammanfattning", "en": "Summary"},
    "workshop.effects": {"sv": "Förändring per dimension och kategori", "en": "Change per dimension and category"},
    "workshop.individual": {"sv": "Före och efter", "en": "Before and after"},
    "workshop.mde": {"sv": "Vilken effekt hade vi kunnat upptäcka?", "en": "What effect could we have detected?"},
    "workshop.reaction": {"sv": "Deltagarnas reaktion (nivå 1) bredvid förändringen i mognad (nivå 3)",
                          "en": "Participants' reaction (level 1) beside the change in maturity (level 3)"},
    "workshop.invariance": {"sv": "Mätte enkäten samma sak före och efter?",
                            "en": "Did the survey measure the same thing before and after?"},
    "workshop.method": {"sv": "Metod och detaljer", "en": "Method and details"},
    "workshop.design": {"sv": "Vilken design medger data?", "en": "What design do the data allow?"},
    "workshop.how_to_read": {
        "sv": ("**Så läser du rapporten.** Förändringen anges i procentenheter på skalan 0–100 (% av max). "
               "Ett 95 % konfidensintervall (KI) visar hur stor förändringen rimligen kan vara; omfattar det 0 "
               "är förändringen inte säkerställd. Grupper med färre än {k} svarande visas inte (–)."),
        "en": ("**How to read this report.** Changes are in percentage points on the 0–100 scale (% of max). "
               "A 95% confidence interval (CI) shows how large the change plausibly is; when it includes 0 the "
               "change is not clear. Groups with fewer than {k} respondents are not shown (–).")},
    "workshop.effects_note": {
        "sv": ("Förändring i procentenheter med 95 % konfidensintervall. Eftersom många mått prövas samtidigt är "
               "p-värdet korrigerat enligt Holm inom kategorier respektive dimensioner. En dimension med en enda "
               "kategori visas en gång. Dolda rader (–) har för få svar. Fler kolumner finns under ”{method}”."),
        "en": ("Change in percentage points with 95% confidence intervals. As many scores are tested at once, the "
               "p-value is Holm-corrected within categories and within dimensions. A dimension with a single "
               "category is shown once. Hidden rows (–) have too few answers. More columns are under “{method}”.")},
    # table headers
    "workshop.col.score": {"sv": "Mått", "en": "Score"},
    "workshop.col.level": {"sv": "Nivå", "en": "Level"},
    "workshop.col.comparison": {"sv": "Jämförelse", "en": "Comparison"},
    "workshop.col.before": {"sv": "Före", "en": "Before"},
    "workshop.col.after": {"sv": "Efter", "en": "After"},
    "workshop.col.then": {"sv": "Före (i efterhand)", "en": "Before (in hindsight)"},
    "workshop.col.before_did": {"sv": "Före (deltagare)", "en": "Before (participants)"},
    "workshop.col.after_did": {"sv": "Efter (deltagare)", "en": "After (participants)"},
    "workshop.col.change": {"sv": "Förändring", "en": "Change"},
    "workshop.col.change_did": {"sv": "Skillnad i förändring", "en": "Difference in change"},
    "workshop.col.change_comparison": {"sv": "Förändring jämförelsegrupp", "en": "Change comparison group"},
    "workshop.col.ci": {"sv": "95 % KI", "en": "95% CI"},
    "workshop.col.p_holm": {"sv": "p (Holm)", "en": "p (Holm)"},
    "workshop.col.p": {"sv": "p", "en": "p"},
    "workshop.col.p_bh": {"sv": "p (BH)", "en": "p (BH)"},
    "workshop.col.n_before": {"sv": "n före", "en": "n before"},
    "workshop.col.n_after": {"sv": "n efter", "en": "n after"},
    "workshop.col.n_both": {"sv": "n före / efter", "en": "n before / after"},
    "workshop.col.es": {"sv": "Effektstorlek", "en": "Effect size"},
    "workshop.col.mde": {"sv": "Minsta upptäckbara", "en": "Min. detectable"},
    "workshop.col.test": {"sv": "Test", "en": "Test"},
    "workshop.col.round": {"sv": "Omgång", "en": "Round"},
    "workshop.col.n": {"sv": "Svarande", "en": "Respondents"},
    "workshop.col.mean": {"sv": "Medel", "en": "Mean"},
    "workshop.col.mean_scale": {"sv": "Medel ({lo}–{hi})", "en": "Mean ({lo}–{hi})"},
    "workshop.col.iqr": {"sv": "Mittersta hälften", "en": "Middle half"},
    "workshop.col.per_round": {"sv": "Svarande per omgång", "en": "Respondents per round"},
    "workshop.col.independent": {"sv": "Oberoende grupper", "en": "Independent groups"},
    "workshop.col.paired": {"sv": "Parad", "en": "Paired"},
    "workshop.col.statement": {"sv": "Påstående", "en": "Statement"},
    "workshop.col.agree": {"sv": "Andel som instämmer", "en": "Share agreeing"},
    "workshop.col.model": {"sv": "Modell", "en": "Model"},
    "workshop.col.verdict": {"sv": "Bedömning", "en": "Verdict"},
    # values
    "workshop.level.overall": {"sv": "total", "en": "overall"},
    "workshop.level.dimension": {"sv": "dimension", "en": "dimension"},
    "workshop.level.category": {"sv": "kategori", "en": "category"},
    "workshop.overall": {"sv": "Total mognad", "en": "Overall maturity"},
    "workshop.cmp.post_pre": {"sv": "Efter − före", "en": "After − before"},
    "workshop.cmp.then_pre": {"sv": "Retrospektiv före − före (responsförskjutning)",
                              "en": "Retrospective before − before (response shift)"},
    "workshop.cmp.post_then": {"sv": "Efter − retrospektiv före", "en": "After − retrospective before"},
    "workshop.cmp.did": {"sv": "Deltagare − jämförelsegrupp (skillnad i skillnader)",
                         "en": "Participants − comparison group (difference in differences)"},
    "workshop.design.paired": {"sv": "parad", "en": "paired"},
    "workshop.design.independent": {"sv": "oberoende grupper", "en": "independent groups"},
    "workshop.design.partially_paired": {"sv": "delvis parad", "en": "partially paired"},
    "workshop.design.then_test": {"sv": "retrospektiv förmätning (then-test)",
                                  "en": "retrospective pretest (then-test)"},
    "workshop.design.did": {"sv": "skillnad i skillnader", "en": "difference in differences"},
    "workshop.es.d_z": {"sv": "Cohens d (parad)", "en": "Cohen's d (paired)"},
    "workshop.es.hedges_g": {"sv": "Hedges g", "en": "Hedges' g"},
    "workshop.es.d_av": {"sv": "Cohens d (medel-SD)", "en": "Cohen's d (average SD)"},
    "workshop.es.d_did": {"sv": "d (i SD före)", "en": "d (in SD before)"},
    "workshop.test.paired t": {"sv": "parat t-test", "en": "paired t-test"},
    "workshop.test.Welch t": {"sv": "Welchs t-test", "en": "Welch's t-test"},
    "workshop.test.partially overlapping t": {"sv": "t-test, delvis överlappande stickprov",
                                              "en": "partially overlapping samples t-test"},
    "workshop.test.did_mixed": {"sv": "skillnad i skillnader (blandad modell)",
                                "en": "difference in differences (mixed model)"},
    "workshop.test.did_ols": {"sv": "skillnad i skillnader (OLS, klusterrobusta fel)",
                              "en": "difference in differences (OLS, cluster-robust errors)"},
    "workshop.round.before": {"sv": "Före", "en": "Before"},
    "workshop.round.after": {"sv": "Efter", "en": "After"},
    "workshop.group.treated": {"sv": "deltagare", "en": "participants"},
    "workshop.group.comparison": {"sv": "jämförelsegrupp", "en": "comparison group"},
    "workshop.inv.holds": {"sv": "håller", "en": "holds"},
    "workshop.inv.fails": {"sv": "håller inte", "en": "does not hold"},
    "workshop.inv.configural": {"sv": "Samma struktur (konfigural)", "en": "Same structure (configural)"},
    "workshop.inv.metric": {"sv": "Samma laddningar (metrisk)", "en": "Same loadings (metric)"},
    "workshop.inv.scalar": {"sv": "Samma nivåer (skalär)", "en": "Same intercepts (scalar)"},
    "workshop.suppressed": {"sv": "–", "en": "–"},
    "workshop.yes": {"sv": "ja", "en": "yes"},
    "workshop.no": {"sv": "nej", "en": "no"},
    # sentences: summary
    "workshop.clear_up": {"sv": "{what} ökade med {d} procentenheter (95 % konfidensintervall {ci}).",
                          "en": "{what} increased by {d} percentage points (95% confidence interval {ci})."},
    "workshop.clear_down": {"sv": "{what} minskade med {d} procentenheter (95 % konfidensintervall {ci}).",
                            "en": "{what} decreased by {d} percentage points (95% confidence interval {ci})."},
    "workshop.not_clear": {
        "sv": ("{what}: ingen säkerställd förändring. Skattningen är {d} procentenheter, och data är förenliga "
               "med allt från {ci}. Förändringar mindre än ungefär {mde} procentenheter hade undersökningen svårt "
               "att upptäcka. Det betyder inte att workshoppen saknade effekt – bara att en eventuell effekt inte "
               "går att se med så här många svarande."),
        "en": ("{what}: no clear change. The estimate is {d} percentage points, and the data are compatible with "
               "anything from {ci}. Changes smaller than about {mde} points were hard to detect with this survey. "
               "This does not mean the workshop had no effect – only that any effect cannot be seen with this many "
               "respondents.")},
    "workshop.what_overall": {"sv": "Den totala mognaden", "en": "Overall maturity"},
    "workshop.what_did": {"sv": "Deltagarnas totala mognad jämfört med jämförelsegruppens",
                          "en": "Participants' overall maturity relative to the comparison group"},
    "workshop.no_conclusion": {"sv": "Underlaget räcker inte för en slutsats: för få svar i någon omgång eller grupp.",
                               "en": "The data do not support a conclusion: too few answers in a round or group."},
    "workshop.cats_clear": {"sv": "Efter korrektion för att {n} kategorier prövas samtidigt (Holm) kvarstår en "
                                  "säkerställd förändring i: {names}.",
                            "en": "After correcting for testing {n} categories at once (Holm), a clear change "
                                  "remains in: {names}."},
    "workshop.cats_none": {"sv": "Efter korrektion för att {n} kategorier prövas samtidigt (Holm) visar ingen "
                                 "enskild kategori en säkerställd förändring.",
                           "en": "After correcting for testing {n} categories at once (Holm), no single category "
                                 "shows a clear change."},
    "workshop.then": {
        "sv": ("Mätt mot den retrospektiva förmätningen är förändringen {r} procentenheter ({rci}). Skillnaden "
               "mellan hur deltagarna i efterhand bedömer läget före och vad de svarade då är {s} ({sci}); {shift} "
               "Retrospektiva svar kan också färgas av en önskan att se framsteg, så ingen av de två skattningarna "
               "är facit."),
        "en": ("Measured against the retrospective pretest the change is {r} points ({rci}). The gap between the "
               "participants' hindsight view of the starting point and what they answered then is {s} ({sci}); "
               "{shift} Retrospective answers can also be coloured by a wish to see progress, so neither estimate "
               "is the final word.")},
    "workshop.shift_clear": {"sv": "den är tydlig, vilket tyder på att workshoppen ändrade hur frågorna förstås "
                                   "(responsförskjutning).",
                             "en": "it is clear, which suggests the workshop changed how the questions are "
                                   "understood (response shift)."},
    "workshop.shift_none": {"sv": "någon tydlig responsförskjutning kunde inte visas, men den kan inte heller "
                                  "uteslutas.",
                            "en": "no clear response shift could be shown, but one cannot be ruled out either."},
    "workshop.caveat_single": {"sv": "Eftersom det saknas en jämförelsegrupp visar resultatet förändring under "
                                     "perioden, inte säkert workshoppens effekt: annat kan ha hänt samtidigt.",
                               "en": "As there is no comparison group, the result shows change over the period, "
                                     "not necessarily the workshop's effect: other things may have happened at the "
                                     "same time."},
    "workshop.caveat_did": {"sv": "Skattningen bygger på antagandet att deltagare och jämförelsegrupp hade "
                                  "utvecklats lika utan workshoppen.",
                            "en": "The estimate rests on the assumption that participants and comparison group "
                                  "would have developed alike without the workshop."},
    "workshop.next_step_clear": {"sv": "**Nästa steg:** följ upp om förändringen håller i sig vid nästa mätning.",
                                 "en": "**Next step:** check at the next survey whether the change lasts."},
    "workshop.next_step_unclear": {
        "sv": "**Nästa steg:** vill ni kunna se en förändring på {mde} procentenheter behövs fler svarande; se "
              "tabellen under ”{where}”.",
        "en": "**Next step:** to be able to see a change of {mde} percentage points you need more respondents; see "
              "the table under “{where}”."},
    # design
    "workshop.design_head": {"sv": "**Design: {design}.** Före: {nb} svarande, efter: {na}, kopplade via svarskod: {nl}.",
                             "en": "**Design: {design}.** Before: {nb} respondents, after: {na}, linked by "
                                   "respondent code: {nl}."},
    "workshop.rejected": {"sv": " Avvisade rader (se valideringen): {rej}.", "en": " Rejected rows (see validation): {rej}."},
    "workshop.reason.did": {
        "sv": ("Båda omgångarna anger vilka som deltog i workshoppen och vilka som hör till en jämförelsegrupp. "
               "Då jämförs deltagarnas förändring med jämförelsegruppens under samma tid (skillnad i skillnader). Det är den "
               "starkaste designen här, eftersom den räknar bort det som hände alla under perioden; den förutsätter "
               "att grupperna hade utvecklats lika utan workshoppen."),
        "en": ("Both rounds say who took part in the workshop and who belongs to a comparison group. The "
               "participants' change is compared with the comparison group's change over the same period (difference "
               "in differences). This is the strongest design here, because it removes what happened to everyone "
               "meanwhile; it assumes both groups would have developed alike without the workshop.")},
    "workshop.reason.then_test": {
        "sv": ("Eftersvaren innehåller retrospektiva svar (”före workshoppen …”). Vi jämför deltagarnas bild i "
               "efterhand av läget före med vad de faktiskt svarade före (responsförskjutning) och skattar effekten "
               "på båda sätten."),
        "en": ("The after file holds retrospective answers (“before the workshop I …”). We compare the participants' "
               "hindsight view of the starting point with what they actually answered before (response shift) and "
               "estimate the effect both ways.")},
    "workshop.reason.paired": {
        "sv": ("{nl} svarande finns med i båda omgångarna med samma svarskod. Vi jämför varje persons svar före och "
               "efter (parad design), vilket ger säkrare skattningar än två grupper."),
        "en": ("{nl} respondents answered both rounds with the same code. Each person's before and after answers are "
               "compared (paired design), which is more precise than comparing two groups.")},
    "workshop.reason.partially_paired": {
        "sv": ("{nl} svarande finns med i båda omgångarna, {nbo} bara före och {nao} bara efter. Vi använder ett "
               "t-test för delvis överlappande stickprov (Derrick m.fl. 2017) som tar vara på både de parade och de "
               "oparade svaren."),
        "en": ("{nl} respondents answered both rounds, {nbo} only before and {nao} only after. A t-test for partially "
               "overlapping samples (Derrick et al. 2017) uses both the paired and the unpaired answers.")},
    "workshop.reason.independent": {
        "sv": ("Svaren kan inte kopplas ihop mellan omgångarna (ingen svarskod finns i båda). Vi jämför därför två "
               "grupper (Welchs t-test). Det är osäkrare än en parad jämförelse och förutsätter att likartade "
               "personer svarade båda gångerna."),
        "en": ("The answers cannot be linked between the rounds (no respondent code appears in both). We therefore "
               "compare two groups (Welch's t-test). This is less precise than a paired comparison and assumes that "
               "similar people answered both times.")},
    "workshop.note.independent_although_linked": {
        "sv": "Obs: designen valdes som oberoende fast {nl} svarande går att koppla ihop; det ger oftast bredare "
              "intervall än nödvändigt.",
        "en": "Note: the independent design was asked for although {nl} respondents can be linked; this usually "
              "gives wider intervals than necessary."},
    "workshop.note.unpaired_left_out": {
        "sv": "Bara de {nl} som svarade båda gångerna ingår; {nbo} svar före och {nao} efter utan par lämnas utanför.",
        "en": "Only the {nl} who answered twice are analysed; {nbo} before and {nao} after answers without a pair "
              "are left out."},
    "workshop.note.no_comparison_group": {
        "sv": "Utan jämförelsegrupp går det inte att skilja workshoppens effekt från annat som hände under samma tid.",
        "en": "Without a comparison group the workshop's effect cannot be told apart from other things that "
              "happened during the same period."},
    # mde, reaction, invariance, individual
    "workshop.mde_text": {
        "sv": ("Med de här svaren hade en förändring av den totala mognaden på ungefär **{m} procentenheter** "
               "upptäckts med 80 % sannolikhet (5 % signifikansnivå); för enskilda dimensioner {lo}–{hi}. Mindre "
               "förändringar kan ha skett utan att synas. Tabellen visar vad nästa omgång kan upptäcka med olika "
               "antal svarande per omgång, med samma spridning som nu{paired}."),
        "en": ("With these answers a change in overall maturity of about **{m} percentage points** would have been "
               "detected with 80% probability (5% significance level); for single dimensions {lo}–{hi}. Smaller "
               "changes may have happened without showing. The table shows what the next round can detect with "
               "different numbers of respondents per round, with the same spread as now{paired}.")},
    "workshop.mde_paired": {"sv": " och med den observerade korrelationen mellan före- och eftersvar för en parad design",
                            "en": " and the observed before-after correlation for a paired design"},
    "workshop.too_few": {"sv": "Underlaget är för litet för att beräkna detta.", "en": "Too few answers to compute this."},
    "workshop.no_feedback": {"sv": "Ingen fil med deltagarnas omdömen om workshoppen angavs (parametern feedback).",
                             "en": "No file with the participants' reactions to the workshop was given "
                                   "(parameter feedback)."},
    "workshop.reaction_few": {"sv": "För få svar på reaktionsfrågorna för att visa dem.",
                              "en": "Too few answers to the reaction items to show them."},
    "workshop.reaction_text": {
        "sv": ("Deltagarnas samlade omdöme om workshoppen är {m} av max (95 % KI {ci}, n = {n}). Även ett gott "
               "omdöme (nivå 1 i Kirkpatricks modell) visar bara att deltagarna uppskattade workshoppen, inte att "
               "verksamheten har förändrats (nivå 3)."),
        "en": ("The participants' overall rating of the workshop is {m} of max (95% CI {ci}, n = {n}). Even a good "
               "rating (level 1 in Kirkpatrick's model) only shows that the participants valued the workshop, not "
               "that the organisation has changed (level 3).")},
    "workshop.reaction_main": {"sv": " Förändringen i total mognad: {d} procentenheter ({ci}).",
                               "en": " Change in overall maturity: {d} percentage points ({ci})."},
    "workshop.reaction_rho": {"sv": " Bland de {n} som kan kopplas är sambandet mellan omdöme och egen förändring "
                                    "ρ = {rho} (95 % KI {ci}).",
                              "en": " Among the {n} who can be linked, the correlation between rating and own "
                                    "change is ρ = {rho} (95% CI {ci})."},
    "workshop.reaction_rho_few": {"sv": " För få svarande kan kopplas mellan omdöme och förändring för att visa ett "
                                        "samband.",
                                  "en": " Too few respondents link rating and change to show a correlation."},
    "workshop.inv.too_few": {
        "sv": ("Testet kräver minst {min_n} svarande per omgång (här {nb} och {na}); med så få svar säger en "
               "faktoranalys lite, så mätinvariansen är inte prövad. Jämförelsen ovan förutsätter att frågorna "
               "uppfattades likadant båda gångerna."),
        "en": ("The test needs at least {min_n} respondents per round (here {nb} and {na}); with so few a factor "
               "analysis says little, so measurement invariance is not tested. The comparison above assumes the "
               "questions were understood alike both times.")},
    "workshop.inv.scalar_holds": {
        "sv": ("Skalär invarians håller: frågorna verkar ha mätt samma sak på samma sätt före och efter, så "
               "medelvärdena går att jämföra."),
        "en": ("Scalar invariance holds: the questions seem to have measured the same thing in the same way before "
               "and after, so the means can be compared.")},
    "workshop.inv.scalar_not_shown": {
        "sv": ("Full (skalär) invarians kunde inte visas: frågorna kan ha uppfattats olika före och efter "
               "workshoppen, och en förändring i medelvärde kan delvis bero på det (jämför responsförskjutning)."),
        "en": ("Full (scalar) invariance could not be shown: the questions may have been understood differently "
               "before and after the workshop, and part of a change in means may come from that (compare response "
               "shift).")},
    "workshop.individual_text": {
        "sv": ("Figuren visar medelvärdet med 95 % KI och den mittersta hälften av svaren (kvartilerna) per omgång; "
               "enskilda svar visas inte. {paired}"),
        "en": ("The figure shows the mean with its 95% CI and the middle half of the answers (quartiles) per round; "
               "single answers are not shown. {paired}")},
    "workshop.individual_paired": {
        "sv": "Av de {n} som svarade båda gångerna fick {up} ett högre och {down} ett lägre totalvärde.",
        "en": "Of the {n} who answered both times, {up} scored higher and {down} lower overall."},
    "workshop.figure_alt": {"sv": "Medelvärde med 95 % KI och kvartiler per omgång för {what}.",
                            "en": "Mean with 95% CI and quartiles per round for {what}."},
    "workshop.forest_alt": {"sv": "Förändring med 95 % KI per mått ({cmp}); {n} mått visas.",
                            "en": "Change with 95% CI per score ({cmp}); {n} scores shown."},
    "workshop.likert_alt": {"sv": "Fördelning av svaren på reaktionsfrågorna.",
                            "en": "Distribution of the answers to the reaction items."},
    "workshop.mean_ci": {"sv": "medel (95 % KI)", "en": "mean (95% CI)"},
    "workshop.pct_of_max": {"sv": "% av max", "en": "% of max"},
}
register("workshop", _M)

HEADINGS = ("title", "summary", "effects", "individual", "mde", "reaction", "invariance", "method", "design")


def heading(key: str, language: str) -> str:
    """A heading of the workshop report (``key`` one of :data:`HEADINGS`)."""
    return t(f"workshop.{key}", language)


def design_name(design: str, language: str) -> str:
    return t(f"workshop.design.{design}", language)


def comparison_name(comparison: str, language: str) -> str:
    return t(f"workshop.cmp.{comparison}", language)


def level_name(level: str, language: str) -> str:
    return t(f"workshop.level.{level}", language)


def effect_size_name(name: str, language: str) -> str:
    return t(f"workshop.es.{name}", language) if f"workshop.es.{name}" in _M else str(name)


def statistical_test_name(test: str, language: str) -> str:
    """The test, in words (difference in differences: mixed model or OLS)."""
    if str(test).startswith("difference in differences"):
        return t("workshop.test.did_mixed" if "mixed" in str(test) else "workshop.test.did_ols", language)
    key = f"workshop.test.{test}"
    return t(key, language) if key in _M else str(test)


def is_clear(low: float, high: float) -> bool:
    """A change is clear (säkerställd) when its confidence interval excludes 0."""
    return bool(low > 0 or high < 0)


def change_sentence(diff: float, low: float, high: float, mde: float, what: str, language: str) -> str:
    """One sentence on a change: its size and interval when clear, else "ingen säkerställd förändring"."""
    ci = fmt.ci(low, high, language, 1)
    if is_clear(low, high):
        key = "workshop.clear_up" if diff > 0 else "workshop.clear_down"
        return t(key, language, what=what, d=fmt.number(abs(diff), language, 1), ci=ci)
    return t("workshop.not_clear", language, what=what, d=fmt.signed(diff, language, 1), ci=ci,
             mde=fmt.number(mde, language, 1))


def design_text(choice: Any, language: str, *, rejected: Mapping[str, int] | None = None) -> str:
    """The design paragraph: counts, the reason the design was chosen, and its notes."""
    f = {"nl": choice.n_linked, "nbo": choice.n_before_only, "nao": choice.n_after_only}
    head = t("workshop.design_head", language, design=design_name(choice.design, language), nb=choice.n_before,
             na=choice.n_after, nl=choice.n_linked)
    rej = [f"{t('workshop.round.' + r, language).lower()}: {n}" for r, n in (rejected or {}).items() if n]
    if rej:
        head += t("workshop.rejected", language, rej=", ".join(rej))
    reason = t(f"workshop.reason.{choice.reason}", language, **f)
    notes = [t(f"workshop.note.{n}", language, **f) for n in choice.notes]
    return head + "\n\n" + " ".join([reason] + notes)


def invariance_text(code: str, language: str, *, min_n: int = 100, n_before: int = 0, n_after: int = 0) -> str:
    """The invariance verdict in words (``code`` from :func:`evaluation.stats.workshop.invariance_across_rounds`)."""
    if code == "too_few":
        return t("workshop.inv.too_few", language, min_n=min_n, nb=n_before, na=n_after)
    return t(f"workshop.inv.{code}", language)
