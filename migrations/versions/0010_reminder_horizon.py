"""how far ahead each household's reminders are written, so a tick extends only those
that run out soon

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminder_horizon',
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('scheduled_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_reminder_horizon_household_id_household'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('household_id', name=op.f('pk_reminder_horizon')),
    )
    with op.batch_alter_table('reminder_horizon', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_horizon_scheduled_until'), ['scheduled_until'], unique=False)
    # Every household's reminders are due to be written ahead by the next ticks.
    sqlite = op.get_bind().dialect.name == 'sqlite'  # naive UTC there (UTCDateTime)
    long_ago = '1970-01-01 00:00:00.000000' if sqlite else '1970-01-01 00:00:00+00'
    op.execute(
        "INSERT INTO reminder_horizon (household_id, scheduled_until) "
        f"SELECT id, '{long_ago}' FROM household"
    )


def downgrade():
    with op.batch_alter_table('reminder_horizon', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_horizon_scheduled_until'))
    op.drop_table('reminder_horizon')
