"""Damaged variants of every tool's export: the message names the row, nothing is shifted, counts reconcile."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.cli import main as dmkit
from evaluation.data.readers.files import decode
from evaluation.data.instruments import load_instrument
from evaluation.data.responses import ResponseError, read_responses

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
INST = load_instrument("dual_maturity")
ITEMS = INST.item_ids
TRUTH = pd.read_csv(FIX / "truth.csv", keep_default_na=False, dtype=str)

#: text exports: file -> (header rows, encoding to write back)
TEXT = {"netigate.csv": 1, "esmaker.csv": 1, "googleforms.csv": 1, "googleforms_grid.csv": 1,
        "limesurvey_text.csv": 1, "surveymonkey.csv": 2, "qualtrics_text.csv": 3, "excel_unicode.txt": 1,
        "plain.csv": 1}
J = 5  # the damaged respondent (its comment is empty, so its cells hold no separator)


def _records(fname):
    raw = (FIX / fname).read_bytes()
    text, enc = decode(raw, fname)
    delim = ";" if fname in ("netigate.csv", "esmaker.csv", "plain.csv") else "\t" if fname.endswith(".txt") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delim)), delim, enc


def _write(path, records, delim, enc, raw_rows=None):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\r\n")
    for i, rec in enumerate(records):
        if raw_rows and i in raw_rows:
            buf.write(raw_rows[i] + "\r\n")
        else:
            w.writerow(rec)
    data = buf.getvalue()
    path.write_bytes(data.encode("utf-16") if enc.startswith("utf-16") else data.encode(enc))
    return data


def _check_rest_is_truth(rs, skip: set[int]):
    keep = [i for i in range(len(TRUTH)) if i not in skip]
    vals = TRUTH[ITEMS].replace("", np.nan).astype(float).to_numpy()[keep]
    got = rs.answers[ITEMS].to_numpy()
    np.testing.assert_array_equal(np.nan_to_num(got, nan=-1), np.nan_to_num(np.where(vals == 0, np.nan, vals), nan=-1))
    assert rs.meta["unit"].tolist() == TRUTH["unit"].iloc[keep].tolist()
    assert rs.meta["role"].tolist() == TRUTH["role"].iloc[keep].tolist()
    assert rs.n_rows_in == rs.n_accepted + len(rs.rejected)


def _unit_col(records, n_head):
    units = set(TRUTH["unit"])
    row = records[n_head]
    return next(k for k, c in enumerate(row) if c in units or c.endswith(tuple(units)))


@pytest.mark.parametrize("fname", sorted(TEXT))
def test_unquoted_separator_rejects_the_row_never_shifts(tmp_path, fname):
    records, delim, enc = _records(fname)
    n_head = TEXT[fname]
    k = _unit_col(records, n_head)
    bad = list(records[n_head + J])
    bad[k] = bad[k] + f"{delim} avd 2"   # a separator typed inside the unit name, not quoted
    p = tmp_path / fname
    _write(p, records, delim, enc, raw_rows={n_head + J: delim.join(bad)})
    rs = read_responses(p, INST)
    row = n_head + J + 1
    assert rs.rejected["row"].tolist() == [row]
    reason = rs.rejected["reason"].item()
    assert f"row {row} has {len(bad) + 1} fields but the header has {len(bad)}" in reason
    err = rs.issues[(rs.issues["severity"] == "error") & (rs.issues["row"] == row)]
    assert len(err) == 1 and err["file"].item() == fname
    _check_rest_is_truth(rs, {J})


@pytest.mark.parametrize("fname", sorted(TEXT))
def test_unclosed_quote_rejects_its_row_and_reads_on(tmp_path, fname):
    records, delim, enc = _records(fname)
    n_head = TEXT[fname]
    k = _unit_col(records, n_head)
    bad = list(records[n_head + J])
    bad[k] = '"' + bad[k]                  # a quote opened and never closed
    p = tmp_path / fname
    _write(p, records, delim, enc, raw_rows={n_head + J: delim.join(bad)})
    rs = read_responses(p, INST)
    row = n_head + J + 1
    assert row in rs.rejected["row"].tolist()
    reason = rs.rejected.set_index("row").loc[row, "reason"]
    assert f"row {row}" in reason and "quote" in reason
    # only the damaged row is lost to the reading; all others are read exactly
    assert rs.rejected["row"].tolist() == [row]
    _check_rest_is_truth(rs, {J})


@pytest.mark.parametrize("fname", sorted(TEXT))
def test_file_cut_off_mid_row(tmp_path, fname):
    records, delim, enc = _records(fname)
    p = tmp_path / fname
    data = _write(p, records, delim, enc)
    last = data.rstrip("\r\n").rsplit("\r\n", 1)[1]
    cut = data.rstrip("\r\n")[: -int(len(last) * 0.4)]
    p.write_bytes(cut.encode("utf-16") if enc.startswith("utf-16") else cut.encode(enc))
    rs = read_responses(p, INST)
    row = TEXT[fname] + len(TRUTH)
    assert rs.rejected["row"].tolist() == [row]
    assert f"row {row} is cut off" in rs.rejected["reason"].item() and "export the file again" in rs.rejected["reason"].item()
    _check_rest_is_truth(rs, {len(TRUTH) - 1})


@pytest.mark.parametrize("content,match", [
    (b"", "the file is empty"),
    (b"\r\n\r\n  \r\n", "the file is empty"),
    (b"<!DOCTYPE html>\n<html><head><title>Logga in</title></head><body>Sessionen har g\xc3\xa5tt ut</body></html>",
     "web page \\(HTML\\)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
    (bytes(np.random.default_rng(3).integers(0, 256, 3000, dtype=np.uint8)), "binary file"),
])
def test_non_tables_refused_with_what_to_do(tmp_path, content, match):
    p = tmp_path / "export.csv"
    p.write_bytes(content)
    with pytest.raises(ResponseError, match=f"^export.csv: .*{match}"):
        read_responses(p, INST)


@pytest.mark.parametrize("fname,match", [("msforms.xlsx", "could not read as an Excel workbook"),
                                         ("excel_handkept.xlsx", "could not read as an Excel workbook"),
                                         ("spss.sav", "could not read as an SPSS .sav file")])
def test_truncated_binary_exports_refused(tmp_path, fname, match):
    raw = (FIX / fname).read_bytes()
    p = tmp_path / fname
    p.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ResponseError, match=f"^{fname}: {match}"):
        read_responses(p, INST)


def test_cli_damaged_file_no_traceback(tmp_path, capsys):
    records, delim, enc = _records("netigate.csv")
    bad = list(records[1 + J])
    bad[-1] = "bra; men lång"
    p = tmp_path / "netigate.csv"
    _write(p, records, delim, enc, raw_rows={1 + J: delim.join(bad)})
    code = dmkit(["validate", str(p), "-i", "dual_maturity", "--rejected-out", str(tmp_path / "rej.csv")])
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.out + out.err
    assert f"row {J + 2} has" in out.out
    p2 = tmp_path / "page.csv"
    p2.write_text("<html><body>404</body></html>")
    assert dmkit(["validate", str(p2), "-i", "dual_maturity"]) == 1
    err = capsys.readouterr().err
    assert "page.csv: this is a web page" in err and "Traceback" not in err
