"""Dated parameters: thresholds, bands, rates and lists as data, with their sources.

``national()`` is the bundled national pack. A province or city adds an overlay pack
(a folder of TOML files with ``[meta] region = "44"``) with :func:`load_layer` and
``national().with_layer(layer)``; every verdict says which layer supplied each value.
"""

from __future__ import annotations

import functools
from importlib.resources import as_file, files

from ._loader import (
    UNITS,
    Band,
    Parameter,
    ParameterLayer,
    ParameterSet,
    ParamValue,
    Version,
    lint_layer,
    load_layer,
)

__all__ = [
    "UNITS",
    "Band",
    "ParamValue",
    "Parameter",
    "ParameterLayer",
    "ParameterSet",
    "Version",
    "lint_layer",
    "load_layer",
    "national",
]


@functools.cache
def national() -> ParameterSet:
    """The national parameter pack shipped with the package (loaded and validated once)."""
    with as_file(files("kejiservice.params") / "national") as folder:
        return ParameterSet([load_layer(folder)])
