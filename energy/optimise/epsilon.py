"""One compiled dispatch model, re-solved for other objectives and emission caps.

The epsilon-constraint method of a cost-emissions front (:mod:`energy.pareto`) and the
check of a cap that cannot be met without shedding load (:func:`optimise_capped`) both
solve the same model many times with a different objective or a different bound on
one row. :class:`EpsilonModel` builds the Pyomo model once (:mod:`energy.optimise.dispatch`),
adds two rows to it::

    emissions_cap:   sum_t dt*ef*imp <= cap      [kgCO2]  (the cap's row if one is set)
    unserved_total:  sum_t dt*u      <= U        [kWh]

compiles it into one ``highspy.Highs`` (:func:`energy.optimise.solve.compile_model`)
and then only changes the bounds of those rows and the objective's column costs: the
cost of the model's own ``total_cost`` objective, or the coefficients of the two
rows (least emissions, least unserved energy), all read from the compiled Pyomo
model. While crane counts are the only integers, each re-solve takes the LP-first path
of a ``run`` (:func:`energy.optimise.solve.relax_and_repair`: LP relaxation, whole
counts, warm re-solve, a gap proven against the relaxation; HiGHS's branch and bound
only when that gap exceeds ``mip_gap``), its relaxation warm from the last relaxation's
basis with the same objective. Mode binaries are added where a
solution charges and discharges (or imports and exports) at once, as in
:func:`energy.optimise.solve.solve`; the model is then recompiled.

Lexicographic ends: the least-emission point is "least emissions, then least cost
at those emissions" (one solve with cost as a tiny-weighted tie-breaker,
:meth:`EpsilonModel.least_emissions`), always with unserved load held to the least any schedule
needs (:meth:`EpsilonModel.least_unserved_kwh`, zero unless supply is really short):
no point of a front, and no capped run, sheds load to lower its emissions.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
from pyomo.common.gc_manager import PauseGC
from pyomo.core.expr.numeric_expr import LinearExpression

from energy.errors import CapError, SolveError
from energy.inputs import Inputs
from energy.optimise.dispatch import add_mode_binaries, build_model, dispose_model, mode_conflicts
from energy.optimise.extract import Results, extract
from energy.optimise.pyomo_env import pyo
from energy.optimise.solve import (
    DEFAULT_MIP_GAP,
    SolveOutcome,
    compile_model,
    configure_highs,
    highs_status,
    load_solution,
    only_crane_counts,
    relax_and_repair,
    release_counts,
)

__all__ = ["UNSERVED_TOL_KWH", "EpsilonModel", "optimise_capped", "slack", "unavoidable_unserved_kwh",
           "unserved_slack"]

#: Unserved energy below which a solution serves all load (numerical noise). [kWh]
UNSERVED_TOL_KWH = 1e-3

#: Slack on a bound taken from an earlier solve's optimum, so that the solution
#: found is still feasible within HiGHS's tolerances: relative and absolute [kg or kWh].
BOUND_SLACK_REL, BOUND_SLACK_ABS = 1e-7, 1e-3

#: Weight of cost against emissions at the emission-minimal end, relative to the
#: cost-minimal end's emissions per USD (:meth:`EpsilonModel.least_emissions`). [-]
TIE_WEIGHT = 1e-4

_INF = highspy.kHighsInf


@dataclass
class _Row:
    """A compiled row: its index, its coefficients per column, and the sign it was compiled with."""

    index: int
    coefs: np.ndarray
    sign: float


def add_front_rows(m: pyo.ConcreteModel, cap_kg: float | None) -> None:
    """Add ``emissions_cap`` (if absent) and ``unserved_total`` to a built dispatch model.

    ``emissions_cap`` starts with the cap asked, or with the emissions of importing
    at every step's import bound (never binding); ``unserved_total`` with the most
    unserved energy possible (never binding).
    """
    inputs = m.inputs
    dt = inputs.dt_h
    ef = inputs.series["grid_emission_kg_per_kwh"].to_numpy(dtype=float)
    imp = m.grid_import
    n = len(dt)
    if not hasattr(m, "emissions_cap"):
        ub = np.array([imp[t].ub for t in range(n)], dtype=float)
        loose = float(np.sum(dt * ef * ub)) + 1.0 if cap_kg is None else float(cap_kg)
        steps = [t for t in range(n) if dt[t] * ef[t] != 0.0] or [0]   # a row even when all ef = 0
        m.emissions_cap = pyo.Constraint(expr=LinearExpression(
            constant=0.0, linear_coefs=[float(dt[t] * ef[t]) for t in steps],
            linear_vars=[imp[t] for t in steps]) <= loose)
    loads = inputs.series["fixed_load_kw"].to_numpy(dtype=float)
    flexible = (sum(j.moves * j.energy_kwh_per_move for j in inputs.crane_jobs)
                + sum(w.energy_kwh for w in inputs.truck_windows))
    most = float(np.sum(dt * loads)) + float(flexible) + 1.0
    m.unserved_total = pyo.Constraint(expr=LinearExpression(
        constant=0.0, linear_coefs=[float(h) for h in dt], linear_vars=[m.unserved[t] for t in range(n)]) <= most)


def _linear(con) -> tuple[list, list]:
    body = con.body
    if hasattr(body, "linear_coefs"):
        return list(body.linear_coefs), list(body.linear_vars)
    from pyomo.repn import generate_standard_repn

    repn = generate_standard_repn(body, compute_values=True)
    return list(repn.linear_coefs), list(repn.linear_vars)


class EpsilonModel:
    """A dispatch model compiled once and re-solved with other objectives and row bounds.

    Parameters
    ----------
    inputs : energy.inputs.Inputs
        The case. Its ``emissions_cap_kg`` (if any) is the cap row's first bound.
    time_limit_s, mip_gap, threads, verbose
        As in :func:`energy.optimise.solve.solve`, for each re-solve.

    Attributes
    ----------
    model : pyomo.core.ConcreteModel
        The Pyomo model; holds the last solution in its variables.
    build_s, translate_s, solve_s : float
        Build, compile (all recompilations) and HiGHS time so far. [s]
    """

    def __init__(self, inputs: Inputs, *, time_limit_s: float | None = None,
                 mip_gap: float | None = DEFAULT_MIP_GAP, threads: int | None = None,
                 verbose: bool = False) -> None:
        self.options = {"mip_gap": DEFAULT_MIP_GAP if mip_gap is None else mip_gap,
                        "threads": threads, "verbose": verbose}
        self.time_limit_s = time_limit_s
        self.translate_s = self.solve_s = 0.0
        self.mode_binary_rounds = 0
        t = time.perf_counter()
        with PauseGC():
            self.model = build_model(inputs)
            add_front_rows(self.model, inputs.emissions_cap_kg)
        self.build_s = time.perf_counter() - t
        self.gap_proof = ""     # how the last solve's gap was proven (see :meth:`solve`)
        self._state = ("cost", _INF, _INF)
        self._tie_weight = 0.0
        self._compile()

    # ------------------------------------------------------------------ compiled model
    def _compile(self) -> None:
        t = time.perf_counter()
        with PauseGC():
            c = compile_model(self.model)
        self.c = c
        h = c.highs
        lp = h.getLp()
        self._cost = np.asarray(lp.col_cost_, dtype=float).copy()
        self._offset = float(lp.offset_)
        pos = {id(v): i for i, v in enumerate(c.columns)}
        rows = {id(con): i for i, con in enumerate(c.rows)}
        self._cap = self._row(self.model.emissions_cap, rows, pos, lp)
        self._unserved = self._row(self.model.unserved_total, rows, pos, lp)
        self.translate_s += time.perf_counter() - t
        self._applied = None
        self._bases = {}        # objective -> HiGHS basis of its last LP relaxation (these columns)
        self._last_x = None     # the last solution, offered to HiGHS as a start (same columns only)

    @staticmethod
    def _row(con, rows: dict, pos: dict, lp) -> _Row | None:
        """The compiled row of ``con``; None when the compiler left it out (all coefficients 0)."""
        if id(con) not in rows:
            return None
        i = rows[id(con)]
        coefs = np.zeros(lp.num_col_)
        for a, v in zip(*_linear(con), strict=True):
            if id(v) in pos:
                coefs[pos[id(v)]] += float(a)
        # the row as compiled: <= ub (sign +1) or, negated, >= -ub (sign -1)
        sign = 1.0 if lp.row_upper_[i] < _INF else -1.0
        return _Row(i, coefs, sign)

    def _set_row(self, row: _Row | None, ub: float) -> None:
        if row is None:
            return
        if row.sign > 0:
            self.c.highs.changeRowBounds(row.index, -_INF, ub)
        else:
            self.c.highs.changeRowBounds(row.index, -ub if ub < _INF else -_INF, _INF)

    def _apply(self) -> None:
        if self._applied == self._state:
            return
        objective, cap, unserved = self._state
        h = self.c.highs
        n = len(self._cost)
        idx = np.arange(n, dtype=np.int32)
        if objective == "cost":
            h.changeColsCost(n, idx, self._cost)
            h.changeObjectiveOffset(self._offset)
        elif objective == "emissions_then_cost":
            h.changeColsCost(n, idx, self._cap.coefs + self._tie_weight * self._cost)
            h.changeObjectiveOffset(self._tie_weight * self._offset)
        else:
            row = self._cap if objective == "emissions" else self._unserved
            h.changeColsCost(n, idx, np.zeros(n) if row is None else row.coefs)
            h.changeObjectiveOffset(0.0)
        self._set_row(self._cap, cap)
        self._set_row(self._unserved, unserved)
        self._applied = self._state

    # ------------------------------------------------------------------ solving
    def solve(self, objective: str = "cost", *, cap_kg: float | None = None,
              unserved_kwh: float | None = None) -> SolveOutcome:
        """Minimise ``objective`` (``"cost"`` [USD], ``"emissions"`` [kgCO2] or ``"unserved"`` [kWh]).

        Parameters
        ----------
        cap_kg : float, optional
            Bound on emissions (None: no bound). [kgCO2]
        unserved_kwh : float, optional
            Bound on unserved energy (None: no bound). [kWh]

        Returns
        -------
        SolveOutcome
            ``objective_usd`` holds the objective's value in its own unit. The
            solution is loaded into :attr:`model` when ``has_solution``.
        """
        if objective not in ("cost", "emissions", "emissions_then_cost", "unserved"):
            raise ValueError("objective: expected 'cost', 'emissions', 'emissions_then_cost' or 'unserved', "
                             f"found {objective!r}")
        self._state = (objective, _INF if cap_kg is None else float(cap_kg),
                       _INF if unserved_kwh is None else float(unserved_kwh))
        out = SolveOutcome(status="error", has_solution=False)
        start = time.perf_counter()
        with PauseGC():
            while True:
                self._run(start, out)
                if not self._read(out):
                    break
                battery, grid = mode_conflicts(self.model)
                if not (battery or grid) or out.status != "optimal":
                    break
                add_mode_binaries(self.model, battery, grid)
                self.mode_binary_rounds += 1
                out.mode_binary_rounds += 1
                self._compile()
        out.build_s, out.translate_s, out.solve_s = self.build_s, self.translate_s, self.solve_s
        return out

    def _run(self, start: float, out: SolveOutcome) -> None:
        """One HiGHS solve of the compiled model as :attr:`_state` asks.

        While crane counts are the only integers, the LP relaxation comes first and its
        repaired solution is kept if its gap to the relaxation is within the MIP gap
        (:func:`energy.optimise.solve.relax_and_repair`, as a ``run`` does); HiGHS's basis
        from the previous point is the relaxation's start. Otherwise HiGHS's branch and
        bound runs, from the repaired solution or the previous point's.
        """
        release_counts(self.c)
        self._apply()
        h = self.c.highs
        remaining = None
        if self.time_limit_s is not None:
            remaining = self.time_limit_s - (time.perf_counter() - start)
        configure_highs(h, time_limit_s=remaining, **self.options)
        t = time.perf_counter()
        self.c.proven_gap = None
        first = None
        if only_crane_counts(self.c, self.model):
            # the last relaxation of the same objective: after a change of one row bound
            # only, its basis stays dual feasible and the dual simplex needs few iterations
            objective = self._state[0]
            first = relax_and_repair(self.c, self.model, out, self.options["mip_gap"], remaining,
                                     basis=self._bases.get(objective))
            if self.c.relaxed_basis is not None:
                self._bases[objective] = self.c.relaxed_basis
        if self.c.proven_gap is not None:
            self.gap_proof = "lp_relaxation"
        else:
            self.gap_proof = "branch_and_bound" if self.c.n_integer else "lp"
            if first is None and self._last_x is not None and self.c.n_integer:
                # the previous solution: an incumbent for HiGHS when it is still feasible
                n = len(self._last_x)
                h.setSolution(n, np.arange(n, dtype=np.int32), self._last_x)
            elif first is not None:
                h.setSolution(first)
            h.run()
            info = h.getInfo()
            out.simplex_iterations += max(int(info.simplex_iteration_count), 0)
            if self.c.n_integer:
                out.mip_nodes += max(int(info.mip_node_count), 0)
        self.solve_s += time.perf_counter() - t

    def _read(self, out: SolveOutcome) -> bool:
        h = self.c.highs
        info = h.getInfo()
        status = highs_status(h)
        out.n_variables, out.n_constraints, out.n_integer = h.getNumCol(), h.getNumRow(), self.c.n_integer
        out.status = status
        out.has_solution = info.primal_solution_status == 2 and status in ("optimal", "time_limit")
        if not out.has_solution:
            out.objective_usd = out.mip_gap = math.nan
            out.message = f"HiGHS found no usable solution: {h.modelStatusToString(h.getModelStatus())}."
            return False
        load_solution(self.c)
        self._last_x = np.asarray(h.getSolution().col_value, dtype=float)
        out.objective_usd = float(info.objective_function_value)
        if self.c.proven_gap is not None:
            out.mip_gap = self.c.proven_gap
        else:
            out.mip_gap = float(info.mip_gap) if self.c.n_integer else 0.0
        out.message = f"Solution {status}: objective {out.objective_usd:,.2f}, relative MIP gap {out.mip_gap:.2e}."
        return True

    # ------------------------------------------------------------------ the loaded solution
    def _value(self, row: _Row | None) -> float:
        if row is None:
            return 0.0
        x = np.asarray(self.c.highs.getSolution().col_value, dtype=float)
        return float(row.coefs @ x)

    def emissions_kg(self) -> float:
        """Emissions of the loaded solution under the decision factor. [kgCO2]"""
        return self._value(self._cap)

    def unserved_kwh(self) -> float:
        """Unserved energy of the loaded solution. [kWh]"""
        return self._value(self._unserved)

    def least_unserved_kwh(self) -> float:
        """The least unserved energy of any schedule, emissions unbounded (0 unless supply is short). [kWh]

        Raises
        ------
        energy.errors.SolveError
            No solution (jobs, trucks or the battery end state cannot be met).
        """
        out = self.solve("unserved")
        if not out.has_solution:
            raise SolveError(f"The model is infeasible even with unbounded emissions ({out.message})")
        u = max(out.objective_usd, 0.0)
        return 0.0 if u < UNSERVED_TOL_KWH else u

    def least_emissions_kg(self, unserved_kwh: float) -> float:
        """The least emissions of any schedule leaving at most ``unserved_kwh`` unserved. [kgCO2]"""
        out = self.solve("emissions", unserved_kwh=unserved_slack(unserved_kwh))
        if not out.has_solution:
            raise SolveError(f"The least-emissions solve found no solution ({out.message})")
        return max(out.objective_usd, 0.0)

    def least_emissions(self, unserved_kwh: float, emissions_ref_kg: float,
                        cost_ref_usd: float) -> tuple[float, SolveOutcome]:
        """Least emissions, then least cost at those emissions, load served: one solve.

        Minimises ``emissions + w * cost`` with the tie-breaking weight
        ``w = TIE_WEIGHT * emissions_ref / cost_ref`` [kg/USD]. Its solution is the
        least-cost one at its own emissions (a supported point of the front), and those
        emissions exceed the least by at most ``w * (its cost - cost_ref)``: with the
        cost-minimal end as reference, ``TIE_WEIGHT * emissions_ref * (cost / cost_ref - 1)``,
        far inside the MIP gap. (The exact two-stage form, least emissions and then least
        cost under a cap at them, makes HiGHS's root LP of a year 10-20x slower.)

        Returns
        -------
        (float, SolveOutcome)
            The emissions [kgCO2] and the outcome (solution loaded; ``objective_usd`` is
            the weighted objective).
        """
        self._tie_weight = TIE_WEIGHT * max(emissions_ref_kg, 1.0) / max(abs(cost_ref_usd), 1.0)
        out = self.solve("emissions_then_cost", unserved_kwh=unserved_slack(unserved_kwh))
        if not out.has_solution:
            raise SolveError(f"The least-emissions solve found no solution ({out.message})")
        return max(self.emissions_kg(), 0.0), out

    def results(self, outcome: SolveOutcome) -> Results:
        """The loaded solution as :class:`~energy.optimise.extract.Results` (no Pyomo inside)."""
        return extract(self.model, outcome)

    def dispose(self) -> None:
        """Free the Pyomo model and the HiGHS object."""
        dispose_model(self.model)
        self.c = None


def slack(bound: float) -> float:
    """A bound taken from an earlier optimum, widened by HiGHS's tolerances (:data:`BOUND_SLACK_REL`)."""
    return bound * (1.0 + BOUND_SLACK_REL) + BOUND_SLACK_ABS


def unserved_slack(kwh: float) -> float:
    """A bound on unserved energy from an earlier optimum: relative slack only, so 0 stays 0. [kWh]"""
    return kwh * (1.0 + BOUND_SLACK_REL)


def unavoidable_unserved_kwh(inputs: Inputs, **options) -> float:
    """The least unserved energy any schedule of ``inputs`` needs, emissions unbounded. [kWh]"""
    em = EpsilonModel(inputs, **options)
    try:
        return em.least_unserved_kwh()
    finally:
        em.dispose()


def _tonnes(kg: float, up: bool = False) -> str:
    """kgCO2 as tCO2 text: one decimal from 100 t, three below (rounded up with ``up``)."""
    nd = 1 if kg >= 1e5 else 3
    t = kg / 1000.0
    if up:
        t = math.ceil(t * 10**nd) / 10**nd
    return f"{t:,.{nd}f}"


def optimise_capped(inputs: Inputs, **options) -> Results:
    """Least cost under ``inputs.emissions_cap_kg`` without shedding more load than supply forces.

    Raises
    ------
    energy.errors.CapError
        No schedule meets the cap while serving the load: names ``emissions.cap_t``,
        the least emissions reachable and the cap asked [tCO2].
    energy.errors.SolveError
        No usable solution for another reason.
    """
    cap = float(inputs.emissions_cap_kg)
    em = EpsilonModel(inputs, **options)
    try:
        u = em.least_unserved_kwh()
        out = em.solve("cost", cap_kg=cap, unserved_kwh=unserved_slack(u))
        if out.has_solution:
            res = em.results(out)
            res.kpis["unserved_unavoidable_mwh"] = u / 1000.0
            return res
        if out.status not in ("infeasible",):
            raise SolveError(f"The capped solve found no usable solution: {out.message}")
        e_min = em.least_emissions_kg(u)
        short = f" (and {u / 1000:,.3f} MWh that no schedule can serve)" if u > 0 else ""
        raise CapError(
            f"emissions.cap_t: a cap of {_tonnes(cap)} tCO2 cannot be met without shedding load{short}; "
            f"the least emissions any schedule reaches are {_tonnes(e_min)} tCO2; expected "
            f"cap_t >= {_tonnes(e_min, up=True)}",
            cap_t=cap / 1000.0, min_t=e_min / 1000.0)
    finally:
        em.dispose()
