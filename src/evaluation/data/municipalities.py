"""Swedish municipalities as data: SKR's municipality groups and size classes by inhabitants.

Used by batch runs, the national benchmark and the national simulator; kept
in the data layer so that any layer may read them.

>>> normalise_group("b4"), SKR_GROUPS["C8"]["sv"], size_class(42000)
('B4', 'Landsbygdskommun', '15-50k')
"""

from __future__ import annotations

from typing import Any

__all__ = ["SKR_GROUPS", "SIZE_CLASSES", "normalise_group", "size_class"]

#: SKR's municipality group classification (kommungruppsindelning 2017): A = metropolitan
#: municipalities and their commuter municipalities, B = large towns and municipalities near them,
#: C = small towns and rural municipalities. (SKR's code for "Större stad" is B3; "A3" is accepted
#: as an alias because it is a common misspelling.)
SKR_GROUPS: dict[str, dict[str, str]] = {
    "A1": {"sv": "Storstäder", "en": "Metropolitan municipalities"},
    "A2": {"sv": "Pendlingskommun nära storstad", "en": "Commuter municipality near a metropolis"},
    "B3": {"sv": "Större stad", "en": "Large town"},
    "B4": {"sv": "Pendlingskommun nära större stad", "en": "Commuter municipality near a large town"},
    "B5": {"sv": "Lågpendlingskommun nära större stad", "en": "Low-commuting municipality near a large town"},
    "C6": {"sv": "Mindre stad/tätort", "en": "Small town"},
    "C7": {"sv": "Pendlingskommun nära mindre stad/tätort", "en": "Commuter municipality near a small town"},
    "C8": {"sv": "Landsbygdskommun", "en": "Rural municipality"},
    "C9": {"sv": "Landsbygdskommun med besöksnäring", "en": "Rural municipality with a visitor industry"},
}

#: Size classes by inhabitants: (label, lower bound inclusive).
SIZE_CLASSES: tuple[tuple[str, int], ...] = (("<15k", 0), ("15-50k", 15_000), ("50-200k", 50_000), (">200k", 200_000))

_GROUP_ALIASES = {"A3": "B3"}


def normalise_group(value: Any, *, where: str = "municipality_group") -> str | None:
    """SKR group code (``"B4"``) from a code, a number 1-9 or a group name; None when blank.

    >>> normalise_group("b4"), normalise_group(8), normalise_group("Större stad"), normalise_group("")
    ('B4', 'C8', 'B3', None)
    """
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return None
    s = str(value).strip()
    key = s.upper().replace(" ", "")
    key = _GROUP_ALIASES.get(key, key)
    if key in SKR_GROUPS:
        return key
    by_number = {k[1]: k for k in SKR_GROUPS}
    if key in by_number:
        return by_number[key]
    for k, names in SKR_GROUPS.items():
        if s.casefold() in (names["sv"].casefold(), names["en"].casefold()):
            return k
    known = ", ".join(f"{k} {v['sv']}" for k, v in SKR_GROUPS.items())
    raise ValueError(f"{where}: {s!r} is not one of SKR's municipality groups ({known}).")


def size_class(population: Any) -> str | None:
    """Size class of a municipality by inhabitants (``SIZE_CLASSES``); None when unknown.

    >>> [size_class(x) for x in (9000, 15000, 120000, 980000, None)]
    ['<15k', '15-50k', '50-200k', '>200k', None]
    """
    if population is None or (isinstance(population, str) and not population.strip()):
        return None
    try:
        p = float(str(population).replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        raise ValueError(f"population must be the number of inhabitants (a whole number), not {population!r}.") from None
    if p != p or p < 0:
        return None
    label = SIZE_CLASSES[0][0]
    for name, lo in SIZE_CLASSES:
        if p >= lo:
            label = name
    return label
