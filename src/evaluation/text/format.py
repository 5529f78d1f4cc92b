"""The one number formatter of every report, table, figure label and CLI print.

Swedish (the default): decimal comma, the typographic minus U+2212, a thin
no-break space (U+202F) between thousands and before the percent sign as the
Swedish Language Council advises ("12 %"), "95 % KI". English: decimal point,
the same minus sign, thin-space thousands, "12%". Missing values print as an
en dash. Nothing here rounds the numbers the library returns; it only decides
how many decimals a report shows.

>>> number(-2.345, "sv", 1)
'−2,3'
>>> number(12345.6, "sv", 0), number(12345.6, "en", 0)
('12\u202f346', '12\u202f346')
>>> percent(0.123, "sv"), percent(0.123, "en")
('12\u202f%', '12%')
>>> signed(2.9, "sv", 1), signed(-0.1, "en", 1), signed(0.0, "sv", 1)
('+2,9', '−0.1', '±0,0')
>>> ci(-0.1, 5.9, "sv", 1)
'−0,1 till 5,9'
>>> pvalue(0.0004, "sv"), pvalue(0.0551, "en")
('< 0,001', '0.055')
>>> number(float("nan"), "sv")
'–'
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

__all__ = ["escape_md", "inert_markdown", "LANGUAGES", "MINUS", "DASH", "THIN", "check_language", "number", "percent", "points",
           "signed", "ci", "pvalue", "integer"]

LANGUAGES = ("sv", "en")
MINUS = "\u2212"
DASH = "\u2013"
THIN = "\u202f"  # narrow no-break space: thousands and "12 %"


def check_language(language: Any) -> str:
    """``"sv"`` or ``"en"``; the one language check of the kit.

    >>> check_language("de")
    Traceback (most recent call last):
    ...
    ValueError: language must be 'sv' (Swedish) or 'en' (English), not 'de'.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be 'sv' (Swedish) or 'en' (English), not {language!r}.")
    return str(language)


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def number(x: Any, language: str = "sv", decimals: int = 1) -> str:
    """``x`` with ``decimals`` decimals, Swedish or English style; "–" when missing."""
    check_language(language)
    if _missing(x):
        return DASH
    v = float(x)
    s = f"{abs(v):,.{decimals}f}"
    if s.strip("0.,") == "":  # rounds to zero: no minus sign on "−0,0"
        v = 0.0
    s = s.replace(",", THIN)
    if language == "sv":
        s = s.replace(".", ",")
    return (MINUS if v < 0 else "") + s


def integer(x: Any, language: str = "sv") -> str:
    """A count: no decimals, thin-space thousands."""
    return number(x, language, 0)


def signed(x: Any, language: str = "sv", decimals: int = 1) -> str:
    """A change with its sign: "+2,9", "−0,1", "±0,0"."""
    s = number(x, language, decimals)
    if s == DASH:
        return s
    if s.startswith(MINUS):
        return s
    return ("±" if float(s.replace(THIN, "").replace(",", ".")) == 0 else "+") + s


def percent(share: Any, language: str = "sv", decimals: int = 0) -> str:
    """A share 0–1 as percent: "12 %" (sv) or "12%" (en)."""
    if _missing(share):
        return DASH
    s = number(100 * float(share), language, decimals)
    return f"{s}{THIN}%" if language == "sv" else f"{s}%"


def points(x: Any, language: str = "sv", decimals: int = 0) -> str:
    """A score on the 0–100 percent-of-max scale, as percent: "55 %" / "55%"."""
    if _missing(x):
        return DASH
    return percent(float(x) / 100, language, decimals)


def ci(low: Any, high: Any, language: str = "sv", decimals: int = 1) -> str:
    """A confidence interval "−0,1 till 5,9" (sv) / "−0.1 to 5.9" (en)."""
    word = "till" if language == "sv" else "to"
    return f"{number(low, language, decimals)} {word} {number(high, language, decimals)}"


def pvalue(p: Any, language: str = "sv") -> str:
    """A p-value: three decimals, "< 0,001" below that."""
    if _missing(p):
        return DASH
    if float(p) < 0.001:
        return "< " + number(0.001, language, 3)
    return number(p, language, 3)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
#: a line break (CR too: markdown ends a line there) or another control character in a user's text
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def escape_md(value: Any) -> str:
    """User-supplied text made inert in notebook markdown and HTML: no markup, no script, no link.

    A line break becomes a space: a name is one line, so ``"Solvik\\r====="`` can neither end the
    heading it stands in nor underline the line before it; other control characters are dropped.

    >>> escape_md("<script>alert(1)</script> *x*")
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt; \\\\*x\\\\*'
    >>> print(escape_md("residents' needs & #1"))
    residents' needs &amp; \\#1
    >>> escape_md("Solvik\\r\\n=====\\x1b[2J")
    'Solvik =====\\\\[2J'
    """
    s = _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(value)))
    s = html.escape(s, quote=False)  # quotes stay: text content, and "&#x27;" would break on "#"
    s = _MD_SPECIAL.sub(r"\\\1", s).replace("\\&lt;", "&lt;").replace("\\&gt;", "&gt;")
    return _URL_SCHEME.sub(r"\1&#58;", s)


#: ``scheme:`` before ``//`` (or a script scheme): markdown renderers turn a bare ``http://…`` into a link
_URL_SCHEME = re.compile(r"(?i)\b(https?|ftp|file|javascript|vbscript):")
_UNESCAPED_BRACKET = re.compile(r"(?<!\\)([\[\]])")


def inert_markdown(markdown: Any) -> str:
    """The kit's own markdown made inert before it is shown: emphasis, lists and headings stay, but
    nothing in it can run or load anything, whatever user text reached it unescaped.

    Raw HTML is shown as text (``<`` and ``>`` become entities), link and image syntax is broken up
    (every unescaped ``[`` and ``]`` escaped: the kit's reports hold no links), and a bare URL is not
    turned into a link. Text already escaped with :func:`escape_md` reads the same after it.

    >>> print(inert_markdown("**Kvadrant** <img src=x onerror=alert(1)> [x](javascript:alert(1))"))
    **Kvadrant** &lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript&#58;alert(1))
    >>> print(inert_markdown("se http://evil/x.png och ![x](y)"))
    se http&#58;//evil/x.png och !\\[x\\](y)
    >>> inert_markdown(escape_md("<b>")) == escape_md("<b>")
    True
    """
    s = str(markdown).replace("<", "&lt;").replace(">", "&gt;")
    s = _UNESCAPED_BRACKET.sub(r"\\\1", s)
    return _URL_SCHEME.sub(r"\1&#58;", s)
