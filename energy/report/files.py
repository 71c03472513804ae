"""Report files: atomic writers for CSV and JSON, and the run-folder protocol.

Every file is written to a temporary name in its folder and renamed into place,
so an interrupted run never leaves a half-written file under a final name. A run
folder is assembled in a hidden staging folder beside its target and renamed
into place only when complete; an existing complete run folder is replaced only
when the caller asks for it (``overwrite=True``), and even then the old folder
stays intact until the new one is complete.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from energy.errors import EnergyError, echo

COMPLETE_MARK = "summary.json"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _normal_mode(path: str | Path, directory: bool = False) -> None:
    """Give a temporary file/folder (created private) the user's usual permissions."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def iso_index(index: pd.DatetimeIndex) -> list[str]:
    """ISO 8601 timestamps with a ``+HH:MM`` offset, e.g. ``2025-01-01T00:00:00-05:00``."""
    s = pd.Series(index.strftime("%Y-%m-%dT%H:%M:%S%z"))
    return (s.str[:-2] + ":" + s.str[-2:]).tolist()


def _atomic(path: Path, write, *, binary: bool = False) -> Path:
    """Call ``write(fh)`` on a temporary file beside ``path``, then rename it into place.

    ``fh`` is a UTF-8 text file (no newline translation), or a binary one with
    ``binary=True``. On any failure the temporary file is removed and ``path`` is
    left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _normal_mode(tmp)
        with os.fdopen(fd, **mode) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    """Write text atomically."""
    return _atomic(path, lambda fh: fh.write(text))


def write_bytes(path: Path, data: bytes) -> Path:
    """Write bytes atomically."""
    return _atomic(path, lambda fh: fh.write(data), binary=True)


def series_frame(df: pd.DataFrame, index_label: str = "timestamp") -> pd.DataFrame:
    """A time-indexed frame with an ISO 8601 (with offset) timestamp column first."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == bool:
            out[c] = out[c].astype(int)
    out.insert(0, index_label, iso_index(df.index))
    return out.reset_index(drop=True)


def write_csv(path: Path, df: pd.DataFrame, *, float_format: str | None = "%.6g") -> Path:
    """Write a DataFrame as CSV atomically (no pandas index column)."""
    return _atomic(path, lambda fh: df.to_csv(fh, index=False, float_format=float_format, lineterminator="\n"))


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, Path):
        return str(v)
    return v


def write_json(path: Path, data: dict) -> Path:
    """Write a dict as indented JSON atomically (NaN/inf become null)."""
    return write_text(path, json.dumps(_jsonable(data), indent=2, ensure_ascii=False) + "\n")


#: Subfolders of a run folder that other commands write (``port-energy pareto`` and ``sweep`` write
#: ``<scenario>/pareto/``, ``<scenario>/sweep/``): a folder holding only these (or hidden staging folders) is
#: not an earlier run, and replacing a folder carries them over unchanged.
KEPT_SUBFOLDERS = ("pareto", "sweep", ".sweep-points")


def _own_entries(target: Path) -> list[Path]:
    return [p for p in target.iterdir() if p.name not in KEPT_SUBFOLDERS and not p.name.startswith(".")]
def safe_path(root: str | Path, *parts: str | Path) -> Path:
    """``root / parts``, refused unless it resolves (symbolic links followed) inside ``root``.

    Every path a run writes is made by this function or lies inside one it made (a run
    folder's files have fixed names), so a model or scenario name or a symbolic link never
    puts a file outside the chosen reports folder.
    """
    path = Path(root).joinpath(*parts)
    if not parts or any(str(p) in ("", ".", "..") or Path(p).is_absolute() for p in parts):
        raise EnergyError(f"{path}: expected a name inside the reports folder {root}, found "
                          f"{echo(str(Path(*parts)) if parts else '')}")
    inside(path, root)
    return path


def inside(path: str | Path, root: str | Path) -> None:
    """Refuse ``path`` unless its resolved form lies strictly inside resolved ``root``."""
    real, base = Path(path).resolve(), Path(root).resolve()
    if real == base or not real.is_relative_to(base):
        raise EnergyError(f"{path}: resolves to {echo(str(real), quote=False)}, outside the reports folder "
                          f"{base}; expected every report inside it")


def check_writable(target: Path, overwrite: bool) -> None:
    """Refuse to replace a complete earlier run unless asked, before any work is done."""
    target = Path(target)
    if target.exists() and _own_entries(target) and not overwrite:
        raise EnergyError(
            f"{target}: holds an earlier run; pass --overwrite (overwrite=True) to replace it, "
            "or --out to write elsewhere"
        )


@contextmanager
def staged_folder(target: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a hidden staging folder; on success it replaces ``target`` atomically.

    On an exception (or interruption) the staging folder is removed and
    ``target`` is left exactly as it was.
    """
    target = Path(target)
    check_writable(target, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    _normal_mode(stage, directory=True)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old, kept = None, []
    if target.exists():
        for name in KEPT_SUBFOLDERS:
            if (target / name).is_dir() and not (stage / name).exists():
                os.replace(target / name, stage / name)
                kept.append(name)
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    try:
        os.replace(stage, target)
    except BaseException:
        if old is not None:
            for name in kept:
                os.replace(stage / name, old / name)
            os.replace(old, target)
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
