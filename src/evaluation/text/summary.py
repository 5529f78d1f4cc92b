"""Summary sentences written from the numbers by fixed rules, in plain Swedish (or English).

Every report's first page and every slide's message come from these rules, so
the words can never claim more than the numbers carry:

* **change** (:func:`change_sentence`): "ingen säkerställd förändring" when the
  95 % confidence interval of the difference covers 0; "ökat"/"minskat" only
  when the whole interval lies on one side of 0.
* **benchmark** (:func:`benchmark_sentence`): "i nivå med jämförbara kommuner"
  when the score lies inside the benchmark's interquartile range (25th–75th
  percentile, ends included); "högre/lägre än de flesta jämförda" outside it.
* **classification** (:func:`classification_sentence`): the quadrant or level
  is named with its certainty: "hamnar i" only when no confidence interval
  crosses a boundary, "ligger nära gränsen … troligen" otherwise.

The functions take plain numbers (as stored in results.json) and return one
sentence; they compute no statistics. Numbers go through :mod:`evaluation.text.format`.

>>> print(change_sentence(2.4, -0.1, 5.0, language="sv"))
ingen säkerställd förändring (+2,4 procentenheter, 95 % KI −0,1 till 5,0)
>>> print(benchmark_sentence(55.2, p25=48.1, p75=56.2, median=53.0, language="sv"))
i nivå med jämförbara kommuner (median 53 %)
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from evaluation.text import format as fmt

__all__ = ["change_status", "change_sentence", "benchmark_status", "benchmark_sentence",
           "classification_sentence", "score_sentence", "HOW_TO_READ"]

_PCT = {"sv": "\u202f%", "en": "%"}


def _ok(*xs: Any) -> bool:
    try:
        return all(x is not None and math.isfinite(float(x)) for x in xs)
    except (TypeError, ValueError):
        return False


def change_status(diff: Any, ci_low: Any, ci_high: Any) -> str:
    """``"up"``, ``"down"``, ``"unclear"`` (the CI covers 0) or ``"unknown"`` (no numbers, e.g. suppressed).

    >>> change_status(2.9, -0.1, 5.9), change_status(3.0, 0.4, 5.6), change_status(-3, -5, -1)
    ('unclear', 'up', 'down')
    >>> change_status(None, None, None)
    'unknown'
    """
    if not _ok(diff, ci_low, ci_high):
        return "unknown"
    if float(ci_low) > 0:
        return "up"
    if float(ci_high) < 0:
        return "down"
    return "unclear"


def change_sentence(diff: Any, ci_low: Any, ci_high: Any, *, language: str = "sv", decimals: int = 1) -> str:
    """The change between two rounds in words; never "ökat" when the CI covers 0.

    >>> print(change_sentence(3.0, 0.4, 5.6, language="sv"))
    säkerställd ökning med 3,0 procentenheter (95 % KI 0,4 till 5,6)
    >>> change_sentence(-3.0, -5.5, -0.5, language="en")
    'a clear decrease of 3.0 percentage points (95% CI −5.5 to −0.5)'
    >>> change_sentence(None, None, None, language="sv")
    'förändringen kan inte visas (för få svar)'
    """
    st = change_status(diff, ci_low, ci_high)
    sv = language == "sv"
    if st == "unknown":
        return "förändringen kan inte visas (för få svar)" if sv else "the change cannot be shown (too few answers)"
    ci = fmt.ci(ci_low, ci_high, language, decimals)
    kil = f"95{_PCT['sv']} KI" if sv else "95% CI"
    if st == "unclear":
        return (f"ingen säkerställd förändring ({fmt.signed(diff, language, decimals)} procentenheter, {kil} {ci})"
                if sv else
                f"no clear change ({fmt.signed(diff, language, decimals)} percentage points, {kil} {ci})")
    size = fmt.number(abs(float(diff)), language, decimals)
    if sv:
        word = "ökning" if st == "up" else "minskning"
        return f"säkerställd {word} med {size} procentenheter ({kil} {ci})"
    word = "increase" if st == "up" else "decrease"
    return f"a clear {word} of {size} percentage points ({kil} {ci})"


def benchmark_status(score: Any, *, p25: Any, p75: Any) -> str:
    """``"inside"`` the benchmark's interquartile range (ends included), ``"above"``, ``"below"`` or ``"unknown"``.

    >>> benchmark_status(55, p25=48, p75=56), benchmark_status(57, p25=48, p75=56), benchmark_status(40, p25=48, p75=56)
    ('inside', 'above', 'below')
    """
    if not _ok(score, p25, p75):
        return "unknown"
    s = float(score)
    if s > float(p75):
        return "above"
    if s < float(p25):
        return "below"
    return "inside"


def benchmark_sentence(score: Any, *, p25: Any, p75: Any, median: Any, language: str = "sv") -> str:
    """Where the score lies among the compared organisations, by the interquartile-range rule.

    >>> print(benchmark_sentence(60, p25=48, p75=56, median=53, language="sv"))
    högre än de flesta jämförda kommuner (över den övre kvartilen 56 %; median 53 %)
    >>> benchmark_sentence(40, p25=48, p75=56, median=53, language="en")
    'lower than most compared municipalities (below the lower quartile 48%; median 53%)'
    """
    st = benchmark_status(score, p25=p25, p75=p75)
    sv = language == "sv"
    med = fmt.points(median, language)
    if st == "unknown":
        return "jämförelsen kan inte visas" if sv else "the comparison cannot be shown"
    if st == "inside":
        return f"i nivå med jämförbara kommuner (median {med})" if sv else \
            f"in line with comparable municipalities (median {med})"
    if st == "above":
        q = fmt.points(p75, language)
        return (f"högre än de flesta jämförda kommuner (över den övre kvartilen {q}; median {med})" if sv else
                f"higher than most compared municipalities (above the upper quartile {q}; median {med})")
    q = fmt.points(p25, language)
    return (f"lägre än de flesta jämförda kommuner (under den nedre kvartilen {q}; median {med})" if sv else
            f"lower than most compared municipalities (below the lower quartile {q}; median {med})")


def score_sentence(name: str, mean: Any, ci_low: Any, ci_high: Any, *, language: str = "sv") -> str:
    """"Total mognad är 55 % (95 % KI 53–56 %)".

    >>> print(score_sentence("Total mognad", 54.5, 52.8, 56.2, language="sv"))
    Total mognad är 55 % (95 % KI 53–56 %)
    """
    if not _ok(mean, ci_low, ci_high):
        return (f"{name} visas inte (för få svar)" if language == "sv" else f"{name} is not shown (too few answers)")
    lo, hi = fmt.number(ci_low, language, 0), fmt.number(ci_high, language, 0)
    if language == "sv":
        return f"{name} är {fmt.points(mean, language)} (95{_PCT['sv']} KI {lo}–{hi}{_PCT['sv']})"
    return f"{name} is {fmt.points(mean, language)} (95% CI {lo}–{hi}%)"


def classification_sentence(name: str, *, certain: bool, kind: str = "quadrant", language: str = "sv") -> str:
    """The quadrant (or level) named only with its certainty.

    >>> classification_sentence("Föregångare", certain=True)
    'Organisationen hamnar i kvadranten Föregångare: båda konfidensintervallen ligger på samma sida om gränserna.'
    >>> classification_sentence("Föregångare", certain=False)
    'Organisationen ligger nära en gräns och hamnar troligen, men inte säkert, i kvadranten Föregångare.'
    """
    sv = language == "sv"
    what = ("kvadranten" if kind == "quadrant" else "nivån") if sv else ("quadrant" if kind == "quadrant" else "level")
    if certain:
        if sv:
            why = ("båda konfidensintervallen ligger på samma sida om gränserna" if kind == "quadrant"
                   else "konfidensintervallet ligger inom nivån")
            return f"Organisationen hamnar i {what} {name}: {why}."
        why = ("both confidence intervals lie on the same side of the boundaries" if kind == "quadrant"
               else "the confidence interval lies within the level")
        return f"The organisation falls in the {what} {name}: {why}."
    if sv:
        return f"Organisationen ligger nära en gräns och hamnar troligen, men inte säkert, i {what} {name}."
    return f"The organisation lies near a boundary and probably, but not certainly, falls in the {what} {name}."


#: The "how to read this report" box, shared by every report.
HOW_TO_READ: Mapping[str, tuple[str, str]] = {
    "sv": ("Så läser du rapporten", (
        "- **Poäng** visas i procent av bästa möjliga (0–100 %).\n"
        "- **95 % KI** (konfidensintervall) är det spann där det sanna värdet för hela organisationen troligen "
        "ligger. Överlappar två intervall mycket är skillnaden inte säkerställd.\n"
        "- **Säkerställd förändring** betyder att hela intervallet för förändringen ligger på samma sida om noll; "
        "annars skriver rapporten *ingen säkerställd förändring*.\n"
        "- **Percentil** 70 betyder att 70 % av de jämförda organisationerna har ett lägre värde. *I nivå med "
        "jämförbara kommuner* betyder mellan den 25:e och 75:e percentilen.\n"
        "- **Dolda värden (–)**: grupper med för få svarande visas inte, så att ingen enskild kan pekas ut.")),
    "en": ("How to read this report", (
        "- **Scores** are percent of the best possible (0–100%).\n"
        "- **95% CI** (confidence interval) is the range in which the true value for the whole organisation "
        "probably lies. If two intervals overlap a lot, the difference is not clear.\n"
        "- **Clear change** means the whole interval of the change lies on one side of zero; otherwise the "
        "report says *no clear change*.\n"
        "- **Percentile** 70 means 70% of the compared organisations have a lower value. *In line with comparable "
        "municipalities* means between the 25th and 75th percentile.\n"
        "- **Hidden values (–)**: groups with too few respondents are not shown, so that no individual can be "
        "singled out.")),
}
