"""Routes for admins: list, create, disable and reset staff accounts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, status

from bridge.accounts import passwords, repository, service
from bridge.accounts.schemas import StaffChange, StaffIn, UserOut
from bridge.api.deps import CurrentAdmin, DbConn

router = APIRouter(prefix="/api/admin/users")


@router.get("")
def list_staff(_: CurrentAdmin, conn: DbConn) -> list[UserOut]:
    """Every supporter and admin, disabled ones included."""
    return [UserOut.of(user) for user in repository.list_staff(conn, include_disabled=True)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_staff(body: StaffIn, _: CurrentAdmin, conn: DbConn) -> UserOut:
    """Create a supporter or admin."""
    user = service.create_staff(
        conn,
        email=body.email,
        role=body.role,
        password=body.password,
        username=body.username,
        display_name=body.display_name,
    )
    return UserOut.of(user)


@router.patch("/{user_id}")
def change_staff(
    user_id: uuid.UUID, body: StaffChange, admin: CurrentAdmin, conn: DbConn
) -> UserOut:
    """Disable, enable or reset the password of a staff account; its sessions end."""
    user = repository.get(conn, user_id)
    if user is None or not user.is_staff:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such staff account")
    if body.disabled and user.id == admin.id:
        raise HTTPException(status.HTTP_409_CONFLICT, "admins cannot disable themselves")
    changes: dict[str, object] = {}
    if body.disabled is not None:
        changes["disabled"] = body.disabled
    if body.password is not None:
        changes["password_hash"] = passwords.hash_password(body.password)
    if body.disabled or body.password is not None:  # their sessions end
        changes["tokens_valid_after"] = datetime.now(UTC)
    if not changes:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "nothing to change")
    repository.update(conn, user.id, **changes)
    changed = repository.get(conn, user.id)
    assert changed is not None
    return UserOut.of(changed)
