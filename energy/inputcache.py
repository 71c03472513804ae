"""A content-hashed cache of a run's optimisation inputs (weather, PV, wind, loads, jobs).

Building the inputs of a year (weather synthesis, pvlib PV, windpowerlib wind, loads,
vessel calls, yard jobs, truck windows) and importing pvlib, scipy and windpowerlib for
it take 1-2 s of a run that solves in a few seconds. :func:`cached_inputs` keeps the
built :class:`~energy.inputs.Inputs` in ``<out>/.cache/inputs-<key>.pickle``, inside the
run's output folder (``reports/.cache/`` by default: nothing is written elsewhere), and
reuses it when the key matches; ``--no-cache`` (``run(cache_inputs=False)``) skips it.

The key is a SHA-256 of everything the inputs are made from:

- the validated model (every key, the scenario applied, its ``[solver]`` table included),
- the bytes of every file the model names (weather file, metered load, price and
  emission-factor series, vessel calls), so an edited file is a new key,
- the source of the modules that build the inputs (``energy/*.py`` and ``energy/config/``),
- the versions of Python, numpy, pandas, pvlib and windpowerlib.

A file that cannot be read or unpickled is a miss, never an error: the inputs are
built again and the entry rewritten (atomically: temporary file, then rename). Delete
the folder to clear the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from energy.config import Config
from energy.inputs import Inputs

__all__ = ["CACHE_FOLDER", "cache_key", "cached_inputs"]

#: Cache folder name, inside the output folder (``reports/.cache``).
CACHE_FOLDER = ".cache"

_PACKAGE = Path(__file__).resolve().parent
_VERSIONED = ("numpy", "pandas", "pvlib", "windpowerlib")
_code_digest: str | None = None


def _paths(value) -> list[Path]:
    """Every Path value inside a model dump (nested dicts and lists)."""
    if isinstance(value, Path):
        return [value]
    if isinstance(value, dict):
        return [p for v in value.values() for p in _paths(v)]
    if isinstance(value, list | tuple):
        return [p for v in value for p in _paths(v)]
    return []


def _code() -> str:
    """Digest of the sources that build inputs and of the libraries' versions (once per process)."""
    global _code_digest
    if _code_digest is None:
        h = hashlib.sha256(sys.version.encode())
        for name in _VERSIONED:
            try:
                h.update(f"{name}={metadata.version(name)}".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{name}=none".encode())
        for src in sorted([*_PACKAGE.glob("*.py"), *(_PACKAGE / "config").glob("*.py")]):
            h.update(src.name.encode())
            h.update(src.read_bytes())
        _code_digest = h.hexdigest()
    return _code_digest


def cache_key(cfg: Config) -> str:
    """SHA-256 of the model, the files it names, the input-building code and library versions."""
    h = hashlib.sha256(_code().encode())
    h.update(json.dumps(cfg.model_dump(mode="json"), sort_keys=True, default=str).encode())
    h.update(cfg.scenario.encode())
    for p in _paths(cfg.model_dump()):
        path = cfg.resolve(p)
        h.update(str(path).encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
    return h.hexdigest()


def _read(path: Path) -> Inputs | None:
    try:
        with path.open("rb") as f:
            obj = pickle.load(f)
    except Exception:  # a damaged or foreign entry is a miss
        return None
    return obj if isinstance(obj, Inputs) else None


def _write(path: Path, inputs: Inputs) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(inputs, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk only costs the next run the rebuild
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def cached_inputs(cfg: Config, folder: Path, build) -> tuple[Inputs, bool]:
    """The inputs of ``cfg`` from ``folder`` if cached there, else ``build(cfg)`` (then cached).

    Parameters
    ----------
    cfg : energy.config.Config
    folder : Path
        The cache folder (``<out>/.cache``).
    build : callable
        ``build(cfg) -> Inputs`` on a miss.

    Returns
    -------
    (Inputs, bool)
        The inputs, and whether they came from the cache.
    """
    path = Path(folder) / f"inputs-{cache_key(cfg)}.pickle"
    hit = _read(path) if path.is_file() else None
    if hit is not None:
        return hit, True
    inputs = build(cfg)
    _write(path, inputs)
    return inputs, False
