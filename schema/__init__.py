"""Composition: subgraph SDLs -> federation v2 supergraph SDL (join spec) and API schema.

The pipeline is ``load_config`` (supergraph.yaml) -> ``collect_sources`` (file, running URL or
in-process Strawberry import) -> ``compose`` -> write; ``check`` adds staleness and breaking
change detection for CI. ``main_compose``/``main_check`` are the ``supergraph compose`` and
``supergraph check`` commands.
"""

from __future__ import annotations

from ._api import api_schema_from_supergraph
from ._check import CheckReport, check
from ._cli import main_check, main_compose
from ._compose import CompositionResult, SubgraphSource, compose
from ._config import SubgraphConfig, SupergraphConfig, load_config
from ._diff import Change, diff_api_schemas
from ._hints import CompositionHint
from ._sources import collect_sources
from .errors import CompositionError, CompositionFailed, ConfigError, SchemaError, SubgraphSourceError

__all__ = [
    "Change",
    "CheckReport",
    "CompositionError",
    "CompositionFailed",
    "CompositionHint",
    "CompositionResult",
    "ConfigError",
    "SchemaError",
    "SubgraphConfig",
    "SubgraphSource",
    "SubgraphSourceError",
    "SupergraphConfig",
    "api_schema_from_supergraph",
    "check",
    "collect_sources",
    "compose",
    "diff_api_schemas",
    "load_config",
    "main_check",
    "main_compose",
]
