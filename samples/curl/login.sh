#!/usr/bin/env bash
# Logs in and prints the sessionID (valid 10 minutes).
# usage: login.sh [HOST [MERCHANT_CODE [SECRET_KEY]]]  (or ORDERGATE_HOST, MERCHANT_CODE, SECRET_KEY)
set -euo pipefail
. "$(dirname "$0")/common.sh"
og_settings "$@"
og_login
