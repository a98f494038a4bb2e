#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter for Rasa 3.6, looking in order at
# $PYTHON310, python3.10 on PATH, then pyenv's versions. Exit 1 with advice if none.
is_310() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

if [ -n "${PYTHON310:-}" ]; then
  if is_310 "$PYTHON310"; then echo "$PYTHON310"; exit 0; fi
  echo "PYTHON310=$PYTHON310 is not a working Python 3.10 interpreter." >&2
  exit 1
fi
candidate=$(command -v python3.10 2>/dev/null)
if is_310 "$candidate"; then echo "$candidate"; exit 0; fi
pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for candidate in "$pyenv_root"/versions/3.10.*/bin/python; do
  if is_310 "$candidate"; then echo "$candidate"; exit 0; fi
done
cat >&2 <<'MSG'
Rasa 3.6 needs Python 3.10 and none was found (looked at $PYTHON310, python3.10 on PATH
and pyenv's versions). Install one, e.g. `pyenv install 3.10` or
`apt-get install python3.10 python3.10-venv`, or point PYTHON310 at an interpreter:
  make run PYTHON310=/path/to/python3.10
MSG
exit 1
