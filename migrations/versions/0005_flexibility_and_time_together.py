"""how each responsibility can give in a hard week (wait, simpler, outside help), time
together, and plan items that waited from last week

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 16:00:00

"""

from alembic import op
import sqlalchemy as sa

from planner.domain.starter_deck import FLEXIBILITY


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responsibility", schema=None) as batch_op:
        batch_op.add_column(sa.Column("can_wait", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("simpler", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("help_from", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("together", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waited", sa.Boolean(), nullable=False, server_default=sa.false()))

    responsibility = sa.table(
        "responsibility",
        sa.column("starter_key", sa.String),
        sa.column("can_outsource", sa.Boolean),
        sa.column("can_wait", sa.Boolean),
        sa.column("simpler", sa.String),
        sa.column("help_from", sa.String),
        sa.column("together", sa.Boolean),
    )
    connection = op.get_bind()
    # "Could be done by outside help" becomes help from someone not yet named.
    connection.execute(
        responsibility.update().where(responsibility.c.can_outsource == sa.true()).values(help_from="")
    )
    # Starter cards take the deck's flexibility; anything typed in stays "must happen as agreed".
    for key, flex in FLEXIBILITY.items():
        # The deck's words are translatable now: this step writes them as they were, in English.
        values = {"can_wait": flex.can_wait, "simpler": str(flex.simpler), "together": flex.together}
        if flex.help_from is not None:
            values["help_from"] = str(flex.help_from)
        connection.execute(
            responsibility.update().where(responsibility.c.starter_key == key).values(**values)
        )
    with op.batch_alter_table("responsibility", schema=None) as batch_op:
        batch_op.drop_column("can_outsource")


def downgrade():
    with op.batch_alter_table("responsibility", schema=None) as batch_op:
        batch_op.add_column(sa.Column("can_outsource", sa.Boolean(), nullable=False, server_default=sa.false()))
    responsibility = sa.table(
        "responsibility", sa.column("can_outsource", sa.Boolean), sa.column("help_from", sa.String)
    )
    op.get_bind().execute(
        responsibility.update().where(responsibility.c.help_from.is_not(None)).values(can_outsource=True)
    )
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_column("waited")
    with op.batch_alter_table("responsibility", schema=None) as batch_op:
        for column in ("together", "help_from", "simpler", "can_wait"):
            batch_op.drop_column(column)
