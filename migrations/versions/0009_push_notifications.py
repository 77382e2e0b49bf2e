"""phone notifications: a channel per outbox row, push subscriptions, channel choices

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

KINDS = ('selfcare', 'planning', 'plan_summary', 'handover', 'midweek')
CHANNELS = ('email', 'push')


def _in(column, values):
    return sa.text(f"{column} IN ({', '.join(repr(v) for v in values)})")


def upgrade():
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('channel', sa.String(length=10), nullable=False, server_default='email')
        )
        batch_op.add_column(sa.Column('pushed_to', sa.JSON(), nullable=True))
        batch_op.create_check_constraint('reminder_channel', _in('channel', CHANNELS))
        batch_op.drop_constraint(op.f('uq_reminder_kind_member_id_occurrence_key'), type_='unique')
        batch_op.create_unique_constraint(
            op.f('uq_reminder_kind_member_id_occurrence_key_channel'),
            ['kind', 'member_id', 'occurrence_key', 'channel'],
        )
    op.create_table(
        'push_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=1000), nullable=False),
        sa.Column('p256dh', sa.String(length=100), nullable=False),
        sa.Column('auth', sa.String(length=50), nullable=False),
        sa.Column('user_agent', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_push_subscription_household_id_household'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_push_subscription_member_id_member'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
        sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint')),
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscription_member_id'), ['member_id'], unique=False)
    op.create_table(
        'channel_choice',
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('email', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('push', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.CheckConstraint(_in('kind', KINDS), name=op.f('ck_channel_choice_reminder_kind')),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_channel_choice_member_id_member'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('member_id', 'kind', name=op.f('pk_channel_choice')),
    )


def downgrade():
    op.drop_table('channel_choice')
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscription_member_id'))
        batch_op.drop_index(batch_op.f('ix_push_subscription_household_id'))
    op.drop_table('push_subscription')
    # Notifications have no place in the old outbox: only the emails stay.
    op.execute("DELETE FROM reminder WHERE channel <> 'email'")
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_reminder_kind_member_id_occurrence_key_channel'), type_='unique')
        batch_op.create_unique_constraint(
            op.f('uq_reminder_kind_member_id_occurrence_key'), ['kind', 'member_id', 'occurrence_key']
        )
        batch_op.drop_constraint(op.f('ck_reminder_reminder_channel'), type_='check')
        batch_op.drop_column('pushed_to')
        batch_op.drop_column('channel')
