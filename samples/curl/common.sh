# Sourced by the other scripts here: connection settings, login and one JSON-RPC call with
# plain curl, sed and openssl (no jq).
#
# Settings come from the script's trailing arguments [HOST [MERCHANT_CODE [SECRET_KEY]]] or from
# the environment: ORDERGATE_HOST (default http://127.0.0.1:8080), MERCHANT_CODE (default DEMO)
# and SECRET_KEY (required; `npm start` prints the DEMO merchant's).

# A failure inside $(…) must stop the script too (bash clears -e in command substitutions).
shopt -s inherit_errexit

# usage: og_settings "$@"  (the arguments left after the script's own)
og_settings () {
  ORDERGATE_HOST=${1:-${ORDERGATE_HOST:-http://127.0.0.1:8080}}
  MERCHANT_CODE=${2:-${MERCHANT_CODE:-DEMO}}
  SECRET_KEY=${3:-${SECRET_KEY:-}}
  if [ -z "$SECRET_KEY" ]; then
    echo "$(basename "$0"): no secret key: pass HOST MERCHANT_CODE SECRET_KEY or set SECRET_KEY" >&2
    exit 64
  fi
  # A base URL gets 2Checkout's path; a full endpoint URL (…/rpc or …/rpc/6.0/) is used as is.
  case "$ORDERGATE_HOST" in
    */rpc | */rpc/ | */rpc/6.0 | */rpc/6.0/) OG_ENDPOINT=$ORDERGATE_HOST ;;
    *) OG_ENDPOINT="${ORDERGATE_HOST%/}/rpc/6.0/" ;;
  esac
}

# A JSON string literal for "$1" (escapes backslashes, quotes and control characters).
og_json_string () {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

# usage: og_call METHOD PARAMS_JSON — prints the result's JSON; on a JSON-RPC error prints the
# error object to stderr and exits 1.
og_call () {
  local method=$1 params=$2 response before_result before_error
  OG_ID=$(( ${OG_ID:-0} + 1 ))
  response=$(curl -sS --max-time 30 "$OG_ENDPOINT" \
    -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data-binary @- <<JSON
{"jsonrpc":"2.0","method":"$method","params":$params,"id":$OG_ID}
JSON
  )
  # The response's other members are "jsonrpc" and our numeric "id", so whichever of
  # "result": and "error": comes first in the text is the top-level member.
  before_result=${response%%\"result\":*}
  before_error=${response%%\"error\":*}
  if [ "$before_error" != "$response" ] && [ "${#before_error}" -lt "${#before_result}" ]; then
    echo "$(basename "$0"): $method failed: ${response#*\"error\":}" | sed -E 's/,"id":[^,}]*\}$//; s/\}$//' >&2
    exit 1
  fi
  if [ "$before_result" = "$response" ]; then
    echo "$(basename "$0"): $method: not a JSON-RPC response: $response" >&2
    exit 1
  fi
  # Strip the envelope: what follows "result": up to the closing brace (and an "id" or
  # "jsonrpc" member, should a server put one after the result).
  printf '%s\n' "${response#*\"result\":}" | sed -E 's/[[:space:]]*\}[[:space:]]*$//; s/,"(id|jsonrpc)":("[^"]*"|[0-9]+|null)$//; s/,"(id|jsonrpc)":("[^"]*"|[0-9]+|null)$//'
}

# login: hash = HMAC-MD5(strlen(code) code strlen(date) date) keyed with the secret key, the date
# in UTC as PHP's gmdate('Y-m-d H:i:s'). Prints the sessionID.
og_login () {
  local date hash result
  date=$(date -u '+%Y-%m-%d %H:%M:%S')
  hash=$(printf '%s' "${#MERCHANT_CODE}${MERCHANT_CODE}${#date}${date}" | openssl dgst -md5 -hmac "$SECRET_KEY" | sed 's/^.*= //')
  result=$(og_call login "[$(og_json_string "$MERCHANT_CODE"),\"$date\",\"$hash\"]") || exit $?
  printf '%s\n' "$result" | sed -E 's/^"(.*)"$/\1/'
}

# A card expiry year that is always in the future.
og_expiry_year () {
  echo $(( $(date -u +%Y) + 3 ))
}
