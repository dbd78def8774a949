"""The package's public face: every name in ``__all__`` resolves, and importing the
package loads only what it must (the rest on first use; numpy never, unless asked)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import kejiservice


@pytest.mark.parametrize("name", kejiservice.__all__)
def test_every_public_name_resolves_to_its_home(name: str) -> None:
    value = getattr(kejiservice, name)
    if name == "__version__":
        assert isinstance(value, str)
        return
    home = kejiservice._HOME[name]
    module = sys.modules[f"kejiservice{home}"]
    assert getattr(module, name) is value
    assert name in dir(kejiservice)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        _ = kejiservice.evaluat  # type: ignore[attr-defined]
    assert not hasattr(kejiservice, "numpy")


def _fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


def test_import_loads_neither_the_converter_nor_numpy() -> None:
    out = _fresh(
        "import sys, kejiservice; "
        "print(sorted(m for m in ('cattrs', 'numpy', 'kejiservice.rules') if m in sys.modules))"
    )
    assert out == "[]"


def test_evaluating_objects_needs_neither_the_converter_nor_numpy() -> None:
    out = _fresh(
        "import sys, datetime, kejiservice; from kejiservice.models import Enterprise; "
        "e = Enterprise(name='x', registered_on=datetime.date(2020, 1, 1), industry='C3911'); "
        "v = kejiservice.evaluate('hnte', e, datetime.date(2026, 6, 30)); "
        "print(v.status.value, 'cattrs' in sys.modules, 'numpy' in sys.modules)"
    )
    assert out == "undetermined False False"


def test_json_input_loads_the_converter_on_first_use() -> None:
    out = _fresh(
        "import sys, datetime, kejiservice; "
        "doc = {'name': 'x', 'registered_on': '2020-01-01', 'industry': 'C3911'}; "
        "v = kejiservice.evaluate('hnte', doc, datetime.date(2026, 6, 30)); "
        "print(v.status.value, 'cattrs' in sys.modules)"
    )
    assert out == "undetermined True"
