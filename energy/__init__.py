"""port-energy: optimise a seaport's renewable energy supply (PV, wind, battery, grid, flexible load).

Python API (the CLI calls the same functions)::

    import energy
    rr = energy.run("models/chancay.toml", scenario="pv_wind")
    rr.kpis["total_cost_usd"], rr.dispatch.head()
    table = energy.compare("models/chancay.toml", scenarios=["grid_only", "pv_heavy"], jobs=2)
"""

from energy.errors import EnergyError, SolveError

__version__ = "0.1.0"

__all__ = ["EnergyError", "SolveError", "__version__", "compare", "load_config", "profiles", "run"]


def __getattr__(name):
    # lazy: importing the package stays cheap (no pvlib/pyomo until used)
    if name in ("run", "profiles"):
        from energy import runner

        return getattr(runner, name)
    if name == "compare":
        from energy.scenarios import compare

        return compare
    if name == "load_config":
        from energy.config import load_config

        return load_config
    raise AttributeError(f"module 'energy' has no attribute {name!r}")
