"""Shared fixtures for the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data_samples"


@pytest.fixture(scope="session", autouse=True)
def _private_register_for_the_session(tmp_path_factory):
    """The private register of publications (:mod:`evaluation.privacy.publications`) lives in a temporary
    folder, never the user's: module fixtures that save reports write here."""
    import os

    old = os.environ.get("DMKIT_PRIVATE_DIR")
    os.environ["DMKIT_PRIVATE_DIR"] = str(tmp_path_factory.mktemp("private_register"))
    yield
    if old is None:
        os.environ.pop("DMKIT_PRIVATE_DIR", None)
    else:
        os.environ["DMKIT_PRIVATE_DIR"] = old


@pytest.fixture(autouse=True)
def _private_register(tmp_path_factory, monkeypatch):
    """Each test starts with an empty register, so one test's publications never withhold another's."""
    monkeypatch.setenv("DMKIT_PRIVATE_DIR", str(tmp_path_factory.mktemp("register")))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def dual():
    from evaluation.data.instruments import load_instrument

    return load_instrument("dual_maturity")


def leaves(obj, path=""):
    """Every leaf of a JSON-like object as (path, value): ``/a/b[0]``, for comparing two results.json."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from leaves(v, f"{path}/{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, obj
