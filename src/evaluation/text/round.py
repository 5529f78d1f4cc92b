"""Words of the round report's optional shrunken unit means (``--shrink``), sv and en.

>>> from evaluation.text.catalogue import t
>>> t("round.shrink.column", "en")
'Shrunken mean (BLUP)'
"""

from __future__ import annotations

from evaluation.text.catalogue import register

__all__ = ["MESSAGES"]

MESSAGES: dict[str, dict[str, str]] = {
    "round.shrink.column": {"sv": "Krympt medelvärde (BLUP)", "en": "Shrunken mean (BLUP)"},
    "round.shrink.raw": {"sv": "Medelvärde", "en": "Mean"},
    "round.shrink.legend_mean": {"sv": "medelvärde (95 % KI)", "en": "mean (95% CI)"},
    "round.shrink.legend": {"sv": "krympt medelvärde (BLUP)", "en": "shrunken mean (BLUP)"},
    "round.shrink.alt": {"sv": " Öppna romber: enheternas krympta medelvärde (BLUP) för {what}.",
                         "en": " Open diamonds: the units' shrunken mean (BLUP) for {what}."},
    "round.shrink.unit": {"sv": "Enhet", "en": "Unit"},
    "round.shrink.n": {"sv": "Svarande", "en": "Respondents"},
    "round.shrink.caption": {"sv": "Total mognad per enhet: medelvärde och krympt medelvärde",
                             "en": "Overall maturity per unit: mean and shrunken mean"},
    "round.shrink.note": {
        "sv": ("Det krympta medelvärdet (BLUP från en flernivåmodell med slumpmässigt intercept per enhet, "
               "skattad med REML som i lme4; Bliese 2000) drar varje enhets medelvärde mot organisationens "
               "medelvärde i proportion till hur osäkert det är, så att små enheter dras mest; modellen bygger "
               "bara på de {g} enheter med minst {k} svarande som visas."),
        "en": ("The shrunken mean (the BLUP of a multilevel model with a random intercept per unit, estimated by "
               "REML as in lme4; Bliese 2000) pulls each unit's mean towards the organisation's mean in proportion "
               "to its uncertainty, so small units are pulled the most; the model uses only the {g} units with at "
               "least {k} respondents that are shown.")},
    "round.shrink.unavailable": {
        "sv": "Krympta medelvärden kräver minst två enheter med minst {k} svarande; de visas därför inte.",
        "en": "Shrunken means need at least two units with at least {k} respondents, so they are not shown."},
}

register("round", MESSAGES)
