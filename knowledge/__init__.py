"""Knowledge layer of the labour-ministry assistant.

Haystack components and pipelines that turn the ministry's texts (the authored
FAQ cards in ``knowledge/corpus`` plus any folders listed in
``KNOWLEDGE_SOURCES``) into an on-disk index, and a read-only
:class:`knowledge.search.KnowledgeBase` that searches it.

Build with ``python -m knowledge build``; search with
``python -m knowledge search "..."``.
"""

import os as _os

# The assistant runs offline: haystack's usage telemetry must not phone home.
_os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

# Bump when a change to the code changes what ends up in the index: it is part
# of the index fingerprint, so a bump makes every index stale and every
# per-file cache entry invalid.
CODE_VERSION = "14"

__all__ = ["CODE_VERSION"]
