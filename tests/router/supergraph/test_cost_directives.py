"""``@cost``/``@listSize`` in a supergraph (cost spec v0.1) are read into the model, whether a composer
applies them under the cost spec's ``@link`` (ours, The Guild's) or through ``@join__directive``."""

from __future__ import annotations

from router.supergraph import ListSize, load_supergraph

from ..cost_testkit import supergraph, supergraph_sdl


def test_composed_cost_and_list_size_reach_the_model() -> None:
    loaded = supergraph()
    query = loaded.types["Query"]
    assert query.fields["products"].list_size == ListSize(assumed_size=20, slicing_arguments=("first",))
    assert query.fields["catalog"].list_size == ListSize(
        slicing_arguments=("first", "last"), sized_fields=("edges",), require_one_slicing_argument=False
    )
    assert query.fields["expensive"].cost == 50
    assert dict(loaded.types["Mutation"].fields["addProduct"].argument_costs) == {"name": 3}
    assert loaded.types["Filter"].fields["category"].cost == 4
    assert loaded.types["Money"].cost == 3
    assert loaded.types["Currency"].cost == 2
    assert loaded.types["Product"].cost is None
    assert loaded.types["Product"].fields["reviews"].list_size == ListSize(assumed_size=5)


def test_cost_directives_stay_out_of_the_api_schema() -> None:
    assert "@cost" in supergraph_sdl()
    assert supergraph().api_schema.get_directive("cost") is None
    assert supergraph().api_schema.get_directive("listSize") is None


def test_renamed_cost_directives_are_found_through_the_link() -> None:
    sdl = supergraph_sdl().replace(
        '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])',
        '@link(url: "https://specs.apollo.dev/cost/v0.1", as: "price", import: [{ name: "@listSize", as: "@size" }])',
    )
    sdl = sdl.replace("@cost(", "@price(").replace("@listSize(", "@size(")
    sdl = sdl.replace("directive @cost", "directive @price").replace("directive @listSize", "directive @size")
    loaded = load_supergraph(sdl)
    assert loaded.types["Query"].fields["expensive"].cost == 50
    assert loaded.types["Query"].fields["products"].list_size == ListSize(
        assumed_size=20, slicing_arguments=("first",)
    )


def test_join_directive_applications_are_read_too() -> None:
    sdl = supergraph_sdl().replace(
        "expensive: Int @join__field(graph: PRODUCTS) @cost(weight: 50)",
        'expensive: Int @join__field(graph: PRODUCTS) @join__directive(graphs: [PRODUCTS], name: "cost",'
        " args: {weight: 70})",
    )
    sdl = sdl.replace(
        "directive @join__graph(",
        "directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments)"
        " repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION\n\nscalar join__DirectiveArguments\n\n"
        "directive @join__graph(",
    )
    assert "join__directive(graphs" in sdl
    assert load_supergraph(sdl).types["Query"].fields["expensive"].cost == 70
