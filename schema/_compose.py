"""The composition pipeline: subgraph SDLs -> validated subgraphs -> merged model -> supergraph SDL.

``compose`` reads top to bottom as the pipeline: parse and validate each subgraph, run the
subgraph rules, merge, run the supergraph rules, check satisfiability, print. Every stage
collects errors instead of raising, so one run reports every problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._config import federation_minor
from ._hints import CompositionHint, collect_hints
from ._merge import Supergraph, merge
from ._model import Subgraph
from ._print import print_api_schema, print_supergraph
from ._subgraph import parse_subgraph
from .errors import CompositionError, CompositionFailed
from .rules import SUBGRAPH_RULES, SUPERGRAPH_RULES, check_satisfiability

__all__ = ["CompositionResult", "SubgraphSource", "compose"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphSource:
    """One subgraph to compose: its name, routing URL and SDL text."""

    name: str
    url: str
    sdl: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositionResult:
    """What composition produced: the SDLs on success, the errors otherwise (never both).

    ``hints`` come with a success: things that composed but are likely unintended (never fatal).
    """

    supergraph_sdl: str | None = None
    api_schema_sdl: str | None = None
    errors: tuple[CompositionError, ...] = ()
    hints: tuple[CompositionHint, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> CompositionResult:
        """Return ``self`` when composition succeeded, else raise :class:`CompositionFailed`."""
        if self.errors:
            raise CompositionFailed(self.errors)
        return self


def compose(
    subgraphs: Sequence[SubgraphSource],
    *,
    assume_federation_version: str | None = None,
    federation_version: str | None = None,
) -> CompositionResult:
    """Compose ``subgraphs`` into a federation v2 supergraph (join spec) and its API schema.

    ``assume_federation_version`` (e.g. ``"2.7"``) composes subgraphs that lack a federation
    ``@link`` as federation 2 with every directive imported (handy for hand-written test
    fixtures); without it they are federation 1 subgraphs, as the spec says.

    ``federation_version`` is ``supergraph.yaml``'s (``=2.3.0``, ``2``): a subgraph linking a newer
    federation version than it allows is refused (``UNKNOWN_FEDERATION_LINK_VERSION``), as a
    composer of that version would not know the link; a malformed or federation 1 value raises
    :class:`~schema.errors.ConfigError`.
    """
    max_minor = federation_minor(federation_version) if federation_version is not None else None
    errors: list[CompositionError] = []
    if not subgraphs:
        return CompositionResult(
            errors=(CompositionError(code="NO_SUBGRAPHS", message="No subgraphs to compose."),)
        )
    names = [s.name for s in subgraphs]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(
            CompositionError(
                code="DUPLICATE_SUBGRAPH_NAME", message=f"Subgraph {name!r} is listed twice.", subgraph=name
            )
        )
    parsed: list[Subgraph] = []
    for source in sorted(subgraphs, key=lambda s: s.name):
        subgraph, subgraph_errors = parse_subgraph(
            source.name, source.url, source.sdl, assume_federation_version=assume_federation_version
        )
        errors += subgraph_errors
        if subgraph is not None:
            errors += _newer_than_configured(subgraph, max_minor, federation_version)
            parsed.append(subgraph)
    if errors:
        return _failed(errors)

    for subgraph in parsed:
        for subgraph_rule in SUBGRAPH_RULES:
            errors += subgraph_rule(subgraph)
    if errors:
        return _failed(errors)

    supergraph = merge(parsed)
    for supergraph_rule in SUPERGRAPH_RULES:
        errors += supergraph_rule(supergraph)
    if errors:
        return _failed(errors)
    errors += check_satisfiability(supergraph)
    if errors:
        return _failed(errors)
    return _printed(supergraph)


def _newer_than_configured(
    subgraph: Subgraph, max_minor: int | None, configured: str | None
) -> list[CompositionError]:
    major, _, minor = subgraph.federation_version.partition(".")
    if max_minor is None or major != "2" or int(minor) <= max_minor:
        return []
    return [
        CompositionError(
            code="UNKNOWN_FEDERATION_LINK_VERSION",
            message=(
                f"[{subgraph.name}] the subgraph links federation v{subgraph.federation_version}, newer than"
                f" federation_version {configured!r} of supergraph.yaml (at most v2.{max_minor}): raise"
                " federation_version or link an older federation version in the subgraph."
            ),
            subgraph=subgraph.name,
            coordinate="@link",
        )
    ]


def _failed(errors: list[CompositionError]) -> CompositionResult:
    unique = list(dict.fromkeys(errors))
    return CompositionResult(errors=tuple(unique))


def _printed(supergraph: Supergraph) -> CompositionResult:
    definitions: dict[str, str] = {}
    links: dict[str, str] = {}
    for subgraph in supergraph.subgraphs.values():
        for name in subgraph.composed_directives:
            definition = subgraph.directive_definitions.get(name)
            if definition is not None:
                definitions.setdefault(name, definition.printed)
            for link in subgraph.links:
                if f"@{name}" in link.imports:
                    links.setdefault(link.url, f'@link(url: "{link.url}", import: ["@{name}"])')
    definitions.update(_executable_directives(supergraph))
    composed = [definitions[name] for name in sorted(definitions)]
    return CompositionResult(
        supergraph_sdl=print_supergraph(
            supergraph, composed_directives=composed, links=[links[u] for u in sorted(links)]
        ),
        api_schema_sdl=print_api_schema(supergraph, composed_directives=composed),
        hints=tuple(collect_hints(supergraph)),
    )


_EXECUTABLE_LOCATIONS = frozenset(
    {
        "QUERY",
        "MUTATION",
        "SUBSCRIPTION",
        "FIELD",
        "FRAGMENT_DEFINITION",
        "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION",
    }
)


def _executable_directives(supergraph: Supergraph) -> dict[str, str]:
    """Executable directives every subgraph defines alike, on the locations all of them allow.

    Federation keeps these so clients may send them (the router forwards them); a directive one
    subgraph would not understand is dropped instead of being sent to it.
    """
    subgraphs = list(supergraph.subgraphs.values())
    kept: dict[str, str] = {}
    names = set.intersection(*(set(s.directive_definitions) for s in subgraphs)) if subgraphs else set()
    for name in sorted(names):
        definitions = [s.directive_definitions[name] for s in subgraphs]
        first = definitions[0]
        if any(
            {k: (a.type, a.default) for k, a in d.args.items()}
            != {k: (a.type, a.default) for k, a in first.args.items()}
            for d in definitions
        ):
            continue
        locations = [
            loc
            for loc in first.locations
            if loc in _EXECUTABLE_LOCATIONS and all(loc in d.locations for d in definitions)
        ]
        if not locations or name in {n for s in subgraphs for n in s.composed_directives}:
            continue
        args = ", ".join(
            f"{a.name}: {a.type}" + (f" = {a.default}" if a.default is not None else "")
            for a in first.args.values()
        )
        repeatable = " repeatable" if all(d.repeatable for d in definitions) else ""
        kept[name] = f"directive @{name}{f'({args})' if args else ''}{repeatable} on {' | '.join(locations)}"
    return kept
