"""Benchmark: the bundled Chancay model end to end, against HiGHS alone on the identical model.

For each case, four fresh processes, one after the other:

1. **end-to-end**: ``python -m energy run MODEL ... --no-plots --no-economics`` into a
   temporary folder, wall time from process start to exit (imports, inputs, Pyomo
   build, translation, HiGHS, extraction, CSV/JSON writing), and the process's peak
   RSS; twice: ``cold_s`` builds the inputs, ``e2e_s`` (the one the ratios use) is the
   same command again, reading them from ``OUT/.cache`` as any re-run does
   (``--no-economics``: one model, no second business-as-usual solve);
2. **export**: the same inputs and model, solved the same way, with each round's
   model written by HiGHS's ``writeModel`` (``.mps``; the last round's model is what
   the end-to-end run solved last) -- not timed;
3. **raw MILP**: a fresh process that reads that file into a bare ``highspy.Highs``
   and runs it with the same MIP gap, threads and seed; only ``run()`` is timed;
4. **raw LP**: the same file with every integrality dropped (its LP relaxation),
   ``run()`` timed.

It prints per case: end-to-end seconds, the run's own phases, raw MILP and LP seconds,
the ratios end-to-end / raw MILP and end-to-end / raw LP (and ``cold/milp``), the time
spent outside HiGHS's own runs (``outside_s`` = end-to-end - the run's ``solve_s``: Python,
imports, inputs, Pyomo build and translation, extraction, writing) and that time / raw
LP (``outside/lp``: what the ratio to the LP would be with a solver taking no time at
all), peak memory of the
end-to-end process, objective, the raw LP bound and the proven gap
(objective - LP bound) / objective.

    nice -n 10 python benchmarks/bench_chancay.py                # default cases
    nice -n 10 python benchmarks/bench_chancay.py year_1h neg    # cases matching a word
    python benchmarks/bench_chancay.py --threads 1 ...           # HiGHS threads (default: the run's)

Cases: ``week_1h``, ``month_1h``, ``year_1h``, ``month_15min``, ``week_1h_negprice``
(import price -0.02 USD/kWh 10:00-15:00 with export allowed at 0.04 USD/kWh: the
simultaneous import/export case, issue 12 class 6) and ``year_15min`` (only when asked
for by name). The machine's load average is printed with the table: on a shared
machine compare the ratios of one run, not seconds across runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "chancay.toml"

CASES = {
    "week_1h": dict(start="2025-03-03", end="2025-03-10", resolution="1h"),
    "month_1h": dict(start="2025-03-01", end="2025-04-01", resolution="1h"),
    "year_1h": dict(start="2025-01-01", end="2026-01-01", resolution="1h"),
    "month_15min": dict(start="2025-03-01", end="2025-04-01", resolution="15min"),
    "week_1h_negprice": dict(start="2025-03-03", end="2025-03-10", resolution="1h", scenario="negative_prices"),
    "year_15min": dict(start="2025-01-01", end="2026-01-01", resolution="15min"),
}
DEFAULT_CASES = ["week_1h", "month_1h", "year_1h", "month_15min", "week_1h_negprice"]

NEG_SCENARIO = """
[scenarios.negative_prices]
description = "Benchmark: import price -0.02 USD/kWh 10:00-15:00 (else the time-of-use price), export at 0.04 USD/kWh"
grid.export_limit_kw = 10000.0
tariff.export_price_usd_per_kwh = 0.04
tariff.import_price_file = {{ file = "{file}", units = "USD/kWh" }}
"""


def bench_model(folder: Path) -> Path:
    """The bundled model plus the negative-price scenario (its price file written beside it)."""
    import numpy as np
    import pandas as pd

    idx = pd.date_range("2025-01-01", "2026-01-01", freq="15min", tz="America/Lima", inclusive="left")
    price = np.where(idx.hour >= 18, 0.074, 0.063)  # the model's time-of-use tariff (peak 18-23 h)
    price = np.where(idx.hour >= 23, 0.063, price)
    price = np.where((idx.hour >= 10) & (idx.hour < 15), -0.02, price)
    prices = folder / "negative_prices.csv"
    pd.DataFrame({"timestamp": idx.strftime("%Y-%m-%dT%H:%M:%S%z"), "value": price}).to_csv(prices, index=False)
    text = MODEL.read_text().replace('"../profiles/', f'"{ROOT / "profiles"}/')
    path = folder / "chancay_bench.toml"
    path.write_text(text + NEG_SCENARIO.format(file=prices.as_posix()))
    return path


def _cli_args(case: dict, model: Path, out: Path, threads: int | None) -> list[str]:
    args = ["run", str(model), "--start", case["start"], "--end", case["end"],
            "--resolution", case["resolution"], "--no-plots", "--no-economics", "--overwrite",
            "--out", str(out)]
    if case.get("scenario"):
        args += ["--scenario", case["scenario"]]
    if threads is not None:
        args += ["--threads", str(threads)]
    return args


def _end_to_end(case: dict, model: Path, out: Path, threads: int | None) -> dict:
    cmd = [sys.executable, "-m", "energy", *_cli_args(case, model, out, threads)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        raise RuntimeError(f"end-to-end run exited {proc.returncode}: {err.strip()[-2000:]}")
    folder = out / "chancay" / (case.get("scenario") or "base")
    kpis = json.loads((folder / "summary.json").read_text())["kpis"]
    return {"e2e_s": wall, "peak_mb": usage.ru_maxrss / 1024, "kpis": kpis}


def export_case(case_name: str, model: str, path: str, threads: str) -> None:
    """Child process: build and solve the case exactly as ``run`` does, writing each round's model."""
    from energy.build import build_inputs
    from energy.config import load_config
    from energy.optimise.dispatch import build_model
    from energy.optimise.solve import solve
    from energy.runner import horizon_overrides

    case = CASES[case_name]
    cfg = load_config(model, case.get("scenario"),
                      horizon_overrides(case["start"], case["end"], case["resolution"]))
    m = build_model(build_inputs(cfg))
    s = cfg.solver
    out = solve(m, time_limit_s=s.time_limit_s, mip_gap=s.mip_gap,
                threads=None if threads == "none" else int(threads), write_model=path)
    print(json.dumps({"mip_gap_option": s.mip_gap, "rounds": out.mode_binary_rounds,
                      "time_limit_s": s.time_limit_s}))


def raw_solve(path: str, relax: str, gap: str, threads: str, time_limit: str) -> None:
    """Child process: HiGHS alone on a written model (``relax`` = "1": its LP relaxation)."""
    import highspy

    from energy.optimise.solve import RANDOM_SEED, resolve_threads

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(path)
    n = h.getNumCol()
    if relax == "1":
        import numpy as np

        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                np.full(n, highspy.HighsVarType.kContinuous))
    h.setOptionValue("threads", resolve_threads(None if threads == "none" else int(threads)))
    h.setOptionValue("random_seed", RANDOM_SEED)
    h.setOptionValue("mip_rel_gap", float(gap))
    if time_limit != "none":
        h.setOptionValue("time_limit", float(time_limit))
    t0 = time.perf_counter()
    h.run()
    wall = time.perf_counter() - t0
    info = h.getInfo()
    print(json.dumps({"s": wall, "objective": info.objective_function_value,
                      "status": h.modelStatusToString(h.getModelStatus()),
                      "nodes": int(info.mip_node_count), "iterations": int(info.simplex_iteration_count),
                      "dual_bound": info.mip_dual_bound if relax != "1" else info.objective_function_value}))


def _child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"{args[0]} failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_case(name: str, model: Path, tmp: Path, threads: int | None) -> dict:
    case = CASES[name]
    th = "none" if threads is None else str(threads)
    e2e = _end_to_end(case, model, tmp / f"out_{name}", threads)  # cold: builds the inputs
    warm = _end_to_end(case, model, tmp / f"out_{name}", threads)  # inputs from OUT/.cache
    k = warm["kpis"]
    mps = tmp / f"{name}.mps"
    exp = _child("--export", name, str(model), str(mps), th)
    limit = "none" if exp["time_limit_s"] is None else str(exp["time_limit_s"])
    milp = _child("--raw", str(mps), "0", str(exp["mip_gap_option"]), th, limit)
    lp = _child("--raw", str(mps), "1", str(exp["mip_gap_option"]), th, limit)
    obj = k["objective_usd"]
    return {
        "case": name, "cols": k["n_variables"],
        "ints": k["n_integer"], "rows": k["n_constraints"],
        "cold_s": e2e["e2e_s"], "e2e_s": warm["e2e_s"], "inputs_s": k.get("inputs_s"), "build_s": k["build_s"],
        "transl_s": k["translate_s"], "solve_s": k["solve_s"], "extract_s": k["extract_s"],
        "raw_milp_s": milp["s"], "raw_lp_s": lp["s"],
        "e2e/milp": warm["e2e_s"] / milp["s"], "e2e/lp": warm["e2e_s"] / lp["s"],
        "cold/milp": e2e["e2e_s"] / milp["s"], "outside_s": warm["e2e_s"] - k["solve_s"],
        "outside/lp": (warm["e2e_s"] - k["solve_s"]) / lp["s"],
        "peak_mb": max(e2e["peak_mb"], warm["peak_mb"]), "status": k["status"], "rounds": k["mode_binary_rounds"],
        "nodes": k.get("mip_nodes"), "iters": k.get("simplex_iterations"),
        "raw_nodes": milp["nodes"], "objective": obj, "raw_obj": milp["objective"],
        "lp_bound": lp["objective"], "proven_gap": (obj - lp["objective"]) / abs(obj) if obj else 0.0,
        "mip_gap": k["mip_gap"],
    }


COLUMNS = ["case", "cols", "ints", "rows", "cold_s", "e2e_s", "inputs_s", "build_s", "transl_s", "solve_s",
           "extract_s", "raw_milp_s", "raw_lp_s", "e2e/milp", "e2e/lp", "cold/milp", "outside_s", "outside/lp", "peak_mb", "status", "rounds",
           "nodes", "iters", "raw_nodes", "objective", "raw_obj", "lp_bound", "proven_gap", "mip_gap"]


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--export"]:
        export_case(*argv[1:5])
        return
    if argv[:1] == ["--raw"]:
        raw_solve(*argv[1:6])
        return
    threads = None
    if argv[:1] == ["--threads"]:
        threads, argv = int(argv[1]), argv[2:]
    names = [n for n in CASES if any(a in n for a in argv)] if argv else DEFAULT_CASES
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_chancay_") as d:
        tmp = Path(d)
        model = bench_model(tmp)
        for n in names:
            try:
                rows.append(bench_case(n, model, tmp, threads))
            except RuntimeError as exc:
                print(f"{n}: {exc}", file=sys.stderr)
            print(f"  {n} done; load {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"threads option: {'run default' if threads is None else threads}")
    table = [[_cell(r.get(c)) for c in COLUMNS] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) if table else len(c) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.rjust(w) for c, w in zip(COLUMNS, widths, strict=True)))
    for t in table:
        print("  ".join(x.rjust(w) for x, w in zip(t, widths, strict=True)))


if __name__ == "__main__":
    main(sys.argv[1:])
