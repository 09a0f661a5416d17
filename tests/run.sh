#!/bin/sh
# Runs every test: the unit tests (no root), then each end-to-end script of tests/e2e
# (root: they make their own network namespaces). Each test prints TAP-style lines,
# "ok - name" or "not ok - name"; this script counts them and ends with
# "N passed, N failed". Exit status 0 only when nothing failed.
set -u
BUILD=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

run_part() {
	name=$1; shift
	echo "== $name"
	"$@" 2>&1 | tee -a "$log"
	st=$?
	return $st
}

run_part unit "$BUILD/unit-tests"
if [ "$(id -u)" = 0 ]; then
	for t in tests/e2e/*.sh; do
		[ -e "$t" ] || continue
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
