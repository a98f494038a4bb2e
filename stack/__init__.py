"""The assistant's processes and the servers they need, started on loopback for the
end-to-end tests and the benchmarks: `stack.processes` (from the Procfile) and
`stack.services` (PostgreSQL, Redis). Standard library only at import time, so the
Rasa environment's tests can use `stack.services` too."""
