#!/bin/bash
# Re-import is a fixed point (ARCHITECTURE.md, "Duplicates"): for any file,
# importing it a second time with the same options creates nothing and
# leaves every stored value as it was, under update, merge and skip. Only
# imported_from may name the second import, and only for a record the file
# holds in several versions (the second import then writes it away from its
# value and back: at least two changes in the journal).
#
# A property test: files generated from small pools of people, phones and
# emails, so that people share phones, share emails, move an email to
# another phone, and write the same keys in other cases and formats; over
# many seeds. Then the issue's file: gen_contacts.py of the bench data with
# seed 4242.
. "$(dirname "$0")/lib.sh"

SEEDS=${FIXED_POINT_SEEDS:-30}
# Under a sanitizer, fewer seeds (each import is slower; the code it runs
# is the same).
[ -n "${FIXED_POINT_SEEDS:-}" ] || ! sanitized || SEEDS=12

# gen SEED FILE: a contacts CSV of 30 to 60 rows over about 12 phones and
# 12 emails.
gen() {
	"$PYTHON" - "$1" "$2" <<'PY'
import csv, random, sys
r = random.Random(int(sys.argv[1]))
# Numbers libphonenumber accepts (US 212/415/617, 555-01xx), each written
# in several formats.
phones = list({(r.choice(["212", "415", "617"]), "%04d" % (100 + r.randrange(100))) for _ in range(12)})
fmts = ["+1 ({a}) 555-{l}", "{a}.555.{l}", "{a}-555-{l}", "+1{a}555{l}", "({a}) 555 {l}"]
locals_ = ["ann", "bob.ray", "cy", "dee_fox", "eve", "fay", "gus", "hal", "ivy"]
domains = ["example.com", "Mail.example.org"]
emails = list({r.choice(locals_) + "@" + r.choice(domains) for _ in range(12)})
firsts = ["Ann", "Bob", "Cy", "Dee", "Mañuel", "Barbara", ""]
lasts = ["Lee", "Ray", "Dvořák", "King", ""]
companies = ["Acme", "Globex", "Initech", "", ""]
tags = ["vip", "lead", "east", "b2b"]

def phone():
    a, l = r.choice(phones)
    return r.choice(fmts).format(a=a, l=l)

def email():
    e = r.choice(emails)
    k = r.randrange(4)
    return e if k == 0 else e.upper() if k == 1 else e.capitalize() if k == 2 else " " + e + " "

w = csv.writer(open(sys.argv[2], "w", newline=""))
w.writerow(["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Company", "Categories", "Notes"])
for i in range(r.randrange(30, 61)):
    k = r.random()
    p = phone() if k < 0.8 else ""
    e = email() if k > 0.2 and r.random() < 0.8 else ""
    if r.random() < 0.03:
        p = "not a phone"
    t = ";".join(r.sample(tags, r.randrange(3)))
    w.writerow([r.choice(firsts), r.choice(lasts), e, p, r.choice(companies), t,
                r.choice(["", "", "called", "met at the fair"])])
PY
}

# dump DB: every record, one line each, imported_from left out.
dump() {
	sq "$1" "SELECT id, quote(first_name), quote(last_name), quote(email), quote(phone),
	                quote(company), quote(job_title), quote(birthday), quote(country),
	                quote(tags), quote(status), quote(notes) FROM contacts ORDER BY id"
}

# moved DB: records whose imported_from the last import changed though it
# wrote them fewer than twice (the first import's values are in the table
# fixed_point_from).
moved() {
	sq "$1" "SELECT c.id FROM contacts c JOIN fixed_point_from f USING (id)
	         WHERE c.imported_from IS NOT f.imported_from
	           AND (SELECT count(*) FROM sluice_import_changes
	                WHERE import_id = (SELECT max(id) FROM sluice_imports) AND record_id = c.id) < 2"
}

# fixed_point FILE DB STRATEGY LABEL: imports FILE twice into DB (new) and
# checks the second import against the first.
fixed_point() {
	local file=$1 db=$2 strategy=$3 label=$4 before after bad
	rm -f "$db"
	run_sluice import "$file" --db "$db" --strategy "$strategy" --json
	[ "$rc" -le 1 ] || { fail "$label: the first import runs" "$(last_run)"; return; }
	before=$(dump "$db")
	sq "$db" "CREATE TABLE fixed_point_from AS SELECT id, imported_from FROM contacts"
	run_sluice import "$file" --db "$db" --strategy "$strategy" --json
	[ "$rc" -le 1 ] || { fail "$label: the second import runs" "$(last_run)"; return; }
	after=$(dump "$db")
	bad=""
	[ "$(json .created)" = 0 ] || bad="it created $(json .created) records"
	[ "$before" = "$after" ] || bad="$bad; values changed: $(diff <(echo "$before") <(echo "$after") | head -6)"
	[ -z "$(moved "$db")" ] || bad="$bad; imported_from changed for records $(moved "$db" | head -3)"
	if [ -z "$bad" ]; then
		pass "$label"
	else
		fail "$label" "$bad"
	fi
}

for seed in $(seq 1 "$SEEDS"); do
	gen "$seed" "gen-$seed.csv"
	for strategy in update merge skip; do
		fixed_point "gen-$seed.csv" "gen-$seed-$strategy.db" "$strategy" \
			"seed $seed, $strategy: the second import creates nothing and changes no value"
	done
done
# The generated files do hold key conflicts, shared phones and moved emails.
conflicts=0
for db in gen-*-update.db; do
	conflicts=$((conflicts + $(sq "$db" "SELECT count(*) FROM sluice_import_errors WHERE import_id = 1 AND type = 'business'")))
done
if [ "$conflicts" -gt "$SEEDS" ]; then
	pass "the generated files hold key conflicts and ambiguous rows ($conflicts)"
else
	fail "the generated files hold key conflicts and ambiguous rows" "only $conflicts"
fi
invariant_holds gen-1-update.db "the counts add up"

# The issue's file: the bench generator, 20,000 rows, seed 4242, with
# Debian's Python (and python3-phonenumbers, so that the phones are valid).
# It lives in the shared directory beside the source tree.
bench_gen=$top_srcdir/../shared/bench/gen_contacts.py
if [ -f "$bench_gen" ]; then
	bench_python=/usr/bin/python3
	[ -x "$bench_python" ] || bench_python=$PYTHON
	"$bench_python" "$bench_gen" --rows 20000 --seed 4242 --out bench.csv
	for strategy in update merge skip; do
		fixed_point bench.csv "bench-$strategy.db" "$strategy" \
			"gen_contacts.py --rows 20000 --seed 4242, $strategy: the second import creates nothing and changes no value"
	done
else
	skip "the issue's 20,000-row file (gen_contacts.py --rows 20000 --seed 4242)" "$bench_gen is not there"
fi

done_testing
