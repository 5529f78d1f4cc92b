"""The psychometrics review on the report protocol: language-free results.json, tiny organisations, one builder."""

from __future__ import annotations

import json

import pytest

from evaluation.reports import open_report
from evaluation.reports.envelope import validate_envelope
from evaluation.simulate import simulate_round
from conftest import leaves


def _export(tmp_path, n, seed=2, **kw):
    path = tmp_path / f"svar_{n}.csv"
    simulate_round("workshop_reaction", n=n, seed=seed, **kw).data.to_csv(path, index=False)
    return str(path)


def _report(path, tmp_path, language, **kw):
    return open_report("psychometrics", responses=path, instrument="workshop_reaction", language=language,
                       n_boot=20, output_dir=str(tmp_path / language), **kw)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("psy")
    path = _export(tmp, 240, unit_sizes={"A": 120, "B": 117, "C": 3})
    return {L: _report(path, tmp, L, group_column="unit") for L in ("sv", "en")}


def test_sections_identical_in_sv_and_en(pair):
    sv = json.loads(json.dumps(pair["sv"].results()["sections"], default=str))
    en = json.loads(json.dumps(pair["en"].results()["sections"], default=str))
    assert sv["reliability"] and sv["research"]
    # every key, every number and every code the same: the words are the report's, never results.json's
    assert dict(leaves(sv)) == dict(leaves(en))


def test_envelope_valid_and_small_unit_only_named(pair):
    env = pair["sv"].results()
    validate_envelope(env)
    assert env["report"] == "psychometrics" and env["language"] == "sv"
    inv = env["sections"]["invariance"]
    assert inv["dropped"] == ["C"] and "C" not in inv["included"]
    text = json.dumps(env["sections"]["invariance"]["models"])
    assert '"n":' not in text  # the shown total minus the whole sample would give the unit of 3


def test_every_section_renders_in_both_languages(pair):
    for L, rep in pair.items():
        heads = [rep.section(s).heading for s in rep.section_ids if rep.section(s) is not None]
        assert len(heads) == len(rep.section_ids)
    assert pair["sv"].section("summary").heading.startswith("Psykometrisk granskning")
    assert pair["en"].section("summary").heading.startswith("Psychometric review")
    with pytest.raises(ValueError, match="no section 'nope'"):
        pair["sv"].section("nope")


@pytest.mark.parametrize("n", [1, 4])
def test_tiny_organisation_publishes_nothing(tmp_path, n):
    rep = _report(_export(tmp_path, n), tmp_path, "sv")
    sec = rep.section("summary")
    assert any("färre än 5" in b for b in sec.blocks if isinstance(b, str))
    assert all(rep.section(s) is None for s in rep.section_ids if s != "summary")
    env = rep.results()
    validate_envelope(env)
    assert env["sections"]["suppressed"] == "too_few_respondents"
    assert not {"reliability", "items", "cfa", "research"} & set(env["sections"])
    assert rep.board() == []


def test_users_own_instrument_file_is_kept_as_a_path(tmp_path):
    import re

    from evaluation.reports import check_parameters
    from conftest import ROOT

    own = tmp_path / "var_enkat.yaml"  # an id no shipped instrument has: only its file finds it
    own.write_text(re.sub(r"(?m)^id: workshop_reaction$", "id: var_enkat",
                          (ROOT / "instruments" / "workshop_reaction.yaml").read_text(encoding="utf-8")),
                   encoding="utf-8")
    data = tmp_path / "svar.csv"
    simulate_round("workshop_reaction", n=120, seed=5).data.to_csv(data, index=False)
    p = check_parameters("psychometrics", responses=str(data), instrument=str(own), n_boot=20,
                         output_dir=str(tmp_path / "out"))
    assert p.instrument == str(own)
    assert check_parameters("round", responses=str(data), instrument=str(own),
                            output_dir=str(tmp_path / "r")).instrument == str(own)
    rep = open_report("psychometrics", p)  # re-loads the instrument from what the parameters kept
    assert rep.results()["sections"]["instrument"]["id"] == "var_enkat"
