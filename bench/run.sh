#!/bin/sh
# Benchmarks of whole runs (as root), against Linux in a namespace, both families. For
# each suite (quick: --quick; full: every case), each concurrency (the default, which
# adapts, and the maximum -j 256) and each load (an idle machine; one more busy loop
# than there are CPUs), REPEAT runs give:
#   wall      the median wall time, and its ratio to the run's longest case (the floor:
#             no concurrency can beat it)
#   cpu       the median CPU time of the tool (user + system)
#   rss       the largest peak RSS of the tool over the runs
#   changes   the runs whose verdicts (case, family, verdict) differ from the first
#             run's, and the cases that changed
# The machine is shared: compare the figures of one run of this script, not across days.
#   sh bench/run.sh [-n REPEAT] [-s quick|full|both] [-j "default 256"] [-l "idle busy"]
#                   [extra tcpconform run options]
# Defaults: -n 20 -s quick -j "default 256" -l "idle busy".
set -u
REPEAT=20
SUITES=quick
JOBS="default 256"
LOADS="idle busy"
while [ $# -gt 0 ]; do
	case $1 in
	-n) REPEAT=$2; shift 2 ;;
	-s) SUITES=$2; [ "$SUITES" = both ] && SUITES="quick full"; shift 2 ;;
	-j) JOBS=$2; shift 2 ;;
	-l) LOADS=$2; shift 2 ;;
	*) break ;;
	esac
done
EXTRA="$*"
TC=${TC:-build/tcpconform}
out=$(mktemp -d /tmp/tc-bench.XXXXXX)
hogs=""
stop_hogs() { for h in $hogs; do kill "$h" 2>/dev/null; done; hogs=""; }
trap 'stop_hogs; rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
[ "$(id -u)" = 0 ] || { echo "bench/run.sh needs root" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench/run.sh needs jq" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/run.sh needs /usr/bin/time (Debian's package time)" >&2; exit 2; }
case $REPEAT in '' | *[!0-9]* | 0) echo "bench/run.sh: -n takes a number of runs (got '$REPEAT')" >&2; exit 2 ;; esac

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# run_once KEY SUITE JOBS: one run; wall, CPU, RSS, longest case and verdicts into $out/KEY.*
run_once() {
	_s=; [ "$2" = quick ] && _s=--quick
	_j=; [ "$3" != default ] && _j="-j $3"
	# shellcheck disable=SC2086
	/usr/bin/time -f '%e %U %S %M' -o "$out/time" "$TC" run --no-color -q $_s $_j -o "$out/r" $EXTRA \
		>"$out/log" 2>&1
	read -r w u s m <"$out/time"
	echo "$w" >>"$out/$1.wall"
	echo "$u $s" | awk '{print $1 + $2}' >>"$out/$1.cpu"
	echo "$m" >>"$out/$1.rss"
	rep="$out/r/latest/report.json"
	jq '[.cases[].duration_us]|max/1e6' "$rep" >>"$out/$1.longest"
	jq -r '.run.jobs_adaptive // empty | "\(.peak) \(.backoffs)"' "$rep" >>"$out/$1.adapt"
	jq -r '.cases[]|"\(.id) \(.family) \(.verdict)"' "$rep" | sort >"$out/$1.v.$i"
	rm -rf "$out/r"
}

printf '%-6s %-8s %-5s %5s %9s %9s %6s %8s %8s %8s  %s\n' suite jobs load runs wall_s longest_s ratio cpu_s \
	rss_MB changes "adaptive (peak, backoffs: medians)"
for suite in $SUITES; do
	for jobs in $JOBS; do
		for load in $LOADS; do
			key="$suite-$jobs-$load"
			if [ "$load" = busy ]; then
				for _h in $(seq 0 "$(nproc)"); do
					sh -c 'while :; do :; done' &
					hogs="$hogs $!"
				done
			fi
			i=1
			while [ "$i" -le "$REPEAT" ]; do
				run_once "$key" "$suite" "$jobs"
				i=$((i + 1))
			done
			stop_hogs
			changed=0
			i=2
			while [ "$i" -le "$REPEAT" ]; do
				if ! cmp -s "$out/$key.v.1" "$out/$key.v.$i"; then
					changed=$((changed + 1))
					diff "$out/$key.v.1" "$out/$key.v.$i" | sed -n 's/^> /  run '"$i"': /p' >>"$out/$key.changed"
				fi
				i=$((i + 1))
			done
			w=$(median <"$out/$key.wall")
			l=$(median <"$out/$key.longest")
			printf '%-6s %-8s %-5s %5s %9s %9.2f %6.2f %8s %8.1f %8s  %s\n' "$suite" "$jobs" "$load" "$REPEAT" "$w" "$l" \
				"$(echo "$w $l" | awk '{print ($2 > 0 ? $1 / $2 : 0)}')" "$(median <"$out/$key.cpu")" \
				"$(sort -n "$out/$key.rss" | tail -n 1 | awk '{print $1 / 1024}')" "$changed/$((REPEAT - 1))" \
				"$(if [ -s "$out/$key.adapt" ]; then echo "$(cut -d' ' -f1 "$out/$key.adapt" | median) $(cut -d' ' -f2 "$out/$key.adapt" | median)"; else echo -; fi)"
			[ -s "$out/$key.changed" ] && sort "$out/$key.changed" | uniq -c | sort -rn | head -n 10 | sed 's/^/    /'
		done
	done
done
