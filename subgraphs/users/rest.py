"""Internal REST of the users subgraph (service-token protected), e.g. for notifications' emails."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import require_service_token
from subgraphs.common.context import get_session

from .models import users_by_ids

__all__ = ["router"]

router = APIRouter(prefix="/internal/v1", dependencies=[Depends(require_service_token)], tags=["internal"])


class UserOut(BaseModel):
    """A user as other services see it: includes the email (they are trusted), never the hash."""

    id: str
    email: str
    name: str
    role: str


@router.get("/users/{user_id}")
async def get_user(user_id: str, session: Annotated[AsyncSession, Depends(get_session)]) -> UserOut:
    row = (await users_by_ids(session, [user_id])).get(user_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"user {user_id!r} not found")
    return UserOut(id=row.id, email=row.email, name=row.name, role=row.role)
