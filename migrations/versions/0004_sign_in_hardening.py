"""sign-in hardening: a session secret per member, rotated at sign-out and password change

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00

"""

import secrets

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_secret", sa.String(length=32), nullable=True))
    # Each member their own secret (sessions made before this upgrade end: sign in again).
    member = sa.table("member", sa.column("id", sa.Integer), sa.column("session_secret", sa.String))
    connection = op.get_bind()
    for (member_id,) in connection.execute(sa.select(member.c.id)).all():
        connection.execute(
            member.update()
            .where(member.c.id == member_id)
            .values(session_secret=secrets.token_hex(16))
        )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.alter_column("session_secret", existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("session_secret")
