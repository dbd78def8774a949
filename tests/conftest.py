"""Shared test setup: hypothesis profiles and paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "nightly",
    deadline=None,
    max_examples=2000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=50)
# Mutation testing (uv run --group mut mutmut run, which passes --hypothesis-profile=mutmut):
# every mutant reruns the tests that reach it, so property tests stay short and repeatable.
settings.register_profile(
    "mutmut",
    derandomize=True,
    deadline=None,
    max_examples=15,
    suppress_health_check=list(HealthCheck),
)
# The loader fuzzing of tests/test_fuzz.py at full strength: 100,000 documents per loader
# (HYPOTHESIS_PROFILE=fuzz uv run pytest tests/test_fuzz.py; see docs/explanation/quality.md).
settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=100_000,
    suppress_health_check=list(HealthCheck),
    database=None,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parents[1]
SHARED_VECTORS = REPO.parent / "shared" / "vectors"
if REPO.name == "mutants" and not SHARED_VECTORS.is_dir():  # mutmut runs the tests in a copy
    SHARED_VECTORS = REPO.parent.parent / "shared" / "vectors"
OWN_VECTORS = REPO / "tests" / "vectors"


if "MUTANT_UNDER_TEST" in os.environ:
    # mutmut forks each mutant's run from a process that has already run the tests, so
    # the national pack's per-day tables (the HNTE kernel's parameters, its memoised IP
    # and transformation points) would come from the unmutated code. Start each test
    # without them.
    @pytest.fixture(autouse=True)
    def _fresh_parameter_memo() -> None:
        from kejiservice.params import national

        national().clear_memo()
