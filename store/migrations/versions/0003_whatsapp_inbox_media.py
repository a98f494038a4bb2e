"""WhatsApp inbox keeps every message type, with the media id of voice notes and files

Audio, images, documents, stickers and locations are stored and answered like text
(issue 14); the rows written before are all text or taps.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('whatsapp_inbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), server_default='text', nullable=False))
        batch_op.add_column(sa.Column('media_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('mime_type', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('whatsapp_inbox', schema=None) as batch_op:
        batch_op.drop_column('mime_type')
        batch_op.drop_column('media_id')
        batch_op.drop_column('kind')
