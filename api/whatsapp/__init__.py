"""The WhatsApp channel (Meta WhatsApp Cloud API): webhook parsing, replies, the Graph client, the worker."""
