#!/bin/sh
# Benchmarks of a whole run (as root): wall time with -j 1 and with the default -j,
# the injection-to-reply latency (median and 90th percentile, from the traces of
# report.json), and peak memory (/usr/bin/time -v). Each figure is the median of
# REPEAT runs (default 5); the machine is shared, so compare figures of one run of
# this script, not across days.
#   sh bench/run.sh [REPEAT] [extra tcpconform run options]
set -u
REPEAT=${1:-5}
[ $# -gt 0 ] && shift
EXTRA="$*"
TC=${TC:-build/tcpconform}
out=$(mktemp -d /tmp/tc-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
[ "$(id -u)" = 0 ] || { echo "bench/run.sh needs root" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench/run.sh needs jq" >&2; exit 2; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# run_once JOBS: wall seconds and peak RSS (KiB) of one run, appended to files.
run_once() {
	if [ -x /usr/bin/time ]; then
		# shellcheck disable=SC2086
		/usr/bin/time -v "$TC" run --no-color -q -j "$1" -o "$out/r" $EXTRA >/dev/null 2>"$out/time"
		awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' \
			"$out/time" >>"$out/wall.$1"
		awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time" >>"$out/rss.$1"
	else
		t0=$(date +%s.%N)
		# shellcheck disable=SC2086
		"$TC" run --no-color -q -j "$1" -o "$out/r" $EXTRA >/dev/null 2>&1
		echo "$(date +%s.%N) $t0" | awk '{print $1-$2}' >>"$out/wall.$1"
	fi
	# injection to reply: each segment from the target, minus the last one sent before it
	jq -r '.cases[].trace | . as $t | range(1; length) as $i
		| select($t[$i].dir == "in" and $t[$i-1].dir == "out") | $t[$i].t_us - $t[$i-1].t_us' \
		"$out/r/latest/report.json" >>"$out/lat.$1"
}

for j in 1 16; do
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		run_once "$j"
		i=$((i + 1))
	done
done
n=$(jq '.cases|length' "$out/r/latest/report.json")
echo "cases per run: $n; runs per figure: $REPEAT"
for j in 1 16; do
	w=$(median <"$out/wall.$j")
	r=$( [ -s "$out/rss.$j" ] && median <"$out/rss.$j" || echo "?")
	l50=$(median <"$out/lat.$j")
	l90=$(sort -n "$out/lat.$j" | awk '{a[NR]=$1} END {print a[int(NR*0.9)]}')
	echo "-j $j: wall ${w} s, peak RSS ${r} KiB, injection-to-reply median ${l50} us, p90 ${l90} us ($(wc -l <"$out/lat.$j") replies)"
done
