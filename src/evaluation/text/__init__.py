"""Words and numbers for people: the message catalogue (sv, en) and the one number formatter.

``from evaluation.text import t, fmt``: ``t(key, language, **fields)`` gives a
sentence; ``fmt.number``, ``fmt.percent``, ``fmt.signed``, ``fmt.ci``,
``fmt.pvalue`` format numbers the Swedish (or English) way.
"""

from evaluation.text import format as fmt
from evaluation.text.catalogue import messages, register, t
from evaluation.text.format import check_language

__all__ = ["fmt", "t", "register", "messages", "check_language"]
