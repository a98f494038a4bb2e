"""cases, look-ups, handoff tickets, agent replies, feedback, WhatsApp inbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 04:15:02.017959
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('case_number', sa.String(length=20), nullable=False),
    sa.Column('national_id', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('case_number')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_national_id'), ['national_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sender', sa.String(length=128), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('message_text', sa.String(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('rating', sa.String(length=4), nullable=False),
    sa.Column('comment', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_rating'), ['rating'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_sender'), ['sender'], unique=False)

    op.create_table('handoff_tickets',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('sender', sa.String(length=128), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('transcript', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('handoff_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_tickets_sender'), ['sender'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_tickets_status'), ['status'], unique=False)

    op.create_table('lookup_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sender', sa.String(length=128), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lookup_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lookup_attempts_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lookup_attempts_sender'), ['sender'], unique=False)

    op.create_table('whatsapp_inbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('wa_id', sa.String(length=32), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    with op.batch_alter_table('whatsapp_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whatsapp_inbox_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_whatsapp_inbox_wa_id'), ['wa_id'], unique=False)

    op.create_table('agent_replies',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_reference', sa.String(length=20), nullable=False),
    sa.Column('sender', sa.String(length=128), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_reference'], ['handoff_tickets.reference'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agent_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_replies_sender'), ['sender'], unique=False)
        batch_op.create_index(batch_op.f('ix_agent_replies_ticket_reference'), ['ticket_reference'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('agent_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agent_replies_ticket_reference'))
        batch_op.drop_index(batch_op.f('ix_agent_replies_sender'))

    op.drop_table('agent_replies')
    with op.batch_alter_table('whatsapp_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whatsapp_inbox_wa_id'))
        batch_op.drop_index(batch_op.f('ix_whatsapp_inbox_status'))

    op.drop_table('whatsapp_inbox')
    with op.batch_alter_table('lookup_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lookup_attempts_sender'))
        batch_op.drop_index(batch_op.f('ix_lookup_attempts_at'))

    op.drop_table('lookup_attempts')
    with op.batch_alter_table('handoff_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_tickets_status'))
        batch_op.drop_index(batch_op.f('ix_handoff_tickets_sender'))

    op.drop_table('handoff_tickets')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_sender'))
        batch_op.drop_index(batch_op.f('ix_feedback_rating'))
        batch_op.drop_index(batch_op.f('ix_feedback_created_at'))

    op.drop_table('feedback')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_national_id'))

    op.drop_table('cases')
