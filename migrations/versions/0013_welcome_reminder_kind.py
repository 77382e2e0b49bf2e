"""a reminder kind for the welcome email of a restored household's members

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('selfcare', 'planning', 'plan_summary', 'handover', 'midweek')
KINDS_AFTER = KINDS_BEFORE + ('welcome',)


def _in(column, values):
    return sa.text(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _kinds(kinds):
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminder_reminder_kind'), type_='check')
        batch_op.create_check_constraint('reminder_kind', _in('kind', kinds))
    with op.batch_alter_table('channel_choice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_channel_choice_reminder_kind'), type_='check')
        batch_op.create_check_constraint('reminder_kind', _in('kind', kinds))


def upgrade():
    _kinds(KINDS_AFTER)


def downgrade():
    op.execute("DELETE FROM reminder WHERE kind = 'welcome'")
    op.execute("DELETE FROM channel_choice WHERE kind = 'welcome'")
    _kinds(KINDS_BEFORE)
