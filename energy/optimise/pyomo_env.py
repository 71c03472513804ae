"""Pyomo as this package uses it: ``pyo`` (:mod:`pyomo.core`), with Pyomo's scipy hook trimmed.

Every module of :mod:`energy.optimise` that needs Pyomo imports ``pyo`` from here, so
that :func:`sparse_scipy_only` has run before anything imports scipy.

``pyomo.common.dependencies`` defers its ``scipy`` import and installs an import hook
whose callback, once *anyone* imports scipy, also imports ``scipy.stats``,
``scipy.integrate`` and ``scipy.spatial``. A process that imports Pyomo and then pvlib
(a sweep's workers warming up, a comparison) paid 0.45-0.5 s for ``scipy.stats``, which
nothing here uses (``python -X importtime``: pvlib 0.86 s after Pyomo, 0.61 s alone);
the standard-form compiler needs only ``scipy.sparse``.
"""

from __future__ import annotations

import pyomo.core as pyo
from pyomo.common import dependencies

__all__ = ["pyo", "sparse_scipy_only"]


def sparse_scipy_only() -> None:
    """Let Pyomo's deferred ``scipy`` import load ``scipy.sparse`` only.

    Drops the callback of Pyomo's deferred ``scipy`` (its import hook calls it when
    scipy is first imported, by Pyomo or by anyone else) and imports ``scipy.sparse``,
    what the compiler uses. Pyomo's behaviour is otherwise kept: an import of
    ``scipy.stats`` anywhere still works. Does nothing once Pyomo has resolved it, or if
    its internals differ from Pyomo 6.x's (then the full import happens, as before).
    """
    indicator = getattr(dependencies, "scipy_available", None)
    if getattr(indicator, "_module", True) is None and hasattr(indicator, "_callback"):
        indicator._callback = None  # before the import: Pyomo's import hook calls it
        import scipy.sparse  # noqa: F401  (what the compiler uses)


sparse_scipy_only()
