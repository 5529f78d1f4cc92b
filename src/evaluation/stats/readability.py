"""Readability and wording signals of question texts (Swedish and English).

Part of the comprehension review: LIX (Björnsson 1968), Flesch Reading Ease
for English, sentence and word length, glossary and jargon terms,
double-barrelled wording, negations and double negations, vague quantifiers
-- in the spirit of QUAID (Graesser et al. 2006) and QAS-99 (Willis & Lessler
1999). Returns numbers, word hits and band codes; the sentences that explain
them are in :mod:`evaluation.text.comprehension`.

References
----------
Björnsson, C. H. (1968). *Läsbarhet*. Stockholm: Liber.
Flesch, R. (1948). A new readability yardstick. *Journal of Applied
    Psychology*, 32(3), 221-233.
Graesser, A. C., Cai, Z., Louwerse, M. M., & Daniel, F. (2006). Question
    Understanding Aid (QUAID): A web facility that tests question
    comprehensibility. *Public Opinion Quarterly*, 70(1), 3-22.
Willis, G. B., & Lessler, J. T. (1999). *Question Appraisal System QAS-99*.
    Research Triangle Institute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["TextSignals", "LIX_BANDS", "JARGON", "lix", "lix_band", "flesch_reading_ease", "count_syllables_en",
           "text_signals", "primary_lang", "instrument_text_signals"]

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


def _lang(lang: str) -> str:
    if lang not in ("sv", "en"):
        raise ValueError(f"lang must be 'sv' or 'en' (the code of the text analysed), got {lang!r}.")
    return lang


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
    English too (Anderson 1983) so Swedish and English texts are on one scale.

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


#: LIX band codes (Björnsson 1968), from easiest to hardest; :mod:`evaluation.text.comprehension` words them.
LIX_BANDS = ("very_easy", "easy", "medium", "hard", "very_hard")


def lix_band(value: float) -> str:
    """Björnsson's (1968) LIX band as a code of :data:`LIX_BANDS` ("" for NaN).

    Cuts: < 30 very easy, 30-40 easy, 40-50 medium, 50-60 hard, 60 and above very hard.

    >>> lix_band(39.3), lix_band(55), lix_band(float("nan"))
    ('easy', 'hard', '')
    """
    if value is None or not np.isfinite(value):
        return ""
    for cut, code in zip((30, 40, 50, 60), LIX_BANDS):
        if value < cut:
            return code
    return LIX_BANDS[-1]


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


def _double_barrelled(text: str, lang: str) -> list[str]:
    """Conjunctions that join two asks (heuristic, see :func:`text_signals`)."""
    lower = text.lower()
    for phrase in _FIXED_PHRASES[lang]:
        lower = lower.replace(phrase, " ")
    hits = []
    for sentence in _sentences(lower):
        tokens = [w.lower() for w in _words(sentence)]
        for conj in _CONJUNCTIONS[lang]:
            parts = conj.split()
            k = len(parts)
            for i in range(len(tokens) - k + 1):
                if tokens[i:i + k] != parts:
                    continue
                left = [t for t in tokens[:i] if t not in _STOP[lang]]
                right = [t for t in tokens[i + k:] if t not in _STOP[lang]]
                # Two asks: a content word on each side of the conjunction.
                if left and right:
                    hits.append(_conjuncts(tokens, i, k, _STOP[lang]))
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
    """Readability and wording signals of one item text (see :func:`text_signals`); ``lang`` is the text's code."""

    lang: str
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


def text_signals(text: str, *, lang: str = "sv", glossary: Iterable[str] = ()) -> TextSignals:
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
        The item text, Swedish (``lang="sv"``) or English (``"en"``).
    lang : {"sv", "en"}
        Code of the text's tongue: picks the word lists (jargon, negations, conjunctions, vague
        quantifiers) and whether Flesch is computed.
    glossary : iterable of str
        Glossary terms in the same tongue as the text.

    Returns
    -------
    TextSignals

    References
    ----------
    Graesser et al. (2006) QUAID, *Public Opinion Quarterly* 70, 3-22;
    Willis & Lessler (1999) QAS-99; Björnsson (1968) *Läsbarhet*.

    Examples
    --------
    >>> s = text_signals("Vi förstår och använder data i våra beslut.", lang="sv")
    >>> s.double_barrelled, s.n_words, round(s.lix, 2)
    (('förstår och använder data',), 8, 33.0)
    >>> e = text_signals("Our managers do not lack time for digital work.", lang="en")
    >>> e.negations, e.double_negation
    (('not',), True)
    """
    lang = _lang(lang)
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
        t for t in _find_terms(lower, JARGON[lang])
        if not any(_find_terms(g.lower(), [t]) or _find_terms(t, [g.lower()]) for g in gloss)
    ]
    # Negations, per sentence, for double negation.
    negs: list[str] = []
    double_neg = False
    for sentence in sentences or [text]:
        toks = [w.lower() for w in _words(sentence)]
        explicit = [t for t in toks if t in _NEGATIONS[lang]]
        if lang == "en":
            explicit += re.findall(r"\b\w+n['’]t\b", sentence.lower())
        implicit = [t for t in toks if t in _IMPLICIT_NEGATIONS[lang]]
        negs.extend(explicit)
        if len(explicit) >= 2 or (explicit and implicit):
            double_neg = True
    vague = _find_terms(lower, _VAGUE[lang], prefix=False)
    # Drop vague single words that are part of a longer vague phrase found.
    vague = [v for v in vague if not any(v != o and v in o.split() for o in vague)]
    return TextSignals(
        lang=lang,
        n_words=n_words,
        n_sentences=n_sent,
        words_per_sentence=(n_words / n_sent) if n_words else float("nan"),
        mean_word_length=(sum(_letters(w) for w in words) / n_words) if n_words else float("nan"),
        long_word_share=(sum(_letters(w) > 6 for w in words) / n_words) if n_words else float("nan"),
        lix=lix(text),
        lix_band=lix_band(lix(text)) if n_words else "",
        flesch=flesch_reading_ease(text) if lang == "en" else float("nan"),
        glossary_terms=tuple(glossary_found),
        jargon_terms=tuple(jargon),
        double_barrelled=tuple(_double_barrelled(text, lang)),
        negations=tuple(negs),
        double_negation=bool(double_neg),
        vague_quantifiers=tuple(vague),
    )


def _glossary_terms(instrument, lang: str) -> list[str]:
    out = []
    for entry in getattr(instrument, "glossary", None) or ():
        term = entry.get("term") if isinstance(entry, Mapping) else None
        if isinstance(term, Mapping):
            t = term.get(lang)
        else:
            t = term
        if isinstance(t, str) and t.strip():
            out.append(t)
    return out


def primary_lang(instrument) -> str:
    """The instrument's primary text: ``"sv"`` when any item has Swedish text, else ``"en"``.

    The text signals of an instrument are computed on this text whatever the
    report is written in, so the flags do not change with the report.

    >>> from types import SimpleNamespace as NS
    >>> primary_lang(NS(items=(NS(id="q1", text={"en": "We plan."}),)))
    'en'
    >>> primary_lang(NS(items=(NS(id="q1", text={"sv": "Vi planerar.", "en": "We plan."}),)))
    'sv'
    """
    items = getattr(instrument, "items", None) or ()
    for code in ("sv", "en"):
        if any(isinstance((item.text or {}).get(code), str) and (item.text or {}).get(code).strip()
               for item in items):
            return code
    return "sv"


def instrument_text_signals(instrument, *, lang: str | None = None) -> pd.DataFrame:
    """:func:`text_signals` for every item of an instrument.

    Parameters
    ----------
    instrument : Instrument
        From :func:`evaluation.data.instruments.load_instrument`; its ``glossary``
        terms in the same tongue as the analysed text are used.
    lang : {"sv", "en"}, optional
        Which of the item texts to analyse; None (default) takes the
        instrument's primary text (:func:`primary_lang`: Swedish, English only
        when the instrument has no Swedish text).

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
    items = getattr(instrument, "items", None)
    if items is None:
        raise TypeError("instrument must be an Instrument (from evaluation.data.instruments.load_instrument).")
    lang = primary_lang(instrument) if lang is None else _lang(lang)
    gloss = _glossary_terms(instrument, lang)
    rows = []
    for item in items:
        text = (item.text or {}).get(lang) or ""
        row = text_signals(text, lang=lang, glossary=gloss).to_dict()
        row["item"] = item.id
        row["text"] = text
        rows.append(row)
    return pd.DataFrame(rows).set_index("item")
