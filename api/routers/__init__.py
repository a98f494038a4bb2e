"""One router module per channel (web chat, health; WhatsApp and agent assist later)."""
