"""look-up attempts keyed by hashed sender, client address and case number

The case look-up now locks a case number and a client address as well as a
sender (issue 17), and keeps all three only as keyed hashes. Attempts written
before hold the sender in clear and count for 15 minutes at most: they are
dropped rather than carried over.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM lookup_attempts"))
    with op.batch_alter_table('lookup_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lookup_attempts_sender'))
        batch_op.drop_column('sender')
        batch_op.add_column(sa.Column('sender_key', sa.String(length=64), nullable=False))
        batch_op.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('case_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_lookup_attempts_sender_key'), ['sender_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_lookup_attempts_client_key'), ['client_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_lookup_attempts_case_key'), ['case_key'], unique=False)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM lookup_attempts"))
    with op.batch_alter_table('lookup_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lookup_attempts_case_key'))
        batch_op.drop_index(batch_op.f('ix_lookup_attempts_client_key'))
        batch_op.drop_index(batch_op.f('ix_lookup_attempts_sender_key'))
        batch_op.drop_column('case_key')
        batch_op.drop_column('client_key')
        batch_op.drop_column('sender_key')
        batch_op.add_column(sa.Column('sender', sa.String(length=128), nullable=False))
        batch_op.create_index(batch_op.f('ix_lookup_attempts_sender'), ['sender'], unique=False)
