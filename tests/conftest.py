"""Shared fixtures: the pipeline loads once per session; ../shared is optional."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def nlp():
    from sitroom import pipeline
    return pipeline("fr")


@pytest.fixture(scope="session")
def shared():
    if not (SHARED / "examples").is_dir():
        pytest.skip("../shared is not here")
    return SHARED
