"""the week between sessions: one day taken or asked for, away days, mid-week check-ins

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 19:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('selfcare', 'planning', 'plan_summary', 'handover')
KINDS_AFTER = KINDS_BEFORE + ('midweek',)
STATES = ('okay', 'in_the_reeds', 'blown')


def _in(column, values):
    return sa.text(f"{column} IN ({', '.join(repr(v) for v in values)})")


def upgrade():
    with op.batch_alter_table('plan_occurrence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('taken_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('asked_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('asked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ask_reason', sa.String(length=300), nullable=False, server_default=''))
        for column in ('taken_by_id', 'asked_to_id', 'asked_by_id'):
            batch_op.create_foreign_key(
                op.f(f'fk_plan_occurrence_{column}_member'), 'member', [column], ['id'], ondelete='SET NULL'
            )
    # A handover is now asked day by day (plan_occurrence.asked_to_id); open item-wide
    # requests lapse.
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_plan_item_handover_to_id_member'), type_='foreignkey')
        batch_op.drop_column('handover_to_id')
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.add_column(sa.Column('midweek_state', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('midweek_help', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('midweek_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint('midweek_state', _in('midweek_state', STATES))
    op.create_table(
        'away_time',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_away_time_household_id_household')),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_away_time_member_id_member'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_away_time')),
    )
    with op.batch_alter_table('away_time', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_away_time_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_away_time_member_id'), ['member_id'], unique=False)
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminder_reminder_kind'), type_='check')
        batch_op.create_check_constraint('reminder_kind', _in('kind', KINDS_AFTER))


def downgrade():
    op.execute("DELETE FROM reminder WHERE kind = 'midweek'")
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminder_reminder_kind'), type_='check')
        batch_op.create_check_constraint('reminder_kind', _in('kind', KINDS_BEFORE))
    with op.batch_alter_table('away_time', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_away_time_member_id'))
        batch_op.drop_index(batch_op.f('ix_away_time_household_id'))
    op.drop_table('away_time')
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_check_in_midweek_state'), type_='check')
        batch_op.drop_column('midweek_at')
        batch_op.drop_column('midweek_help')
        batch_op.drop_column('midweek_state')
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handover_to_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f('fk_plan_item_handover_to_id_member'), 'member', ['handover_to_id'], ['id'], ondelete='SET NULL'
        )
    with op.batch_alter_table('plan_occurrence', schema=None) as batch_op:
        for column in ('taken_by_id', 'asked_to_id', 'asked_by_id'):
            batch_op.drop_constraint(op.f(f'fk_plan_occurrence_{column}_member'), type_='foreignkey')
        batch_op.drop_column('ask_reason')
        batch_op.drop_column('asked_at')
        batch_op.drop_column('asked_by_id')
        batch_op.drop_column('asked_to_id')
        batch_op.drop_column('taken_at')
        batch_op.drop_column('taken_by_id')
