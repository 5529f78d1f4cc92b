"""Which questions are hard to understand, in words (sv, en).

The kit's signature feature. Municipalities report that maturity questions are
hard to understand and that "it takes some digital maturity to understand
them". The statistics turn that claim into per-item evidence and reason codes
(:func:`evaluation.stats.comprehension_flags.comprehension_flags`): empirical
signals (:mod:`evaluation.stats.item_signals`), the comprehension gradient
(:mod:`evaluation.stats.gradient`), DIF between roles or units
(:func:`evaluation.stats.dif.dif_ordinal`) and text signals of the
instrument's primary text (:mod:`evaluation.stats.readability`).

This module words them: :func:`comprehension_report` is the flags table with
a ``reasons`` column in Swedish or English (the flags, codes and numbers are
the same in both), :func:`format_report` prints it for ``dmkit items``. It
also keeps the 0.1 signatures with ``language=`` (:func:`text_signals`,
:func:`instrument_text_signals`, :func:`lix_band`), served at the old paths
``evaluation.comprehension`` and ``evaluation.stats.comprehension``.
"""

from __future__ import annotations

import textwrap
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluation.privacy import DEFAULT_MIN_GROUP_SIZE
from evaluation.stats import readability as _rd
from evaluation.stats.comprehension_flags import REASON_CODES, _LEVEL, comprehension_flags  # noqa: F401
from evaluation.stats.dif import dif_ordinal  # noqa: F401  (re-exported for the old paths)
from evaluation.stats.gradient import comprehension_gradient  # noqa: F401
from evaluation.stats.item_signals import FLAG_LEVELS, Thresholds, item_signals, wilson_ci  # noqa: F401
from evaluation.stats.readability import (  # noqa: F401
    JARGON, TextSignals, count_syllables_en, flesch_reading_ease, lix, primary_lang)
from evaluation.text import format as fmt
from evaluation.text.catalogue import register, t
from evaluation.text.format import check_language

__all__ = ["comprehension_report", "format_report", "reason_sentences", "lix_band", "text_signals",
           "instrument_text_signals"]

_M: dict[str, dict[str, str]] = {
    # the reason that replaces an item's statistics when too few answered it on the scale (privacy)
    "comprehension.few_answers": {"sv": "färre än {k} svar på skalan: ingen svarsstatistik visas för frågan",
                                  "en": "fewer than {k} answers on the scale: no answer statistics are shown"},
    # one sentence per reason code of evaluation.stats.comprehension_flags (fields filled from the row)
    "comprehension.dk": {"sv": "{r} svarade 'vet ej' (övriga frågor {o})",
           "en": "{r} answered 'don't know' (other items {o})"},
    "comprehension.skip": {"sv": "{r} hoppade över frågan (övriga frågor {o})",
             "en": "{r} skipped the item (other items {o})"},
    "comprehension.gradient": {"sv": "'vet ej'/överhoppat vanligare bland dem med lägre mognad: OR {o} per SD (95 % KI {lo}–{hi}), justerat p {p}",
                 "en": "'don't know'/skipped more common among less mature respondents: OR {o} per SD (95% CI {lo}–{hi}), adjusted p {p}"},
    "comprehension.r_drop_low": {"sv": "svagt samband med övriga frågor (korrigerad item-total r = {r})",
                   "en": "weak relation to the other items (corrected item-total r = {r})"},
    "comprehension.r_drop_neg": {"sv": "mäter knappast samma sak som övriga frågor (korrigerad item-total r = {r}); kan missförstås",
                   "en": "hardly measures what the other items measure (corrected item-total r = {r}); may be misread"},
    "comprehension.breakoff": {"sv": "{r} avbröt enkäten vid denna fråga",
                 "en": "{r} abandoned the questionnaire at this item"},
    "comprehension.floor": {"sv": "{r} valde lägsta svarsalternativet (golveffekt)",
              "en": "{r} chose the lowest option (floor effect)"},
    "comprehension.ceiling": {"sv": "{r} valde högsta svarsalternativet (takeffekt)",
                "en": "{r} chose the highest option (ceiling effect)"},
    "comprehension.difficulty_hi": {"sv": "besvaras mycket högre än övriga frågor i kategorin (z = {z})",
                      "en": "answered much higher than the other items of its category (z = {z})"},
    "comprehension.difficulty_lo": {"sv": "besvaras mycket lägre än övriga frågor i kategorin (z = {z})",
                      "en": "answered much lower than the other items of its category (z = {z})"},
    "comprehension.time": {"sv": "lång svarstid: {t} s per ord, {x} gånger mediafrågans",
             "en": "slow to answer: {t} s per word, {x} times the median item"},
    "comprehension.group_dk": {"sv": "'vet ej'/överhoppat skiljer sig mellan grupperna ({g}) vid samma mognad: högst bland {h} ({r}), justerat p {p}",
                 "en": "'don't know'/skipped differs between groups ({g}) at equal maturity: highest among {h} ({r}), adjusted p {p}"},
    "comprehension.dif": {"sv": "fungerar olika mellan grupperna ({g}): ΔR² = {d}, justerat p {p}",
            "en": "works differently between groups ({g}): ΔR² = {d}, adjusted p {p}"},
    "comprehension.lix": {"sv": "svårläst text: LIX {v} ({b})", "en": "hard-to-read text: LIX {v} ({b})"},
    "comprehension.long": {"sv": "lång fråga: {n} ord", "en": "long question: {n} words"},
    "comprehension.double": {"sv": "frågar kanske om två saker samtidigt ('{w}')",
               "en": "may ask two things at once ('{w}')"},
    "comprehension.double_neg": {"sv": "dubbel negation", "en": "double negation"},
    "comprehension.negation": {"sv": "negation ('{w}'): 'instämmer inte' blir en dubbel negation",
                 "en": "negation ('{w}'): disagreeing makes a double negative"},
    "comprehension.jargon": {"sv": "facktermer som inte förklaras i ordlistan: {w}",
               "en": "technical terms not explained in the glossary: {w}"},
    "comprehension.vague": {"sv": "vaga kvantifierare: {w}", "en": "vague quantifiers: {w}"},
    # LIX bands (codes of evaluation.stats.readability.LIX_BANDS)
    "comprehension.band.very_easy": {"sv": "mycket lätt", "en": "very easy"},
    "comprehension.band.easy": {"sv": "lätt", "en": "easy"},
    "comprehension.band.medium": {"sv": "medelsvår", "en": "medium"},
    "comprehension.band.hard": {"sv": "svår", "en": "hard"},
    "comprehension.band.very_hard": {"sv": "mycket svår", "en": "very hard"},
    "comprehension.group": {"sv": "grupp", "en": "group"},
}


register("comprehension", _M)


def _pct(x: float, language: str) -> str:
    """A share as percent, one decimal below 9.5 % so small rates stay visible (the kit's formatter)."""
    v = 100 * x if x is not None and np.isfinite(x) else np.nan
    return fmt.percent(x, language, 0 if not np.isfinite(v) or v >= 9.5 or v == 0 else 1)


def _num(x: float, language: str, digits: int = 2) -> str:
    return fmt.number(x, language, digits)


def _pval(p: float, language: str) -> str:
    return fmt.pvalue(p, language)


def lix_band(value: float, language: str = "sv") -> str:
    """Björnsson's (1968) LIX band as a word in ``language`` (the code from
    :func:`evaluation.stats.readability.lix_band`, worded).

    >>> lix_band(39.3), lix_band(55, "en")
    ('lätt', 'hard')
    """
    check_language(language)
    code = _rd.lix_band(value)
    return t(f"comprehension.band.{code}", language) if code else ""


def text_signals(text: str, *, language: str = "sv", glossary: Iterable[str] = ()) -> TextSignals:
    """:func:`evaluation.stats.readability.text_signals` with the 0.1 keyword ``language`` (the text's tongue).

    >>> text_signals("Vi har inte en plan.").negations
    ('inte',)
    """
    return _rd.text_signals(text, lang=check_language(language), glossary=glossary)


def instrument_text_signals(instrument, *, language: str | None = None) -> pd.DataFrame:
    """:func:`evaluation.stats.readability.instrument_text_signals` with the 0.1 keyword ``language``.

    ``language`` picks which item text is analysed; None (default) takes the
    instrument's primary text (Swedish; English when it has no Swedish text).

    >>> from types import SimpleNamespace as NS
    >>> inst = NS(items=(NS(id="q1", text={"sv": "Vi har en strategi och en budget."}),), glossary=())
    >>> instrument_text_signals(inst).loc["q1", "double_barrelled"]
    'strategi och en budget'
    """
    lang = None if language is None else check_language(language)
    return _rd.instrument_text_signals(instrument, lang=lang)


def _first(hits) -> str:
    return str(hits).split(", ")[0]


def reason_sentences(row: Mapping, language: str = "sv", *, group_name: str = "") -> list[str]:
    """The sentence of each reason code of one :func:`comprehension_flags` row, numbers filled in.

    >>> reason_sentences({"reason_codes": ("floor", "vague"), "floor": 0.42, "vague_quantifiers": "often"}, "en")
    ['42% chose the lowest option (floor effect)', 'vague quantifiers: often']
    """
    L = check_language(language)
    r = row
    fields_of = {
        "dk": lambda: dict(r=_pct(r["dk_rate"], L), o=_pct(r["dk_rate_others"], L)),
        "skip": lambda: dict(r=_pct(r["skip_rate"], L), o=_pct(r["skip_rate_others"], L)),
        "gradient": lambda: dict(o=_num(r["gradient_or"], L), lo=_num(r["gradient_ci_low"], L),
                                 hi=_num(r["gradient_ci_high"], L), p=_pval(r["gradient_p_adj"], L)),
        "r_drop_neg": lambda: dict(r=_num(r["r_drop"], L)),
        "r_drop_low": lambda: dict(r=_num(r["r_drop"], L)),
        "breakoff": lambda: dict(r=_pct(r["breakoff_at"], L)),
        "floor": lambda: dict(r=_pct(r["floor"], L)),
        "ceiling": lambda: dict(r=_pct(r["ceiling"], L)),
        "difficulty_hi": lambda: dict(z=_num(r["difficulty_z"], L, 1)),
        "difficulty_lo": lambda: dict(z=_num(r["difficulty_z"], L, 1)),
        "time": lambda: dict(t=_num(r["time_per_word"], L, 1), x=_num(r["time_ratio"], L, 1)),
        "group_dk": lambda: dict(g=group_name, h=r["gradient_group_highest"],
                                 r=_pct(r["gradient_group_highest_rate"], L), p=_pval(r["gradient_group_p_adj"], L)),
        "dif": lambda: dict(g=group_name, d=_num(r["dif_r2_change"], L, 3), p=_pval(r["dif_p_adj"], L)),
        "lix": lambda: dict(v=_num(r["lix"], L, 0), b=lix_band(r["lix"], L)),
        "long": lambda: dict(n=int(r["n_words_text"])),
        "double": lambda: dict(w=_first(r["double_barrelled"])),
        "double_neg": lambda: {},
        "negation": lambda: dict(w=_first(r["negations"])),
        "jargon": lambda: dict(w=r["jargon_terms"]),
        "vague": lambda: dict(w=r["vague_quantifiers"]),
        "few_answers": lambda: dict(k=min_k),
    }
    min_k = r.get("min_group_size") or DEFAULT_MIN_GROUP_SIZE
    return [t(f"comprehension.{code}", L, **fields_of[code]()) for code in r["reason_codes"]]


#: reason codes computed from the scale answers themselves (a share, a correlation, a mean, a test on them):
#: with fewer than min_group_size answers they would describe those few people's answers
ANSWER_CODES = ("gradient", "r_drop_neg", "r_drop_low", "floor", "ceiling", "difficulty_hi", "difficulty_lo",
                "time", "group_dk", "dif")
#: the columns behind them, hidden with them
_ANSWER_COLUMNS = ("r_drop", "floor", "ceiling", "difficulty", "difficulty_z", "time_per_word", "time_ratio",
                   "mean", "sd")


def _few_answers(rep: pd.DataFrame, answered: pd.Series, k: int) -> pd.DataFrame:
    """Items answered on the scale by fewer than ``k``: their answer-based codes and numbers removed, the
    code ``few_answers`` added (don't know, skipped, break-off and the text rules stay: they are shares of
    everyone asked, or about the question's words)."""
    few = rep["item"].map(answered).fillna(0) < k
    if not few.any():
        return rep
    rep = rep.copy()
    cols = [c for c in rep.columns if c in _ANSWER_COLUMNS or c.startswith(("gradient_", "dif_"))]
    for c in cols:
        if pd.api.types.is_numeric_dtype(rep[c]):
            rep.loc[few, c] = np.nan
        else:
            rep.loc[few, c] = None
    rep.loc[few, "reason_codes"] = pd.Series(
        [tuple(c for c in codes if c not in ANSWER_CODES) + ("few_answers",)
         for codes in rep.loc[few, "reason_codes"]], index=rep.index[few], dtype=object)
    if "dif" in rep.columns:
        rep.loc[few, "dif"] = None
    rep.loc[few & (rep["flag"] == "ok"), "flag"] = "review"
    return rep


def comprehension_report(responses, instrument=None, *, language: str = "sv", group=None,
                         thresholds: Thresholds | None = None, text_signals: bool = True,
                         dont_know=None, skipped=None, method: str = "holm",
                         min_group_size: int | None = None) -> pd.DataFrame:
    """:func:`~evaluation.stats.comprehension_flags.comprehension_flags` with the reasons in words.

    ``language`` words the reasons only: the flags, reason codes and numbers
    are the same in Swedish and English, and the text analysed is always the
    instrument's primary one. Adds ``reasons`` ("; "-separated, in
    ``language``, in the order of ``reason_codes``); other parameters as
    :func:`~evaluation.stats.comprehension_flags.comprehension_flags`. With
    ``min_group_size``, an item answered on the scale by fewer people keeps no
    answer-based reason or number (:data:`ANSWER_CODES`): its reason says
    so (code ``few_answers``), as a report's other item tables hide it.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 6] * 5, "q2": [6, 5, 4, 3, 2, 1] * 5,
    ...                    "q3": [1, 2, 3, 4, 5, 6] * 5})
    >>> comprehension_report(df, language="en").set_index("item").loc["q2", "reasons"][:22]
    'hardly measures what t'
    """
    L = check_language(language)
    rep = comprehension_flags(responses, instrument, group=group, thresholds=thresholds,
                              text_signals=text_signals, dont_know=dont_know, skipped=skipped, method=method)
    if min_group_size is not None:
        answers = responses.answers if hasattr(responses, "answers") else pd.DataFrame(responses)
        rep = _few_answers(rep, answers.notna().sum(), int(min_group_size)).assign(min_group_size=int(min_group_size))
    group_name = group if isinstance(group, str) else (getattr(group, "name", None) or t("comprehension.group", L))
    rep["reasons"] = ["; ".join(reason_sentences(r, L, group_name=group_name))
                      for r in rep.to_dict(orient="records")]
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
    ...                    "reasons": ["20% answered 'don't know' (other items 5%)"]})
    >>> print(format_report(df, "en"))
    Items that may be hard to understand: 1 items, 0 revise, 1 review
     #  item  flag    don't know  skipped  r_drop  OR  LIX
     1  q1    review  20%         0%       0.25    –   –
        - 20% answered 'don't know' (other items 5%)
    """
    language = check_language(language)
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