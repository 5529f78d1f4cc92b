"""Checks on the instrument files in instruments/ (data, not code).

Validates every instruments/*.yaml (except the crosswalk) against
instruments/instrument.schema.json with jsonschema directly, plus the rules a
JSON Schema cannot express (ids equal file stems, unique ids, complete scale
labels, glossary terms used in items, crosswalk references).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENTS = ROOT / "instruments"
INSTRUMENT_FILES = sorted(p for p in INSTRUMENTS.glob("*.yaml") if p.stem != "crosswalk")
EXPECTED = {
    "dual_maturity",
    "leadership_current_state",
    "workshop_followup",
    "workshop_reaction",
    "public_dma",
}


def _load(path: Path) -> dict:
    """YAML -> JSON data model (integer mapping keys such as scale codes become strings)."""
    with open(path, encoding="utf-8") as fh:
        return json.loads(json.dumps(yaml.safe_load(fh)))


def _schema(name: str) -> dict:
    return json.loads((INSTRUMENTS / name).read_text(encoding="utf-8"))


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = _schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _items(data: dict):
    for dim in data["dimensions"]:
        for cat in dim["categories"]:
            for item in cat["items"]:
                yield dim["id"], cat["id"], item


def _term_pattern(term: str) -> re.Pattern:
    """Loose match for a glossary term in running text: each word may be inflected.

    Each word keeps at least its first max(3, len - 2) characters, so that
    'digital arbetsmiljö' matches 'digitala arbetsmiljön' and 'risk analysis'
    matches 'risk analyses'.
    """
    words = re.sub(r"\(.*?\)", "", term).lower().split()
    parts = [re.escape(w[: max(3, len(w) - 2)]) + r"[\w:-]*" for w in words]
    return re.compile(r"\s+".join(parts))


@pytest.fixture(scope="module")
def instruments() -> dict[str, dict]:
    return {p.stem: _load(p) for p in INSTRUMENT_FILES}


def test_schemas_are_valid_draft_2020_12():
    for name in ("instrument.schema.json", "crosswalk.schema.json"):
        schema = _schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


def test_expected_instruments_present():
    assert {p.stem for p in INSTRUMENT_FILES} >= EXPECTED


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda p: p.stem)
def test_instrument_valid_against_schema(path):
    validator = _validator("instrument.schema.json")
    errors = sorted(validator.iter_errors(_load(path)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda p: p.stem)
def test_instrument_internal_rules(path):
    data = _load(path)
    assert data["id"] == path.stem

    # item ids unique within the instrument; every item bilingual
    item_ids = [item["id"] for _, _, item in _items(data)]
    assert len(item_ids) == len(set(item_ids)), "duplicate item ids"
    for _, _, item in _items(data):
        for lang in ("sv", "en"):
            assert item["text"][lang].strip(), f"{item['id']} lacks {lang} text"

    # dimension and category ids are unique and disjoint (respondent_scores
    # gives one column per category id and per dimension id, plus `overall`)
    dim_ids = [d["id"] for d in data["dimensions"]]
    cat_ids = [c["id"] for d in data["dimensions"] for c in d["categories"]]
    assert len(dim_ids) == len(set(dim_ids))
    assert len(cat_ids) == len(set(cat_ids))
    assert not set(dim_ids) & set(cat_ids)
    assert "overall" not in set(dim_ids) | set(cat_ids) | set(item_ids)

    # every code min..max labelled, nothing else; don't-know outside the range
    scale = data["scale"]
    codes = {int(k) for k in scale["labels"]}
    assert codes == set(range(scale["min"], scale["max"] + 1))
    if "dont_know" in scale:
        assert not scale["min"] <= scale["dont_know"]["code"] <= scale["max"]

    cls = data.get("classification")
    if cls and cls["type"] == "quadrant":
        assert {cls["x"], cls["y"]} <= set(dim_ids) and cls["x"] != cls["y"]
        combos = {(q["x"], q["y"]) for q in cls["quadrants"]}
        assert len(combos) == 4
        qids = [q["id"] for q in cls["quadrants"]]
        assert len(set(qids)) == 4
    if cls and cls["type"] == "levels":
        mins = [lv["min"] for lv in cls["levels"]]
        assert mins[0] == 0 and mins == sorted(mins) and len(set(mins)) == len(mins)

    # glossary: 8-15 terms, each used in the instrument's items (sv and en)
    glossary = data.get("glossary", [])
    assert 8 <= len(glossary) <= 15, f"{len(glossary)} glossary terms"
    for lang in ("sv", "en"):
        corpus = " ".join(item["text"][lang] for _, _, item in _items(data)).lower()
        for entry in glossary:
            term = entry["term"][lang]
            assert _term_pattern(term).search(corpus), f"glossary term {term!r} not in items"


def test_dual_maturity_structure(instruments):
    data = instruments["dual_maturity"]
    assert [d["id"] for d in data["dimensions"]] == ["capability", "legacy"]
    assert [c["id"] for c in data["dimensions"][0]["categories"]] == [
        "understand",
        "capture",
        "change",
    ]
    items = list(_items(data))
    assert len(items) == 30
    for dim in data["dimensions"]:
        assert len(dim["categories"]) == 3
        assert all(len(c["items"]) == 5 for c in dim["categories"])
    n_reverse = sum(bool(item.get("reverse")) for _, _, item in items)
    assert 3 <= n_reverse <= 4
    assert (data["scale"]["min"], data["scale"]["max"]) == (1, 6)
    assert data["scale"]["dont_know"]["code"] == 0
    cls = data["classification"]
    assert (cls["type"], cls["x"], cls["y"], cls["threshold"]) == (
        "quadrant",
        "capability",
        "legacy",
        50,
    )


def test_leadership_current_state_structure(instruments):
    data = instruments["leadership_current_state"]
    assert [d["id"] for d in data["dimensions"]] == [
        "leadership_governance",
        "organisation",
        "development_innovation",
        "technology_information",
        "work_environment",
    ]
    for dim in data["dimensions"]:
        assert 1 <= len(dim["categories"]) <= 2
        assert 4 <= sum(len(c["items"]) for c in dim["categories"]) <= 5
    assert [lv["min"] for lv in data["classification"]["levels"]] == [0, 20, 40, 60, 80]


def test_workshop_followup_has_retrospectives(instruments):
    data = instruments["workshop_followup"]
    assert [d["id"] for d in data["dimensions"]] == [
        "governance",
        "collaboration",
        "questioning",
        "understanding",
        "work_environment",
    ]
    for dim in data["dimensions"]:
        assert len(dim["categories"]) == 1 and len(dim["categories"][0]["items"]) == 3
    for _, _, item in _items(data):
        retro = item.get("retrospective")
        assert retro, f"{item['id']} has no retrospective"
        assert retro["sv"].startswith("Före workshoppen"), item["id"]
        assert retro["en"].startswith("Before the workshop"), item["id"]


def test_workshop_reaction_is_feedback(instruments):
    data = instruments["workshop_reaction"]
    assert data["kind"] == "feedback"
    assert [d["id"] for d in data["dimensions"]] == ["reaction"]
    cats = data["dimensions"][0]["categories"]
    assert [c["id"] for c in cats] == ["relevance", "delivery", "intention"]
    assert all(2 <= len(c["items"]) <= 3 for c in cats)


def test_public_dma_structure(instruments):
    data = instruments["public_dma"]
    assert [d["id"] for d in data["dimensions"]] == [
        "strategy_investment",
        "readiness",
        "human_centric",
        "data_security",
        "interoperability",
        "green",
    ]
    for dim in data["dimensions"]:
        assert len(dim["categories"]) == 1 and len(dim["categories"][0]["items"]) == 4


def test_crosswalk_valid_and_references_exist(instruments):
    crosswalk = _load(INSTRUMENTS / "crosswalk.yaml")
    errors = list(_validator("crosswalk.schema.json").iter_errors(crosswalk))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)

    def check(member):
        inst = instruments.get(member["instrument"])
        assert inst is not None, f"unknown instrument {member['instrument']}"
        dims = {d["id"]: d for d in inst["dimensions"]}
        assert member["dimension"] in dims, f"unknown dimension {member}"
        if "category" in member:
            cats = {c["id"] for c in dims[member["dimension"]]["categories"]}
            assert member["category"] in cats, f"unknown category {member}"

    assert len(crosswalk["constructs"]) >= 5
    construct_ids = [c["id"] for c in crosswalk["constructs"]]
    assert len(construct_ids) == len(set(construct_ids))
    for construct in crosswalk["constructs"]:
        # a construct is a hypothesis across instruments, not within one
        instruments_used = {m["instrument"] for m in construct["members"]}
        assert len(instruments_used) >= 2, construct["id"]
        for member in construct["members"]:
            check(member)
    assert len(crosswalk.get("discriminant", [])) >= 3
    for pair in crosswalk["discriminant"]:
        assert pair[0] != pair[1]
        for member in pair:
            check(member)


def _broken_copy() -> dict:
    data = _load(INSTRUMENTS / "dual_maturity.yaml")
    broken = copy.deepcopy(data)
    # an English text missing and a typo in a key three levels down
    del broken["dimensions"][1]["categories"][0]["items"][2]["text"]["en"]
    broken["dimensions"][0]["categories"][1]["items"][0]["revrese"] = True
    return broken


def test_broken_copy_fails_with_path(tmp_path):
    broken = _broken_copy()
    path = tmp_path / "dual_maturity.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    validator = _validator("instrument.schema.json")
    errors = list(validator.iter_errors(_load(path)))
    paths = {tuple(e.absolute_path) for e in errors}
    assert ("dimensions", 1, "categories", 0, "items", 2, "text") in paths
    assert ("dimensions", 0, "categories", 1, "items", 0) in paths
    with pytest.raises(jsonschema.ValidationError) as excinfo:
        jsonschema.validate(_load(path), _schema("instrument.schema.json"))
    message = str(excinfo.value)
    assert "On instance['dimensions']" in message and "['items']" in message


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: d.update(id="Dual-Maturity"), id="bad-id"),
        pytest.param(lambda d: d["scale"]["labels"]["3"].update(sv=""), id="empty-sv"),
        pytest.param(lambda d: d["classification"]["quadrants"].pop(), id="three-quadrants"),
        pytest.param(
            lambda d: d["classification"]["quadrants"][0].update(x="high", y="high"),
            id="duplicate-quadrant",
        ),
        pytest.param(lambda d: d.update(kind="survey"), id="bad-kind"),
        pytest.param(lambda d: d.update(scoring={"min_answerd": 0.5}), id="typo-scoring"),
        pytest.param(lambda d: d["glossary"][0].pop("definition"), id="glossary-no-def"),
    ],
)
def test_schema_rejects_common_mistakes(mutate):
    data = _load(INSTRUMENTS / "dual_maturity.yaml")
    mutate(data)
    assert not _validator("instrument.schema.json").is_valid(data)


def test_levels_form_accepted_and_mixed_form_rejected():
    data = _load(INSTRUMENTS / "leadership_current_state.yaml")
    validator = _validator("instrument.schema.json")
    assert validator.is_valid(data)
    data["classification"]["x"] = "leadership_governance"  # quadrant key on levels form
    assert not validator.is_valid(data)
