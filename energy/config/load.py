"""Reading model files: TOML parsing, scenario overrides, one-line validation messages.

Errors name the file, the key path and what was expected, e.g.::

    models/chancay.toml: battery.energy_kwh: expected a value greater than or equal to 0, found -5

Relative file paths inside a model file are resolved against the folder of the
model file (:meth:`energy.config.schema.Config.resolve`).

Scenarios are partial overrides of the base model::

    [scenarios.pv_heavy]
    description = "Twice the PV"
    pv.warehouse_roofs.capacity_kwp = 12000

Tables merge key by key; any other value (numbers, strings, lists) replaces the
base value. A key that the schema does not know is an error naming it.

Overrides (``--set KEY=VALUE`` on the command line, ``overrides={...}`` in the API)
apply after the scenario, with the same merge and the same validation::

    parse_overrides(["battery.energy_kwh=16000", "horizon.resolution=15min"])
    # {"battery": {"energy_kwh": 16000}, "horizon": {"resolution": "15min"}}
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import tomllib
import types
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from energy.config.schema import Config, scenario_name
from energy.errors import EnergyError, echo

__all__ = [
    "check_depth",
    "config_from_dict",
    "deep_merge",
    "load_config",
    "parse_override",
    "parse_overrides",
    "read_model_file",
    "revalidate",
    "scenario_names",
    "validation_message",
]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

MAX_MODEL_FILE_BYTES = 10_000_000
"""Largest model file read: a model file is a few kB; more is not a model (estimate). [bytes]"""
MAX_DEPTH = 32
"""Deepest nesting of tables and arrays in a model file (the schema needs 7). [-]"""


def _fmt_loc(loc: tuple) -> str:
    """A key path as written in TOML: ``pv.roof.tilt_deg``, ``trucks.windows[0]``, ``a."odd key"``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = str(part) if _BARE_KEY.match(str(part)) else json.dumps(str(part))
            out += ("." if out else "") + echo(key, quote=False)
    return out


def _unwrap(tp: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None`` (a model class when a union has one)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if not models and len(args) > 1:
                return args[0]
            tp = models[0] if models else args[0]
        else:
            return tp


def _known_keys(loc: tuple) -> list[str]:
    """Keys the schema allows in the table holding the key at ``loc`` ([] if unknown)."""
    node: Any = Config
    for part in loc[:-1]:
        node = _unwrap(node)
        origin = typing.get_origin(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(str(part))
            if field is None:
                return []
            node = field.annotation
        elif origin is dict:
            node = typing.get_args(node)[1]
        elif origin is list:
            node = typing.get_args(node)[0]
        else:
            return []
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return [k for k in node.model_fields if k not in ("path", "scenario")]
    return []


def _key_hint(loc: tuple) -> str:
    """'; did you mean ...?' or '; expected one of ...' for an unknown key."""
    known = _known_keys(tuple(loc))
    if not known:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), known, n=2, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "; expected one of " + ", ".join(known)


def _describe(err: dict) -> str:
    raw_loc = tuple(p for p in err["loc"] if p not in ("function-after",))
    typ = err["type"]
    found = err.get("input")
    if len(raw_loc) >= 2 and raw_loc[-1] in ("date", "datetime") and raw_loc[-2] in ("start", "end"):
        return (f"{_fmt_loc(raw_loc[:-1])}: expected a date (2025-01-06) or a local date-time "
                f"(2025-01-06T00:00:00), found {_short_repr(found)}")
    loc = _fmt_loc(raw_loc)
    if typ == "extra_forbidden":
        return f"{loc}: unknown key{_key_hint(err['loc'])}"
    if typ == "missing":
        return f"{loc}: missing required key; expected a value for it"
    if typ in ("too_long", "too_short"):
        ctx = err.get("ctx", {})
        bound = f"at most {ctx.get('max_length')}" if typ == "too_long" else f"at least {ctx.get('min_length')}"
        n = ctx.get("actual_length")
        return f"{loc}: expected {bound} entries, found {'more' if n is None else n}"
    msg = err["msg"]
    msg = msg.removeprefix("Value error, ")
    if typ == "int_parsing_size":
        msg = "expected a whole number of magnitude at most 1e12"
    msg = re.sub(r"^(String|Value) should be ", "expected ", msg)
    if typ in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        msg = "expected a value " + msg.replace("Input should be ", "")
    elif msg.startswith("Input should be "):
        msg = "expected " + msg.removeprefix("Input should be ")
    msg = re.sub(r"a valid dictionary or instance of \w+", "a table", " ".join(msg.split()))
    if "found" in msg or (typ == "value_error" and isinstance(found, dict)):
        return f"{loc}: {msg}" if loc else msg
    found_s = "a table" if isinstance(found, dict) else _short_repr(found)
    return f"{loc}: {msg}, found {found_s}" if loc else f"{msg}, found {found_s}"


def _short_repr(value: Any) -> str:
    """``repr`` of a found value, cut to one short line (:func:`energy.errors.echo`)."""
    return echo(value)


def validation_message(where: str, exc: ValidationError) -> str:
    """One line from a pydantic error: file (and scenario), key paths, expectations.

    Unknown keys come first (a typo also makes its intended key "missing").
    """
    errs = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    # a typo makes its intended key "missing" too: say it once, as "did you mean"
    meant = set()
    for e in errs:
        if e["type"] == "extra_forbidden":
            loc = tuple(e["loc"])
            for key in difflib.get_close_matches(str(loc[-1]), _known_keys(loc), n=1, cutoff=0.6):
                meant.add((*loc[:-1], key))
    errs = [e for e in errs if not (e["type"] == "missing" and tuple(e["loc"]) in meant)]
    parts = list(dict.fromkeys(_describe(e) for e in errs))  # union branches may repeat a message
    more = f" (and {len(parts) - 3} more)" if len(parts) > 3 else ""
    parts = parts[:3]
    return f"{where}: " + "; ".join(parts) + more


def deep_merge(base: dict, override: dict) -> dict:
    """Merge ``override`` into a copy of ``base``: tables merge, other values replace."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def parse_override(item: str) -> dict:
    """One ``KEY=VALUE`` as a nested dict: a dotted TOML key, a TOML literal value.

    A value that is not a TOML literal (``15min``, ``E-82/2300``) is taken as a
    string, so quotes are needed only to force a string (``'"2025"'``).

    Raises
    ------
    EnergyError
        No ``=``, an empty or malformed key, or a key under ``scenarios``.
    """
    key, sep, value = item.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key:
        raise EnergyError(f"--set {item!r}: expected KEY=VALUE with a dotted key as in the model "
                          "file, e.g. battery.energy_kwh=16000")
    for text in (f"{key} = {value}", f"{key} = {json.dumps(value)}"):
        try:
            parsed = tomllib.loads(text)
            break
        except tomllib.TOMLDecodeError:
            continue
    else:
        raise EnergyError(f"--set {item!r}: {key!r} is not a dotted key as in the model file; "
                          "expected e.g. pv.roof.capacity_kwp")
    if "scenarios" in parsed:
        raise EnergyError(f"--set {item!r}: overrides cannot change scenarios; expected --scenario NAME "
                          "and keys of the model itself")
    return parsed


def parse_overrides(items: list[str] | tuple[str, ...] | None) -> dict:
    """Several ``KEY=VALUE`` (:func:`parse_override`) merged; a later one wins."""
    out: dict = {}
    for item in items or ():
        out = deep_merge(out, parse_override(item))
    return out


def read_model_file(path: str | Path) -> dict:
    """Parse a TOML model file into a dict; errors name the file and line.

    A file over :data:`MAX_MODEL_FILE_BYTES` or nested deeper than :data:`MAX_DEPTH` is
    refused before or after parsing (Python's TOML parser recurses into nested arrays).
    """
    path = Path(path)
    if path.is_dir():
        raise EnergyError(f"{path}: is a folder; expected a TOML model file")
    if not path.is_file():
        raise EnergyError(f"{path}: model file not found")
    try:
        size = path.stat().st_size
        if size > MAX_MODEL_FILE_BYTES:
            raise EnergyError(f"{path}: {size:,} bytes; expected a model file of at most "
                              f"{MAX_MODEL_FILE_BYTES:,} bytes (a model file is a few kB)")
        # utf-8-sig: Windows editors often save a byte-order mark, which TOML itself refuses
        raw = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise EnergyError(f"{path}: not valid TOML: {echo(str(exc), 200, quote=False)}; expected TOML syntax "
                          "(key = value, [table], \"quoted strings\")") from None
    except RecursionError:
        raise EnergyError(f"{path}: nested too deeply to read; expected tables and arrays nested at most "
                          f"{MAX_DEPTH} deep") from None
    except UnicodeDecodeError as exc:
        raise EnergyError(f"{path}: not valid TOML: expected UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise EnergyError(f"{path}: cannot be read ({exc.strerror or exc}); expected a readable model file") from None
    check_depth(raw, str(path))
    return raw


def check_depth(data: Any, where: str, limit: int = MAX_DEPTH) -> None:
    """Refuse tables/arrays nested deeper than ``limit`` (walked without recursion)."""
    stack = [(data, 0, ())]
    while stack:
        node, depth, loc = stack.pop()
        if depth > limit:
            raise EnergyError(f"{where}: {_fmt_loc(loc[:4])}...: nested {depth} deep; expected tables and "
                              f"arrays nested at most {limit} deep")
        if isinstance(node, dict):
            stack.extend((v, depth + 1, (*loc, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, depth + 1, (*loc, i)) for i, v in enumerate(node))


def scenario_names(raw: dict) -> list[str]:
    """Names of the scenarios a parsed model file defines (base excluded)."""
    scen = raw.get("scenarios", {})
    return list(scen) if isinstance(scen, dict) else []


def load_config(path: str | Path, scenario: str | None = None, overrides: dict | None = None) -> Config:
    """Read, merge the scenario's overrides into, and validate a model file.

    Parameters
    ----------
    path : str or Path
        The TOML model file.
    scenario : str, optional
        Name of a scenario under ``[scenarios]``; None or ``"base"`` for the base.
    overrides : dict, optional
        Nested overrides applied after the scenario's (e.g. from ``--set`` or
        horizon options: ``{"horizon": {"resolution": "15min"}}``), validated
        like the file; an error in them names them (``overrides (--set)``).

    Returns
    -------
    Config
        The validated model with every default filled in.

    Examples
    --------
    >>> cfg = load_config("models/chancay.toml", "pv_wind")          # doctest: +SKIP
    >>> cfg.battery.energy_kwh                                      # doctest: +SKIP

    Raises
    ------
    EnergyError
        On a missing or unparsable file, an unknown scenario, or any invalid field.
    """
    path = Path(path)
    raw = read_model_file(path)
    return config_from_dict(raw, path=path, scenario=scenario, overrides=overrides)


def config_from_dict(raw: dict, *, path: Path | None = None, scenario: str | None = None,
                     overrides: dict | None = None) -> Config:
    """Validate a parsed model (see :func:`load_config`)."""
    where = str(path) if path is not None else "<model>"
    if not isinstance(raw, dict):
        raise EnergyError(f"{where}: expected the model as a table (dict), found {echo(raw)}")
    check_depth(raw, where)
    if overrides:
        check_depth(overrides, f"{where}: overrides")
    scenarios = raw.get("scenarios", {})
    if not isinstance(scenarios, dict) or any(not isinstance(v, dict) for v in scenarios.values()):
        raise EnergyError(f"{where}: scenarios: expected tables [scenarios.NAME], found {echo(scenarios)}")
    data = raw
    name = scenario or "base"
    if name != "base":
        try:
            scenario_name(name)
        except ValueError as exc:
            raise EnergyError(f"{where}: scenario: {exc}") from None
        if name not in scenarios:
            known = ", ".join(["base", *(echo(n, quote=False) for n in scenarios)])
            raise EnergyError(f"{where}: unknown scenario {echo(name)}; the file defines: {echo(known, 300, quote=False)}")
        override = {k: v for k, v in scenarios[name].items() if k != "description"}
        if "scenarios" in override:
            raise EnergyError(f"{where}: scenarios.{name}.scenarios: a scenario cannot define scenarios")
        data = deep_merge(raw, override)
        where = f"{where}: scenario {echo(name)}"
    if overrides:
        if not isinstance(overrides, dict) or "scenarios" in overrides:
            raise EnergyError(f"{where}: overrides: expected a table of model keys (not scenarios), "
                              f"found {_short_repr(overrides)}")
        base = data
        data = deep_merge(data, overrides)
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        if overrides and _valid(base):
            where = f"{where}: overrides (--set)"
        raise EnergyError(validation_message(where, exc)) from None
    cfg.path = path
    cfg.scenario = name
    return cfg


def _valid(data: dict) -> bool:
    """Whether ``data`` validates (to tell an override's error from the file's own)."""
    try:
        Config.model_validate(data)
    except ValidationError:
        return False
    return True


def revalidate(cfg: Config, overrides: dict | None = None) -> Config:
    """Validate a :class:`Config` again, whole (a Python user may have changed it in place).

    Field assignments are validated as they happen (``validate_assignment``); this also
    catches what assignment cannot see: items put into its dicts and lists
    (``cfg.pv["roof"] = {...}``) and fields that only together break a rule.
    """
    if not isinstance(cfg, Config):
        raise EnergyError(f"config: expected an energy.config.Config (from load_config), found {echo(cfg)}")
    try:
        out = Config.model_validate(deep_merge(cfg.model_dump(warnings=False), overrides or {}))
        out.path, out.scenario = cfg.path, cfg.scenario
    except ValidationError as exc:
        raise EnergyError(validation_message(cfg.where, exc)) from None
    return out
