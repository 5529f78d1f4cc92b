"""Words of disclosure control shared by every report: why a report publishes nothing, sv and en.

>>> print(withheld_text({"reason": "too_few_new", "difference": 2}, k=5, language="en")[:60])
Since an earlier published report on these data, the answers
"""

from __future__ import annotations

from typing import Any, Mapping

from evaluation.text.catalogue import register, t

__all__ = ["MESSAGES", "withheld_text"]

MESSAGES: dict[str, dict[str, str]] = {
    "privacy.withheld.too_few_new": {
        "sv": ("Sedan en tidigare publicerad rapport på samma data har svaren bakom ett resultat ändrats med bara "
               "{d} (färre än {k}). Skillnaden mellan rapporterna skulle då visa just de svarandes resultat, så "
               "den här rapporten visar inga resultat. Kör den igen när minst {k} svar har tillkommit eller "
               "ändrats. Har den tidigare rapporten aldrig delats kan den glömmas med `dmkit unpublish MAPP`."),
        "en": ("Since an earlier published report on these data, the answers behind a result changed by only {d} "
               "(fewer than {k}). The difference between the reports would show those respondents' results, so "
               "this report shows none. Run it again when at least {k} answers have been added or changed. If the "
               "earlier report was never shared, it can be forgotten with `dmkit unpublish FOLDER`.")},
}

register("privacy", MESSAGES)


def withheld_text(withheld: Mapping[str, Any], *, k: int, language: str = "sv") -> str:
    """The sentence a withheld report shows instead of its results (``too_few_new``: a few rows moved)."""
    d = withheld.get("difference", abs(int(withheld.get("n_now", 0) or 0) - int(withheld.get("n_before", 0) or 0)))
    return t("privacy.withheld.too_few_new", language, d=d, k=k)
