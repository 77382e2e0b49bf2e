"""Personal access tokens for the JSON API (planner.api)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.database import UTCDateTime, utcnow, vocabulary
from planner.domain.vocabulary import TokenScope
from planner.extensions import Model
from planner.models.household import Member


class ApiToken(Model):
    """A member's named key to the API. Only the secret's SHA-256 is stored: the secret is
    shown once, when it is made. A revoked token stays listed but opens nothing.
    `window_*` count this token's requests in the current minute (planner.api.auth)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    scope: Mapped[TokenScope] = mapped_column(vocabulary(TokenScope, "token_scope", 10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_count: Mapped[int] = mapped_column(default=0)

    member: Mapped[Member] = relationship()
