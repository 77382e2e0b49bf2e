"""a member may get untimed responsibilities as one all-day list per day in their feed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 17:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_day_list", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("feed_day_list")
