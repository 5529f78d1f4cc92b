"""The message catalogue: every sentence, heading and label of the kit, in Swedish and English.

Wording lives in ``text/`` modules, one per report or concept (``text/round.py``,
``text/workshop.py``, ...), each a dict ``key → {"sv": ..., "en": ...}``
registered here with :func:`register`. Statistics return numbers and reason
codes; reports turn codes into words with :func:`t`. Keys are
language-independent ids: results.json stores keys and codes, never the words.

>>> register("demo", {"demo.hello": {"sv": "Hej {name}!", "en": "Hello {name}!"}})
>>> t("demo.hello", "sv", name="Solvik")
'Hej Solvik!'
>>> t("demo.hello", "en", name="Solvik")
'Hello Solvik!'
>>> t("demo.nothing", "sv")
Traceback (most recent call last):
...
KeyError: "No message 'demo.nothing' in the catalogue (known prefixes: ...demo...)."
"""

from __future__ import annotations

import string
from typing import Mapping

from evaluation.text.format import LANGUAGES, check_language

__all__ = ["register", "t", "messages", "catalogue_problems"]

_MESSAGES: dict[str, dict[str, str]] = {}
_OWNER: dict[str, str] = {}


def register(domain: str, messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add ``messages`` (key → {sv, en}) under ``domain``; a key may be registered by one domain only."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGUAGES if lang not in texts]
        if missing:
            raise ValueError(f"Message {key!r} of {domain!r} has no text in {', '.join(missing)}.")
        owner = _OWNER.get(key)
        if owner is not None and owner != domain:
            raise ValueError(f"Message {key!r} is registered by both {owner!r} and {domain!r}.")
        _MESSAGES[key] = {lang: str(texts[lang]) for lang in LANGUAGES}
        _OWNER[key] = domain


def t(key: str, language: str, /, **fields) -> str:
    """The message ``key`` in ``language``, with ``{fields}`` filled in."""
    check_language(language)
    try:
        text = _MESSAGES[key][language]
    except KeyError:
        prefixes = ", ".join(sorted({k.split(".")[0] for k in _MESSAGES})) or "none"
        raise KeyError(f"No message {key!r} in the catalogue (known prefixes: {prefixes}).") from None
    return text.format(**fields) if fields else text


def messages(prefix: str = "") -> dict[str, dict[str, str]]:
    """All registered messages whose key starts with ``prefix`` (for tests and docs)."""
    return {k: dict(v) for k, v in _MESSAGES.items() if k.startswith(prefix)}


def catalogue_problems() -> list[str]:
    """Messages whose Swedish and English texts use different ``{fields}`` (a test keeps this empty)."""
    out = []
    for key, texts in _MESSAGES.items():
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(txt) if f} for lang, txt in texts.items()}
        if fields["sv"] != fields["en"]:
            out.append(f"{key}: sv uses {sorted(fields['sv'])}, en uses {sorted(fields['en'])}")
    return out
