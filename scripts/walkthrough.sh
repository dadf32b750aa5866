#!/usr/bin/env bash
# The README's curl walk-through. It runs as written against a freshly started system
# (`java -jar all-in-one/target/all-in-one-fat.jar`, empty ./data), prints each status, and stops
# at the first one that is not what the contract says. CI runs it (all-in-one WalkthroughTest).
# Usage: scripts/walkthrough.sh [base URL, default http://127.0.0.1:8080]
set -euo pipefail
B=${1:-http://127.0.0.1:8080}
J=$(mktemp -d); trap 'rm -rf "$J"' EXIT          # one cookie jar per user, and the last body

# call USER EXPECTED METHOD PATH [JSON]: one request as USER (cookies and the XSRF header from
# USER's jar), printed as "status method path"; the body is left in $J/body.
call() {
  local user=$1 expected=$2 method=$3 path=$4 data=${5:-}
  local jar=$J/$user.cookies xsrf status
  touch "$jar"
  xsrf=$(awk '$6 == "XSRF-TOKEN" { print $7 }' "$jar")
  local args=(-s -o "$J/body" -w '%{http_code}' -c "$jar" -b "$jar" -X "$method" -H "X-XSRF-TOKEN: $xsrf")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data "$data")
  status=$(curl "${args[@]}" "$B$path")
  printf '%s %-6s %s\n' "$status" "$method" "$path"
  if [ "$status" != "$expected" ]; then
    echo "expected $expected: $(cat "$J/body")" >&2
    exit 1
  fi
}
# The "id" of the last JSON body (the first one in it).
last_id() { sed -E 's/^[^{]*\{"id":([0-9]+).*/\1/' "$J/body"; }

# Each user fetches a CSRF token (the XSRF-TOKEN cookie), then registers.
for u in alice bob carol dave; do call $u 204 GET /api/auth/csrf; done
call alice 201 POST /api/auth/register '{"username":"alice","email":"alice@example.org","password":"s3cret-pass","user_type":"owner"}'
call bob   201 POST /api/auth/register '{"username":"bob","email":"bob@example.org","password":"s3cret-pass","user_type":"student"}'
BOB=$(last_id)
call carol 201 POST /api/auth/register '{"username":"carol","email":"carol@example.org","password":"s3cret-pass","user_type":"university_staff"}'
CAROL=$(last_id)
call dave  201 POST /api/auth/register '{"username":"dave","email":"dave@example.org","password":"s3cret-pass","user_type":"student"}'
DAVE=$(last_id)
# alice was the first owner; owners are not self-appointed after that (an owner promotes).
call dave  403 POST /api/auth/register '{"username":"mallory","email":"m@example.org","password":"s3cret-pass","user_type":"owner"}'

call alice 200 POST /api/auth/login '{"username":"alice","password":"s3cret-pass"}'     # new session cookie
call alice 200 GET  /api/auth/me
call alice 200 GET  "/api/users?search=o&limit=10"                                      # people to add
call alice 201 POST /api/chats "{\"name\":\"Study group\",\"participant_ids\":[$BOB,$CAROL]}"
CHAT=$(last_id)
call alice 200 GET  /api/chats                                                          # most recent activity first
call alice 200 GET  /api/chats/$CHAT
call alice 200 POST /api/chats/$CHAT/participants "{\"user_id\":$DAVE}"
call alice 200 DELETE /api/chats/$CHAT/participants/$DAVE                               # the creator removes
call alice 201 POST /api/chats/$CHAT/messages '{"content":"hello","client_id":"c-1"}'
FIRST=$(last_id)
call alice 201 POST /api/chats/$CHAT/messages '{"content":"hello","client_id":"c-1"}'   # same client_id: same message
[ "$(last_id)" = "$FIRST" ] || { echo "a repeated client_id stored a second message" >&2; exit 1; }
call alice 201 POST /api/chats/$CHAT/messages '{"content":"second"}'
call alice 200 GET  "/api/chats/$CHAT/messages?limit=50"                                # newest 50, chronological
call alice 200 GET  "/api/chats/$CHAT/messages?before=$((FIRST + 1))&limit=50"          # an older page
call alice 200 GET  "/api/chats/$CHAT/messages?after=$FIRST"                            # catch up after a reconnect

call bob   200 POST /api/auth/login '{"username":"bob","password":"s3cret-pass"}'
call bob   200 GET  /api/chats/$CHAT/messages
call dave  200 POST /api/auth/login '{"username":"dave","password":"s3cret-pass"}'
call dave  404 GET  /api/chats/$CHAT                                                    # not a participant (any more)

call alice 204 POST /api/auth/logout                                                    # the session is destroyed
call alice 401 GET  /api/auth/me
call alice 200 GET  /health
echo "walk-through done: every status as expected"
