#!/bin/bash
# The throughput benchmark behind `make bench`. First, side by side in one
# run on the file of ../shared/bench (gen_contacts.py, $BENCH_ROWS rows,
# default 1,000,000): sluice importing it as CSV, as an XLSX workbook with
# shared strings and as a dry run, next to `sqlite3 .import` into a table
# with UNIQUE(phone) and ../shared/bench/py_upsert.py (Python csv + sqlite3,
# upserts in 500-row transactions), with the ratios and whether each sluice
# run stayed within 100 MiB; before those, the same file into a throwaway
# local PostgreSQL server next to \copy + INSERT … ON CONFLICT done by
# hand (BENCH_PART=postgres: only that, BENCH_REPEAT times), with the CPU
# seconds of each client and of the server for each. Then a Google Contacts file of the same size
# imported by sluice (its counts checked against the generator's manifest)
# and by tests/bench/baseline.py; then into a throwaway local PostgreSQL
# server, next to \copy + INSERT … ON CONFLICT done by hand. Prints rows/s,
# wall time, peak RSS and what was written to the disk of each, and the
# ratios; then the phone column validated both ways
# (tests/bench/phone-bench), and sluice restore of a JSON backup of as
# many records. Everything it writes lives in a temporary directory under
# the build directory and is removed at the end.
set -eu

: "${SLUICE:?SLUICE must name the sluice binary}"
: "${top_srcdir:?top_srcdir must be set}"
top_builddir=${top_builddir:-.}
PYTHON=${PYTHON:-python3}
rows=${BENCH_ROWS:-1000000}
seed=${BENCH_SEED:-42}

work=$(mktemp -d "$top_builddir/bench.XXXXXX")
pg_dir=
# Stops the PostgreSQL server the benchmark started, if any.
pg_bench_stop() {
	[ -n "$pg_dir" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$pg_dir"
	pg_dir=
}
trap 'pg_bench_stop; rm -rf "$work"' EXIT

# Wall seconds and peak RSS (KiB) from a `/usr/bin/time -v` log.
wall_seconds() {
	sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
peak_kib() {
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"
}
# What the process wrote to the disk, in 512-byte blocks.
written_blocks() {
	sed -n 's/.*File system outputs: //p' "$1"
}
report() { # NAME TIMELOG
	local wall rss out
	wall=$(wall_seconds "$2")
	rss=$(peak_kib "$2")
	out=$(written_blocks "$2")
	awk -v n="$1" -v rows="$rows" -v wall="$wall" -v rss="$rss" -v out="${out:-0}" 'BEGIN {
		printf "%-9s %10.0f rows/s   wall %7.2f s   peak RSS %7.1f MiB   written %7.0f MB\n",
		    n, (wall > 0 ? rows / wall : 0), wall, rss / 1024, out * 512 / 1e6 }'
}
# ratio TEXT A.time B.time: TEXT = wall(A) / wall(B).
ratio() {
	awk -v t="$1" -v a="$(wall_seconds "$2")" -v b="$(wall_seconds "$3")" 'BEGIN {
		if (a > 0 && b > 0) printf "ratio     %s = %.2f\n", t, a / b }'
}
# Before each timed run: what earlier runs left for the kernel to write
# (a PostgreSQL load leaves most of a gigabyte, fsync being off) is
# written first, so that no run pays for another's write-back (measured:
# sluice's CSV import right after the PostgreSQL part took 16.7 s, the
# same import after a sync 13.3 s).
settle() {
	sync
}
# sluice_run NAME ARGS…: sluice under /usr/bin/time into $work/NAME.*; exit
# 1 is expected (the files have invalid rows on purpose).
sluice_run() {
	local name=$1 rc=0
	shift
	settle
	/usr/bin/time -v -o "$work/$name.time" "$SLUICE" "$@" --json --progress none \
		>"$work/$name.json" 2>"$work/$name.err" || rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		echo "sluice $name failed with exit code $rc:" >&2
		tail -n 20 "$work/$name.err" >&2
		exit 1
	fi
}

# A throwaway local PostgreSQL server (fsync off, as the tests' and the
# issue's figures), started once for the runs that use it: pg_bench_start
# sets $pg (its URI without a database), or fails without the server's
# programs (postgresql-15).
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
psql_q() { "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
pg_bench_start() {
	[ -z "$pg_dir" ] || return 0
	[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/psql" ] || return 1
	pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench-pg.XXXXXX")
	[ "$(id -u)" -ne 0 ] || chown postgres "$pg_dir"
	local port
	port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	pg_as "$PG_BIN/initdb" -D "$pg_dir/data" -A trust -U sluice -E UTF8 --locale=C --no-sync >/dev/null
	pg_as "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$pg_dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null
	pg="postgresql://sluice@127.0.0.1:$port"
}
# pg_baseline_sql FILE: what an expert does by hand with a contacts CSV
# (its columns mapped from its own header): \copy into an unlogged staging
# table, then one INSERT … SELECT DISTINCT ON (phone) … ON CONFLICT (phone)
# DO UPDATE (no validation, no journal), as SQL for psql.
# pg_baseline_sql FILE floor: the same into a table with a unique index on
# each match key of the contacts schema (phone and email), the rows that
# hold a key already left out (ON CONFLICT DO NOTHING: DO UPDATE can name
# only one of them): the floor for the table sluice keeps.
pg_baseline_sql() {
	"$PYTHON" - "$1" "${2:-}" <<'PY'
import csv, sys
path = sys.argv[1]
floor = sys.argv[2] == "floor"
with open(path, newline="", encoding="utf-8") as f:
    head = next(csv.reader(f))
cols = ["c%d" % i for i in range(len(head))]
def col(*names):
    for n in names:
        if n in head:
            return cols[head.index(n)]
    return "NULL"
fields = [("first_name", col("Given Name", "First Name", "first_name")),
          ("last_name", col("Family Name", "Last Name", "last_name")),
          ("email", col("E-mail 1 - Value", "E-mail Address", "email")),
          ("phone", col("Phone 1 - Value", "Mobile Phone", "phone")),
          ("company", col("Organization 1 - Name", "Company", "company")),
          ("job_title", col("Organization 1 - Title", "Job Title")),
          ("birthday", col("Birthday")), ("country", col("country")),
          ("tags", col("Group Membership", "Categories", "tags")), ("notes", col("Notes", "notes"))]
phone = col("Phone 1 - Value", "Mobile Phone", "phone")
names = ", ".join(n for n, _ in fields)
print("CREATE TABLE contacts (id bigserial PRIMARY KEY, first_name text, last_name text, email text%s,"
      % (" UNIQUE" if floor else "") +
      " phone text UNIQUE, company text, job_title text, birthday text, country text, tags text,"
      " notes text);")
print("CREATE UNLOGGED TABLE staging (%s);" % ", ".join(c + " text" for c in cols))
print("\\copy staging FROM '%s' WITH (FORMAT csv, HEADER true)" % path.replace("'", "''"))
print("INSERT INTO contacts (%s) SELECT DISTINCT ON (%s) %s FROM staging WHERE %s <> ''"
      % (names, phone, ", ".join(c for _, c in fields), phone) +
      (" ON CONFLICT DO NOTHING;" if floor else
       " ON CONFLICT (phone) DO UPDATE SET %s;"
       % ", ".join("%s = EXCLUDED.%s" % (n, n) for n, _ in fields if n != "phone")))
PY
}
# The CPU seconds the server's processes have used so far: the
# postmaster's own and its ended children's (the backends of finished
# runs), and those of its children still running. Under load this counts
# the server's work where the wall time counts the waiting too.
pg_cpu() {
	local pm t=0 f
	pm=$(head -n 1 "$pg_dir/data/postmaster.pid")
	read -r -a f <"/proc/$pm/stat"
	t=$((f[13] + f[14] + f[15] + f[16]))
	for c in $(cat /proc/"$pm"/task/*/children 2>/dev/null); do
		if { read -r -a f <"/proc/$c/stat"; } 2>/dev/null; then
			t=$((t + f[13] + f[14]))
		fi
	done
	awk -v t="$t" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
# cpu_line NAME TIMELOG SERVER_CPU: the CPU seconds of the run's client
# (from /usr/bin/time) and of the server.
cpu_line() {
	awk -v n="$1" -v u="$(sed -n 's/.*User time (seconds): //p' "$2")" \
	    -v s="$(sed -n 's/.*System time (seconds): //p' "$2")" -v srv="$3" 'BEGIN {
		printf "%-9s client CPU %6.2f s   server CPU %6.2f s\n", n, u + s, srv }'
}
# pg_side NAME FILE [ARGS…]: sluice importing FILE into database NAME of
# the server, then the hand-written baseline into NAME-base, each under
# /usr/bin/time; prints both and the ratio.
pg_side() {
	local name=$1 file=$2 rc=0
	shift 2
	psql_q -d "$pg/postgres" -c "CREATE DATABASE $name" -c "CREATE DATABASE ${name}_base" \
		-c "CREATE DATABASE ${name}_floor"
	local c0 c1 c2 c3
	settle
	c0=$(pg_cpu)
	/usr/bin/time -v -o "$work/$name.time" "$SLUICE" import "$file" --db "$pg/$name" "$@" \
		--json --progress none >"$work/$name.json" 2>"$work/$name.err" || rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		echo "sluice import into PostgreSQL failed with exit code $rc:" >&2
		tail -n 20 "$work/$name.err" >&2
		exit 1
	fi
	c1=$(pg_cpu)
	report postgres "$work/$name.time"
	pg_baseline_sql "$file" >"$work/$name-base.sql"
	settle
	c2=$(pg_cpu)
	/usr/bin/time -v -o "$work/$name-base.time" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
		-d "$pg/${name}_base" -f "$work/$name-base.sql" >/dev/null
	c3=$(pg_cpu)
	report pg-copy "$work/$name-base.time"
	pg_baseline_sql "$file" floor >"$work/$name-floor.sql"
	settle
	/usr/bin/time -v -o "$work/$name-floor.time" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
		-d "$pg/${name}_floor" -f "$work/$name-floor.sql" >/dev/null
	report pg-floor "$work/$name-floor.time"
	cpu_line postgres "$work/$name.time" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')"
	cpu_line pg-copy "$work/$name-base.time" "$(awk -v a="$c2" -v b="$c3" 'BEGIN { print b - a }')"
	awk -v a="$(wall_seconds "$work/$name.time")" -v b="$(wall_seconds "$work/$name-base.time")" \
	    -v rows="$rows" 'BEGIN {
		if (a > 0 && b > 0)
			printf "ratio     sluice into postgres / \\copy + INSERT ON CONFLICT = %.2f (target <= 2.0); %.0f rows/s (target >= 100000)\n",
			    a / b, rows / a }'
	awk -v a="$(wall_seconds "$work/$name.time")" -v b="$(wall_seconds "$work/$name-floor.time")" \
	    -v c="$(wall_seconds "$work/$name-base.time")" -v rows="$rows" 'BEGIN {
		if (a > 0 && b > 0 && c > 0)
			printf "ratio     sluice into postgres / the floor (phone and email unique) = %.2f; the floor / \\copy + INSERT ON CONFLICT = %.2f, %.0f rows/s\n",
			    a / b, b / c, rows / b }'
	psql_q -d "$pg/postgres" -c "DROP DATABASE $name" -c "DROP DATABASE ${name}_base" \
		-c "DROP DATABASE ${name}_floor"
}

# --pace: 20,000 rows in batches of 1,000 at 4,000 rows a second. Batch k
# is to start (k - 1) / 4 s after the first; the progress lines' elapsed
# time when each batch is committed (seen within the 100 ms watch period)
# minus that schedule is how late each batch was: a kept pace has every
# batch within a batch's write time of its schedule, and about 4,000 rows/s
# from the first commit to the last. BENCH_PART=pace runs only this.
pace_bench() {
	local pace=4000 size=1000 n=20000
	"$PYTHON" "$top_srcdir/tests/gen-contacts.py" --rows "$n" --seed "$seed" \
		--out "$work/pace.csv" >/dev/null
	"$SLUICE" import "$work/pace.csv" --db "$work/pace.db" --batch-size "$size" \
		--pace "$pace/s" --progress=jsonl >/dev/null 2>"$work/pace.err" || true
	jq -R 'fromjson? | select(.type == "progress" and .batch > 0) | [.batch, .elapsed_s] | @tsv' \
		-r "$work/pace.err" | awk -v pace="$pace" -v size="$size" '
		!($1 in seen) { seen[$1] = $2; if ($1 > last) last = $1 }
		END {
			first = seen[1]
			for (k = 2; k <= last; k++) {
				if (!(k in seen)) continue
				late = seen[k] - first - (k - 1) * size / pace
				if (late > worst) worst = late
				if (late < early) early = late
			}
			rate = last > 1 ? (last - 1) * size / (seen[last] - first) : 0
			printf "pace      asked %d rows/s, kept %.0f rows/s over %d batches; each committed %+.0f to %+.0f ms from its schedule\n",
			    pace, rate, last, early * 1000, worst * 1000 }'
}
if [ "${BENCH_PART:-all}" = pace ]; then
	pace_bench
	exit 0
fi

# sluice restore of a JSON backup of $rows records (items, 80%, before the
# users they refer to, 20%): rows/s, wall time, peak RSS and whether it
# stayed within 100 MiB. BENCH_PART=restore runs only this.
restore_bench() {
	"$PYTHON" - "$rows" "$work/backup.json" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
users = max(1, n // 5)
with open(out, "w") as f:
    f.write('{"metadata": {"version": 1},\n"items": [\n')
    for i in range(n - users):
        f.write(('' if i == 0 else ',\n') + '{"id": %d, "name": "Item %d", "userId": %d, "price": %d.5, "dims": {"w": %d}}'
                % (i + 1, i, 1 + i % users, i % 1000, i % 50))
    f.write('],\n"users": [\n')
    for i in range(users):
        f.write(('' if i == 0 else ',\n') + '{"id": %d, "email": "u%d@example.org", "joined": "2024-01-%02d"}'
                % (i + 1, i, 1 + i % 28))
    f.write(']}\n')
PY
	settle
	XDG_STATE_HOME=$work/state /usr/bin/time -v -o "$work/restore.time" "$SLUICE" restore \
		"$work/backup.json" --db "$work/restore.db" --json --progress none >"$work/restore.json" || true
	echo "restore: a JSON backup of $rows records ($(du -m "$work/backup.json" | cut -f1) MB), two tables"
	report restore "$work/restore.time"
	awk -v rss="$(peak_kib "$work/restore.time")" 'BEGIN {
		printf "memory    sluice restore peak RSS %6.1f MiB: %s\n", rss / 1024,
		    (rss <= 100 * 1024 ? "within 100 MiB" : "OVER 100 MiB") }'
}
if [ "${BENCH_PART:-all}" = restore ]; then
	restore_bench
	exit 0
fi

# --- Side by side on ../shared/bench's file ---------------------------------
shared=${SHARED_BENCH:-$top_srcdir/../shared/bench}
if [ -f "$shared/gen_contacts.py" ] && [ -f "$shared/py_upsert.py" ] &&
	[ -f "$shared/schema_unique.sql" ] && [ -x /usr/bin/python3 ] && command -v sqlite3 >/dev/null; then
	echo "side by side: $rows rows of $shared/gen_contacts.py (seed 42), in one run"
	# Debian's Python, so that python3-phonenumbers is used. BENCH_FILE=F:
	# a file it made before, for these rows and seed (it takes minutes).
	if [ -n "${BENCH_FILE:-}" ]; then
		ln -s "$(realpath "$BENCH_FILE")" "$work/c.csv"
	else
		/usr/bin/python3 "$shared/gen_contacts.py" --rows "$rows" --out "$work/c.csv"
	fi
	# Into PostgreSQL, next to \copy + INSERT … ON CONFLICT by hand: the
	# issue's targets. BENCH_PART=postgres runs these only, BENCH_REPEAT
	# times (default 1), to see the spread on a shared machine.
	if pg_bench_start; then
		for i in $(seq "${BENCH_REPEAT:-1}"); do
			pg_side shared "$work/c.csv" --strategy update
		done
	else
		echo "postgres  skipped: the PostgreSQL server's programs are not in $PG_BIN (postgresql-15)"
	fi
	[ "${BENCH_PART:-all}" != postgres ] || exit 0
	# The runs into SQLite have the machine to themselves.
	pg_bench_stop
	sluice_run csv import "$work/c.csv" --db "$work/c-csv.db" --strategy update
	report sluice "$work/csv.time"
	if [ -n "${GEN_XLSX:-}" ] && [ -x "$GEN_XLSX" ]; then
		"$GEN_XLSX" "$work/c.csv" "$work/c.xlsx"
		sluice_run xlsx import "$work/c.xlsx" --db "$work/c-xlsx.db" --strategy update
		report xlsx "$work/xlsx.time"
		"$PYTHON" - "$work/csv.json" "$work/xlsx.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["total", "created", "updated", "unchanged", "rejected"]
print("          xlsx counts " + ("match the CSV import" if all(a[k] == b[k] for k in keys)
      else "DIFFER from the CSV import: %r" % {k: (a[k], b[k]) for k in keys}))
PY
	fi
	sluice_run dry import "$work/c.csv" --db "$work/c-dry.db" --dry-run
	report dry-run "$work/dry.time"
	settle
	/usr/bin/time -v -o "$work/import.time" sqlite3 "$work/c-import.db" \
		".read $shared/schema_unique.sql" ".import --csv --skip 1 $work/c.csv contacts" \
		>/dev/null 2>"$work/import.err" || true
	report .import "$work/import.time"
	# The floor for the table sluice keeps: the same .import into a table
	# with a unique index on each match key of the contacts schema (phone
	# and email), with sluice's settings (16 KiB pages, WAL,
	# synchronous=NORMAL, a 44 MiB page cache), in one transaction: no validation, no look-ups, no
	# journal, no batches.
	sed 's/email TEXT,/email TEXT UNIQUE,/' "$shared/schema_unique.sql" >"$work/schema2.sql"
	[ "$(grep -o UNIQUE "$work/schema2.sql" | wc -l)" = 2 ] ||
		echo "floor     is not the floor: $shared/schema_unique.sql changed, email did not become unique" >&2
	settle
	/usr/bin/time -v -o "$work/floor.time" sqlite3 "$work/c-floor.db" \
		"PRAGMA page_size=16384" "PRAGMA journal_mode=WAL" "PRAGMA synchronous=NORMAL" \
		"PRAGMA cache_size=-45056" \
		".read $work/schema2.sql" ".import --csv --skip 1 $work/c.csv contacts" \
		>/dev/null 2>"$work/floor.err" || true
	report floor "$work/floor.time"
	settle
	/usr/bin/time -v -o "$work/py.time" /usr/bin/python3 "$shared/py_upsert.py" --batch 500 \
		"$work/c.csv" "$work/c-py.db" >"$work/py.out"
	report python "$work/py.time"
	ratio "sluice / sqlite3 .import (target <= 2.0)" "$work/csv.time" "$work/import.time"
	ratio "python / sluice (target >= 3.0)" "$work/py.time" "$work/csv.time"
	ratio "sluice / floor (phone and email unique, one transaction)" "$work/csv.time" "$work/floor.time"
	ratio "python / floor" "$work/py.time" "$work/floor.time"
	[ ! -f "$work/xlsx.time" ] ||
		ratio "xlsx / csv (target <= 1.3)" "$work/xlsx.time" "$work/csv.time"
	ratio "dry run / csv" "$work/dry.time" "$work/csv.time"
	for name in csv xlsx dry; do
		[ -f "$work/$name.time" ] || continue
		awk -v n="$name" -v rss="$(peak_kib "$work/$name.time")" 'BEGIN {
			printf "memory    sluice %-4s peak RSS %6.1f MiB: %s\n", n, rss / 1024,
			    rss <= 100 * 1024 ? "within 100 MiB" : "OVER 100 MiB" }'
	done
	rm -f "$work"/c*.db* "$work/c.xlsx"
else
	echo "side by side skipped: no $shared (../shared/bench), /usr/bin/python3 or sqlite3"
fi
# BENCH_PART=side: the side-by-side runs only.
[ "${BENCH_PART:-all}" != side ] || exit 0

restore_bench

echo "sluice bench: $rows rows (seed $seed), in $work"

start=$(date +%s.%N)
"$PYTHON" "$top_srcdir/tests/gen-contacts.py" --rows "$rows" --seed "$seed" \
	--style google --invalid-rate 0.05 --dup-rate 0.05 \
	--out "$work/contacts.csv" --manifest "$work/manifest.json"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v f="$(wc -c <"$work/contacts.csv")" \
	'BEGIN { printf "generated %.1f MiB in %.1f s\n", f / 1048576, e - s }'

# sluice: exit 1 is expected (the file has invalid rows on purpose).
rc=0
settle
/usr/bin/time -v -o "$work/sluice.time" "$SLUICE" import "$work/contacts.csv" \
	--db "$work/sluice.db" --json >"$work/sluice.json" 2>"$work/sluice.err" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
	echo "sluice import failed with exit code $rc:" >&2
	tail -n 20 "$work/sluice.err" >&2
	exit 1
fi
report sluice "$work/sluice.time"

# Do the counts agree with what the generator wrote? (A benchmark of a
# wrong import measures nothing.)
"$PYTHON" - "$work/sluice.json" "$work/manifest.json" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))
want = json.load(open(sys.argv[2]))["expected"]["update"]
diff = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
print("          counts " + ("match the manifest" if not diff else
      "DIFFER from the manifest (got, expected): %r" % diff))
PY

# The baseline writes with the same journal mode sluice left its database in.
journal_mode=$(sqlite3 -batch -noheader "$work/sluice.db" 'PRAGMA journal_mode;' 2>/dev/null || echo delete)
settle
/usr/bin/time -v -o "$work/baseline.time" "$PYTHON" "$top_srcdir/tests/bench/baseline.py" \
	--journal-mode "$journal_mode" "$work/contacts.csv" "$work/baseline.db" >"$work/baseline.out"
report baseline "$work/baseline.time"
sed 's/^/          /' "$work/baseline.out"

awk -v rows="$rows" -v a="$(wall_seconds "$work/sluice.time")" \
	-v b="$(wall_seconds "$work/baseline.time")" 'BEGIN {
	if (a > 0 && b > 0)
		printf "ratio     sluice / baseline = %.2f (rows/s)\n", b / a }'

# PostgreSQL: the same file into the throwaway server, next to \copy +
# INSERT … ON CONFLICT by hand. Skipped without the server's programs.
if pg_bench_start; then
	pg_side google "$work/contacts.csv"
	"$PYTHON" - "$work/sluice.json" "$work/google.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["total", "created", "updated", "unchanged", "rejected"]
print("          postgres counts " + ("match the SQLite import" if all(a[k] == b[k] for k in keys)
      else "DIFFER from the SQLite import: %r" % {k: (a[k], b[k]) for k in keys}))
PY
	pg_bench_stop
else
	echo "postgres  skipped: the PostgreSQL server's programs are not in $PG_BIN (postgresql-15)"
fi

# The XLSX report of that import (about 50,000 errors and rejected rows),
# written in libxlsxwriter's constant-memory mode.
id=$(sqlite3 -batch -noheader "$work/sluice.db" 'SELECT max(id) FROM sluice_imports')
/usr/bin/time -v -o "$work/report.time" "$SLUICE" report "$id" --db "$work/sluice.db" \
	--xlsx "$work/report.xlsx" >/dev/null 2>"$work/report.err"
errors=$(sqlite3 -batch -noheader "$work/sluice.db" "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id")
awk -v e="$errors" -v wall="$(wall_seconds "$work/report.time")" -v rss="$(peak_kib "$work/report.time")" \
	-v size="$(wc -c <"$work/report.xlsx")" 'BEGIN {
	printf "report    %d errors to XLSX (%.1f MiB)   wall %7.2f s   peak RSS %7.1f MiB\n",
	    e, size / 1048576, wall, rss / 1024 }'

# The PDF report of the same import: its time (the aim: under 2 s) and its
# pages (a handful, whatever the number of errors).
/usr/bin/time -v -o "$work/pdf.time" "$SLUICE" report "$id" --db "$work/sluice.db" \
	--pdf "$work/report.pdf" >/dev/null 2>"$work/pdf.err"
pdf_pages=$(pdfinfo "$work/report.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
awk -v e="$errors" -v wall="$(wall_seconds "$work/pdf.time")" -v rss="$(peak_kib "$work/pdf.time")" \
	-v pages="${pdf_pages:-?}" 'BEGIN {
	printf "report    %d errors to PDF (%s pages)       wall %7.2f s   peak RSS %7.1f MiB\n",
	    e, pages, wall, rss / 1024 }'

pace_bench

# The phone column alone, validated by plain libphonenumber and by sluice's
# phone validator side by side (what make bench-phones prints).
if [ -n "${PHONE_BENCH:-}" ] && [ -x "$PHONE_BENCH" ]; then
	"$PHONE_BENCH" "$work/contacts.csv" "Phone 1 - Value" US 1 ||
		echo "phones    the phone validator's answers DIFFER from libphonenumber's"
fi
