"""Instrument change histories (``changes:``) and the round report's version warning built from them."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from conftest import ROOT, SAMPLES
from evaluation.data.instruments import InstrumentError, load_instrument
from evaluation.reports.round import analyse_round, version_warning_text

SHIPPED = ["dual_maturity", "leadership_current_state", "public_dma", "workshop_followup", "workshop_reaction"]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_instrument_has_a_history_ending_at_its_version(name):
    inst = load_instrument(name)
    assert inst.changes, f"{name}.yaml has no changes: history"
    assert str(inst.changes[-1]["version"]) == inst.version
    assert all(c["summary"]["sv"].strip() and c["summary"]["en"].strip() for c in inst.changes)


def _write_v11(tmp_path, *, changed=("cap_und_1",), last_version="1.1"):
    doc = yaml.safe_load((ROOT / "instruments" / "dual_maturity.yaml").read_text(encoding="utf-8"))
    doc["version"] = "1.1"
    doc["changes"].append({"version": last_version, "date": "2027-01-10",
                           "summary": {"sv": "Fråga cap_und_1 omformulerad.", "en": "Question cap_und_1 reworded."},
                           "changed": list(changed)})
    path = tmp_path / "dual_maturity.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_changes_since_names_the_items_that_are_not_comparable(tmp_path):
    inst = load_instrument(_write_v11(tmp_path, changed=("cap_und_1", "leg_inf_2")))
    ch = inst.changes_since("1.0")
    assert ch.known and ch.from_version == "1.0" and ch.to_version == "1.1"
    assert ch.not_comparable == ("cap_und_1", "leg_inf_2")
    assert ch.affected_categories == (inst.item("cap_und_1").category, inst.item("leg_inf_2").category)
    assert list(ch.to_frame()["version"]) == ["1.1"]
    assert inst.changes_since("1.1").not_comparable == ()       # same version: nothing changed
    assert not inst.changes_since("0.7").known                   # not in the history


def test_history_must_end_at_the_instrument_version(tmp_path):
    with pytest.raises(InstrumentError, match="last entry is version '1.2'"):
        load_instrument(_write_v11(tmp_path, last_version="1.2"))


def test_history_names_only_items_of_the_instrument(tmp_path):
    with pytest.raises(InstrumentError, match=r"changes/1/changed: \['no_such_item'\] are not items"):
        load_instrument(_write_v11(tmp_path, changed=("no_such_item",)))


def test_schema_rejects_an_unknown_key_in_a_change(tmp_path):
    doc = yaml.safe_load((ROOT / "instruments" / "dual_maturity.yaml").read_text(encoding="utf-8"))
    doc["changes"][0]["comparable"] = True
    path = tmp_path / "dual_maturity.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InstrumentError, match="comparable"):
        load_instrument(path)


def test_warning_text_both_languages(tmp_path):
    inst = load_instrument(_write_v11(tmp_path))
    cat = inst.name_of(inst.item("cap_und_1").category, "sv")
    sv = version_warning_text(inst, "1.0", language="sv")
    assert sv.startswith("Föregående omgång besvarades med version 1.0 av instrumentet, denna med version 1.1.")
    assert "Ändrat i 1.1: Fråga cap_und_1 omformulerad." in sv
    assert "Inte jämförbara (ny eller ändrad fråga): cap_und_1." in sv and cat in sv
    en = version_warning_text(inst, "1.0", language="en")
    assert "Not comparable (new or changed question): cap_und_1." in en
    assert "not in the instrument's change history" in version_warning_text(inst, "0.3", language="en")


def test_round_analysis_uses_the_history(tmp_path):
    """Previous round answered with 1.0 (its file says so), this round with 1.1."""
    inst = load_instrument(_write_v11(tmp_path))
    prev = pd.read_csv(SAMPLES / "solvik_2024.csv")
    assert set(prev["instrument_version"].astype(str)) == {"1.0"}
    cur = pd.read_csv(SAMPLES / "solvik_2025.csv").assign(instrument_version="1.1")
    res = analyse_round(cur, instrument=inst, previous_responses=prev, language="en",
                        output_dir=str(tmp_path / "out"))
    assert res.version_warning == version_warning_text(inst, "1.0", language="en")
    assert res.results["change"]["version_warning"] == res.version_warning
    assert "cap_und_1" in res.version_warning
