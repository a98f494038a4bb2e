"""The ministry's SQL store, shared by the action server and the API.

SQLite is the embedded default; PostgreSQL works through ``DATABASE_URL``.
"""
from store.engine import DEFAULT_DATABASE_URL, get_engine, init_store
from store.models import CASE_STATUSES, DEMO_CASES, Base, Case, HandoffTicket, LookupAttempt

__all__ = [
    "CASE_STATUSES", "DEFAULT_DATABASE_URL", "DEMO_CASES", "Base", "Case", "HandoffTicket", "LookupAttempt",
    "get_engine", "init_store",
]
