"""Words of the round report's invariance check in the change section (sv, en): do the questions mean
the same in both rounds?

Keys are ``round.inv.*``; the report fills in numbers already formatted by
:mod:`evaluation.text.format` (decimal comma, U+2212 minus) and user strings already escaped.

>>> from evaluation.text.catalogue import t
>>> t("round.inv.heading", "sv")
'Frågor som kan ha bytt betydelse'
>>> t("round.inv.heading", "en")
'Questions that may have changed meaning'
"""

from __future__ import annotations

from evaluation.text.catalogue import register

__all__ = ["MESSAGES", "MARK"]

#: the mark on a change-table row whose area holds a question that may have changed meaning
MARK = "†"

MESSAGES: dict[str, dict[str, str]] = {
    "round.inv.heading": {"sv": "Frågor som kan ha bytt betydelse", "en": "Questions that may have changed meaning"},
    "round.inv.holds": {
        "sv": ("En prövning av mätinvarians (ordinal faktoranalys, WLSMV) visar att frågorna mäter samma sak i "
               "båda omgångarna ({dims}), så förändringen kan jämföras rakt av."),
        "en": ("A test of measurement invariance (ordinal factor analysis, WLSMV) shows that the questions measure "
               "the same thing in both rounds ({dims}), so the change can be compared as it is.")},
    "round.inv.holds_dim": {"sv": "{dim}: {p}", "en": "{dim}: {p}"},
    "round.inv.fails": {
        "sv": ("En prövning av mätinvarians (ordinal faktoranalys, WLSMV) visar att svaren på några frågor inte "
               "hänger ihop med mognaden på samma sätt i båda omgångarna ({dims}). Poängtesten pekar ut dessa "
               "frågor:"),
        "en": ("A test of measurement invariance (ordinal factor analysis, WLSMV) shows that the answers to some "
               "questions do not relate to maturity in the same way in both rounds ({dims}). The score tests point "
               "to these questions:")},
    "round.inv.fails_dim": {"sv": "{dim}: {level} invarians håller inte, {p}",
                            "en": "{dim}: {level} invariance does not hold, {p}"},
    "round.inv.and": {"sv": " och ", "en": " and "},
    "round.inv.fails_none": {
        "sv": "Poängtesten pekar inte ut någon enskild fråga; läs förändringen för {dims} med försiktighet.",
        "en": "The score tests point to no single question; read the change of {dims} with care."},
    "round.inv.item": {"sv": "{question} ({area})", "en": "{question} ({area})"},
    "round.inv.care": {
        "sv": ("Områden märkta med {mark} i tabellen innehåller någon av dessa frågor: läs deras förändring med "
               "försiktighet, eftersom en del av den kan bero på att frågan uppfattas annorlunda och inte på att "
               "mognaden har ändrats."),
        "en": ("Areas marked {mark} in the table contain one of these questions: read their change with care, "
               "since part of it may come from the question being read differently rather than from a change "
               "in maturity.")},
    "round.inv.metric": {"sv": "metrisk", "en": "metric"},
    "round.inv.scalar": {"sv": "skalär", "en": "scalar"},
    "round.inv.left_out": {
        "sv": "{n} frågor med en svarskategori som ingen använde i någon av omgångarna ingick inte i prövningen.",
        "en": "{n} questions with an answer category nobody used in one of the rounds were left out of the test."},
    # why the test could not be run: one sentence each
    "round.inv.reason.small_rounds": {
        "sv": ("Om frågorna mäter samma sak i båda omgångarna kunde inte prövas för {dim}: prövningen behöver minst "
               "{need} svarande per omgång som besvarat alla dimensionens frågor."),
        "en": ("Whether the questions measure the same thing in both rounds could not be tested for {dim}: the "
               "test needs at least {need} respondents per round who answered every question of the dimension.")},
    "round.inv.reason.too_few_items": {
        "sv": ("Om frågorna mäter samma sak i båda omgångarna kunde inte prövas för {dim}: för många frågor har en "
               "svarskategori som ingen använde i någon av omgångarna (kvar {n}, minst 3 behövs)."),
        "en": ("Whether the questions measure the same thing in both rounds could not be tested for {dim}: too "
               "many questions have an answer category nobody used in one of the rounds ({n} left, at least 3 "
               "needed).")},
    "round.inv.reason.fit_failed": {
        "sv": ("Om frågorna mäter samma sak i båda omgångarna kunde inte prövas för {dim}: modellen gick inte att "
               "skatta på de här svaren."),
        "en": ("Whether the questions measure the same thing in both rounds could not be tested for {dim}: the "
               "model could not be fitted to these answers.")},
    "round.inv.reason.error": {
        "sv": "Om frågorna mäter samma sak i båda omgångarna kunde inte prövas: {detail}",
        "en": "Whether the questions measure the same thing in both rounds could not be tested: {detail}"},
}

register("round_invariance", MESSAGES)
