"""dmkit commands: output and exit codes."""

import subprocess
import sys
from pathlib import Path

import pandas as pd

from evaluation.cli import main as dmkit

from conftest import SAMPLES


def test_instruments_list(capsys):
    assert dmkit(["instruments"]) == 0
    out = capsys.readouterr().out
    for iid in ("dual_maturity", "leadership_current_state", "workshop_followup", "public_dma"):
        assert iid in out


def test_instruments_show_both_languages(capsys, dual):
    assert dmkit(["instruments", "show", "dual_maturity"]) == 0
    sv = capsys.readouterr().out
    assert dual.items[0].text["sv"] in sv and "Ordlista" in sv
    assert dmkit(["instruments", "show", "dual_maturity", "--language", "en"]) == 0
    en = capsys.readouterr().out
    assert dual.items[0].text["en"] in en and "Glossary" in en


def test_instruments_show_unknown(capsys):
    assert dmkit(["instruments", "show", "nope"]) == 1
    assert "Unknown instrument 'nope'" in capsys.readouterr().err


def test_validate_clean_file_exits_zero(capsys):
    assert dmkit(["validate", str(SAMPLES / "solvik_2024.csv"), "-i", "dual_maturity"]) == 0
    out = capsys.readouterr().out
    assert "Rows in: 240  accepted: 240  rejected: 0" in out


def test_validate_messy_lists_each_problem(tmp_path, capsys):
    rej = tmp_path / "rej.csv"
    code = dmkit(["validate", str(SAMPLES / "solvik_2025_messy.csv"), "-i", "dual_maturity", "--rejected-out", str(rej)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Rows in: 41  accepted: 35  rejected: 6" in out
    for row in (7, 11, 16, 22, 28, 32):
        assert f"row {row}" in out
    first = rej.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# PERSONUPPGIFTER")  # the file holds respondents' answers
    table = pd.read_csv(rej, skiprows=1)
    assert table["row"].tolist() == [7, 11, 16, 22, 28, 32] and table["reason"].notna().all()


def test_validate_not_a_table(tmp_path, capsys):
    p = tmp_path / "notes.csv"
    p.write_text("just some words\nand more words\n")
    assert dmkit(["validate", str(p), "-i", "dual_maturity"]) == 1
    err = capsys.readouterr().err
    assert "notes.csv" in err and "does not look like a table" in err and "Traceback" not in err


def test_items_prints_ranked_table(capsys):
    assert dmkit(["items", str(SAMPLES / "solvik_2025.csv"), "-i", "dual_maturity"]) == 0
    out = capsys.readouterr().out
    # the two planted hard items come first
    first = out[: out.find("cap_und_1")] if "cap_und_1" in out else out
    assert "leg_inf_5" in first and "cap_chg_5" in first


def test_console_script_installed():
    exe = Path(sys.executable).parent / "dmkit"
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "round" in r.stdout and "validate" in r.stdout


def test_compare_bad_parameter_plain_message(tmp_path, capsys):
    code = dmkit(["compare", "missing_a.csv", str(SAMPLES / "paired_public_dma.csv"), "--instrument-a", "dual_maturity",
                  "--instrument-b", "public_dma", "-o", str(tmp_path), "-q"])
    err = capsys.readouterr().err
    assert code == 1 and "missing_a.csv" in err and "Traceback" not in err


def test_workshop_bad_parameter_plain_message(tmp_path, capsys):
    code = dmkit(["workshop", str(SAMPLES / "workshop_before.csv"), str(SAMPLES / "workshop_after.csv"),
                  "-i", "workshop_followup", "--design", "did", "--group-column", "no_such_column",
                  "-o", str(tmp_path), "-q"])
    err = capsys.readouterr().err
    assert code == 1 and "no_such_column" in err and "Traceback" not in err


def test_samples_validate_cleanly(capsys):
    for f, inst in (("workshop_before.csv", "workshop_followup"), ("workshop_after.csv", "workshop_followup"),
                    ("workshop_reaction.csv", "workshop_reaction"), ("paired_public_dma.csv", "public_dma")):
        assert dmkit(["validate", str(SAMPLES / f), "-i", inst]) == 0
        assert "warnings: 0" in capsys.readouterr().out


def test_workshop_report_on_samples(tmp_path):
    import json

    out = tmp_path / "ws"
    code = dmkit(["workshop", str(SAMPLES / "workshop_before.csv"), str(SAMPLES / "workshop_after.csv"),
                  "-i", "workshop_followup", "--group-column", "took_part", "--cluster-column", "unit",
                  "--feedback", str(SAMPLES / "workshop_reaction.csv"), "-o", str(out), "-q"])
    assert code == 0
    from evaluation.reports.envelope import sections_of

    res = sections_of(json.loads((out / "results.json").read_text(encoding="utf-8")))
    assert res["design"]["chosen"] == "did" and res["design"]["n_linked"] == 120
    overall = [e for e in res["effects"] if e["id"] == "overall" and e["comparison"] == "did"]
    assert len(overall) == 1 and overall[0]["ci_low"] < overall[0]["ci_high"]
    assert (out / "workshop_effect.html").stat().st_size > 10_000
