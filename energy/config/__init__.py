"""Model files: the schema (:mod:`energy.config.schema`) and reading them (:mod:`energy.config.load`).

The public names of both, so that callers write ``from energy.config import load_config, Config``.
"""

from energy.config.load import (
    config_from_dict,
    deep_merge,
    load_config,
    parse_override,
    parse_overrides,
    read_model_file,
    revalidate,
    scenario_names,
    validation_message,
)
from energy.config.schema import (
    BaseLoad,
    Battery,
    Config,
    Reefers,
    SeriesFile,
    Trucks,
    TruckWindowSpec,
    VesselCallsFile,
    Vessels,
    default_of,
    horizon_bounds,
    updated,
)

__all__ = [
    "BaseLoad",
    "Battery",
    "Config",
    "Reefers",
    "SeriesFile",
    "TruckWindowSpec",
    "Trucks",
    "VesselCallsFile",
    "Vessels",
    "config_from_dict",
    "deep_merge",
    "default_of",
    "horizon_bounds",
    "updated",
    "load_config",
    "parse_override",
    "parse_overrides",
    "read_model_file",
    "revalidate",
    "scenario_names",
    "validation_message",
]
