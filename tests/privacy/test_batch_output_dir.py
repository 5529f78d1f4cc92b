"""A municipality's params.yaml cannot make the batch write outside that municipality's folder."""

from __future__ import annotations

import shutil

import pytest

from evaluation.run.batch import load_folder

from conftest import SAMPLES


def _folder(tmp_path, output_dir):
    folder = tmp_path / "solvik"
    folder.mkdir()
    shutil.copy(SAMPLES / "solvik_2025.csv", folder / "svar.csv")
    (folder / "params.yaml").write_text(f"responses: svar.csv\ninstrument: dual_maturity\noutput_dir: {output_dir!r}\n",
                                        encoding="utf-8")
    return folder


@pytest.mark.parametrize("bad", ["../norrby", "rapport/../../x", "/tmp/elsewhere", "..", "/"])
def test_output_dir_leaving_the_folder_is_refused(tmp_path, bad):
    folder = _folder(tmp_path, bad)
    with pytest.raises(ValueError) as err:
        load_folder(folder)
    msg = str(err.value)
    assert "output_dir" in msg and "params.yaml" in msg and str(folder.resolve()) in msg, msg


@pytest.mark.parametrize("good", ["rapport", "rapport/2025", "a/../rapport", "."])
def test_output_dir_inside_the_folder_is_kept(tmp_path, good):
    folder = _folder(tmp_path, good)
    out = load_folder(folder).params["output_dir"]
    assert out == str((folder / good).resolve())
