#!/bin/sh
# End to end: tcpconform diff A B. A run against itself differs in nothing; the same
# cases without the waivers make the waived failures regressions (exit 1, each named);
# two stacks differ where their segments do; bad input exits 2.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-diff.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
sel='tcp.matrix.time_wait.fin.*'
"$TC" run -4 -q --no-color -o "$d/a" "$sel" >/dev/null 2>&1
"$TC" run -4 -q --no-color --no-waivers -o "$d/b" "$sel" >/dev/null 2>&1
a=$(readlink -f "$d/a/latest") b=$(readlink -f "$d/b/latest")
out=$("$TC" diff "$a" "$a")
check "diff: a run against itself: exit 0, nothing differs" sh -c "'$TC' diff '$a' '$a' >/dev/null && printf '%s\n' '$out' | grep -q '^0 case runs differ'"
"$TC" diff "$a" "$b" >"$d/out"
st=$?
check "diff: a new failure exits 1" [ "$st" = 1 ]
check "diff: it names each regression with its reason" \
	sh -c "grep -q '^REGRESSION tcp.matrix.time_wait.fin.inside: xfail -> fail MUST' '$d/out' && grep -q '^    matrix/time_wait.fin.inside:' '$d/out'"
check "diff: the summary counts them" grep -q ' 3 regressions$' "$d/out"
"$TC" diff "$b" "$a" >/dev/null
check "diff: a failure that went away is no regression (exit 0)" [ $? = 0 ]
"$TC" diff --json "$a/report.json" "$b/report.json" >"$d/j"
check "diff: --json lists the cases with both verdicts" \
	[ "$(jq -r '[.cases[]|select(.regression)|.verdict|join(">")]|unique|join(",")' "$d/j") $(jq .regressions "$d/j")" = "xfail>fail 3" ]
# resets to a closed port: lwIP's carry ACK where Linux's do not
"$TC" run -4 -q --no-color -o "$d/x" 'tcp.rst.closed_port_*' >/dev/null 2>&1
"$TC" run -4 -q --no-color --stack lwip -o "$d/l" 'tcp.rst.closed_port_*' >/dev/null 2>&1
"$TC" diff "$d/x/latest" "$d/l/latest" >"$d/ab"
check "diff: two stacks: the segments from the target that differ are shown" \
	grep -q '^    from the target: ' "$d/ab"
check "diff: the summary names both stacks" grep -q 'stacks linux and lwip$' "$d/ab"
"$TC" diff "$a" /nonexistent >/dev/null 2>"$d/e"
check "diff: a missing run exits 2 and says so" sh -c "[ $? = 2 ] && grep -q '/nonexistent: No such file' '$d/e'"
echo '{"x":1}' >"$d/bad.json"
"$TC" diff "$a" "$d/bad.json" >/dev/null 2>"$d/e"
check "diff: something that is no report exits 2" sh -c "[ $? = 2 ] && grep -q 'not a tcpconform report' '$d/e'"
"$TC" diff "$a" >/dev/null 2>"$d/e"
check "diff: one run is a usage error" sh -c "[ $? = 2 ] && grep -q 'diff takes two runs' '$d/e'"
check "diff: nothing left behind" clean
tc_end
