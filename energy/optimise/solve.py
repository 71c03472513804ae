"""Solve the dispatch model with HiGHS, straight from memory (no LP files).

Translation path, chosen by measurement (synthetic Chancay year, hourly, from
``benchmarks/bench_dispatch_synthetic.py``: 94k columns, 49k rows, solved as
an LP (``integer_cranes=False``) so that HiGHS itself takes only ~1 s; 2-core
machine, second run in the process, seconds):

=====================================================  =========  =========  =========
path                                                   translate  HiGHS run  load-back
=====================================================  =========  =========  =========
``pyomo.repn.plugins.standard_form`` compiler
-> ``highspy.HighsLp`` arrays -> ``Highs.passModel``   0.44       0.99       0.014
(this module)
``pyomo.contrib.appsi.solvers.highs`` (persistent)     1.19-1.45  1.32 (*)   0.10
``pyomo.contrib.solver.solvers.highs`` (persistent)    1.12-1.48  1.20 (*)   0.10-0.15
=====================================================  =========  =========  =========

(*) includes ~0.2-0.3 s of the interface's own Python around HiGHS's ``run()``.
The persistent interfaces pay off only when one model is changed and re-solved
many times; here a mode-binary round recompiles the whole model (~0.4 s) and
such rounds are rare: they need negative prices, or export paid more than import.

Mode binaries (DESIGN §4 "Solve strategy"): the first solve leaves out the
battery charge/discharge and grid import/export binaries (crane counts stay
integer). That problem is a relaxation of the full MILP, so if no step of its
solution charges and discharges (or imports and exports) at once, above
:data:`~energy.optimise.dispatch.MODE_TOLERANCE_KW`, the solution is optimal (within the
gap) for the full MILP. Otherwise binaries are added on the offending steps only
and the model solved again, until none remain; ``mode_binary_rounds`` counts the
re-solves. Export priced above import in thousands of hours is the costly case:
every such hour needs a binary (a synthetic year with export at 0.07 against
0.063 USD/kWh import took ~2 min per round); a time limit bounds it.

Crane counts (DESIGN §4; issue 14): when they are the only integers (every round
without mode binaries), a round first solves the LP relaxation, whose objective is a
lower bound of the MILP, then fixes each crane count to a whole number that keeps the
pool limits and every job's room for its moves, and re-solves the LP warm from the
relaxation's basis (a few hundred simplex iterations). That solution is feasible for
the MILP; its relative distance to the bound is the gap reported, proven by the
relaxation. Only if it exceeds ``mip_gap`` (or the repair finds no whole counts) does
HiGHS's branch and bound run, started from the repaired solution. On the Chancay year
the relaxation has 674 fractional counts of 7,134; the repaired solution is 0.9 USD
above the bound (gap 4e-7), where HiGHS's MILP stopped 16 USD above it (gap 8e-6) in
2-3 times the time of the LP (its root alone costs that).

HiGHS runs with a fixed random seed, so the same inputs and thread count give
the same results; its banner and log are off unless ``verbose``.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from energy.config import default_of, schema
from energy.inputs import Inputs
from energy.optimise.dispatch import add_mode_binaries, build_model, mode_conflicts
from energy.optimise.pyomo_env import pyo
from energy.progress import SolverState

__all__ = ["DEFAULT_MIP_GAP", "DEFAULT_THREADS", "SolveOutcome", "only_crane_counts", "relax_and_repair",
           "release_counts", "resolve_threads", "solve"]

#: Default relative MIP gap, chosen by measurement. HiGHS stopped at the same
#: solution for every gap from 1e-2 to 1e-4 (achieved gap ~1e-6: its root LP is
#: nearly integral), in seconds for the whole solve:
#:
#: ======================  ====  ====  ====  ====  ===========================
#: gap                     1e-2  5e-3  1e-3  1e-4  0
#: ======================  ====  ====  ====  ====  ===========================
#: synthetic year          1.98  2.04  2.29  2.96  11.1 (3.5 USD better)
#: chancay pv_battery_lg   4.6   5.9   4.3   3.4   >120 (time limit; 2 USD)
#: ======================  ====  ====  ====  ====  ===========================
#:
#: (the second row on a shared, busy machine: the spread is noise.) So 1e-3
#: costs nothing over 5e-3 on realistic inputs, while bounding the loss at
#: 0.1 % (~3 kUSD on a ~3 MUSD year, well inside the input uncertainty) when a
#: model is hard, e.g. export dearer than import, where 5e-3 would stop about
#: twice as early (120-day case: 7.9 s vs 14.7 s) at a 0.3 % incumbent.
#: 0 (proof of optimality) is 5-50x slower for a few USD. Same as the model
#: file's [solver] mip_gap default (read from there).
DEFAULT_MIP_GAP = default_of(schema.Solver, "mip_gap")

#: Fixed random seed, so repeated runs give identical results.
RANDOM_SEED = 0

#: Most re-solves with added mode binaries before giving up (each round adds
#: binaries on every offending step, so a handful is the norm).
MAX_MODE_ROUNDS = 50

_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
}

_threads_in_use: int | None = None

#: HiGHS ``threads`` when none is asked for, chosen by measurement on a shared 2-core
#: machine (Chancay year, hourly, seconds of HiGHS, same solution every time):
#:
#: ===========================================  =================  =================
#: case (machine load)                          threads = 1        threads = 0
#: ===========================================  =================  =================
#: MILP, HiGHS at the root (load 2-4, issue 14)  7-11               11-39
#: LP first + repair (this module; load 10-11)   29, 84             90, 93
#: ===========================================  =================  =================
#:
#: With 0, HiGHS starts a worker per core that competes with its own serial simplex
#: (and with other processes); the simplex, which is nearly all the time here, does
#: not use it. So 1: steadier and never slower on these models. ``--threads N`` and
#: ``[solver] threads`` override it; ``solve(threads=0)`` leaves the choice to HiGHS.
DEFAULT_THREADS = 1


def resolve_threads(threads: int | None) -> int:
    """The HiGHS ``threads`` option a solve runs with: ``threads``, else :data:`DEFAULT_THREADS`."""
    return DEFAULT_THREADS if threads is None else int(threads)


@dataclass
class SolveOutcome:
    """What a solve produced: status, objective, gap, sizes and timings.

    Attributes
    ----------
    status : str
        ``"optimal"`` (within the gap), ``"time_limit"`` (stopped by the time
        limit; check ``has_solution``), ``"infeasible"``, ``"unbounded"`` or ``"error"``.
    has_solution : bool
        A feasible solution is loaded into the model's variables.
    objective_usd : float
        Objective of the loaded solution (NaN without one). [USD]
    mip_gap : float
        Relative gap achieved, |primal - dual bound| / |primal| (0 for a pure LP,
        NaN without a solution). [-]
    build_s : float
        Building the Pyomo model (0 when a model was passed in). [s]
    translate_s : float
        Compiling the Pyomo model to HiGHS arrays, summed over rounds. [s]
    solve_s : float
        HiGHS run time, summed over rounds. [s]
    extract_s : float
        Reading the results out (set by :func:`energy.optimise.extract.extract`). [s]
    mode_binary_rounds : int
        Re-solves that added charge/discharge or import/export binaries.
    n_variables, n_constraints, n_integer : int
        Size of the last model HiGHS saw (columns, rows, integer + binary columns).
    simplex_iterations, mip_nodes : int
        HiGHS's simplex iterations and branch-and-bound nodes, summed over rounds
        (they explain a slow run: 1 node = closed at the root).
    threads : int
        The HiGHS ``threads`` option the solve ran with (0 = HiGHS's choice).
    message : str
        Plain-words account of the outcome.
    """

    status: str
    has_solution: bool
    objective_usd: float = math.nan
    mip_gap: float = math.nan
    build_s: float = 0.0
    translate_s: float = 0.0
    solve_s: float = 0.0
    extract_s: float = 0.0
    mode_binary_rounds: int = 0
    n_variables: int = 0
    n_constraints: int = 0
    n_integer: int = 0
    simplex_iterations: int = 0
    mip_nodes: int = 0
    threads: int = 0
    message: str = ""


@dataclass
class _Compiled:
    highs: highspy.Highs
    columns: list
    rows: list
    n_integer: int
    integer_idx: np.ndarray
    #: Gap proven by :func:`_relax_and_repair` when its repaired solution is loaded, else None.
    proven_gap: float | None = None
    #: Crane-count column bounds before :func:`_relax_and_repair` fixed them (None: not fixed).
    count_bounds: tuple | None = None
    #: HiGHS's basis at the optimum of the last LP relaxation (:func:`_relax_and_repair`).
    relaxed_basis: object | None = None
    #: :func:`_count_rows`, once read.
    count_rows: tuple | None = None


def _compile(m: pyo.ConcreteModel) -> _Compiled:
    """Pyomo model -> a ``highspy.Highs`` holding it (column-wise arrays)."""
    info = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    cols = info.columns
    inf = highspy.kHighsInf
    bounds = np.array([v.bounds for v in cols], dtype=float).reshape(len(cols), 2)
    lower = np.where(np.isnan(bounds[:, 0]), -inf, bounds[:, 0])
    upper = np.where(np.isnan(bounds[:, 1]), inf, bounds[:, 1])
    integer = np.fromiter((v.is_integer() for v in cols), bool, len(cols))
    rhs = np.asarray(info.rhs, dtype=float)
    sense = np.fromiter((r[1] for r in info.rows), np.int8, len(info.rows))
    a = info.A

    lp = highspy.HighsLp()
    lp.num_col_ = len(cols)
    lp.num_row_ = len(rhs)
    lp.col_cost_ = info.c.toarray().ravel() if len(cols) else np.zeros(0)
    lp.offset_ = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.where(sense == 1, -inf, rhs)
    lp.row_upper_ = np.where(sense == -1, inf, rhs)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    lp.a_matrix_.num_col_ = len(cols)
    lp.a_matrix_.num_row_ = len(rhs)
    if integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in integer.tolist()
        ]
    h = _new_highs()
    status = h.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the compiled model (passModel returned an error)")
    return _Compiled(h, cols, [r[0] for r in info.rows], int(integer.sum()),
                     np.flatnonzero(integer).astype(np.int32))


_banner_shown = False


def _new_highs() -> highspy.Highs:
    """A silent ``highspy.Highs``.

    HiGHS prints its banner when the first instance of the process is made,
    before any option can be set; that one construction runs with the C-level
    standard output sent to the null device.
    """
    global _banner_shown
    if _banner_shown:
        h = highspy.Highs()
    else:
        _banner_shown = True
        try:
            sys.stdout.flush()
            saved = os.dup(1)
        except (OSError, ValueError, AttributeError):
            saved = None
        if saved is None:
            h = highspy.Highs()
        else:
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


#: HiGHS's ``mip_feasibility_tolerance`` (its default is 1e-6); see :func:`_configure`.
MIP_INTEGRALITY_TOLERANCE = 1e-9


def _configure(h: highspy.Highs, time_limit_s, mip_gap, threads, verbose) -> None:
    global _threads_in_use
    want = resolve_threads(threads)
    if _threads_in_use is not None and want != _threads_in_use:
        # HiGHS sizes one global thread pool at its first run.
        highspy.Highs.resetGlobalScheduler(True)
    _threads_in_use = want
    h.setOptionValue("output_flag", bool(verbose))
    h.setOptionValue("log_to_console", bool(verbose))
    h.setOptionValue("threads", want)
    h.setOptionValue("random_seed", RANDOM_SEED)
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    # integrality to 1e-9, not HiGHS's 1e-6: a mode binary at 1 - 1e-6 lets its big-M row
    # (export <= M (1 - y)) leak M x 1e-6 kW, a simultaneous import and export that the
    # mode binary exists to rule out (a 40 kW export limit leaked 9e-6 kW)
    h.setOptionValue("mip_feasibility_tolerance", MIP_INTEGRALITY_TOLERANCE)
    if time_limit_s is not None:
        h.setOptionValue("time_limit", max(float(time_limit_s), 0.0))


def _load(c: _Compiled) -> None:
    x = c.highs.getSolution().col_value
    for v, val in zip(c.columns, x, strict=True):
        v.set_value(val, skip_validation=True)


def _clear(m: pyo.ConcreteModel) -> None:
    for var in m.component_data_objects(pyo.Var, descend_into=True):
        var.set_value(None, skip_validation=True)


#: Constraints that can make the model infeasible (unserved load covers the
#: energy balance, so only these "must deliver" rows remain).
_ELASTIC = ("crane_job_moves", "truck_window_energy", "battery_end_soc")


def _diagnose_infeasibility(c: _Compiled, m: pyo.ConcreteModel) -> str:
    """Say which jobs, truck windows or battery end state cannot be met, in plain words.

    Re-solves the compiled model with a shortfall column on every "must deliver"
    row (job moves, truck window energy, battery end SOC) and no other cost, so
    the rows left short are the ones the rest of the model cannot satisfy.
    """
    h = c.highs
    rows = [
        (i, con) for i, con in enumerate(c.rows) if con.parent_component().local_name in _ELASTIC
    ]
    if not rows:
        return "no job, truck window or battery end state is involved; check the inputs"
    n = h.getNumCol()
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    k = len(rows)
    h.addCols(
        k,
        np.ones(k),
        np.zeros(k),
        np.full(k, highspy.kHighsInf),
        k,
        np.arange(k, dtype=np.int32),
        np.array([i for i, _ in rows], dtype=np.int32),
        np.ones(k),
    )
    h.setOptionValue("mip_rel_gap", 1e-2)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return "the diagnostic re-solve did not finish; check crane jobs, truck windows and battery"
    short = h.getSolution().col_value[n:]
    inputs, lay = m.inputs, m.layout
    found = []
    for (_, con), gap in zip(rows, short, strict=True):
        if gap <= 1e-6:
            continue
        name, idx = con.parent_component().local_name, con.index()
        if name == "crane_job_moves":
            job = inputs.crane_jobs[idx]
            size = inputs.crane_pools[job.pool]
            found.append(
                f"crane job '{job.name}' can make only {job.moves - gap:g} of its {job.moves:g} "
                f"moves while overlapping jobs share pool '{job.pool}' ({size} cranes)"
            )
        elif name == "truck_window_energy":
            w = inputs.truck_windows[idx]
            found.append(
                f"truck window '{w.name}' can receive only {w.energy_kwh - gap:g} of its "
                f"{w.energy_kwh:g} kWh from chargers of {inputs.truck_charger_kw:g} kW "
                "shared with overlapping windows"
            )
        elif name == "battery_end_soc" and lay.has_battery:
            found.append(
                f"the battery cannot end the horizon back at battery.soc_initial = "
                f"{inputs.battery.soc_initial:g}; it falls {gap:,.0f} kWh short (grid.import_limit_kw, "
                "battery.charge_power_kw or battery.self_discharge_per_h too tight?)"
            )
    if not found:
        return "check crane jobs, truck windows and the battery end state"
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    return "; ".join(found[:3]) + more


def solve(
    model_or_inputs: pyo.ConcreteModel | Inputs,
    *,
    time_limit_s: float | None = None,
    mip_gap: float | None = DEFAULT_MIP_GAP,
    threads: int | None = None,
    verbose: bool = False,
    progress: Callable[[str], None] | None = None,
    log: Callable[[str], None] | None = None,
    write_model: str | os.PathLike | None = None,
) -> SolveOutcome:
    """Solve the dispatch model with HiGHS, adding mode binaries only where needed.

    Parameters
    ----------
    model_or_inputs : pyomo.core.ConcreteModel or energy.inputs.Inputs
        A model from :func:`energy.optimise.dispatch.build_model`, or inputs to build one
        from (the build is timed in ``build_s``). A passed model gains the mode
        binaries the rounds add, and holds the solution in its variables.
    time_limit_s : float, optional
        Wall-clock budget for all rounds together. [s]
    mip_gap : float
        Relative MIP gap at which HiGHS stops. [-]
    threads : int, optional
        HiGHS threads (default: HiGHS's choice). Results do not depend on it
        for a fixed value; HiGHS's random seed is fixed.
    verbose : bool
        Show HiGHS's log.
    progress : callable or energy.progress.Progress, optional
        Called with a short phase text when a mode-binary round starts; a
        :class:`~energy.progress.Progress` is also given HiGHS's elapsed time, gap and
        best cost while it runs (:meth:`~energy.progress.Progress.solver`).
    log : callable, optional
        Receives HiGHS's log, line by line, over all rounds (``--solver-log``, ``-v``).
    write_model : path, optional
        Write the model HiGHS is given (``Highs.writeModel``: ``.mps`` or ``.lp``) before
        each round, so the last round's model can be solved by HiGHS alone
        (``benchmarks/bench_chancay.py``).

    Returns
    -------
    SolveOutcome
        Never raises for a non-optimal outcome: read ``status`` and ``has_solution``.
    """
    if mip_gap is None:
        mip_gap = DEFAULT_MIP_GAP
    if not (0 <= mip_gap <= 1):
        raise ValueError(f"mip_gap: expected a relative gap in [0, 1], found {mip_gap!r}")
    build_s = 0.0
    if isinstance(model_or_inputs, Inputs):
        t = time.perf_counter()
        m = build_model(model_or_inputs)
        build_s = time.perf_counter() - t
    else:
        m = model_or_inputs
    out = SolveOutcome(status="error", has_solution=False, build_s=build_s,
                       threads=resolve_threads(threads))
    start = time.perf_counter()
    with PauseGC():
        while True:
            remaining = None if time_limit_s is None else time_limit_s - (time.perf_counter() - start)
            c = _run_round(m, out, remaining, mip_gap, threads, verbose, write_model,
                           _Watch(progress, log, out.mode_binary_rounds))
            if not _read_round(c, m, out):
                break
            if hook := getattr(progress, "solver", None):
                hook(SolverState(out.solve_s, out.mip_gap, out.objective_usd), final=True)
            battery, grid = mode_conflicts(m)
            if not (battery or grid):
                out.message = _success_message(out, out.mode_binary_rounds)
                break
            if out.status != "optimal" or out.mode_binary_rounds >= MAX_MODE_ROUNDS:
                out.message = (
                    f"{_success_message(out, out.mode_binary_rounds)} Unresolved: {len(battery)} steps "
                    f"charge and discharge, {len(grid)} steps import and export at once."
                )
                break
            add_mode_binaries(m, battery, grid)
            out.mode_binary_rounds += 1
            if progress:
                progress(f"solve, round {out.mode_binary_rounds + 1}")
    return out


class _Watch:
    """HiGHS's callbacks: solver state to a progress display, log lines to a sink."""

    def __init__(self, progress, log, round_no: int):
        self.hook = getattr(progress, "solver", None)
        self.log = log
        self.round_no = round_no
        self.last = -math.inf

    def attach(self, h: highspy.Highs) -> None:
        if self.hook is not None:
            h.cbMipInterrupt.subscribe(self._mip)
            self.hook(SolverState())  # HiGHS starts: the clock runs from here
        if self.log is not None:
            h.setOptionValue("output_flag", True)
            h.setOptionValue("log_to_console", False)
            h.cbLogging.subscribe(self._log)
            self.log(f"--- HiGHS round {self.round_no} ---\n")

    def _mip(self, e) -> None:
        now = time.perf_counter()
        if now - self.last < 0.2:  # a few updates a second are enough
            return
        self.last = now
        d = e.data_out
        self.hook(SolverState(float(d.running_time), float(d.mip_gap), float(d.mip_primal_bound)))

    def _log(self, e) -> None:
        self.log(e.message)


def _run_round(m: pyo.ConcreteModel, out: SolveOutcome, remaining, mip_gap, threads, verbose,
               write_model=None, watch: _Watch | None = None) -> _Compiled:
    """Compile the model as it stands and run HiGHS on it, timing both into ``out``.

    When the only integers are crane counts, :func:`_relax_and_repair` comes first; the
    MILP runs only if its gap is above ``mip_gap`` (starting from its solution).
    """
    t = time.perf_counter()
    c = _compile(m)
    out.translate_s += time.perf_counter() - t
    if write_model is not None:
        c.highs.writeModel(os.fspath(write_model))
    _configure(c.highs, remaining, mip_gap, threads, verbose)
    if watch is not None:
        watch.attach(c.highs)
    t = time.perf_counter()
    start = _relax_and_repair(c, m, out, mip_gap, remaining) if _only_crane_counts(c, m) else None
    if c.proven_gap is None:
        if start is not None:
            c.highs.setSolution(start)
        c.highs.run()
        _count(c, out)
    out.solve_s += time.perf_counter() - t
    return c


def _only_crane_counts(c: _Compiled, m: pyo.ConcreteModel) -> bool:
    """The integer columns are all crane counts (no mode binaries yet)."""
    if not c.n_integer or not hasattr(m, "crane_working"):
        return False
    counts = m.crane_working
    return all(c.columns[i].parent_component() is counts for i in c.integer_idx.tolist())


def _count(c: _Compiled, out: SolveOutcome) -> None:
    info = c.highs.getInfo()
    out.simplex_iterations += max(int(info.simplex_iteration_count), 0)
    if c.highs.getLp().integrality_:
        out.mip_nodes += max(int(info.mip_node_count), 0)


def _whole_counts(c: _Compiled, m: pyo.ConcreteModel, x: np.ndarray) -> np.ndarray | None:
    """Whole crane counts from the LP's that keep every pool row and every job's capacity.

    Each count is rounded up (the LP's moves stay feasible); a pool row with cranes to
    spare gives them to the jobs with the least spare capacity (sum of rate * count
    over its steps, less its moves); a row then holding more cranes than the pool
    rounds down the counts whose job has the most spare capacity, as long as that job
    keeps room for all its moves. A count sits in exactly one pool
    row (its pool at its step). Returns the counts in ``c.integer_idx`` order, or None
    when some row cannot be rounded so.
    """
    lay = m.layout
    k_of, rows = _count_rows(c, m)
    job, rate = lay.crane_job, lay.crane_rate
    n_up = lay.crane_n_upper[job].astype(float)
    count = n_up.copy()  # uncontested job-steps: their bound
    for i, k in k_of.items():
        count[k] = min(np.ceil(max(x[i], 0.0) - 1e-7), n_up[k])
    moves = np.array([jb.moves for jb in m.inputs.crane_jobs], dtype=float)
    spare = np.bincount(job, weights=rate * count, minlength=len(moves)) - moves
    for ks, size in rows:  # cranes left in the pool: to the jobs with the least spare capacity
        free = int(round(size - sum(count[k] for k in ks)))
        while free > 0:
            k = min((k for k in ks if count[k] < n_up[k]), key=lambda k: spare[job[k]], default=None)
            if k is None:
                break
            count[k] += 1
            spare[job[k]] += rate[k]
            free -= 1
    for ks, size in rows:
        excess = int(round(sum(count[k] for k in ks) - size))
        while excess > 0:
            k = max((k for k in ks if count[k] > 0), key=lambda k: spare[job[k]] - rate[k], default=None)
            if k is None or spare[job[k]] - rate[k] < -1e-6 * max(moves[job[k]], 1.0):
                return None
            count[k] -= 1
            spare[job[k]] -= rate[k]
            excess -= 1
    return np.array([count[k_of[i]] for i in c.integer_idx.tolist()], dtype=float)


def _count_rows(c: _Compiled, m: pyo.ConcreteModel) -> tuple[dict, list]:
    """Column -> job-step of each crane count, and each pool row as (job-steps, pool size).

    Read from the Pyomo model once per compiled model (a front repairs many times).
    """
    if c.count_rows is None:
        col_of = {id(v): i for i, v in enumerate(c.columns)}
        k_of = {col_of[id(v)]: k for k, v in m.crane_working.items()}
        rows = [([k_of[col_of[id(v)]] for v in row.body.linear_vars], float(row.upper))
                for row in m.crane_pool_limit.values()]
        c.count_rows = (k_of, rows)
    return c.count_rows


def _relax_and_repair(c: _Compiled, m, out: SolveOutcome, mip_gap: float, remaining):
    """Solve the LP relaxation (the bound), fix whole crane counts, re-solve warm (a solution).

    Crane counts are the only integers, and the LP relaxation nearly always has whole
    or nearly whole counts (the Chancay year: 674 of 7,134 fractional), so fixing them
    to whole values that keep the pool limits (:func:`_whole_counts`) and re-solving
    the LP from the relaxation's basis gives a feasible MILP solution within a few
    hundred simplex iterations. Its gap to the relaxation's objective is a proven gap
    (the relaxation bounds the MILP from below). If that gap is within ``mip_gap``,
    ``c.proven_gap`` is set and the solution stays loaded; else everything is restored
    and the repaired solution (if any) is returned as the MILP's start.
    """
    t0 = time.perf_counter()
    h = c.highs
    idx = c.integer_idx
    k = len(idx)
    lp = h.getLp()
    lower, upper = np.asarray(lp.col_lower_)[idx], np.asarray(lp.col_upper_)[idx]
    h.changeColsIntegrality(k, idx, np.full(k, highspy.HighsVarType.kContinuous))
    h.run()
    _count(c, out)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        h.changeColsIntegrality(k, idx, np.full(k, highspy.HighsVarType.kInteger))
        if remaining is not None:  # the MILP gets what is left of the budget, not all of it again
            h.setOptionValue("time_limit", max(float(remaining) - (time.perf_counter() - t0), 0.0))
        return None
    bound = float(h.getInfo().objective_function_value)
    c.relaxed_basis = h.getBasis()
    whole = _whole_counts(c, m, np.asarray(h.getSolution().col_value))
    start = None
    if whole is not None:
        h.changeColsBounds(k, idx, whole, whole)
        if remaining is not None:
            h.setOptionValue("time_limit", max(float(remaining) - (time.perf_counter() - t0), 0.0))
        h.run()
        _count(c, out)
    if whole is not None and h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        value = float(h.getInfo().objective_function_value)
        gap = abs(value - bound) / max(abs(value), 1e-9)
        if gap <= mip_gap:
            c.proven_gap = gap
            c.count_bounds = (lower, upper)
            return None
        start = h.getSolution()
    h.changeColsBounds(k, idx, lower, upper)
    h.changeColsIntegrality(k, idx, np.full(k, highspy.HighsVarType.kInteger))
    if remaining is not None:
        h.setOptionValue("time_limit", max(float(remaining) - (time.perf_counter() - t0), 0.0))
    return start


def _read_round(c: _Compiled, m: pyo.ConcreteModel, out: SolveOutcome) -> bool:
    """Record a round's outcome in ``out``; load its solution. False when the rounds must stop.

    A round without a solution ends the rounds: after an earlier solution (a later round
    ran out of time) that one is kept and reported; otherwise the failure is explained
    (for infeasibility, which jobs or windows cannot be met).
    """
    h = c.highs
    info = h.getInfo()
    model_status = h.getModelStatus()
    status = _STATUS.get(model_status, "error")
    has_solution = info.primal_solution_status == 2 and status in ("optimal", "time_limit")
    out.n_variables, out.n_constraints = h.getNumCol(), h.getNumRow()
    out.n_integer = c.n_integer
    if not has_solution:
        if out.mode_binary_rounds and out.has_solution:
            out.status = "time_limit"
            out.message += " The time limit ended the mode-binary rounds."
            return False
        _clear(m)
        out.status, out.has_solution = status, False
        out.objective_usd = out.mip_gap = math.nan
        text = h.modelStatusToString(model_status)
        if status == "infeasible":
            t = time.perf_counter()
            out.message = f"The model is infeasible (HiGHS: {text}): {_diagnose_infeasibility(c, m)}."
            out.solve_s += time.perf_counter() - t
        else:
            out.message = _failure_message(status, text)
        return False
    _load(c)
    out.status, out.has_solution = status, True
    out.objective_usd = float(info.objective_function_value)
    if c.proven_gap is not None:
        out.mip_gap = c.proven_gap
    else:
        out.mip_gap = float(info.mip_gap) if c.n_integer else 0.0
    return True


def _success_message(out: SolveOutcome, rounds: int) -> str:
    what = "optimal" if out.status == "optimal" else "stopped at the time limit"
    extra = f" after {rounds} mode-binary round(s)" if rounds else ""
    return (
        f"Solution {what}{extra}: total cost {out.objective_usd:,.2f} USD, "
        f"relative MIP gap {out.mip_gap:.2e}."
    )


def _failure_message(status: str, highs_text: str) -> str:
    if status == "time_limit":
        return "The time limit was reached before any feasible solution was found."
    if status == "unbounded":
        return f"The model is unbounded (HiGHS: {highs_text}); check prices and limits."
    return f"HiGHS stopped without a usable solution: {highs_text}."


# --------------------------------------------------------------------------- re-solving one compiled model
# Public handles for :mod:`energy.optimise.epsilon`, which compiles a model once and
# re-solves it with other objectives and bounds (the epsilon-constraint front).


def compile_model(m: pyo.ConcreteModel):
    """The model as it stands, compiled into a fresh ``highspy.Highs`` (see :func:`solve`).

    Returns an object with ``highs`` (the ``highspy.Highs``), ``columns`` (Pyomo
    variables in column order), ``rows`` (Pyomo constraints in row order) and ``n_integer``.
    """
    return _compile(m)


def configure_highs(h: highspy.Highs, *, time_limit_s=None, mip_gap=DEFAULT_MIP_GAP, threads=None,
                    verbose=False) -> None:
    """Set the options :func:`solve` uses (threads, seed, gap, time limit, log) on ``h``."""
    _configure(h, time_limit_s, DEFAULT_MIP_GAP if mip_gap is None else mip_gap, threads, verbose)


def highs_status(h: highspy.Highs) -> str:
    """HiGHS's model status in this module's words (``"optimal"``, ``"time_limit"``, ...)."""
    return _STATUS.get(h.getModelStatus(), "error")


def load_solution(compiled) -> None:
    """Copy the compiled model's HiGHS solution into its Pyomo variables."""
    _load(compiled)


def only_crane_counts(compiled, m: pyo.ConcreteModel) -> bool:
    """The compiled model's integer columns are all crane counts (no mode binaries yet)."""
    return _only_crane_counts(compiled, m)


def relax_and_repair(compiled, m: pyo.ConcreteModel, out: SolveOutcome, mip_gap: float,
                     remaining_s: float | None = None, basis=None):
    """The LP-first path of :func:`solve` on a compiled model (crane counts the only integers).

    Solves the LP relaxation (a lower bound), fixes whole crane counts and re-solves warm
    from the relaxation's basis. When the repaired solution is within ``mip_gap`` of the
    bound, ``compiled.proven_gap`` holds that gap, the solution is HiGHS's current one and
    the counts stay fixed until :func:`release_counts`; returns None. Otherwise the model
    is restored to the MILP and the repaired solution (or None) is returned as a start for
    HiGHS's branch and bound. The relaxation starts from ``basis`` if given (e.g. an
    earlier relaxation's, ``compiled.relaxed_basis``, which holds the last one), else from
    the basis HiGHS holds. Simplex iterations go into ``out``.
    """
    compiled.proven_gap = compiled.relaxed_basis = None
    release_counts(compiled)
    if basis is not None:
        compiled.highs.setBasis(basis)
    return _relax_and_repair(compiled, m, out, mip_gap, remaining_s)


def release_counts(compiled) -> None:
    """Undo the fixing of crane counts left by :func:`relax_and_repair` (bounds, integrality)."""
    if compiled.count_bounds is None:
        return
    lower, upper = compiled.count_bounds
    idx = compiled.integer_idx
    k = len(idx)
    compiled.highs.changeColsBounds(k, idx, lower, upper)
    compiled.highs.changeColsIntegrality(k, idx, np.full(k, highspy.HighsVarType.kInteger))
    compiled.count_bounds = None
