"""REST of the users subgraph: the public JWKS, and internal routes (service-token protected), e.g.
for notifications' emails."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import get_session, require_service_token

from .models import users_by_ids

__all__ = ["router"]

internal = APIRouter(prefix="/internal/v1", dependencies=[Depends(require_service_token)], tags=["internal"])


class UserOut(BaseModel):
    """A user as other services see it: includes the email (they are trusted), never the hash."""

    id: str
    email: str
    name: str
    role: str


@internal.get("/users/{user_id}")
async def get_user(user_id: str, session: Annotated[AsyncSession, Depends(get_session)]) -> UserOut:
    row = (await users_by_ids(session, [user_id])).get(user_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"user {user_id!r} not found")
    return UserOut(id=row.id, email=row.email, name=row.name, role=row.role)


router = APIRouter()


@router.get("/.well-known/jwks.json", tags=["auth"])
async def jwks(request: Request) -> JSONResponse:
    """The public keys access tokens are signed with (RFC 7517), for the router to verify them.

    Public by design (only public keys); cached briefly so a rotation is picked up within minutes,
    and the router refetches at once when it meets an unknown ``kid``. Empty under HS256.
    """
    body: dict[str, Any] = request.app.state.tokens.jwks()
    return JSONResponse(body, headers={"Cache-Control": "public, max-age=300"})


# After ``internal``'s routes exist: include_router copies them.
router.include_router(internal)
