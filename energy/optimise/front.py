"""The cost-emissions front by the epsilon-constraint method, on one compiled model.

:func:`solve_front` builds the dispatch model once (:class:`energy.optimise.epsilon.EpsilonModel`)
and solves, re-using the compiled HiGHS object between points (only the objective's
column costs and the bounds of the ``emissions_cap`` and ``unserved_total`` rows change):

1. the **cost-minimal end**: least cost, emissions unbounded (what ``run`` solves);
2. the **emission-minimal end**, lexicographic: least emissions, then least cost at
   those emissions (:meth:`~energy.optimise.epsilon.EpsilonModel.least_emissions`);
3. ``points - 2`` **epsilon points** between them: least cost with emissions capped at
   evenly spaced values ``E_hi - k (E_hi - E_lo) / (points - 1)``, solved from the
   tightest cap to the loosest so that each solution starts the next solve.

Every point holds unserved load to the least any schedule needs (zero unless supply is
really short): no point buys its emissions by shedding load. Points come back ordered
from the cost-minimal to the emission-minimal end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from energy.errors import EnergyError, SolveError
from energy.inputs import Inputs
from energy.kpis import INVESTMENT_TERMS
from energy.optimise.dispatch import sizes_of
from energy.optimise.epsilon import UNSERVED_TOL_KWH, EpsilonModel, slack, unserved_slack
from energy.optimise.extract import Results
from energy.optimise.pyomo_env import pyo
from energy.optimise.solve import DEFAULT_MIP_GAP

__all__ = ["FrontPoint", "solve_front"]


@dataclass
class FrontPoint:
    """One point of the front.

    Attributes
    ----------
    kind : str
        ``"cost_min"``, ``"epsilon"`` or ``"emissions_min"``.
    cap_kg : float or None
        The emissions cap the point was solved with (None at the cost-minimal end). [kgCO2]
    results : energy.optimise.extract.Results or None
        Dispatch, KPIs and solver outcome of the point (None on a sizing front).
    solve_s : float
        HiGHS time of this point. [s]
    kpis : dict
        ``results.kpis``; on a sizing front the objective's terms (bill and prorated
        investment), ``total_cost_usd``, emissions under the three factors,
        ``grid_import_mwh``, ``unserved_mwh``, ``status`` and ``mip_gap``. Always
        ``gap_proof``: what proves ``mip_gap`` (``"lp_relaxation"``: the repaired
        solution against the point's LP relaxation; ``"branch_and_bound"``: HiGHS's MILP).
    sizes : dict
        The chosen sizes on a sizing front (:func:`energy.optimise.dispatch.sizes_of`), else empty.
    """

    kind: str
    cap_kg: float | None
    results: Results | None
    solve_s: float
    kpis: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)


def _sized_figures(em: EpsilonModel, out) -> tuple[dict, dict]:
    """KPIs and sizes of a solved sizing model (the dispatch table of a sizing model is not extracted)."""
    m = em.model
    k = {term: float(pyo.value(m.bill[term])) for term in m.bill_terms}
    k["total_cost_usd"] = float(pyo.value(m.total_cost))
    k["investment_usd"] = sum(k.get(t, 0.0) for t in INVESTMENT_TERMS)
    k["capacity_charge_usd"] = (k.get("capacity_charge_generation_usd", 0.0)
                                + k.get("capacity_charge_distribution_usd", 0.0))
    s, dt = m.inputs.series, m.inputs.dt_h
    imp = np.array([m.grid_import[t].value or 0.0 for t in range(len(dt))])
    k["emissions_tco2"] = em.emissions_kg() / 1000.0
    for name in ("average", "marginal"):
        col = f"grid_emission_{name}_kg_per_kwh"
        k[f"emissions_{name}_tco2"] = (float(np.sum(dt * imp * s[col].to_numpy(float))) / 1000.0
                                       if col in s.columns else float("nan"))
    k["grid_import_mwh"] = float(np.sum(dt * imp)) / 1000.0
    k["unserved_mwh"] = em.unserved_kwh() / 1000.0
    k["status"], k["mip_gap"] = out.status, out.mip_gap
    return k, sizes_of(m)


def _checked(out, what: str):
    if not out.has_solution:
        raise SolveError(f"pareto: the {what} found no usable solution: {out.message}")
    return out


def solve_front(inputs: Inputs, points: int = 10, *, time_limit_s: float | None = None,
                mip_gap: float | None = DEFAULT_MIP_GAP, threads: int | None = None,
                verbose: bool = False, progress: Callable[[str], None] | None = None,
                ) -> tuple[list[FrontPoint], dict]:
    """Solve the cost-emissions front of ``inputs`` at ``points`` points (>= 2).

    ``inputs.emissions_cap_kg`` is ignored (the front sweeps the cap); the carbon
    price stays in the cost (set it to 0 for a pure cost-emissions front). With
    ``inputs.sizing`` (:func:`energy.sizing.sizing_inputs`) the sizes are chosen at each
    point and the cost is the operating bill + the prorated investment.
    ``time_limit_s`` applies to each solve.

    Returns
    -------
    (list of FrontPoint, dict)
        The points from the cost-minimal to the emission-minimal end, and timings
        ``build_s``, ``translate_s``, ``solve_s``, ``extract_s``, ``total_s`` and
        ``unserved_unavoidable_kwh``.

    Raises
    ------
    energy.errors.EnergyError
        ``points`` < 2.
    energy.errors.SolveError
        A point without a usable solution.
    """
    if int(points) != points or points < 2:
        raise EnergyError(f"pareto: points: expected a whole number >= 2, found {points!r}")
    t0 = time.perf_counter()
    uncapped = replace(inputs, emissions_cap_kg=None)
    em = EpsilonModel(uncapped, time_limit_s=time_limit_s, mip_gap=mip_gap, threads=threads, verbose=verbose)
    extract_s = 0.0

    sized = inputs.sizing is not None

    def point(kind, cap, out, s0) -> FrontPoint:
        nonlocal extract_s
        t = time.perf_counter()
        if sized:
            kpis, sizes = _sized_figures(em, out)
            p = FrontPoint(kind, cap, None, em.solve_s - s0, kpis, sizes)
        else:
            res = em.results(out)
            p = FrontPoint(kind, cap, res, em.solve_s - s0, res.kpis)
        p.kpis["gap_proof"] = em.gap_proof
        extract_s += time.perf_counter() - t
        return p

    try:
        if progress:
            progress("pareto: cost-minimal end")
        s0 = em.solve_s
        out = _checked(em.solve("cost"), "cost-minimal solve")
        u = 0.0
        if em.unserved_kwh() > UNSERVED_TOL_KWH:      # is supply really short?
            u = em.least_unserved_kwh()
            out = _checked(em.solve("cost", unserved_kwh=unserved_slack(u)), "cost-minimal solve")
        hi = point("cost_min", None, out, s0)
        e_hi = em.emissions_kg()
        if progress:
            progress("pareto: emission-minimal end")
        s0 = em.solve_s
        e_lo, out = em.least_emissions(u, e_hi, hi.kpis["total_cost_usd"])
        e_lo_cap = slack(e_lo)
        lo = point("emissions_min", e_lo_cap, out, s0)
        mid = []
        # from the loosest cap to the tightest: each point only tightens the cap row, so the
        # last relaxation's basis at the same objective (the cost-minimal end's, then each
        # point's; EpsilonModel keeps them) stays dual feasible and its dual simplex is short
        for k in range(1, int(points) - 1):
            cap = e_hi - k * (e_hi - e_lo) / (points - 1)
            if progress:
                progress(f"pareto: point {k + 1} of {points}, cap {cap / 1000:,.1f} tCO2")
            s0 = em.solve_s
            out = _checked(em.solve("cost", cap_kg=max(cap, e_lo_cap), unserved_kwh=unserved_slack(u)),
                           f"solve at the cap of {cap / 1000:,.1f} tCO2")
            mid.append(point("epsilon", cap, out, s0))
        timings = {"build_s": em.build_s, "translate_s": em.translate_s, "solve_s": em.solve_s,
                   "extract_s": extract_s, "mode_binary_rounds": em.mode_binary_rounds,
                   "unserved_unavoidable_kwh": u}
    finally:
        em.dispose()
    timings["total_s"] = time.perf_counter() - t0
    return [hi, *mid, lo], timings
