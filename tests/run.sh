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
# the long end-to-end scripts, which mostly wait (RFC timers, silence windows): they run
# side by side, with the others after them one at a time; SERIAL=1 runs all one by one.
# overload.sh saturates the CPUs on purpose: it runs before them, alone.
SIDE_BY_SIDE="tests/e2e/suite.sh tests/e2e/remote.sh tests/e2e/stacks.sh"
[ "${SERIAL:-0}" = 1 ] && SIDE_BY_SIDE=
FIRST=tests/e2e/overload.sh
dir=$(mktemp -d)
log=$dir/log
part=$dir/part
status=$dir/status
times=$dir/times
: >"$log"
: >"$times"
# on the way out, the scripts still running in the background get TERM (each cleans up
# behind itself on it) and are waited for
stop_side() {
	for _f in "$dir"/*.pid; do
		[ -e "$_f" ] && kill -TERM "$(cat "$_f")" 2>/dev/null
	done
	wait
}
# (a trap that does not exit would swallow the signal: the next script would start)
trap 'stop_side; rm -rf "$dir"' EXIT
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
	judge_part "$name" "$t0"
}

# side_start NAME CMD...: runs one part in the background, its output kept apart
# (N: its number among them); side_end N: waits for part N, shows its output, and
# judges it as run_part does
nside=0
side_start() {
	nside=$((nside + 1))
	echo "== $1 (started, side by side with what follows)"
	_n=$1; shift
	date +%s >"$dir/side$nside.t0"
	"$@" >"$dir/side$nside.out" 2>&1 &
	echo $! >"$dir/side$nside.pid"
	echo "$_n" >"$dir/side$nside.name"
}
side_end() {
	_pid=$(cat "$dir/side$1.pid")
	wait "$_pid"
	echo $? >"$status"
	rm -f "$dir/side$1.pid"
	echo "== $(cat "$dir/side$1.name") (side by side)"
	cat "$dir/side$1.out"
	cp "$dir/side$1.out" "$part"
	judge_part "$(cat "$dir/side$1.name")" "$(cat "$dir/side$1.t0")" "$(stat -c %Y "$dir/side$1.out")"
}

# judge_part NAME T0 [T1]: what run_part says of the part just run (its output in
# $part, its status in $status); it ran from T0 to T1 (default: now)
judge_part() {
	name=$1
	t0=$2
	t1=${3:-$(date +%s)}
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
	echo "$((t1 - t0)) s $name" >>"$times"
}

run_part unit "$BUILD/unit-tests"
if [ "$MODE" = check ]; then
	e2e=$QUICK_E2E
else
	e2e=$(ls tests/e2e/*.sh)
fi
# the fuzzers, in both modes: FUZZ_SECONDS (10) each, both at once (one CPU each)
# fuzz NAME [DICT]: run the fuzzer; a crash it finds is a failure (its output says where)
fuzz() {
	if ./build-fuzz/"fuzz_$1" -max_total_time="${FUZZ_SECONDS:-10}" ${2:+-dict=$2} "build-fuzz/corpus-$1" \
		>build-fuzz/"$1".log 2>&1; then
		echo "ok - fuzz: $1 for ${FUZZ_SECONDS:-10} s: $(grep -o 'Done [0-9]* runs' build-fuzz/"$1".log)"
	else
		echo "not ok - fuzz: $1 found a crash (build-fuzz/$1.log)"
		tail -n 20 build-fuzz/"$1".log
	fi
}
fuzz_both() {
	fuzz decode >"$dir/fuzz-decode" 2>&1 &
	fuzz parse tests/fuzz/case.dict >"$dir/fuzz-parse" 2>&1
	wait
	cat "$dir/fuzz-decode" "$dir/fuzz-parse"
	echo "1..2"
}
if command -v clang >/dev/null && make --no-print-directory -j"$(nproc 2>/dev/null || echo 1)" fuzz-build >/dev/null 2>&1; then
	run_part fuzzers fuzz_both
else
	echo "skip - fuzzers (clang or its fuzzer runtime is missing: make check and make test install clang as root)" | tee -a "$log"
fi
# among WORD LIST: is WORD one of the words of LIST?
among() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }
if [ "$(id -u)" = 0 ]; then
	export TC_BUILD="$BUILD"
	for t in $e2e; do
		among "$t" "$FIRST" && [ -e "$t" ] && run_part "$t" sh "$t"
	done
	for t in $e2e; do
		among "$t" "$SIDE_BY_SIDE" && [ -e "$t" ] && side_start "$t" sh "$t"
	done
	for t in $e2e; do
		[ -e "$t" ] || continue
		[ "$t" = tests/e2e/lib.sh ] && continue         # the helpers the scripts source
		among "$t" "$FIRST $SIDE_BY_SIDE" && continue
		run_part "$t" sh "$t"
	done
	i=1
	while [ "$i" -le "$nside" ]; do
		side_end "$i"
		i=$((i + 1))
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
