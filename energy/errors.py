"""The one exception type for errors a user can cause."""

from __future__ import annotations


class EnergyError(ValueError):
    """A problem with the user's input or request, explained in one line.

    The message names the file, field or row at fault, what was expected and
    what was found. The CLI prints it on one line and exits non-zero.
    """


class SolveError(EnergyError):
    """The optimisation ended without a usable solution (infeasible, error)."""


class CapError(EnergyError):
    """An emissions cap that no schedule meets without shedding load (``emissions.cap_t``).

    Attributes
    ----------
    cap_t : float
        The cap asked. [tCO2]
    min_t : float
        The least emissions any schedule reaches while serving all the load it can. [tCO2]
    """

    def __init__(self, message: str, cap_t: float, min_t: float) -> None:
        super().__init__(message)
        self.cap_t = cap_t
        self.min_t = min_t
