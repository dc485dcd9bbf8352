#!/usr/bin/env bash
# Prints the stored Order with this RefNo (JSON-RPC error ORDER_NOT_FOUND, exit 1, when the
# merchant has none).
# usage: get-order.sh REFNO [HOST [MERCHANT_CODE [SECRET_KEY]]]
set -euo pipefail
. "$(dirname "$0")/common.sh"
if [ $# -lt 1 ]; then
  echo "usage: $(basename "$0") REFNO [HOST [MERCHANT_CODE [SECRET_KEY]]]" >&2
  exit 64
fi
REFNO=$1
shift
og_settings "$@"
SESSION=$(og_login)
og_call getOrder "[\"$SESSION\",$(og_json_string "$REFNO")]"
