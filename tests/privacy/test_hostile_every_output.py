"""Hostile strings a user supplies, planted in every output the kit writes (issue 17).

Started: an instrument file carrying a YAML tag that would run code is refused with a clear ValueError.
"""

from __future__ import annotations

import pytest

from evaluation.data.instruments import load_instrument

from conftest import SAMPLES

INSTRUMENTS = SAMPLES.parent / "instruments"


@pytest.mark.parametrize("tag", ['!!python/object/apply:os.system ["echo pwned"]', "!!python/name:os.system"])
def test_yaml_code_tag_in_an_instrument_is_refused(tmp_path, tag):
    text = (INSTRUMENTS / "dual_maturity.yaml").read_text(encoding="utf-8")
    p = tmp_path / "dual_maturity.yaml"
    p.write_text(text.replace("version: \"1.0\"", f"version: {tag}", 1), encoding="utf-8")
    marker = tmp_path / "pwned"
    with pytest.raises(ValueError, match="not valid YAML"):
        load_instrument(p)
    assert not marker.exists()
