"""``subgraphs.common`` resolves its API lazily (PEP 562); every exported name must still resolve."""

from __future__ import annotations

import pytest

import subgraphs.common as common


def test_every_name_in_all_resolves_to_the_object_of_its_module() -> None:
    for name in common.__all__:
        value = getattr(common, name)
        module = common._MODULE_OF[name]
        assert value is getattr(getattr(common, module), name)


def test_all_is_exactly_the_lazily_exported_names() -> None:
    assert sorted(common.__all__) == sorted(common._MODULE_OF)
    assert set(common.__all__) <= set(dir(common))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        _ = common.NoSuchThing  # type: ignore[attr-defined]
