"""The house rules of energy/ (DESIGN §2), read from the source with ast.

No import circle; no private (``_name``) import across modules; Pyomo and HiGHS
imported only under ``energy/optimise/``; the check command's path loads no solver.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "energy"


def _modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = p.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _imports(name: str, path: Path):
    """(module imported, names imported from it) for every import statement of a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            yield mod, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def test_no_private_name_is_imported_across_modules():
    bad = [f"{name} imports {mod}.{n}" for name, path in _modules().items()
           for mod, names in _imports(name, path) if mod.startswith("energy")
           for n in names if n.startswith("_") and not n.startswith("__")]
    assert not bad, bad


def test_pyomo_and_highspy_only_under_optimise():
    bad = [f"{name} imports {mod}" for name, path in _modules().items()
           for mod, _ in _imports(name, path)
           if mod.split(".")[0] in ("pyomo", "highspy") and not name.startswith("energy.optimise")]
    assert not bad, bad


def test_no_import_circle():
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for mod, names in _imports(name, path):
            for target in [f"{mod}.{n}" for n in names] + [mod]:
                if target in mods and target != name and not target.startswith(name + "."):
                    graph[name].add(target)
                    break
    # a package's __init__ importing its own submodules is not a circle
    for name in graph:
        graph[name] = {t for t in graph[name] if not (mods[t].name == "__init__.py" and name.startswith(t + "."))}
    state: dict[str, int] = {}
    cycles = []

    def visit(u, stack):
        state[u] = 1
        for v in sorted(graph[u]):
            if state.get(v) == 1:
                cycles.append(stack[stack.index(v):] + [v])
            elif not state.get(v):
                visit(v, [*stack, v])
        state[u] = 2

    for u in sorted(graph):
        if not state.get(u):
            visit(u, [u])
    assert not cycles, cycles


def test_check_path_and_package_import_load_no_solver():
    code = ("import sys, energy, energy.runner, energy.cli, energy.optimise.checks; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyomo', 'highspy', 'matplotlib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout


def test_public_api_has_numpydoc_docstrings():
    """Issue 13: the notebook API documents its parameters, returns and an example."""
    import inspect

    import energy
    from energy.runner import RunResult

    for name in ("run", "compare", "check", "profiles", "rebuild_report", "load_config"):
        doc = inspect.getdoc(getattr(energy, name)) or ""
        assert "Parameters\n----------" in doc and "Returns\n-------" in doc, name
    assert "write=False" in inspect.getdoc(energy.run)
    assert "Examples\n--------" in inspect.getdoc(energy.run)
    for method in ("monthly", "energy_balance", "calls"):
        assert inspect.getdoc(getattr(RunResult, method)), method
