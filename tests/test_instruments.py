"""Instrument loading: validation errors name file and path; navigation helpers."""

from pathlib import Path

import pytest
import yaml

from evaluation.data.instruments import InstrumentError, list_instruments, load_instrument


def test_all_shipped_instruments_load():
    table = list_instruments()
    assert {"dual_maturity", "leadership_current_state", "workshop_followup", "public_dma"} <= set(table["id"])
    for iid in table["id"]:
        inst = load_instrument(iid)
        assert len(inst.items) == len(set(inst.item_ids))


def test_dual_maturity_structure(dual):
    assert [d.id for d in dual.dimensions] == ["capability", "legacy"]
    assert all(len(d.categories) == 3 for d in dual.dimensions)
    assert len(dual.items) == 30
    assert dual.scale.min == 1 and dual.scale.max == 6 and dual.scale.dont_know_code == 0
    assert dual.classification["type"] == "quadrant" and len(dual.classification["quadrants"]) == 4
    assert any(it.reverse for it in dual.items)
    assert len(dual.glossary) >= 5
    frame = dual.items_frame()
    assert list(frame.columns) == ["dimension", "category", "reverse", "text_sv", "text_en"]
    assert sum(len(v) for v in dual.category_items().values()) == 30


def test_workshop_items_have_retrospective_variant():
    inst = load_instrument("workshop_followup")
    assert all(it.retrospective and it.retrospective.get("sv") and it.retrospective.get("en") for it in inst.items)


def test_unknown_id_lists_known_ones():
    with pytest.raises(InstrumentError, match="Unknown instrument 'nope'.*dual_maturity"):
        load_instrument("nope")


def test_missing_file():
    with pytest.raises(InstrumentError, match="does not exist"):
        load_instrument("/tmp/definitely_missing_instrument.yaml")


def _copy(tmp_path: Path, mutate, name="dual_maturity") -> Path:
    doc = yaml.safe_load((Path(load_instrument("dual_maturity").path)).read_text(encoding="utf-8"))
    mutate(doc)
    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return p


def test_schema_error_names_file_and_path(tmp_path):
    def drop_text(doc):
        del doc["dimensions"][1]["categories"][0]["items"][2]["text"]
    p = _copy(tmp_path, drop_text)
    with pytest.raises(InstrumentError) as e:
        load_instrument(p)
    msg = str(e.value)
    assert str(p) in msg and "dimensions/1/categories/0/items/2" in msg and "text" in msg


def test_id_must_equal_stem(tmp_path):
    p = _copy(tmp_path, lambda d: None, name="other_name")
    with pytest.raises(InstrumentError, match="must equal the file name stem 'other_name'"):
        load_instrument(p)


def test_duplicate_item_id(tmp_path):
    def dup(doc):
        its = doc["dimensions"][0]["categories"][0]["items"]
        its[1]["id"] = its[0]["id"]
    p = _copy(tmp_path, dup)
    with pytest.raises(InstrumentError, match="also used at"):
        load_instrument(p)


def test_missing_scale_label(tmp_path):
    def drop(doc):
        del doc["scale"]["labels"][3]
    p = _copy(tmp_path, drop)
    with pytest.raises(InstrumentError, match="no label for code"):
        load_instrument(p)


def test_invalid_yaml(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="not valid YAML"):
        load_instrument(p)
