#!/usr/bin/env bash
# Prints true when RefNo is one of this merchant's orders usable for PREVIOUS_ORDER
# (AUTHRECEIVED or COMPLETE, paid by card or PayPal, not fraud), false otherwise.
# usage: is-valid-order-reference.sh REFNO [HOST [MERCHANT_CODE [SECRET_KEY]]]
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
og_call isValidOrderReference "[\"$SESSION\",$(og_json_string "$REFNO")]"
