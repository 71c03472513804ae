"""The one exception type for errors a user can cause."""

from __future__ import annotations


class EnergyError(ValueError):
    """A problem with the user's input or request, explained in one line.

    The message names the file, field or row at fault, what was expected and
    what was found. The CLI prints it on one line and exits non-zero.
    """


class SolveError(EnergyError):
    """The optimisation ended without a usable solution (infeasible, error)."""
