"""port-energy: optimise a seaport's renewable energy supply (PV, wind, battery, grid, flexible load).

Python API (the CLI calls the same functions)::

    import energy
    rr = energy.run("models/chancay.toml", scenario="pv_wind")
    rr.kpis["total_cost_usd"], rr.dispatch.head()
    table = energy.compare("models/chancay.toml", scenarios=["grid_only", "pv_heavy"], jobs=2)
    report = energy.check("models/chancay.toml")          # validate without solving
    sized = energy.size("models/chancay.toml", flexibility_value=True)  # what to build
    energy.rebuild_report("reports/chancay/base")          # redraw a run folder's report
    front = energy.pareto("models/chancay.toml", points=10)  # cost-emissions front
    energy.run("models/chancay.toml", overrides={"battery": {"energy_kwh": 16000}})
    grid = energy.sweep("models/chancay.toml", ["battery.energy_kwh=4000,8000,16000"], jobs=2)
    mc = energy.sweep("models/chancay.toml", samples=50, arrival_delay_mean_h=12)
"""

from energy.errors import EnergyError, SolveError

__version__ = "0.1.0"

__all__ = [
    "EnergyError",
    "SolveError",
    "__version__",
    "check",
    "compare",
    "load_config",
    "pareto",
    "profiles",
    "rebuild_report",
    "run",
    "size",
    "sweep",
]

_LAZY = {
    "run": ("energy.runner", "run"),
    "size": ("energy.sizing", "size"),
    "check": ("energy.runner", "check"),
    "profiles": ("energy.runner", "profiles"),
    "compare": ("energy.scenarios", "compare"),
    "sweep": ("energy.sweep", "sweep"),
    "load_config": ("energy.config", "load_config"),
    "pareto": ("energy.pareto", "pareto"),
    "rebuild_report": ("energy.report.runfolder", "rebuild_report"),
}


def __getattr__(name):
    # lazy: importing the package stays cheap (no pvlib/pyomo until used)
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'energy' has no attribute {name!r}")
