"""The one exception type for errors a user can cause, and the rule for echoing their input."""

from __future__ import annotations

from typing import Any

__all__ = ["ECHO_LIMIT", "MAX_MAGNITUDE", "EnergyError", "SolveError", "echo"]

ECHO_LIMIT = 80
"""Most characters of a user's value repeated in a message (a 100 kB key stays readable)."""

MAX_MAGNITUDE = 1e12
"""Largest magnitude of any number a user gives (model file key or CSV cell): 1e12 kW is
about a hundred times the world's power plants, 1e12 USD/kWh no price; beyond it sums over
a year's steps lose all precision (estimate). [-]"""


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
def echo(value: Any, limit: int = ECHO_LIMIT, *, quote: bool = True) -> str:
    """A user's value as an error message repeats it: ``repr`` (or ``str``), on one line, cut.

    Every message that quotes what it found (a key, a name, a cell, a header) passes it
    through here, so a pathological input (a 100 kB key, a value with newlines) gives a
    readable line: at most ``limit`` characters, ``...`` and the full length when cut.
    """
    text = repr(value) if quote else str(value)
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return f"{text[: limit - 3]}... ({len(str(value)):,} characters)"
