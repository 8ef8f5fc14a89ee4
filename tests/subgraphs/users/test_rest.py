"""Internal REST ``GET /internal/v1/users/{id}``: service-token protected, never the password hash."""

from __future__ import annotations

from subgraphs.common import SERVICE_TOKEN_HEADER


async def test_get_user_returns_id_email_name_and_role(system_factory) -> None:
    async with system_factory("users") as system, system.client("users") as client:
        response = await client.get("/internal/v1/users/user-1", headers=system.service_headers())
    assert response.status_code == 200
    assert response.json() == {
        "id": "user-1",
        "email": "admin@example.com",
        "name": "Ada Admin",
        "role": "admin",
    }


async def test_get_unknown_user_is_404_with_a_readable_detail(system_factory) -> None:
    async with system_factory("users") as system, system.client("users") as client:
        response = await client.get("/internal/v1/users/user-404", headers=system.service_headers())
    assert response.status_code == 404
    assert response.json() == {"detail": "user 'user-404' not found"}


async def test_get_user_without_or_with_a_wrong_service_token_is_401(system_factory) -> None:
    async with system_factory("users") as system, system.client("users") as client:
        missing = await client.get("/internal/v1/users/user-1")
        wrong = await client.get("/internal/v1/users/user-1", headers={SERVICE_TOKEN_HEADER: "guess"})
    assert (missing.status_code, missing.json()) == (
        401,
        {"detail": f"missing {SERVICE_TOKEN_HEADER} header"},
    )
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "invalid service token"})


async def test_a_user_access_token_does_not_open_the_internal_api(system_factory) -> None:
    async with system_factory("users") as system, system.client("users") as client:
        token = system.token_for("user-1", "admin")
        response = await client.get("/internal/v1/users/user-1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
