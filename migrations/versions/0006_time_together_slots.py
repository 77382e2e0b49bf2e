"""a self-care slot with no member is weekly time together, protected for both

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("self_care_slot", schema=None) as batch_op:
        batch_op.alter_column("member_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    # Time together has no single member to keep it: it goes with the downgrade.
    slot = sa.table("self_care_slot", sa.column("member_id", sa.Integer))
    op.get_bind().execute(slot.delete().where(slot.c.member_id.is_(None)))
    with op.batch_alter_table("self_care_slot", schema=None) as batch_op:
        batch_op.alter_column("member_id", existing_type=sa.Integer(), nullable=False)
