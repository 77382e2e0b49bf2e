"""personal access tokens for the API: stored hashed, scoped, counted per minute

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('scope', sa.Enum('read', 'read-write', name='token_scope', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_api_token_household_id_household')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_api_token_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_token_member_id'), ['member_id'], unique=False)



def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_member_id'))
        batch_op.drop_index(batch_op.f('ix_api_token_household_id'))

    op.drop_table('api_token')
