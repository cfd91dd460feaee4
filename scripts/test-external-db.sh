#!/usr/bin/env bash
# Run the whole suite against a PostgreSQL reached only through CUSTOMER_CHAT_DATABASE_URL:
# the given one, or a separate embedded server started for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CUSTOMER_CHAT_DATABASE_URL:-}" ]; then
  folder=$(mktemp -d /tmp/customer-chat-external-XXXX)
  trap '.venv/bin/python -c "import sys; from pathlib import Path; from bridge.postgres import stop_embedded; stop_embedded(Path(sys.argv[1]))" "$folder"; rm -rf "$folder"' EXIT
  CUSTOMER_CHAT_DATABASE_URL=$(.venv/bin/python -c "import sys; from pathlib import Path; from bridge.postgres import embedded_url; print(embedded_url(Path(sys.argv[1])))" "$folder" 2>/dev/null)
  export CUSTOMER_CHAT_DATABASE_URL
fi
.venv/bin/pytest -q "$@"
