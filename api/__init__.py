"""HTTP front door of the labour-ministry assistant: web chat, health and channels."""
