"""Conversation turns with their outcome, for the operators' review (issue 14, part 2)

Every citizen's message and the reply, masked, with whether the bot answered, refused
(its fallback reason) or handed off; purged after CONVERSATION_RETENTION_DAYS.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 22:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'conversation_turns',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('sender_key', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('question', sa.String(), nullable=False),
        sa.Column('answer', sa.String(), nullable=False),
        sa.Column('sources', sa.JSON(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('conversation_turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_turns_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_turns_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_turns_sender_key'), ['sender_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('conversation_turns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_turns_sender_key'))
        batch_op.drop_index(batch_op.f('ix_conversation_turns_outcome'))
        batch_op.drop_index(batch_op.f('ix_conversation_turns_created_at'))
    op.drop_table('conversation_turns')
