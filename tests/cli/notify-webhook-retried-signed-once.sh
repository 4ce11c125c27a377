#!/bin/bash
# Web hooks: a receiver on 127.0.0.1 answers 503 to the first deliveries;
# sluice retries them (with backoff, shortened for the test), and the
# receiver gets started once and finished exactly once, each with its own
# delivery id in the header and the body, signed with the secret; finished
# carries what --json prints. A 404 is final. Every outcome is journaled
# and shown by sluice show; rollback sends rolled_back.
. "$(dirname "$0")/notify-lib.sh"

gen_contacts --rows 60 --seed 160 --invalid-rate 0.1 --out contacts.csv
start_http hooks 3 'the secret'
url=http://127.0.0.1:$http_port/hooks

SLUICE_WEBHOOK_SECRET='the secret' run_sluice import contacts.csv --db t.db --webhook "$url" --json
assert_exit 1 "the import ends as without web hooks (exit 1: rejected rows)"
id=$(json .id)

assert_eq "$(requests hooks '[.[] | select(.answered == 200) | .body.event] | join(" ")')" "started finished" \
	"the receiver took started, then finished, once each"
assert_eq "$(requests hooks '[.[] | select(.answered == 503)] | length')" 3 \
	"the three failed deliveries were retried"
assert_eq "$(requests hooks '[.[] | .signature_ok] | all')" true \
	"every request is signed: X-Sluice-Signature is the HMAC-SHA256 of its body"
assert_eq "$(requests hooks '[.[] | .headers["X-Sluice-Delivery"] == .body.delivery and .headers["X-Sluice-Event"] == .body.event] | all')" true \
	"X-Sluice-Delivery and X-Sluice-Event say what the body says"
assert_eq "$(requests hooks '[.[] | select(.answered == 200) | .body.delivery] | unique | length')" 2 \
	"the two events have two delivery ids"
assert_eq "$(requests hooks '[group_by(.body.event)[] | map(.body.delivery) | unique | length] | join(" ")')" "1 1" \
	"a retried delivery keeps its id (receivers deduplicate by it)"
assert_eq "$(requests hooks '.[] | select(.answered == 200 and .body.event == "finished") | .body.import | [.id, .status, .total, .rejected] | map(tostring) | join(" ")')" \
	"$(json '[.id, .status, .total, .rejected] | map(tostring) | join(" ")')" \
	"finished carries the --json object"
assert_match "$(requests hooks '.[0].body.sent_at')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "sent_at is a UTC time"

run_sluice show "$id" --db t.db --json
assert_eq "$(json '[.notices[] | .channel + " " + .event + " " + .outcome + " " + (.attempts | tostring)] | join(", ")')" \
	"webhook started delivered 4, webhook finished delivered 1" \
	"sluice show --json: each delivery's outcome and attempts, journaled"
run_sluice show "$id" --db t.db
assert_match "$(cat "$T/out")" "webhook +finished +completed_with_errors +$url \(delivered; HTTP 200\)" \
	"sluice show lists the notices"

# A 404 is final: one attempt, said, and the exit code stands.
start_http gone 0
run_sluice import contacts.csv --db t.db --webhook "http://127.0.0.1:$http_port/gone" --strategy skip
assert_exit 1 "a web hook that fails leaves the exit code alone"
assert_eq "$(requests gone 'map(.body.event) | join(" ")')" "started finished" "404: each event tried once"
assert_match "$(cat "$T/err")" "finished NOT delivered \(HTTP 404, 1 attempt\)" "the failure is said on stderr"
assert_eq "$(sq t.db "SELECT count(*) FROM sluice_import_notices WHERE import_id = $((id + 1)) AND outcomes LIKE '%\"failed\"%'")" 1 \
	"the failure is journaled"

# Nobody listening: retried, then given up, the import still committed.
run_sluice import contacts.csv --db t.db --webhook "http://127.0.0.1:1/none"
assert_exit 1 "no receiver at all: the exit code stands"
assert_match "$(cat "$T/err")" "finished NOT delivered \(.*, 5 attempts\)" "a connection error is retried 5 times"

run_sluice rollback "$id" --db t.db --webhook "$url"
assert_exit 0 "rollback"
assert_eq "$(requests hooks '[.[] | select(.body.event == "rolled_back") | .body.import.id] | map(tostring) | join(" ")')" "$id" \
	"rollback sends rolled_back once"

# Refused: a web hook that is no http(s) URL.
run_sluice import contacts.csv --db t.db --webhook "file:///etc/passwd"
assert_exit 2 "--webhook takes only http:// and https:// URLs"

done_testing
