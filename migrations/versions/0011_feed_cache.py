"""feeds are built once per change: their bytes are kept for every web process

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 12:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # A reset token's id is never given to another: bytes are stored by token id. (SQLite
    # otherwise hands out the highest id again once its row is gone; PostgreSQL never.)
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table(
            'feed_token', recreate='always', table_kwargs={'sqlite_autoincrement': True}
        ):
            pass
    # One row per feed token, for one household version and week; it goes with its token.
    op.create_table(
        'feed_cache',
        sa.Column('feed_token_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('recipe', sa.String(length=16), nullable=False),
        sa.Column('etag', sa.String(length=32), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['feed_token_id'], ['feed_token.id'], name=op.f('fk_feed_cache_feed_token_id_feed_token'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('feed_token_id', name=op.f('pk_feed_cache')),
    )


def downgrade():
    # Only kept bytes: every feed is built again on its next request.
    op.drop_table('feed_cache')
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table(
            'feed_token', recreate='always', table_kwargs={'sqlite_autoincrement': False}
        ):
            pass
