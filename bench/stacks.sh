#!/bin/sh
# The stacks side by side (as root): one run of every stack (--stack all, or the
# stacks given), then per stack and family the verdicts, the cases judged (not skipped)
# against Linux's, the wall time, and the deviations (the failures grouped by cause).
#   sh bench/stacks.sh [STACKS] [extra tcpconform run options]    STACKS: all, or lwip,gvisor...
set -u
STACKS=${1:-all}
[ $# -gt 0 ] && shift
TC=${TC:-build/tcpconform}
out=$(mktemp -d /tmp/tc-stacks.XXXXXX)
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
[ "$(id -u)" = 0 ] || { echo "bench/stacks.sh needs root" >&2; exit 2; }
# shellcheck disable=SC2068
"$TC" run --stack "$STACKS" -q --no-color -o "$out" $@ >"$out/log" 2>&1
top=$(readlink -f "$out/latest")
for dir in "$top"/*/; do
	s=$(basename "$dir")
	rep="$dir/report.json"
	[ -f "$rep" ] || continue
	jq -r --arg s "$s" '
		def judged(f): [.cases[]|select(.family==f and .verdict!="skip" and .verdict!="notrun")]|length;
		def n(f; v): [.cases[]|select(.family==f and .verdict==v)]|length;
		((.finished|sub("\\.[0-9]+Z$";"Z")|fromdate) - (.started|sub("\\.[0-9]+Z$";"Z")|fromdate)) as $wall
		| ["ipv4","ipv6"][] as $f
		| "\($s) \($f): \(n($f;"pass")) pass, \(n($f;"fail")) fail, \(n($f;"xfail")) xfail, \(n($f;"skip")) skip, \(n($f;"inconclusive")) inconclusive, \(n($f;"error")) error; judged \(judged($f)); wall \($wall) s; \(.deviations|length) deviations; \(.environment.stack_version)"' "$rep"
done | tee "$out/table"
# judged against Linux, when Linux ran
if grep -q '^linux ' "$out/table"; then
	for f in ipv4 ipv6; do
		lj=$(awk -v f="$f:" '$1=="linux" && $2==f {for(i=1;i<=NF;i++) if($i=="judged") {sub(";","",$(i+1)); print $(i+1)}}' "$out/table")
		awk -v f="$f:" -v lj="$lj" '$2==f {for(i=1;i<=NF;i++) if($i=="judged") {j=$(i+1); sub(";","",j); printf "%s %s judged %d of Linux'"'"'s %d (%.1f%%)\n", $1, f, j, lj, 100*j/lj}}' "$out/table"
	done
fi
tail -n 30 "$out/log" | sed -n '/case runs differ/,$p' | head -n 3
