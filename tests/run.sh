#!/bin/sh
# Runs every test: the unit tests (no root), then each end-to-end script of tests/e2e
# (root: they make their own network namespaces). Each test prints TAP-style lines,
# "ok - name" or "not ok - name"; this script counts them and ends with
# "N passed, N failed". Exit status 0 only when nothing failed. Each script ends
# with the line "# end" (tc_end in tests/e2e/lib.sh).
set -u
BUILD=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
log=$(mktemp)
part=$(mktemp)
status=$(mktemp)
trap 'rm -f "$log" "$part" "$status"' EXIT INT TERM

# run_part NAME CMD...: runs one part, its output into the log. A part that ends
# without its last line ("# end" for a script, "# unit: N run, ..." for the unit
# tests), or with a non-zero status and no failure of its own to show for it, or on
# a signal (a crash), counts as one more failure: a test that dies half-way must not
# pass because of the checks it never reached.
run_part() {
	name=$1; shift
	echo "== $name"
	: >"$part"
	{ "$@" 2>&1; echo $? >"$status"; } | tee "$part"
	cat "$part" >>"$log"
	st=$(cat "$status")
	own=$(grep -c '^not ok ' "$part")
	if [ "$st" -ge 128 ]; then
		echo "not ok - $name was killed by signal $((st - 128))" | tee -a "$log"
	elif [ "$own" -eq 0 ] && { [ "$st" -ne 0 ] || ! grep -Eq '^# (end|unit: [0-9]+ run)' "$part"; }; then
		echo "not ok - $name ended early (exit status $st, its last line not reached)" | tee -a "$log"
	fi
}

run_part unit "$BUILD/unit-tests"
if [ "$(id -u)" = 0 ]; then
	for t in tests/e2e/*.sh; do
		[ -e "$t" ] || continue
		[ "$t" = tests/e2e/lib.sh ] && continue         # the helpers the scripts source
		TC_BUILD="$BUILD" run_part "$t" sh "$t"
	done
else
	echo "== end-to-end tests need root: skipped"
	echo "skip - end-to-end tests (not root)" >>"$log"
fi
passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
skipped=$(grep -c '^skip ' "$log")
echo
grep '^not ok ' "$log" | sed 's/^/FAILED: /'
[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
