"""Which questions are hard to understand, by whom, and why.

The kit's signature feature. Municipalities report that maturity questions are
hard to understand and that "it takes some digital maturity to understand
them". This module turns that claim into per-item evidence from four sources:

1. **Empirical signals** (:func:`item_signals`): don't-know and skip rates with
   Wilson confidence intervals, break-off position, corrected item-total
   correlation (``r_drop``), floor/ceiling shares, deviant item difficulty and,
   when the export has them, response times per item and per word.
2. **The comprehension gradient** (:func:`comprehension_gradient`): a logistic
   regression per item of "answered don't know or skipped" on the respondent's
   rest score (maturity measured by the *other* items), giving the odds ratio
   per standard deviation *lower* maturity, its CI and a p-value corrected over
   items (Holm by default).  This tests the seeds' claim directly.
3. **Differential item functioning** (:func:`dif_ordinal`) between roles or
   units: ordinal logistic regression DIF (Zumbo 1999; Choi, Gibbons & Crane
   2011, *lordif*) with McFadden pseudo-R² change and likelihood-ratio tests.
4. **Text signals** (:func:`text_signals`, :func:`instrument_text_signals`) per
   language: LIX (Björnsson 1968), Flesch Reading Ease for English, sentence
   and word length, glossary and jargon terms, double-barrelled wording,
   negations and double negations, vague quantifiers -- in the spirit of QUAID
   (Graesser et al. 2006) and QAS-99 (Willis & Lessler 1999).

:func:`comprehension_report` joins them into one table ranked worst first,
with a flag (``ok`` / ``review`` / ``revise``) and the reasons in plain
Swedish or English; :func:`format_report` prints that table for ``dmkit items``.
The decision rules are the fields of :class:`Thresholds`, each with its source.

References
----------
Björnsson, C. H. (1968). *Läsbarhet*. Stockholm: Liber.
Choi, S. W., Gibbons, L. E., & Crane, P. K. (2011). lordif: An R package for
    detecting differential item functioning using iterative hybrid ordinal
    logistic regression/item response theory and Monte Carlo simulations.
    *Journal of Statistical Software*, 39(8), 1-30.
Flesch, R. (1948). A new readability yardstick. *Journal of Applied
    Psychology*, 32(3), 221-233.
Graesser, A. C., Cai, Z., Louwerse, M. M., & Daniel, F. (2006). Question
    Understanding Aid (QUAID): A web facility that tests question
    comprehensibility. *Public Opinion Quarterly*, 70(1), 3-22.
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics*, 6(2), 65-70.
Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.).
Streiner, D. L., Norman, G. R., & Cairney, J. (2015). *Health Measurement
    Scales* (5th ed.). Oxford University Press.
Willis, G. B., & Lessler, J. T. (1999). *Question Appraisal System QAS-99*.
    Research Triangle Institute.
Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. *JASA*, 22(158), 209-212.
Zumbo, B. D. (1999). *A Handbook on the Theory and Methods of Differential
    Item Functioning (DIF)*. Ottawa: Directorate of Human Resources Research
    and Evaluation, Department of National Defense.
"""

from __future__ import annotations

import math
import re
import textwrap
import warnings
from dataclasses import dataclass, fields
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "Thresholds",
    "TextSignals",
    "wilson_ci",
    "lix",
    "lix_band",
    "flesch_reading_ease",
    "count_syllables_en",
    "text_signals",
    "instrument_text_signals",
    "item_signals",
    "comprehension_gradient",
    "dif_ordinal",
    "comprehension_report",
    "format_report",
    "FLAG_LEVELS",
    "JARGON",
]

FLAG_LEVELS = ("ok", "review", "revise")
"""Flag levels in increasing order of concern."""

_LEVEL = {name: i for i, name in enumerate(FLAG_LEVELS)}


# --------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    """Decision rules of :func:`comprehension_report`, with their sources.

    Every empirical rule gives ``review`` or ``revise``; text rules give at
    most ``review``.  The item flag is ``revise`` when an empirical rule says
    ``revise``, when at least ``revise_min_empirical`` empirical rules agree,
    or when an empirical ``review`` coincides with a text ``review`` (the data
    and the wording point the same way); otherwise the highest level met.

    Parameters
    ----------
    dk_rate_min : float, default 0.10
        Don't-know rate above which an item is noticeable at all.  A rule of
        thumb chosen for this kit, not a published cut-off: one respondent in
        ten unable to answer is a practical problem for a category score.
        QAS-99 codes the question problems that produce such non-response
        (Willis & Lessler 1999; on item non-response see de Leeuw, Hox &
        Huisman 2003).
    dk_rate_ratio : float, default 2.0
        ...and it must exceed this multiple of the median rate of the *other*
        items, and the Wilson lower bound must exceed that median: the item
        stands out from the instrument, not just from a lenient population.
    skip_rate_min, skip_rate_ratio : float, default 0.05, 2.0
        The same rule for skips (blanks before the respondent's last
        response, among respondents who reached the item; break-off has its
        own rule); skipping is rarer than don't know in closed
        questionnaires, so the floor is lower.
    gradient_alpha : float, default 0.05
        Family-wise (Holm) or false-discovery (BH) level for the
        comprehension-gradient test over items.
    gradient_or_min : float, default 1.5
        Smallest odds ratio per SD lower maturity worth reporting; 1.5 is just
        below what Chen, Cohen & Chen (2010) equate with a small effect
        (OR 1.68 ≈ Cohen's d = 0.2).
    r_drop_review, r_drop_revise : float, default 0.30, 0.10
        Corrected item-total correlation below 0.30 means the item measures
        the construct weakly; 0.30 is the usual lower bound (Nunnally &
        Bernstein 1994; Streiner, Norman & Cairney 2015 discuss cut-offs of
        0.20-0.30).  Below 0.10, or negative, the item essentially measures
        something else -- often because it is misread (e.g. a missed
        negation) -- so revise.
    breakoff_min : float, default 0.05
        Share of respondents who abandon the questionnaire *at* this item
        (their last response was the previous item and everything after is
        blank).  A rule of thumb: in a round with a few per cent break-off
        overall, one item that loses 5 % of respondents stands out; Peytchev
        (2009) relates break-off to burdensome question features.
    floor_ceiling_max : float, default 0.50
        Share at the lowest or highest scale point above which the item can
        hardly discriminate.  Terwee et al. (2007) use 15 % for *scale*
        scores; single 6-point items routinely exceed that, so half of the
        respondents is used for items.
    difficulty_z : float, default 2.5
        The item mean compared with the other items of its category, in units
        of the spread of such differences across the instrument: an item
        much easier or harder than its siblings may be understood differently.
        2.5 keeps the expected false alarms below one item per instrument.
    time_ratio : float, default 2.0
        Median seconds per word relative to the instrument's median item;
        twice as slow per word suggests re-reading (Bassili & Scott 1996;
        Yan & Tourangeau 2008 link response latency to question complexity).
    min_events : int, default 5
        Fewest "don't know or skipped" answers (and fewest answers) needed to
        fit the gradient logistic regression; below this it is not estimated.
    dif_r2_change : float, default 0.02
        McFadden pseudo-R² change from the rest-score model to the model with
        group and group × rest that lordif labels "important" DIF (Choi,
        Gibbons & Crane 2011; used by COSMIN-reviewed studies).
    dif_alpha : float, default 0.01
        Likelihood-ratio significance level for DIF (lordif's default alpha),
        applied after Holm correction over items; an item is flagged only if
        both the R² change and the test agree.
    dif_min_group_n : int, default 20
        Groups with fewer answering respondents are left out of the DIF model
        (too few to estimate group thresholds; also protects small groups).
    lix_review : float, default 50.0
        LIX above 50 is "hard" (50-60) or "very hard" (> 60) text in
        Björnsson's (1968) bands; applied to both languages.
    lix_min_words : int, default 15
        LIX is a measure of running text (Björnsson built it on passages of
        hundreds of words); on one short sentence two or three long words
        decide it ("Våra IT-system fungerar stabilt i det dagliga arbetet."
        scores 70). An item shorter than this is not flagged for LIX.
    max_words : int, default 25
        Items longer than this are hard to keep in working memory; QAS-99
        codes "too long", and common guidance is to keep questions under
        about 20-25 words (Oppenheim 1992; Dillman, Smyth & Christian 2014).
    revise_min_empirical : int, default 2
        Number of distinct empirical rules at ``review`` that together make
        ``revise``.
    """

    dk_rate_min: float = 0.10
    dk_rate_ratio: float = 2.0
    skip_rate_min: float = 0.05
    skip_rate_ratio: float = 2.0
    gradient_alpha: float = 0.05
    gradient_or_min: float = 1.5
    r_drop_review: float = 0.30
    r_drop_revise: float = 0.10
    breakoff_min: float = 0.05
    floor_ceiling_max: float = 0.50
    difficulty_z: float = 2.5
    time_ratio: float = 2.0
    min_events: int = 5
    dif_r2_change: float = 0.02
    dif_alpha: float = 0.01
    dif_min_group_n: int = 20
    lix_review: float = 50.0
    lix_min_words: int = 15
    max_words: int = 25
    revise_min_empirical: int = 2

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise ValueError(
                    f"Thresholds.{f.name} must be a finite number, got {value!r}."
                )
        for name in ("gradient_alpha", "dif_alpha"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"Thresholds.{name} must lie between 0 and 1, got {getattr(self, name)!r}.")
        if self.r_drop_revise > self.r_drop_review:
            raise ValueError(
                "Thresholds.r_drop_revise must not exceed r_drop_review "
                f"({self.r_drop_revise} > {self.r_drop_review})."
            )

    def to_frame(self) -> pd.DataFrame:
        """The thresholds as a two-column table (``parameter``, ``value``).

        >>> float(Thresholds().to_frame().set_index("parameter").loc["lix_review", "value"])
        50.0
        """
        return pd.DataFrame(
            {"parameter": [f.name for f in fields(self)],
             "value": [getattr(self, f.name) for f in fields(self)]}
        )


# --------------------------------------------------------------------------
# Small statistics
# --------------------------------------------------------------------------
def wilson_ci(k, n, *, confidence: float = 0.95):
    """Wilson score interval for a binomial proportion.

    .. math::
        \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    Works element-wise on arrays; ``n == 0`` gives NaN.

    Parameters
    ----------
    k, n : array-like
        Successes and trials.
    confidence : float
        Two-sided coverage.

    Returns
    -------
    (low, high) : tuple of numpy arrays (or floats for scalar input)

    References
    ----------
    Wilson, E. B. (1927). *JASA*, 22, 209-212.

    Examples
    --------
    >>> low, high = wilson_ci(12, 40)
    >>> round(float(low), 4), round(float(high), 4)
    (0.1807, 0.4543)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence!r}.")
    k_arr = np.asarray(k, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    if np.any(k_arr < 0) or np.any(k_arr > n_arr):
        raise ValueError("wilson_ci needs 0 <= k <= n for every proportion.")
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k_arr / n_arr
        denom = 1 + z**2 / n_arr
        centre = (p + z**2 / (2 * n_arr)) / denom
        half = z * np.sqrt(p * (1 - p) / n_arr + z**2 / (4 * n_arr**2)) / denom
        low = np.where(n_arr > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n_arr > 0, np.clip(centre + half, 0, 1), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


# --------------------------------------------------------------------------
# Text signals
# --------------------------------------------------------------------------
_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
_SENT_END_RE = re.compile(r"[.!?:;]+(?=\s|$)")

JARGON: dict[str, tuple[str, ...]] = {
    "sv": (
        "api", "arkitektur", "informationsarkitektur", "verksamhetsarkitektur",
        "interoperabilitet", "nyttorealisering", "nyttohemtagning",
        "förvaltningsobjekt", "förvaltningsmodell", "systemförvaltning",
        "molntjänst", "molnet", "plattform", "integration", "masterdata",
        "grunddata", "metadata", "ekosystem", "teknisk skuld", "legacy",
        "öppna data", "datadriven", "agil", "agila", "innovationsportfölj",
        "portfölj", "livscykel", "informationsklassning", "informationssäkerhet",
        "digital infrastruktur", "automatisering", "rpa", "ai", "e-tjänst",
        "tjänstedesign", "skalbar", "kapabilitet", "förmåga att fånga",
        "strukturkapital", "digitalt arv",
    ),
    "en": (
        "api", "architecture", "enterprise architecture", "interoperability",
        "benefits realisation", "benefits realization", "legacy", "technical debt",
        "cloud", "platform", "integration", "master data", "base data",
        "metadata", "ecosystem", "open data", "data-driven", "agile",
        "portfolio", "lifecycle", "life cycle", "information classification",
        "information security", "digital infrastructure", "automation", "rpa",
        "ai", "e-service", "service design", "scalable", "capability",
        "structural capital", "middleware", "stakeholder",
    ),
}
"""Built-in jargon lists (lower case) used when the instrument's glossary
does not explain a term.  Short and deliberately domain-specific: words a
digitalisation strategist uses daily and a care-home manager may not."""

_NEGATIONS = {
    "sv": ("inte", "ej", "icke", "aldrig", "ingen", "inget", "inga", "varken", "knappast"),
    "en": ("not", "never", "no", "none", "neither", "nor", "hardly", "cannot", "without"),
}
# Words that negate by meaning; they make a double negation with an explicit
# negation ("saknar inte" = "does not lack"), but do not count alone.
_IMPLICIT_NEGATIONS = {
    "sv": ("saknar", "sakna", "saknas", "brist", "brister", "bristande", "hindrar",
           "hindra", "förhindrar", "utan", "otillräcklig", "otillräckligt", "oklar", "oklart"),
    "en": ("lack", "lacks", "lacking", "fail", "fails", "prevent", "prevents",
           "hinder", "hinders", "insufficient", "unclear", "absence"),
}
# Vague quantifiers: words of frequency, amount or degree whose size each respondent reads
# differently (QUAID's "vague or imprecise relative terms", Graesser et al. 2006; Bradburn &
# Miles 1979 on "often"/"sometimes"). Evaluative adjectives ("tydlig", "bra", "god", "väl",
# "lämplig") are not quantifiers: the agreement scale itself asks how well they hold.
_VAGUE = {
    "sv": ("ofta", "ibland", "sällan", "tillräckligt", "tillräcklig", "tillräckliga",
           "många", "få", "flera", "några", "mycket", "lite", "vanligtvis", "oftast",
           "regelbundet", "ganska", "relativt", "i hög grad", "i viss mån", "de flesta",
           "flertalet", "i stor utsträckning", "i viss utsträckning", "i tillräcklig utsträckning"),
    "en": ("often", "sometimes", "rarely", "seldom", "enough", "sufficient",
           "sufficiently", "many", "few", "several", "some", "much", "usually",
           "regularly", "fairly", "quite", "relatively", "to a large extent", "most of",
           "to some extent"),
}
_CONJUNCTIONS = {
    "sv": ("och", "samt", "eller", "liksom"),
    "en": ("and", "or", "as well as"),
}
# Fixed expressions in which a conjunction does not join two asks.
_FIXED_PHRASES = {
    "sv": ("forskning och utveckling", "it och digitalisering", "mer eller mindre",
           "i och med", "och så vidare", "med mera", "fler och fler", "mer och mer",
           "både och", "hälso- och sjukvård", "vård och omsorg", "skola och förskola",
           "för- och nackdelar", "om- och"),
    "en": ("research and development", "more or less", "and so on", "more and more",
           "pros and cons", "health and social care", "and/or", "either or",
           "trial and error"),
}
# Words that, right before the conjunction, show a coordinated pair of
# modifiers inside one noun phrase rather than two asks ("små och stora").
_STOP = {
    "sv": frozenset(
        "en ett den det de vi ni jag du han hon man sig sin sitt sina vår vårt våra er ert era "
        "i på av till för med om från som att är har hade kan ska skall bör vill får "
        "finns blir vara varit så hur när där vad vilken vilket vilka alla allt också "
        "även mer mest".split()
    ),
    "en": frozenset(
        "a an the it its they we you i he she our your their this that these those is are "
        "was were be been has have had can could should will would may might do does did "
        "in on of to for with about from as at by how when where what which who all also "
        "more most there".split()
    ),
}


def _lang(language: str) -> str:
    if language not in ("sv", "en"):
        raise ValueError(f"language must be 'sv' or 'en', got {language!r}.")
    return language


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def _sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SENT_END_RE.split(text)]
    return [p for p in parts if _words(p)]


def _letters(word: str) -> int:
    return sum(ch.isalpha() for ch in word)


def lix(text: str) -> float:
    """LIX readability index (läsbarhetsindex).

    .. math::
        \\mathrm{LIX} = \\frac{W}{S} + 100\\,\\frac{L}{W}

    with W words, S sentences (ended by ``.``, ``!``, ``?``, ``:`` or ``;``,
    or the end of the text) and L long words (more than six letters).
    Hyphenated words count as one word; numbers count as words.

    Bands (Björnsson 1968; see :func:`lix_band`): < 30 very easy, 30-40 easy,
    40-50 medium, 50-60 hard, > 60 very hard.  Designed for Swedish, used for
    English too (Anderson 1983) so both languages are on one scale.

    Parameters
    ----------
    text : str

    Returns
    -------
    float (NaN for a text without words)

    References
    ----------
    Björnsson, C. H. (1968). *Läsbarhet*. Stockholm: Liber.
    Anderson, J. (1983). Lix and Rix: variations on a little-known
    readability index. *Journal of Reading*, 26(6), 490-496.

    Examples
    --------
    Six words in one sentence, three of them long (more than six letters:
    "kommunen", "digitala", "strategi"): 6/1 + 100 × 3/6 = 56.

    >>> lix("Kommunen har en tydlig digitala strategi.")
    56.0
    >>> lix("Vi har en plan. Den följs upp varje år.")   # 9/2 + 100 × 0/9
    4.5
    """
    words = _words(text)
    if not words:
        return float("nan")
    n_sent = max(1, len(_sentences(text)))
    n_long = sum(_letters(w) > 6 for w in words)
    return len(words) / n_sent + 100.0 * n_long / len(words)


def lix_band(value: float, language: str = "sv") -> str:
    """Björnsson's (1968) LIX band as a word in ``language``.

    >>> lix_band(39.3), lix_band(55, "en")
    ('lätt', 'hard')
    """
    _lang(language)
    if value is None or not np.isfinite(value):
        return ""
    names = {
        "sv": ("mycket lätt", "lätt", "medelsvår", "svår", "mycket svår"),
        "en": ("very easy", "easy", "medium", "hard", "very hard"),
    }[language]
    for cut, name in zip((30, 40, 50, 60), names):
        if value < cut:
            return name
    return names[-1]


def count_syllables_en(word: str) -> int:
    """Heuristic English syllable count: vowel groups, minus a silent final e.

    Vowels are a, e, i, o, u, y; a final "e" is silent unless the word ends in
    consonant + "le" ("table"); every word has at least one syllable.  The
    heuristic is within one syllable of a dictionary count for most words,
    which is what Flesch's formula tolerates.

    >>> [count_syllables_en(w) for w in ("digital", "strategy", "make", "table", "the")]
    [3, 3, 1, 2, 1]
    """
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    groups = re.findall(r"[aeiouy]+", w)
    n = len(groups)
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and n > 1:
        n -= 1
    elif w.endswith("le") and len(w) > 2 and w[-3] in "aeiouy" and n > 1:
        n -= 1
    return max(1, n)


def flesch_reading_ease(text: str) -> float:
    """Flesch Reading Ease for English text.

    .. math::
        \\mathrm{FRE} = 206.835 - 1.015\\,\\frac{W}{S} - 84.6\\,\\frac{Y}{W}

    with W words, S sentences and Y syllables (:func:`count_syllables_en`).
    Higher is easier: 60-70 plain English, 30-50 difficult, < 30 very
    difficult (Flesch 1948).  Not calibrated for Swedish; use :func:`lix`.

    References
    ----------
    Flesch, R. (1948). A new readability yardstick. *Journal of Applied
    Psychology*, 32(3), 221-233.

    Examples
    --------
    "The cat sat on the mat." has 6 words, 1 sentence, 6 syllables:
    206.835 - 1.015 × 6 - 84.6 × 1 = 116.145.

    >>> round(flesch_reading_ease("The cat sat on the mat."), 3)
    116.145
    """
    words = _words(text)
    if not words:
        return float("nan")
    n_sent = max(1, len(_sentences(text)))
    syll = sum(count_syllables_en(w) for w in words)
    return 206.835 - 1.015 * len(words) / n_sent - 84.6 * syll / len(words)


def _phrase_pattern(phrase: str) -> re.Pattern:
    # Word start, the phrase, then any inflection suffix (Swedish "-en", "-er").
    body = r"\s+".join(re.escape(p) for p in phrase.lower().split())
    return re.compile(r"(?<![\w-])" + body + r"[\w]*", re.UNICODE)


def _find_terms(text_lower: str, terms: Iterable[str], *, prefix: bool = True) -> list[str]:
    """Terms found in the text: as word starts (inflections allowed) or exact words."""
    found = []
    for term in terms:
        t = term.strip().lower()
        if not t:
            continue
        if len(t) <= 3 or not prefix:  # short acronyms and listed word forms: exact word
            body = r"\s+".join(re.escape(p) for p in t.split())
            pat = re.compile(r"(?<![\w-])" + body + r"(?![\w])", re.UNICODE)
        else:
            pat = _phrase_pattern(t)
        if pat.search(text_lower) and term not in found:
            found.append(term)
    return found


def _double_barrelled(text: str, language: str) -> list[str]:
    """Conjunctions that join two asks (heuristic, see :func:`text_signals`)."""
    lower = text.lower()
    for phrase in _FIXED_PHRASES[language]:
        lower = lower.replace(phrase, " ")
    hits = []
    for sentence in _sentences(lower):
        tokens = [w.lower() for w in _words(sentence)]
        for conj in _CONJUNCTIONS[language]:
            parts = conj.split()
            k = len(parts)
            for i in range(len(tokens) - k + 1):
                if tokens[i:i + k] != parts:
                    continue
                left = [t for t in tokens[:i] if t not in _STOP[language]]
                right = [t for t in tokens[i + k:] if t not in _STOP[language]]
                # Two asks: a content word on each side of the conjunction.
                if left and right:
                    hits.append(_conjuncts(tokens, i, k, _STOP[language]))
    return hits


def _conjuncts(tokens: list[str], i: int, k: int, stop: frozenset) -> str:
    """The two joined phrases around the conjunction ``tokens[i:i+k]``, quoted whole.

    Each side is the run of content words next to the conjunction (stop words
    right beside it included), so the reader sees both asks:

    >>> _conjuncts("medarbetarna har de digitala verktyg och den utrustning de behöver".split(), 5, 1,
    ...            frozenset("har de den".split()))
    'digitala verktyg och den utrustning'
    """
    a = i - 1
    while a > 0 and tokens[a] in stop:
        a -= 1
    while a > 0 and tokens[a - 1] not in stop:
        a -= 1
    b = i + k
    while b < len(tokens) - 1 and tokens[b] in stop:
        b += 1
    while b < len(tokens) - 1 and tokens[b + 1] not in stop:
        b += 1
    return " ".join(tokens[a:b + 1])


@dataclass(frozen=True)
class TextSignals:
    """Readability and wording signals of one item text (see :func:`text_signals`)."""

    language: str
    n_words: int
    n_sentences: int
    words_per_sentence: float
    mean_word_length: float
    long_word_share: float
    lix: float
    lix_band: str
    flesch: float
    glossary_terms: tuple[str, ...]
    jargon_terms: tuple[str, ...]
    double_barrelled: tuple[str, ...]
    negations: tuple[str, ...]
    double_negation: bool
    vague_quantifiers: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict; tuples joined with ``", "`` for tables."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = ", ".join(v) if isinstance(v, tuple) else v
        return out

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of :meth:`to_dict`."""
        return pd.DataFrame([self.to_dict()])


def text_signals(text: str, *, language: str = "sv", glossary: Iterable[str] = ()) -> TextSignals:
    """Readability and wording signals of one question text.

    Computes word and sentence counts, mean word length (letters), share of
    long words (> 6 letters), :func:`lix` with its band, :func:`flesch_reading_ease`
    (English only; NaN for Swedish), and these QUAID/QAS-99-style wording checks:

    * **glossary terms** -- terms of the instrument's glossary found in the
      text (explained to respondents, so not a problem by themselves);
    * **jargon terms** -- words of the built-in :data:`JARGON` list that the
      glossary does not explain (QUAID "unfamiliar technical term");
    * **double-barrelled** -- heuristic: a coordinating conjunction ("och",
      "samt", "eller", "liksom" / "and", "or", "as well as") with at least one
      content word (not a function word) on *each* side within one sentence,
      after removing fixed expressions ("forskning och utveckling", "more or
      less", ...).  It over-flags coordinated noun phrases that are one idea
      ("vård och omsorg" is whitelisted; others are not), which is the
      acceptable side for a review hint (QAS-99 code 3c "double-barrelled");
    * **negations** -- explicit negation words ("inte", "ej", "aldrig",
      "ingen", ... / "not", "never", "no", ...; English "n't" contractions);
    * **double negation** -- two or more negations in one sentence, counting
      words that negate by meaning ("saknar", "brist", "utan" / "lack",
      "prevent", "without") only when an explicit negation is also present;
    * **vague quantifiers** -- "ofta", "ibland", "tillräckligt", "i hög grad",
      ... / "often", "sometimes", "enough", ... (QUAID "vague or imprecise
      relative term").

    Parameters
    ----------
    text : str
        The item text in ``language``.
    language : {"sv", "en"}
    glossary : iterable of str
        Glossary terms in the same language.

    Returns
    -------
    TextSignals

    References
    ----------
    Graesser et al. (2006) QUAID, *Public Opinion Quarterly* 70, 3-22;
    Willis & Lessler (1999) QAS-99; Björnsson (1968) *Läsbarhet*.

    Examples
    --------
    >>> s = text_signals("Vi förstår och använder data i våra beslut.", language="sv")
    >>> s.double_barrelled, s.n_words, round(s.lix, 2)
    (('förstår och använder data',), 8, 33.0)
    >>> e = text_signals("Our managers do not lack time for digital work.", language="en")
    >>> e.negations, e.double_negation
    (('not',), True)
    """
    language = _lang(language)
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}.")
    words = _words(text)
    sentences = _sentences(text)
    n_words = len(words)
    n_sent = max(1, len(sentences)) if words else 0
    lower = text.lower()
    gloss = [g for g in glossary if isinstance(g, str) and g.strip()]
    glossary_found = _find_terms(lower, gloss)
    # A jargon word is explained when a glossary term contains it as a word
    # ("API" in "öppna gränssnitt (API)") or it contains a glossary term.
    jargon = [
        t for t in _find_terms(lower, JARGON[language])
        if not any(_find_terms(g.lower(), [t]) or _find_terms(t, [g.lower()]) for g in gloss)
    ]
    # Negations, per sentence, for double negation.
    negs: list[str] = []
    double_neg = False
    for sentence in sentences or [text]:
        toks = [w.lower() for w in _words(sentence)]
        explicit = [t for t in toks if t in _NEGATIONS[language]]
        if language == "en":
            explicit += re.findall(r"\b\w+n['’]t\b", sentence.lower())
        implicit = [t for t in toks if t in _IMPLICIT_NEGATIONS[language]]
        negs.extend(explicit)
        if len(explicit) >= 2 or (explicit and implicit):
            double_neg = True
    vague = _find_terms(lower, _VAGUE[language], prefix=False)
    # Drop vague single words that are part of a longer vague phrase found.
    vague = [v for v in vague if not any(v != o and v in o.split() for o in vague)]
    return TextSignals(
        language=language,
        n_words=n_words,
        n_sentences=n_sent,
        words_per_sentence=(n_words / n_sent) if n_words else float("nan"),
        mean_word_length=(sum(_letters(w) for w in words) / n_words) if n_words else float("nan"),
        long_word_share=(sum(_letters(w) > 6 for w in words) / n_words) if n_words else float("nan"),
        lix=lix(text),
        lix_band=lix_band(lix(text), language) if n_words else "",
        flesch=flesch_reading_ease(text) if language == "en" else float("nan"),
        glossary_terms=tuple(glossary_found),
        jargon_terms=tuple(jargon),
        double_barrelled=tuple(_double_barrelled(text, language)),
        negations=tuple(negs),
        double_negation=bool(double_neg),
        vague_quantifiers=tuple(vague),
    )


def _glossary_terms(instrument, language: str) -> list[str]:
    out = []
    for entry in getattr(instrument, "glossary", None) or ():
        term = entry.get("term") if isinstance(entry, Mapping) else None
        if isinstance(term, Mapping):
            t = term.get(language)
        else:
            t = term
        if isinstance(t, str) and t.strip():
            out.append(t)
    return out


def instrument_text_signals(instrument, *, language: str = "sv") -> pd.DataFrame:
    """:func:`text_signals` for every item of an instrument.

    Parameters
    ----------
    instrument : Instrument
        From :func:`evaluation.data.instruments.load_instrument`; its ``glossary``
        terms in ``language`` are used.
    language : {"sv", "en"}

    Returns
    -------
    DataFrame
        Index item id (name ``item``), one column per :class:`TextSignals`
        field (tuples joined with ``", "``) plus ``text``.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> inst = NS(items=(NS(id="q1", text={"sv": "Vi har en strategi och en budget."}),),
    ...           glossary=())
    >>> instrument_text_signals(inst).loc["q1", "double_barrelled"]
    'strategi och en budget'
    """
    language = _lang(language)
    items = getattr(instrument, "items", None)
    if items is None:
        raise TypeError("instrument must be an Instrument (from evaluation.data.instruments.load_instrument).")
    gloss = _glossary_terms(instrument, language)
    rows = []
    for item in items:
        text = (item.text or {}).get(language) or ""
        row = text_signals(text, language=language, glossary=gloss).to_dict()
        row["item"] = item.id
        row["text"] = text
        rows.append(row)
    return pd.DataFrame(rows).set_index("item")


# --------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Data:
    scored: pd.DataFrame
    dont_know: pd.DataFrame
    skipped: pd.DataFrame
    meta: pd.DataFrame | None
    timings: pd.DataFrame | None
    instrument: Any
    scale_min: float
    scale_max: float
    dimension_of: dict
    category_of: dict


def _prepare(responses, instrument=None, *, dont_know=None, skipped=None) -> _Data:
    if isinstance(responses, _Data):
        return responses
    if hasattr(responses, "scored") and hasattr(responses, "dont_know"):
        rs = responses
        scored = rs.scored().astype(float)
        dk = rs.dont_know.reindex(index=scored.index, columns=scored.columns).fillna(False).astype(bool)
        sk = rs.skipped.reindex(index=scored.index, columns=scored.columns).fillna(False).astype(bool)
        meta = getattr(rs, "meta", None)
        timings = getattr(rs, "timings", None)
        if instrument is None:
            instrument = getattr(rs, "instrument", None)
    elif isinstance(responses, pd.DataFrame):
        scored = responses.apply(pd.to_numeric, errors="coerce").astype(float)
        meta, timings = None, None
        if dont_know is None and skipped is None:
            dk = pd.DataFrame(False, index=scored.index, columns=scored.columns)
            sk = scored.isna()
        else:
            dk = (dont_know if dont_know is not None else pd.DataFrame(False, index=scored.index, columns=scored.columns))
            dk = dk.reindex(index=scored.index, columns=scored.columns).fillna(False).astype(bool)
            sk = (skipped if skipped is not None else (scored.isna() & ~dk))
            sk = sk.reindex(index=scored.index, columns=scored.columns).fillna(False).astype(bool)
    else:
        raise TypeError(
            "responses must be a ResponseSet (from evaluation.data.responses.read_responses) "
            f"or a DataFrame of item scores, got {type(responses).__name__}."
        )
    if scored.shape[1] < 2:
        raise ValueError("Comprehension diagnostics need at least two items; the data has "
                         f"{scored.shape[1]} item column(s).")
    if scored.shape[0] < 2:
        raise ValueError("Comprehension diagnostics need at least two respondents.")
    dimension_of: dict = {}
    category_of: dict = {}
    smin = smax = None
    if instrument is not None:
        for item in getattr(instrument, "items", ()):
            dimension_of[item.id] = getattr(item, "dimension", None)
            category_of[item.id] = getattr(item, "category", None)
        scale = getattr(instrument, "scale", None)
        if scale is not None:
            smin, smax = float(scale.min), float(scale.max)
        missing = [c for c in scored.columns if c not in dimension_of]
        if dimension_of and missing:
            raise ValueError(
                f"Columns {missing} are not items of instrument {getattr(instrument, 'id', '?')!r}; "
                "pass only the item columns or the matching instrument."
            )
    if smin is None:
        smin, smax = float(np.nanmin(scored.values)), float(np.nanmax(scored.values))
    for c in scored.columns:
        dimension_of.setdefault(c, "all")
        category_of.setdefault(c, dimension_of[c])
    if timings is not None:
        timings = timings.reindex(index=scored.index).apply(pd.to_numeric, errors="coerce")
    return _Data(scored, dk, sk, meta, timings, instrument, smin, smax, dimension_of, category_of)


def _group_series(data: _Data, group) -> pd.Series | None:
    if group is None:
        return None
    if isinstance(group, str):
        if data.meta is None or group not in data.meta.columns:
            have = [] if data.meta is None else list(data.meta.columns)
            raise ValueError(
                f"group={group!r} is not a metadata column of the responses (have {have}); "
                "pass 'role', 'unit' or a Series with one value per respondent."
            )
        g = data.meta[group]
    else:
        g = pd.Series(group)
        if len(g) != len(data.scored):
            raise ValueError(f"group has {len(g)} values but there are {len(data.scored)} respondents.")
        g.index = data.scored.index
    return g.reindex(data.scored.index)


def _rest_means(scored: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Per respondent and item: mean of the answered OTHER items (in ``columns``)."""
    cols = list(columns) if columns is not None else list(scored.columns)
    block = scored[cols]
    total = block.sum(axis=1, min_count=1).fillna(0.0)
    count = block.notna().sum(axis=1)
    out = {}
    for c in scored.columns:
        own = scored[c]
        if c in cols:
            s = total - own.fillna(0.0)
            n = count - own.notna().astype(int)
        else:
            s, n = total, count
        out[c] = (s / n.replace(0, np.nan)).astype(float)
    return pd.DataFrame(out, index=scored.index)


# --------------------------------------------------------------------------
# Empirical signals
# --------------------------------------------------------------------------
def _trailing_blanks(answered: pd.DataFrame, dk: pd.DataFrame) -> pd.DataFrame:
    """True where the cell comes after the respondent's last response (answer or don't know)."""
    responded = (answered | dk).to_numpy()
    n_items = responded.shape[1]
    last = np.where(responded.any(axis=1), n_items - 1 - responded[:, ::-1].argmax(axis=1), -1)
    mask = np.arange(n_items)[None, :] > last[:, None]
    return pd.DataFrame(mask, index=answered.index, columns=answered.columns)


def _breakoff(answered: pd.DataFrame, dk: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Break-off: last item with any response (answer or don't know), all blank after."""
    responded = (answered | dk).to_numpy()
    n_items = responded.shape[1]
    any_resp = responded.any(axis=1)
    # index of last responded item per row
    rev = responded[:, ::-1]
    last = n_items - 1 - rev.argmax(axis=1)
    broke = any_resp & (last < n_items - 1)
    after = np.zeros(n_items)
    at = np.zeros(n_items)
    n = responded.shape[0]
    for pos in last[broke]:
        after[pos] += 1
        at[pos + 1] += 1
    return (pd.Series(after / n, index=answered.columns),
            pd.Series(at / n, index=answered.columns))


def item_signals(responses, instrument=None, *, dont_know=None, skipped=None,
                 scale_by: str = "dimension", confidence: float = 0.95) -> pd.DataFrame:
    """Per-item empirical signals of comprehension problems.

    Columns (index: item id, name ``item``):

    * ``n`` respondents; ``n_answered`` scale answers;
    * ``dk_rate`` = don't know / n with Wilson CI ``dk_ci_low``/``dk_ci_high``,
      and ``dk_rate_others`` = median don't-know rate of the other items;
    * ``skip_rate`` = skipped / ``n_reached`` with Wilson CI and
      ``skip_rate_others``, where a skip is a blank *before* the
      respondent's last response and ``n_reached`` counts respondents who had
      not yet abandoned the questionnaire at this item; blanks after the last
      response are break-off, counted by ``breakoff_*`` (otherwise late items
      would look skipped because of break-off earlier); ``blank_rate`` =
      all blanks / n;
    * ``breakoff_after`` = share of respondents whose last response (answer or
      don't know) is this item with everything after blank; ``breakoff_at`` =
      share who abandoned *at* this item (their last response was the
      previous item) -- the item they saw and did not answer;
    * ``r_drop`` = corrected item-total correlation: Pearson r between the
      item score and the mean of the respondent's other answered items in the
      same ``scale_by`` group (dimension by default), pairwise complete;
    * ``floor``, ``ceiling`` = share of answers at the scale minimum/maximum
      (reverse-keyed scores);
    * ``mean`` item score and ``difficulty_z`` = :math:`d_j / (1.4826\,
      \operatorname{median}_k |d_k|)` with :math:`d_j` = item mean minus the
      median of the means of the other items of its category: a robust z
      (median absolute deviation), so one deviant item neither hides itself
      nor pushes its siblings;
    * when ``timings`` exist: ``time_median`` (s), ``n_words`` of the item's
      Swedish text (or English when Swedish is absent), ``time_per_word`` and
      ``time_ratio`` = time per word / median over items.

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        A ResponseSet (uses ``scored()``, ``dont_know``, ``skipped``,
        ``timings``), or a DataFrame of reverse-keyed item scores with NaN
        where not answered; then pass ``dont_know`` (bool frame) and
        optionally ``skipped``; without either, every NaN counts as skipped.
    instrument : Instrument, optional
        Defaults to ``responses.instrument``; gives dimensions, categories,
        scale bounds and texts.  Without it all items form one scale and the
        scale bounds are the observed minimum and maximum.
    scale_by : {"dimension", "category", "instrument"}
        Which items make the rest score for ``r_drop``.
    confidence : float
        Coverage of the Wilson intervals.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> theta = rng.normal(size=200)
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(size=200)), 1, 6)
    ...                    for i in range(4)})
    >>> df["q3"] = 7 - df["q3"]                      # measures the opposite
    >>> sig = item_signals(df)
    >>> bool(sig.loc["q3", "r_drop"] < 0 < sig.loc["q0", "r_drop"])
    True
    """
    if scale_by not in ("dimension", "category", "instrument"):
        raise ValueError(f"scale_by must be 'dimension', 'category' or 'instrument', got {scale_by!r}.")
    data = _prepare(responses, instrument, dont_know=dont_know, skipped=skipped)
    scored, dk, sk = data.scored, data.dont_know, data.skipped
    items = list(scored.columns)
    n = len(scored)
    answered = scored.notna()
    out = pd.DataFrame(index=pd.Index(items, name="item"))
    out["dimension"] = [data.dimension_of[c] for c in items]
    out["category"] = [data.category_of[c] for c in items]
    out["n"] = n
    out["n_answered"] = answered.sum().astype(int)
    trailing = _trailing_blanks(answered, dk)
    reached = (~trailing).sum().to_numpy(dtype=float)
    out["n_reached"] = reached.astype(int)
    out["blank_rate"] = sk.sum().to_numpy(dtype=float) / n
    for key, mask in (("dk", dk), ("skip", sk & ~trailing)):
        k = mask.sum().to_numpy(dtype=float)
        denom = np.full_like(k, n) if key == "dk" else reached
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(denom > 0, k / np.maximum(denom, 1), np.nan)
        low, high = wilson_ci(k, denom, confidence=confidence)
        name = "dk_rate" if key == "dk" else "skip_rate"
        out[name] = rate
        out[f"{key}_ci_low"] = low
        out[f"{key}_ci_high"] = high
        others = [float(np.nanmedian(np.delete(rate, i))) for i in range(len(items))]
        out[f"{name}_others"] = others
    after, at = _breakoff(answered, dk)
    out["breakoff_after"] = after
    out["breakoff_at"] = at
    # corrected item-total r
    if scale_by == "instrument":
        groups = {c: "all" for c in items}
    elif scale_by == "dimension":
        groups = data.dimension_of
    else:
        groups = data.category_of
    r = {}
    for g in dict.fromkeys(groups[c] for c in items):
        cols = [c for c in items if groups[c] == g]
        if len(cols) < 2:
            for c in cols:
                r[c] = float("nan")
            continue
        rest = _rest_means(scored[cols])
        for c in cols:
            ok = scored[c].notna() & rest[c].notna()
            x, y = scored.loc[ok, c].to_numpy(), rest.loc[ok, c].to_numpy()
            if ok.sum() < 3 or np.std(x) == 0 or np.std(y) == 0:
                r[c] = float("nan")
            else:
                r[c] = float(np.corrcoef(x, y)[0, 1])
    out["r_drop"] = pd.Series(r)
    with np.errstate(invalid="ignore", divide="ignore"):
        na = out["n_answered"].replace(0, np.nan)
        out["floor"] = (scored == data.scale_min).sum() / na
        out["ceiling"] = (scored == data.scale_max).sum() / na
    means = scored.mean()
    out["mean"] = means
    diff = {}
    for c in items:
        sib = [s for s in items if data.category_of[s] == data.category_of[c] and s != c]
        if not sib:
            sib = [s for s in items if data.dimension_of[s] == data.dimension_of[c] and s != c]
        if not sib:
            sib = [s for s in items if s != c]
        diff[c] = means[c] - float(np.nanmedian(means[sib]))
    diff = pd.Series(diff, dtype=float)
    spread = 1.4826 * float(np.nanmedian(np.abs(diff)))
    if not spread > 0:
        spread = float(diff.std())
    out["difficulty_z"] = diff / spread if spread > 0 else np.nan
    if data.timings is not None:
        t = data.timings.reindex(columns=items)
        med = t.where(answered | dk).median()
        words = []
        for c in items:
            txt = ""
            inst = data.instrument
            if inst is not None and hasattr(inst, "item"):
                try:
                    texts = inst.item(c).text or {}
                    txt = texts.get("sv") or texts.get("en") or ""
                except Exception:  # pragma: no cover - unknown item
                    txt = ""
            words.append(len(_words(txt)) if txt else np.nan)
        out["time_median"] = med
        out["n_words"] = words
        with np.errstate(invalid="ignore", divide="ignore"):
            tpw = out["time_median"] / out["n_words"]
        if tpw.notna().sum() == 0:
            tpw = out["time_median"]  # no texts: compare raw times
        out["time_per_word"] = tpw
        out["time_ratio"] = tpw / float(np.nanmedian(tpw)) if tpw.notna().any() else np.nan
    return out


# --------------------------------------------------------------------------
# Comprehension gradient
# --------------------------------------------------------------------------
def _separated(x: np.ndarray, y: np.ndarray) -> bool:
    """Complete or quasi-complete separation for one continuous predictor."""
    x1, x0 = x[y == 1], x[y == 0]
    return bool(x1.max() <= x0.min() or x1.min() >= x0.max())


def _logit_fit(sm, y, X) -> dict:
    """Logit fit of y on X; the ``lower_maturity`` coefficient, or why there is none."""
    res = {"ok": False, "llf": None, "b": np.nan, "se": np.nan, "p": np.nan, "note": ""}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = sm.Logit(y, X).fit(disp=0, maxiter=100)
    except (np.linalg.LinAlgError, ValueError) as exc:  # singular design etc.
        res["note"] = f"model could not be fitted ({exc.__class__.__name__})"
        return res
    res["llf"] = float(fit.llf) if np.isfinite(fit.llf) else None
    converged = bool(fit.mle_retvals.get("converged", True))
    bad_warn = any("separation" in str(w.message).lower() for w in caught)
    b = float(fit.params["lower_maturity"])
    se = float(fit.bse["lower_maturity"])
    big = bool(np.any(np.abs(np.asarray(fit.params)) > 15))
    if not converged or bad_warn or not np.isfinite(se) or big:
        res["note"] = "model did not converge (likely separation)"
        return res
    res.update(ok=True, b=b, se=se, p=float(fit.pvalues["lower_maturity"]))
    return res


def comprehension_gradient(responses, instrument=None, *, dont_know=None, skipped=None,
                           outcome: str = "dk_or_skip", adjust_for=None,
                           method: str = "holm", confidence: float = 0.95,
                           min_events: int = 5, min_group_n: int = 20,
                           exclude_breakoff: bool = True) -> pd.DataFrame:
    """Do lower-maturity respondents answer "don't know" or skip an item more?

    For each item a logistic regression (statsmodels ``Logit``)

    .. math::
        \\operatorname{logit} P(Y_{ij}=1) = \\beta_0 + \\beta_1\\,(-z_{ij})
        \\;[+\\ \\gamma^\\top g_i]

    where :math:`Y_{ij}` = respondent *i* answered don't know or skipped item
    *j*, and :math:`z_{ij}` is the standardised rest score: the mean of *i*'s
    answered other items (reverse-keyed), standardised over respondents.  The
    odds ratio :math:`e^{\\beta_1}` is per SD **lower** maturity, so OR > 1
    supports "it takes maturity to understand this item".  Optional role (or
    unit) dummies :math:`g_i` adjust for who answers.  p-values (Wald) are
    corrected across items with ``statsmodels.stats.multitest.multipletests``.

    Items with fewer than ``min_events`` events or non-events, or with perfect
    separation (the events all lie on one side of the rest score, so the MLE
    does not exist), or a fit that does not converge, get NaN and a ``note``
    saying why; they are left out of the multiple-testing correction.

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        See :func:`item_signals`.
    instrument : Instrument, optional
    outcome : {"dk_or_skip", "dk", "skip"}
        Which non-answer counts as the event.
    adjust_for : str or Series, optional
        A metadata column ("role", "unit") or a Series of groups.  The odds
        ratio is then adjusted for group, and a likelihood-ratio test of the
        group dummies (do some roles answer don't know more often, at equal
        maturity?) is added: ``group_chi2``, ``group_p``, ``group_p_adj``,
        and the group with the highest event rate (``group_highest``,
        ``group_highest_rate``).  Respondents in groups with fewer than
        ``min_group_n`` members are left out of these fits (too few to
        estimate a group effect; also keeps small groups unreported).
    method : str
        Any ``multipletests`` method: "holm" (default, family-wise) or
        "fdr_bh" (Benjamini-Hochberg).
    confidence : float
        Coverage of the Wald interval of the odds ratio.
    min_events : int
        Fewest events (and non-events) needed to fit.
    exclude_breakoff : bool
        Leave out, for each item, respondents who had already abandoned the
        questionnaire (the item and everything after it blank): they never
        decided about this item, and counting their blanks as skips dilutes
        the gradient with break-off, which has its own signal.

    Returns
    -------
    DataFrame
        Index item id; columns ``n``, ``events``, ``odds_ratio``, ``ci_low``,
        ``ci_high``, ``p``, ``p_adj``, ``note`` ("" when fitted), and the
        group-test columns when ``adjust_for`` is given.

    References
    ----------
    Holm (1979); Benjamini & Hochberg (1995); Hosmer, Lemeshow & Sturdivant
    (2013) *Applied Logistic Regression*, 3rd ed., on separation.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> theta = rng.normal(size=300)
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(size=300)), 1, 6)
    ...                    for i in range(5)})
    >>> dk = pd.DataFrame(False, index=df.index, columns=df.columns)
    >>> dk["q0"] = rng.random(300) < 1 / (1 + np.exp(1.5 + 1.2 * theta))
    >>> df = df.mask(dk)
    >>> g = comprehension_gradient(df, dont_know=dk)
    >>> bool(g.loc["q0", "odds_ratio"] > 2 and g.loc["q0", "p_adj"] < 0.001)
    True
    """
    import statsmodels.api as sm
    from statsmodels.stats.multitest import multipletests

    if outcome not in ("dk_or_skip", "dk", "skip"):
        raise ValueError(f"outcome must be 'dk_or_skip', 'dk' or 'skip', got {outcome!r}.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence!r}.")
    data = _prepare(responses, instrument, dont_know=dont_know, skipped=skipped)
    scored = data.scored
    if outcome == "dk":
        event = data.dont_know
    elif outcome == "skip":
        event = data.skipped
    else:
        event = data.dont_know | data.skipped
    rest = _rest_means(scored)
    # Blanks after a respondent's last response are break-off, not a decision
    # about this item: those respondents are left out of the item's model.
    trailing = _trailing_blanks(scored.notna(), data.dont_know) if exclude_breakoff else None
    groups = _group_series(data, adjust_for)
    zcrit = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for c in scored.columns:
        row = {"item": c, "n": 0, "events": 0, "odds_ratio": np.nan, "ci_low": np.nan,
               "ci_high": np.nan, "p": np.nan, "note": ""}
        r = rest[c]
        ok = r.notna()
        if trailing is not None:
            ok &= ~trailing[c]
        if groups is not None:
            ok &= groups.notna()
            sizes = groups[ok].astype(str).value_counts()
            ok &= groups.astype(str).isin(sizes[sizes >= min_group_n].index)
        x = r[ok]
        y = event.loc[ok, c].astype(float).to_numpy()
        row["n"] = int(ok.sum())
        row["events"] = int(y.sum())
        if x.std(ddof=0) == 0 or len(x) < 3:
            row["note"] = "no variation in rest score"
            rows.append(row)
            continue
        z = -((x - x.mean()) / x.std(ddof=0)).to_numpy()
        if y.sum() < min_events or (len(y) - y.sum()) < min_events:
            row["note"] = (f"too few events ({int(y.sum())} of {len(y)}; need {min_events})"
                           if y.sum() < min_events else f"too few non-events ({int(len(y) - y.sum())})")
            rows.append(row)
            continue
        if _separated(z, y):
            row["note"] = "perfect separation: estimate does not exist"
            rows.append(row)
            continue
        X = pd.DataFrame({"const": 1.0, "lower_maturity": z})
        base = _logit_fit(sm, y, X)
        fit = base
        if groups is not None:
            g_ok = groups[ok].astype(str).reset_index(drop=True)
            dummies = pd.get_dummies(g_ok, prefix="g", drop_first=True, dtype=float)
            full = _logit_fit(sm, y, pd.concat([X, dummies], axis=1))
            if full["llf"] is not None and base["llf"] is not None:
                lr = max(0.0, 2 * (full["llf"] - base["llf"]))
                row["group_chi2"] = lr
                row["group_p"] = float(stats.chi2.sf(lr, dummies.shape[1]))
                rates = pd.Series(y).groupby(g_ok).mean()
                row["group_highest"] = str(rates.idxmax())
                row["group_highest_rate"] = float(rates.max())
            if full["ok"]:
                fit = full
            elif base["ok"]:
                row["note"] = "not adjusted for group: a group has no or only events"
        if fit["ok"]:
            b, se = fit["b"], fit["se"]
            row["odds_ratio"] = math.exp(b)
            row["ci_low"] = math.exp(b - zcrit * se)
            row["ci_high"] = math.exp(b + zcrit * se)
            row["p"] = fit["p"]
        else:
            row["note"] = fit["note"]
        rows.append(row)
    out = pd.DataFrame(rows).set_index("item")
    for col in ("p", "group_p"):
        out[f"{col}_adj"] = np.nan
        if col in out.columns:
            finite = out[col].notna()
            if finite.any():
                out.loc[finite, f"{col}_adj"] = multipletests(out.loc[finite, col].to_numpy(), method=method)[1]
    cols = ["n", "events", "odds_ratio", "ci_low", "ci_high", "p", "p_adj", "note"]
    if groups is not None:
        for col in ("group_chi2", "group_p", "group_highest", "group_highest_rate"):
            if col not in out.columns:
                out[col] = np.nan
        cols += ["group_chi2", "group_p", "group_p_adj", "group_highest", "group_highest_rate"]
    return out[cols]


# --------------------------------------------------------------------------
# DIF
# --------------------------------------------------------------------------
def _null_loglik(y: np.ndarray) -> float:
    _, counts = np.unique(y, return_counts=True)
    p = counts / counts.sum()
    return float(np.sum(counts * np.log(p)))


_DIF_COLUMNS = ["n", "n_groups", "ll1", "ll2", "ll3", "r2_1", "r2_2", "r2_3", "r2_change_12",
                "r2_change_13", "r2_change_23", "chi2_12", "p_12", "chi2_13", "p_13", "p_13_adj",
                "chi2_23", "p_23", "dif", "note"]


def _olr_dif_logliks(y: np.ndarray, match: np.ndarray, g: np.ndarray, levels_g: list) -> list:
    """Log-likelihoods of the three proportional-odds DIF models (statsmodels ``OrderedModel``, logit).

    model 1: y ~ z; model 2: y ~ z + group; model 3: y ~ z * group, with z the
    standardised matching score and the first of ``levels_g`` the reference
    group. Shared by :func:`dif_ordinal` and ``evaluation.stats.dif.dif``.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = np.unique(y)
    x = np.asarray(match, dtype=float)
    z = (x - x.mean()) / x.std()
    endog = pd.Series(pd.Categorical(y, categories=levels, ordered=True))
    dummies = pd.get_dummies(pd.Categorical(g, categories=levels_g), prefix="g", drop_first=True,
                             dtype=float)
    X1 = pd.DataFrame({"rest": z})
    X2 = pd.concat([X1, dummies], axis=1)
    inter = dummies.mul(z, axis=0).add_suffix("_x_rest")
    X3 = pd.concat([X2, inter], axis=1)
    lls = []
    start = None
    for X in (X1, X2, X3):
        model = OrderedModel(endog, X, distr="logit")
        if start is not None:
            # warm start: previous slopes, zeros for the added terms, previous thresholds
            k_prev = len(start) - (len(levels) - 1)
            start = np.concatenate([start[:k_prev], np.zeros(X.shape[1] - k_prev), start[k_prev:]])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = model.fit(start_params=start, method="bfgs", disp=0, maxiter=2000)
        lls.append(float(fit.llf))
        start = np.asarray(fit.params)
    # Nested models: guard against an optimiser stopping short.
    lls[1] = max(lls[1], lls[0])
    lls[2] = max(lls[2], lls[1])
    return lls


def _dif_pass(scored, data, groups, items, rest_by, flagged, min_group_n, criterion_r2, alpha,
              method):
    """One pass of ordinal-logistic DIF with the items in ``flagged`` left out of the rest scores."""
    from statsmodels.stats.multitest import multipletests

    anchors = [c for c in items if c not in flagged]
    if len(anchors) < 2:
        anchors = items
    rest = pd.DataFrame(index=scored.index)
    for d in dict.fromkeys(data.dimension_of[c] for c in items):
        cols = [c for c in anchors if data.dimension_of[c] == d] if rest_by == "dimension" else anchors
        if len(cols) < 2:
            cols = anchors
        part = _rest_means(scored, cols)
        for c in items:
            if data.dimension_of[c] == d:
                rest[c] = part[c]
    rows = []
    cols_out = _DIF_COLUMNS
    for c in items:
        row = {k: np.nan for k in cols_out}
        row.update(item=c, dif=False, note="")
        ok = scored[c].notna() & rest[c].notna() & groups.notna()
        g = groups[ok].astype(str)
        sizes = g.value_counts()
        keep = sizes[sizes >= min_group_n].index
        ok &= groups.astype(str).isin(keep)
        g = groups[ok].astype(str)
        y = scored.loc[ok, c].to_numpy()
        row["n"] = int(ok.sum())
        row["n_groups"] = int(len(keep))
        if len(keep) < 2:
            row["note"] = f"fewer than two groups with at least {min_group_n} answers"
            rows.append(row)
            continue
        levels = np.unique(y)
        if len(levels) < 2:
            row["note"] = "only one answer category used"
            rows.append(row)
            continue
        x = rest.loc[ok, c]
        if x.std(ddof=0) == 0:
            row["note"] = "no variation in rest score"
            rows.append(row)
            continue
        try:
            lls = _olr_dif_logliks(y, x.to_numpy(), g.to_numpy(), sorted(keep))
        except (np.linalg.LinAlgError, ValueError) as exc:
            row["note"] = f"model could not be fitted ({exc.__class__.__name__})"
            rows.append(row)
            continue
        ll0 = _null_loglik(y)
        r2 = [1 - ll / ll0 for ll in lls]
        df_g = len(keep) - 1
        row.update(ll1=lls[0], ll2=lls[1], ll3=lls[2], r2_1=r2[0], r2_2=r2[1], r2_3=r2[2],
                   r2_change_12=r2[1] - r2[0], r2_change_13=r2[2] - r2[0],
                   r2_change_23=r2[2] - r2[1],
                   chi2_12=2 * (lls[1] - lls[0]), chi2_13=2 * (lls[2] - lls[0]),
                   chi2_23=2 * (lls[2] - lls[1]))
        row["p_12"] = float(stats.chi2.sf(row["chi2_12"], df_g))
        row["p_23"] = float(stats.chi2.sf(row["chi2_23"], df_g))
        row["p_13"] = float(stats.chi2.sf(row["chi2_13"], 2 * df_g))
        rows.append(row)
    # Multiple testing over items (Holm by default), then lordif's two criteria.
    p13 = np.array([r["p_13"] for r in rows], dtype=float)
    adj = np.full_like(p13, np.nan)
    finite = np.isfinite(p13)
    if finite.any():
        adj[finite] = (multipletests(p13[finite], method=method)[1] if method else p13[finite])
    for r, pa in zip(rows, adj):
        r["p_13_adj"] = float(pa)
        r["dif"] = bool(np.isfinite(pa) and r["r2_change_13"] >= criterion_r2 and pa < alpha)
    return rows


def dif_ordinal(responses, group, instrument=None, *, dont_know=None, skipped=None,
                rest_by: str = "dimension", min_group_n: int = 20,
                criterion_r2: float = 0.02, alpha: float = 0.01, method: str | None = "holm",
                purify: bool = True, max_iter: int = 10) -> pd.DataFrame:
    """Ordinal logistic regression DIF between groups (roles, units).

    For each item, three proportional-odds models (statsmodels
    ``OrderedModel``, logit link) of the item score on the standardised rest
    score :math:`z` (mean of the other items of the item's dimension, by
    default) and the group :math:`g`:

    * model 1: :math:`\\operatorname{logit} P(Y \\le k) = \\tau_k - \\beta_1 z`
    * model 2: + group main effect (uniform DIF)
    * model 3: + group × rest interaction (non-uniform DIF)

    Likelihood-ratio χ² tests: 1 vs 2 (uniform, df = G - 1), 2 vs 3
    (non-uniform, df = G - 1), 1 vs 3 (total, df = 2(G - 1)).  McFadden
    pseudo-R² :math:`1 - \\ell_m / \\ell_0`, with :math:`\\ell_0` the
    thresholds-only model (closed form: the observed category proportions).
    An item shows important DIF when ``r2_change_13 >= criterion_r2`` and
    ``p_13_adj < alpha`` (lordif: Choi, Gibbons & Crane 2011, R² change 0.02,
    alpha 0.01), where ``p_13_adj`` is corrected over items with
    ``multipletests(method=method)`` (Holm by default; ``None`` for lordif's
    uncorrected test -- with many items and several groups that flags about
    one item in a hundred by chance).  The rest score is used as the matching criterion (Zumbo
    1999 uses the total score; lordif an IRT trait estimate).

    With ``purify`` (default) the matching criterion is purified, one item at
    a time: after each pass the flagged item with the largest R² change
    leaves the rest scores of all items, and the pass is repeated until no
    further item is flagged (at most ``max_iter`` passes; at least three
    anchor items are kept).  Without it one strong DIF item contaminates
    every rest score and drags the others into apparent DIF in the opposite
    direction; removing all flagged items at once (lordif's scheme) fails
    when that contamination flags every item in the first pass.

    Groups with fewer than ``min_group_n`` answering respondents are left
    out; with fewer than two groups left the item gets NaN and a note.

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        See :func:`item_signals`.
    group : str or Series
        A metadata column ("role", "unit") or one group label per respondent.
    rest_by : {"dimension", "instrument"}
        Items forming the matching rest score.
    min_group_n, criterion_r2, alpha, method : see above.

    Returns
    -------
    DataFrame
        Index item id; columns ``n``, ``n_groups``, ``ll1``, ``ll2``,
        ``ll3``, ``r2_1``, ``r2_2``, ``r2_3``, ``r2_change_12``,
        ``r2_change_13``, ``r2_change_23``, ``chi2_12``, ``p_12``,
        ``chi2_13``, ``p_13``, ``p_13_adj``, ``chi2_23``, ``p_23``, ``dif``
        (bool), ``note``,
        ``anchor`` (True when the item was part of the final matching criterion).

    References
    ----------
    Zumbo (1999); Choi, Gibbons & Crane (2011) *J Stat Softw* 39(8).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> theta = rng.normal(size=300)
    >>> role = np.where(rng.random(300) < 0.5, "chef", "strateg")
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(scale=.7, size=300)), 1, 6)
    ...                    for i in range(4)})
    >>> df["q0"] = np.clip(df["q0"] + 2 * (role == "chef"), 1, 6)   # uniform DIF
    >>> res = dif_ordinal(df, pd.Series(role))
    >>> bool(res.loc["q0", "dif"]), bool(res["dif"].drop("q0").any())
    (True, False)
    """
    if rest_by not in ("dimension", "instrument"):
        raise ValueError(f"rest_by must be 'dimension' or 'instrument', got {rest_by!r}.")
    data = _prepare(responses, instrument, dont_know=dont_know, skipped=skipped)
    groups = _group_series(data, group)
    if groups is None:
        raise ValueError("dif_ordinal needs a group: a metadata column name ('role', 'unit') or a Series.")
    scored = data.scored
    items = list(scored.columns)
    removed: set = set()
    for _ in range(max_iter if purify else 1):
        rows = _dif_pass(scored, data, groups, items, rest_by, frozenset(removed), min_group_n,
                         criterion_r2, alpha, method)
        candidates = [r for r in rows if r["dif"] and r["item"] not in removed]
        if not candidates or len(items) - len(removed) <= 3:
            break
        # one item at a time: the largest DIF leaves the matching criterion
        removed.add(max(candidates, key=lambda r: r["r2_change_13"])["item"])
    flagged = removed
    out = pd.DataFrame(rows).set_index("item")
    out["anchor"] = [c not in flagged for c in out.index]
    return out[_DIF_COLUMNS + ["anchor"]]


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def _pct(x: float, language: str) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    v = 100 * x
    s = f"{v:.0f}" if v >= 9.5 or v == 0 else f"{v:.1f}"
    if language == "sv":
        return f"{s.replace('.', ',')} %"
    return f"{s}%"


def _num(x: float, language: str, digits: int = 2) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    s = f"{x:.{digits}f}"
    if language == "sv":
        s = s.replace(".", ",").replace("-", "−")
    return s


def _pval(p: float, language: str) -> str:
    if not np.isfinite(p):
        return "–"
    if p < 0.001:
        return "< 0,001" if language == "sv" else "< 0.001"
    return _num(p, language, 3)


_T = {
    "dk": {"sv": "{r} svarade 'vet ej' (övriga frågor {o})",
           "en": "{r} answered 'don't know' (other items {o})"},
    "skip": {"sv": "{r} hoppade över frågan (övriga frågor {o})",
             "en": "{r} skipped the item (other items {o})"},
    "gradient": {"sv": "'vet ej'/överhoppat vanligare bland dem med lägre mognad: OR {o} per SD (95 % KI {lo}–{hi}), justerat p {p}",
                 "en": "'don't know'/skipped more common among less mature respondents: OR {o} per SD (95% CI {lo}–{hi}), adjusted p {p}"},
    "r_drop_low": {"sv": "svagt samband med övriga frågor (korrigerad item-total r = {r})",
                   "en": "weak relation to the other items (corrected item-total r = {r})"},
    "r_drop_neg": {"sv": "mäter knappast samma sak som övriga frågor (korrigerad item-total r = {r}); kan missförstås",
                   "en": "hardly measures what the other items measure (corrected item-total r = {r}); may be misread"},
    "breakoff": {"sv": "{r} avbröt enkäten vid denna fråga",
                 "en": "{r} abandoned the questionnaire at this item"},
    "floor": {"sv": "{r} valde lägsta svarsalternativet (golveffekt)",
              "en": "{r} chose the lowest option (floor effect)"},
    "ceiling": {"sv": "{r} valde högsta svarsalternativet (takeffekt)",
                "en": "{r} chose the highest option (ceiling effect)"},
    "difficulty_hi": {"sv": "besvaras mycket högre än övriga frågor i kategorin (z = {z})",
                      "en": "answered much higher than the other items of its category (z = {z})"},
    "difficulty_lo": {"sv": "besvaras mycket lägre än övriga frågor i kategorin (z = {z})",
                      "en": "answered much lower than the other items of its category (z = {z})"},
    "time": {"sv": "lång svarstid: {t} s per ord, {x} gånger mediafrågans",
             "en": "slow to answer: {t} s per word, {x} times the median item"},
    "group_dk": {"sv": "'vet ej'/överhoppat skiljer sig mellan grupperna ({g}) vid samma mognad: högst bland {h} ({r}), justerat p {p}",
                 "en": "'don't know'/skipped differs between groups ({g}) at equal maturity: highest among {h} ({r}), adjusted p {p}"},
    "dif": {"sv": "fungerar olika mellan grupperna ({g}): ΔR² = {d}, justerat p {p}",
            "en": "works differently between groups ({g}): ΔR² = {d}, adjusted p {p}"},
    "lix": {"sv": "svårläst text: LIX {v} ({b})", "en": "hard-to-read text: LIX {v} ({b})"},
    "long": {"sv": "lång fråga: {n} ord", "en": "long question: {n} words"},
    "double": {"sv": "frågar kanske om två saker samtidigt ('{w}')",
               "en": "may ask two things at once ('{w}')"},
    "double_neg": {"sv": "dubbel negation", "en": "double negation"},
    "negation": {"sv": "negation ('{w}'): 'instämmer inte' blir en dubbel negation",
                 "en": "negation ('{w}'): disagreeing makes a double negative"},
    "jargon": {"sv": "facktermer som inte förklaras i ordlistan: {w}",
               "en": "technical terms not explained in the glossary: {w}"},
    "vague": {"sv": "vaga kvantifierare: {w}", "en": "vague quantifiers: {w}"},
}


def _tr(key: str, language: str, **kw) -> str:
    return _T[key][language].format(**kw)


def comprehension_report(responses, instrument=None, *, language: str = "sv", group=None,
                         thresholds: Thresholds | None = None, text_signals: bool = True,
                         dont_know=None, skipped=None, method: str = "holm") -> pd.DataFrame:
    """One table per item, ranked worst first: which questions are hard to understand.

    Joins :func:`item_signals`, :func:`comprehension_gradient`,
    :func:`dif_ordinal` (when ``group`` is given) and
    :func:`instrument_text_signals` (when an instrument is known and
    ``text_signals`` is true), applies the rules of :class:`Thresholds`, and
    writes the reasons in plain words.

    Flag logic (each rule documented in :class:`Thresholds`):

    * ``empirical_flag``: ``review`` when any empirical rule fires (high
      don't-know or skip rate, significant comprehension gradient, r_drop <
      ``r_drop_review``, break-off, floor/ceiling, deviant difficulty, slow
      reading, DIF, group differences in don't know at equal maturity);
      ``revise`` when r_drop < ``r_drop_revise``, when a high
      don't-know/skip rate comes with a significant gradient, or when at least
      ``revise_min_empirical`` empirical rules fire.
    * ``text_flag``: ``review`` when any text rule fires (LIX, length,
      double-barrelled, negation, double negation, unexplained jargon, vague
      quantifier), else ``ok``; text alone never gives ``revise``.
    * ``flag``: ``revise`` if ``empirical_flag`` is ``revise`` or both flags
      are ``review``; otherwise the higher of the two.  With
      ``text_signals=False`` the flag equals ``empirical_flag``.

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        See :func:`item_signals`; for a DataFrame pass ``dont_know``/``skipped``.
    instrument : Instrument, optional
        Defaults to ``responses.instrument``.
    language : {"sv", "en"}
        Language of the reasons and of the item texts analysed.
    group : str or Series, optional
        Metadata column ("role", "unit"): the gradient is then adjusted for
        group and tested for group differences in don't know/skipping, and
        DIF between the groups is tested.  None skips both.
    thresholds : Thresholds, optional
    text_signals : bool
        Include the text rules (default).  Set False to judge the data only,
        e.g. when benchmarking detection of planted items.
    method : str
        Multiple-testing method for the gradient ("holm" or "fdr_bh").

    Returns
    -------
    DataFrame
        One row per item, worst first: ``item``, ``dimension``, ``category``,
        ``text``, every signal column (see :func:`item_signals`), gradient
        columns ``gradient_or``, ``gradient_ci_low``, ``gradient_ci_high``,
        ``gradient_p``, ``gradient_p_adj``, ``gradient_note``; when
        ``group``: ``gradient_group_p``, ``gradient_group_p_adj``,
        ``gradient_group_highest``, ``gradient_group_highest_rate`` and DIF
        columns ``dif_r2_change``, ``dif_p``, ``dif_p_adj``, ``dif``, ``dif_note``; text columns
        (``lix``, ``lix_band``, ``flesch``, ``n_words``, ``words_per_sentence``,
        ``mean_word_length``, ``double_barrelled``, ``negations``,
        ``double_negation``, ``jargon_terms``, ``glossary_terms``,
        ``vague_quantifiers``), ``empirical_flag``, ``text_flag``, ``flag``,
        ``reasons`` ("; "-separated, in ``language``), ``n_reasons``,
        ``n_empirical_reasons``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(4)
    >>> theta = rng.normal(size=300)
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(size=300)), 1, 6)
    ...                    for i in range(6)})
    >>> dk = pd.DataFrame(False, index=df.index, columns=df.columns)
    >>> dk["q2"] = rng.random(300) < 1 / (1 + np.exp(1.2 + 1.5 * theta))
    >>> rep = comprehension_report(df.mask(dk), dont_know=dk, language="en")
    >>> rep.iloc[0][["item", "flag"]].tolist()
    ['q2', 'revise']
    >>> print(rep.iloc[0]["reasons"].split("; ")[1])
    28% answered 'don't know' (other items 0%)
    """
    language = _lang(language)
    th = thresholds if thresholds is not None else Thresholds()
    if not isinstance(th, Thresholds):
        raise TypeError("thresholds must be a Thresholds instance (evaluation.stats.comprehension.Thresholds).")
    data = _prepare(responses, instrument, dont_know=dont_know, skipped=skipped)
    sig = item_signals(data)
    gser = _group_series(data, group)
    grad = comprehension_gradient(data, method=method, min_events=th.min_events,
                                  adjust_for=gser, min_group_n=th.dif_min_group_n)
    rep = sig.copy()
    rep["gradient_events"] = grad["events"]
    rep["gradient_or"] = grad["odds_ratio"]
    rep["gradient_ci_low"] = grad["ci_low"]
    rep["gradient_ci_high"] = grad["ci_high"]
    rep["gradient_p"] = grad["p"]
    rep["gradient_p_adj"] = grad["p_adj"]
    rep["gradient_note"] = grad["note"]
    if group is not None:
        for col in ("group_p", "group_p_adj", "group_highest", "group_highest_rate"):
            rep[f"gradient_{col}"] = grad[col]
        dif = dif_ordinal(data, gser, min_group_n=th.dif_min_group_n,
                          criterion_r2=th.dif_r2_change, alpha=th.dif_alpha, method=method)
        rep["dif_r2_change"] = dif["r2_change_13"]
        rep["dif_p"] = dif["p_13"]
        rep["dif_p_adj"] = dif["p_13_adj"]
        rep["dif"] = dif["dif"]
        rep["dif_note"] = dif["note"]
        group_name = group if isinstance(group, str) else (getattr(group, "name", None)
                                                         or ("grupp" if language == "sv" else "group"))
    inst = data.instrument
    text_cols = ["lix", "lix_band", "flesch", "n_words_text", "words_per_sentence",
                 "mean_word_length", "double_barrelled", "negations", "double_negation",
                 "jargon_terms", "glossary_terms", "vague_quantifiers"]
    if inst is not None and hasattr(inst, "items"):
        ts = instrument_text_signals(inst, language=language).reindex(rep.index)
        rep.insert(2, "text", ts["text"])
        ts = ts.rename(columns={"n_words": "n_words_text"})
        for col in text_cols:
            rep[col] = ts[col]
    else:
        rep.insert(2, "text", "")
    has_text = text_signals and inst is not None and hasattr(inst, "items")

    emp_flags, txt_flags, reasons_all, n_emp = [], [], [], []
    for item, r in rep.iterrows():
        emp: list[tuple[int, str]] = []
        txt: list[str] = []
        dk_hi = (r["dk_rate"] > th.dk_rate_min
                 and r["dk_rate"] > th.dk_rate_ratio * r["dk_rate_others"]
                 and r["dk_ci_low"] > r["dk_rate_others"])
        sk_hi = (r["skip_rate"] > th.skip_rate_min
                 and r["skip_rate"] > th.skip_rate_ratio * r["skip_rate_others"]
                 and r["skip_ci_low"] > r["skip_rate_others"])
        grad_sig = (np.isfinite(r["gradient_p_adj"]) and r["gradient_p_adj"] < th.gradient_alpha
                    and r["gradient_or"] >= th.gradient_or_min)
        if dk_hi:
            emp.append((1, _tr("dk", language, r=_pct(r["dk_rate"], language),
                               o=_pct(r["dk_rate_others"], language))))
        if sk_hi:
            emp.append((1, _tr("skip", language, r=_pct(r["skip_rate"], language),
                               o=_pct(r["skip_rate_others"], language))))
        if grad_sig:
            emp.append((2 if (dk_hi or sk_hi) else 1,
                        _tr("gradient", language, o=_num(r["gradient_or"], language),
                            lo=_num(r["gradient_ci_low"], language),
                            hi=_num(r["gradient_ci_high"], language),
                            p=_pval(r["gradient_p_adj"], language))))
        rd = r["r_drop"]
        if np.isfinite(rd) and rd < th.r_drop_revise:
            emp.append((2, _tr("r_drop_neg", language, r=_num(rd, language))))
        elif np.isfinite(rd) and rd < th.r_drop_review:
            emp.append((1, _tr("r_drop_low", language, r=_num(rd, language))))
        if r["breakoff_at"] >= th.breakoff_min:
            emp.append((1, _tr("breakoff", language, r=_pct(r["breakoff_at"], language))))
        if np.isfinite(r["floor"]) and r["floor"] > th.floor_ceiling_max:
            emp.append((1, _tr("floor", language, r=_pct(r["floor"], language))))
        if np.isfinite(r["ceiling"]) and r["ceiling"] > th.floor_ceiling_max:
            emp.append((1, _tr("ceiling", language, r=_pct(r["ceiling"], language))))
        dz = r["difficulty_z"]
        if np.isfinite(dz) and abs(dz) > th.difficulty_z:
            emp.append((1, _tr("difficulty_hi" if dz > 0 else "difficulty_lo", language,
                               z=_num(dz, language, 1))))
        if "time_ratio" in rep.columns and np.isfinite(r["time_ratio"]) and r["time_ratio"] > th.time_ratio:
            emp.append((1, _tr("time", language, t=_num(r["time_per_word"], language, 1),
                               x=_num(r["time_ratio"], language, 1))))
        if (group is not None and np.isfinite(r["gradient_group_p_adj"])
                and r["gradient_group_p_adj"] < th.gradient_alpha):
            emp.append((1, _tr("group_dk", language, g=group_name, h=r["gradient_group_highest"],
                               r=_pct(r["gradient_group_highest_rate"], language),
                               p=_pval(r["gradient_group_p_adj"], language))))
        if group is not None and bool(r["dif"]):
            emp.append((1, _tr("dif", language, g=group_name, d=_num(r["dif_r2_change"], language, 3),
                               p=_pval(r["dif_p_adj"], language))))
        if has_text:
            if np.isfinite(r["lix"]) and r["lix"] > th.lix_review and r["n_words_text"] >= th.lix_min_words:
                txt.append(_tr("lix", language, v=_num(r["lix"], language, 0), b=r["lix_band"]))
            if r["n_words_text"] > th.max_words:
                txt.append(_tr("long", language, n=int(r["n_words_text"])))
            if r["double_barrelled"]:
                txt.append(_tr("double", language, w=r["double_barrelled"].split(", ")[0]))
            if r["double_negation"]:
                txt.append(_tr("double_neg", language))
            elif r["negations"]:
                txt.append(_tr("negation", language, w=r["negations"].split(", ")[0]))
            if r["jargon_terms"]:
                txt.append(_tr("jargon", language, w=r["jargon_terms"]))
            if r["vague_quantifiers"]:
                txt.append(_tr("vague", language, w=r["vague_quantifiers"]))
        n_emp_rules = len(emp)
        level_emp = max([lvl for lvl, _ in emp], default=0)
        if n_emp_rules >= th.revise_min_empirical:
            level_emp = 2
        level_txt = 1 if txt else 0
        emp_flags.append(FLAG_LEVELS[level_emp])
        txt_flags.append(FLAG_LEVELS[level_txt])
        reasons_all.append([text for _, text in sorted(emp, key=lambda t: -t[0])] + txt)
        n_emp.append(n_emp_rules)
    rep["empirical_flag"] = emp_flags
    rep["text_flag"] = txt_flags
    levels = []
    for e, t in zip(emp_flags, txt_flags):
        le, lt = _LEVEL[e], _LEVEL[t]
        if not text_signals:
            lt = 0
        levels.append(FLAG_LEVELS[2 if (le == 2 or (le >= 1 and lt >= 1)) else max(le, lt)])
    rep["flag"] = levels
    if not text_signals:
        reasons_all = [rs[:k] for rs, k in zip(reasons_all, n_emp)]
    rep["reasons"] = ["; ".join(rs) for rs in reasons_all]
    rep["n_reasons"] = [len(rs) for rs in reasons_all]
    rep["n_empirical_reasons"] = n_emp
    # Rank: flag, empirical evidence, all reasons, then the don't-know excess.
    rep["_lvl"] = rep["flag"].map(_LEVEL)
    rep["_elvl"] = rep["empirical_flag"].map(_LEVEL)
    rep["_excess"] = (rep["dk_rate"] + rep["skip_rate"]) - (rep["dk_rate_others"] + rep["skip_rate_others"])
    rep["_order"] = np.arange(len(rep))
    rep = rep.sort_values(["_lvl", "_elvl", "n_empirical_reasons", "n_reasons", "_excess", "_order"],
                          ascending=[False, False, False, False, False, True])
    rep = rep.drop(columns=["_lvl", "_elvl", "_excess", "_order"]).reset_index()
    return rep


_FLAG_WORD = {"sv": {"ok": "ok", "review": "granska", "revise": "revidera"},
              "en": {"ok": "ok", "review": "review", "revise": "revise"}}


def format_report(df: pd.DataFrame, language: str = "sv", *, width: int = 100,
                  show_ok: bool = True) -> str:
    """Plain-text table of a :func:`comprehension_report`, for the terminal.

    One line per item (rank, item id, flag, don't-know %, skipped %, r_drop,
    gradient OR, LIX) followed by its reasons, indented and wrapped to
    ``width`` characters.  Numbers are rounded here, not in the report.

    Parameters
    ----------
    df : DataFrame
        The result of :func:`comprehension_report`.
    language : {"sv", "en"}
    width : int
        Line width for wrapping reasons.
    show_ok : bool
        List items flagged ``ok`` too (default); False lists flagged items only.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"item": ["q1"], "flag": ["review"], "dk_rate": [0.2],
    ...                    "skip_rate": [0.0], "r_drop": [0.25], "gradient_or": [float("nan")],
    ...                    "reasons": ["20 % svarade 'vet ej' (övriga frågor 5 %)"]})
    >>> print(format_report(df))  # doctest: +NORMALIZE_WHITESPACE
    Frågor som kan vara svåra att förstå: 1 frågor, 0 revidera, 1 granska
     #  fråga  flagga   vet ej  hoppat  r_drop  OR   LIX
     1  q1     granska  20 %    0 %     0,25    –    –
        - 20 % svarade 'vet ej' (övriga frågor 5 %)
    """
    language = _lang(language)
    need = {"item", "flag", "reasons"}
    if not need.issubset(df.columns):
        raise ValueError(f"format_report needs the output of comprehension_report (missing {sorted(need - set(df.columns))}).")
    words = _FLAG_WORD[language]
    counts = df["flag"].value_counts()
    if language == "sv":
        title = (f"Frågor som kan vara svåra att förstå: {len(df)} frågor, "
                 f"{counts.get('revise', 0)} revidera, {counts.get('review', 0)} granska")
        header = ["#", "fråga", "flagga", "vet ej", "hoppat", "r_drop", "OR", "LIX"]
    else:
        title = (f"Items that may be hard to understand: {len(df)} items, "
                 f"{counts.get('revise', 0)} revise, {counts.get('review', 0)} review")
        header = ["#", "item", "flag", "don't know", "skipped", "r_drop", "OR", "LIX"]
    rows = []
    for i, (_, r) in enumerate(df.iterrows(), start=1):
        if not show_ok and r["flag"] == "ok":
            continue
        rows.append((
            [str(i), str(r["item"]), words.get(r["flag"], str(r["flag"])),
             _pct(r.get("dk_rate", np.nan), language), _pct(r.get("skip_rate", np.nan), language),
             _num(r.get("r_drop", np.nan), language), _num(r.get("gradient_or", np.nan), language, 1),
             _num(r.get("lix", np.nan), language, 0)],
            [s for s in str(r["reasons"]).split("; ") if s],
        ))
    widths = [max(len(header[k]), *(len(cells[k]) for cells, _ in rows)) if rows else len(header[k])
              for k in range(len(header))]

    def line(cells):
        parts = [cells[0].rjust(widths[0])] + [c.ljust(w) for c, w in zip(cells[1:], widths[1:])]
        return " " + "  ".join(parts).rstrip()

    out = [title, line(header)]
    indent = " " * (widths[0] + 3)
    for cells, reasons in rows:
        out.append(line(cells))
        for reason in reasons:
            out.append(textwrap.fill(reason, width=width, initial_indent=indent + "- ",
                                     subsequent_indent=indent + "  "))
    return "\n".join(out)
