"""The optimisation's orchestrator: build -> solve -> extract, timing each phase.

:func:`optimise` is what :func:`energy.runner.run` calls: it builds the model
(:mod:`energy.optimise.dispatch`), solves it with the mode-binary rounds
(:mod:`energy.optimise.solve`) and reads the solution out
(:mod:`energy.optimise.extract`); the model is disposed of before returning, so no
Pyomo object leaves.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pyomo.common.gc_manager import PauseGC

from energy.errors import SolveError
from energy.inputs import Inputs
from energy.optimise.dispatch import build_model, dispose_model, sizes_of
from energy.optimise.epsilon import UNSERVED_TOL_KWH, optimise_capped, unavoidable_unserved_kwh
from energy.optimise.extract import Results, extract
from energy.optimise.solve import DEFAULT_MIP_GAP, solve

__all__ = ["optimise", "optimise_sizes"]


def optimise(
    inputs: Inputs,
    *,
    time_limit_s: float | None = None,
    mip_gap: float | None = DEFAULT_MIP_GAP,
    threads: int | None = None,
    verbose: bool = False,
    progress: Callable[[str], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> Results:
    """Build, solve (with the mode-binary rounds) and extract, timing each phase.

    Parameters are those of :func:`energy.optimise.solve.solve`; ``progress`` is also
    told the phases ``"build"``, ``"solve"`` and ``"extract"`` as they start.

    Returns
    -------
    energy.optimise.extract.Results
        Also for a run stopped by the time limit with a feasible solution:
        ``kpis["status"] == "time_limit"`` and ``kpis["mip_gap"]`` tell how far
        from proven optimal it is.

    Raises
    ------
    energy.errors.EnergyError
        Invalid inputs (before any solve), e.g. a crane job that cannot fit.
    energy.errors.CapError
        ``emissions.cap_t`` cannot be met without shedding load (names the least
        emissions reachable and the cap asked).
    energy.errors.SolveError
        No usable solution (infeasible, unbounded, time limit without one, error);
        the message says which and, for infeasibility, where to look.

    Notes
    -----
    A solution that sheds load is re-examined (:mod:`energy.optimise.epsilon`): with
    an emissions cap, the run is re-solved with unserved load held to the least any
    schedule needs (so the cap is never met by shedding); without one,
    ``kpis["unserved_unavoidable_mwh"]`` records how much of the shed load no
    schedule can serve (the rest was cheaper to shed at the value of lost load).
    """
    # The collector stays paused for the whole run: a full collection would
    # traverse the ~0.8 M live objects of a year model (0.2-0.4 s) for nothing.
    # The model is disposed of at the end, so little is left for it afterwards.
    with PauseGC():
        if progress:
            progress("build")
        t = time.perf_counter()
        model = build_model(inputs)
        build_s = time.perf_counter() - t
        if progress:
            progress("solve")
        try:
            outcome = solve(model, time_limit_s=time_limit_s, mip_gap=mip_gap, threads=threads,
                            verbose=verbose, progress=progress, log=log)
            outcome.build_s = build_s
            capped = inputs.emissions_cap_kg is not None
            if not outcome.has_solution and not (capped and outcome.status == "infeasible"):
                raise SolveError(outcome.message)
            shed = outcome.has_solution and unserved_kwh(model) > UNSERVED_TOL_KWH
            if outcome.has_solution and not (shed and capped):
                if progress:
                    progress("extract")
                res = extract(model, outcome)
                if not shed:
                    return res
        finally:
            dispose_model(model)
    # Load was shed, or a cap made the model infeasible: never obey a cap by shedding
    # load (re-solve with unserved load held to what no schedule can serve), and
    # record how much of the shed load supply really cannot serve.
    options = {"time_limit_s": time_limit_s, "mip_gap": mip_gap, "threads": threads, "verbose": verbose}
    if progress:
        progress("solving: load was shed; checking what supply can serve")
    if capped:
        return optimise_capped(inputs, **options)
    res.kpis["unserved_unavoidable_mwh"] = unavoidable_unserved_kwh(inputs, **options) / 1000.0
    return res


def unserved_kwh(model) -> float:
    """Unserved energy of a solved dispatch model. [kWh]"""
    dt = model.inputs.dt_h
    return float(sum(dt[t] * (model.unserved[t].value or 0.0) for t in range(len(dt))))


def optimise_sizes(
    inputs: Inputs,
    *,
    time_limit_s: float | None = None,
    mip_gap: float | None = DEFAULT_MIP_GAP,
    threads: int | None = None,
    verbose: bool = False,
) -> tuple[dict, dict]:
    """Choose the sizes of ``inputs.sizing`` with the dispatch; return the sizes and the solve's figures.

    Returns
    -------
    (dict, dict)
        Sizes (:func:`energy.optimise.dispatch.sizes_of`) and ``status``, ``mip_gap``,
        ``objective_usd`` (operating bill + prorated investment), the value of each bill
        term ``bill_<term>``, ``build_s``, ``translate_s``, ``solve_s``, ``n_integer``.

    Raises
    ------
    energy.errors.SolveError
        No usable solution.
    """
    import pyomo.core as pyo

    with PauseGC():
        t = time.perf_counter()
        model = build_model(inputs)
        build_s = time.perf_counter() - t
        try:
            o = solve(model, time_limit_s=time_limit_s, mip_gap=mip_gap, threads=threads, verbose=verbose)
            if not o.has_solution:
                raise SolveError(o.message)
            sizes = sizes_of(model)
            figures = {"status": o.status, "mip_gap": o.mip_gap, "objective_usd": o.objective_usd,
                       "build_s": build_s, "translate_s": o.translate_s, "solve_s": o.solve_s,
                       "n_integer": o.n_integer}
            figures.update({f"bill_{k}": float(pyo.value(model.bill[k])) for k in model.bill_terms})
            return sizes, figures
        finally:
            dispose_model(model)
