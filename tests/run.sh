#!/bin/sh
# Runs every test: the unit tests (no root), then each end-to-end script of tests/e2e
# (root: they make their own network namespaces). Each part prints TAP: "ok - name" or
# "not ok - name", and its plan "1..N" last (tc_end in tests/e2e/lib.sh; prove reads
# them too); this script counts them and ends with "N passed, N failed". Exit status
# 0 only when nothing failed.
set -u
BUILD=${1:-build}
# "check": the edit loop's share (make check): the unit tests, the end-to-end scripts
# that take seconds, and each fuzzer for FUZZ_SECONDS (10)
MODE=${2:-all}
QUICK_E2E="tests/e2e/cli.sh tests/e2e/diagnostics.sh tests/e2e/state.sh tests/e2e/agent.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
log=$(mktemp)
part=$(mktemp)
status=$(mktemp)
times=$(mktemp)
# (a trap that does not exit would swallow the signal: the next script would start)
trap 'rm -f "$log" "$part" "$status" "$times"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_part NAME CMD...: runs one part, its output into the log. A part that ends
# without its plan (its last line, "1..N"), or with a non-zero status and no failure
# of its own to show for it, or on a signal (a crash), or whose plan differs from the
# tests it printed, counts as one more failure: a test that dies half-way must not
# pass because of the checks it never reached.
run_part() {
	name=$1; shift
	echo "== $name"
	t0=$(date +%s)
	: >"$part"
	{ "$@" 2>&1; echo $? >"$status"; } | tee "$part"
	cat "$part" >>"$log"
	st=$(cat "$status")
	own=$(grep -c '^not ok ' "$part")
	ran=$(grep -Ec '^(ok|not ok) ' "$part")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$part" | tail -n 1)
	if [ "$st" -ge 128 ]; then
		echo "not ok - $name was killed by signal $((st - 128))" | tee -a "$log"
	elif [ "$own" -eq 0 ] && { [ "$st" -ne 0 ] || [ -z "$plan" ]; }; then
		echo "not ok - $name ended early (exit status $st, its plan not reached)" | tee -a "$log"
	elif [ -n "$plan" ] && [ "$plan" != "$ran" ]; then
		echo "not ok - $name: its plan says $plan tests, it printed $ran" | tee -a "$log"
	fi
	echo "$(($(date +%s) - t0)) s $name" >>"$times"
}

run_part unit "$BUILD/unit-tests"
if [ "$MODE" = check ]; then
	e2e=$QUICK_E2E
else
	e2e=$(ls tests/e2e/*.sh)
fi
# the fuzzers, in both modes: FUZZ_SECONDS (10) each
# fuzz NAME: run the fuzzer; a crash it finds is a failure (its output says where)
fuzz() {
	if ./build-fuzz/"fuzz_$1" -max_total_time="${FUZZ_SECONDS:-10}" ${2:+-dict=$2} "build-fuzz/corpus-$1" \
		>build-fuzz/"$1".log 2>&1; then
		echo "ok - fuzz: $1 for ${FUZZ_SECONDS:-10} s: $(grep -o 'Done [0-9]* runs' build-fuzz/"$1".log)"
	else
		echo "not ok - fuzz: $1 found a crash (build-fuzz/$1.log)"
		tail -n 20 build-fuzz/"$1".log
	fi
	echo "1..1"
}
if command -v clang >/dev/null && make --no-print-directory fuzz-build >/dev/null 2>&1; then
	run_part "fuzz decode" fuzz decode
	run_part "fuzz parse" fuzz parse tests/fuzz/case.dict
else
	echo "skip - fuzzers (clang or its fuzzer runtime is missing: make check and make test install clang as root)" | tee -a "$log"
fi
if [ "$(id -u)" = 0 ]; then
	for t in $e2e; do
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
echo "# the slowest parts:"
sort -rn "$times" | head -n 8 | sed 's/^/#   /'
grep '^not ok ' "$log" | sed 's/^/FAILED: /'
[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
