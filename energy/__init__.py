"""port-energy: optimise a seaport's renewable energy supply (PV, wind, battery, grid, flexible load)."""

from energy.errors import EnergyError, SolveError

__version__ = "0.1.0"

__all__ = ["EnergyError", "SolveError", "__version__"]
