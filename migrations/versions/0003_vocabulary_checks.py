"""the product's vocabularies checked by the database; self-care "missed" apart from
"skipped ahead"

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (table, column, constraint name as the models' Enum names it, allowed values)
CHECKS = (
    ('week_plan', 'status', 'plan_state', ('draft', 'agreed')),
    ('check_in', 'state', 'checkin_state', ('okay', 'in_the_reeds', 'blown')),
    ('plan_item', 'kindness', 'kindness', ('defer', 'lower_standard', 'outsource', 'drop')),
    ('plan_occurrence', 'state', 'occurrence_state', ('open', 'done', 'skipped')),
    ('self_care_week', 'status', 'selfcare_status', ('planned', 'moved', 'skipped')),
    ('self_care_week', 'outcome', 'selfcare_outcome', ('kept', 'missed')),
    ('reminder', 'kind', 'reminder_kind', ('selfcare', 'planning', 'plan_summary', 'handover')),
    ('reminder', 'state', 'reminder_state',
     ('pending', 'sending', 'sent', 'failed', 'expired', 'cancelled')),
)


def _condition(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    # A self-care week marked afterwards as not kept was stored as "skipped", the same
    # word as skipping ahead of time; it is "missed" now.
    op.execute("UPDATE self_care_week SET outcome = 'missed' WHERE outcome = 'skipped'")
    for table, column, name, values in CHECKS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_check_constraint(name, sa.text(_condition(column, values)))


def downgrade():
    for table, column, name, values in reversed(CHECKS):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
    op.execute("UPDATE self_care_week SET outcome = 'skipped' WHERE outcome = 'missed'")
