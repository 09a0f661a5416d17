#!/bin/sh
# End to end: run --format tap. The plan first, one test point per case and family;
# a waived failure is a TODO (prove: all tests successful), an unwaived one is "not ok"
# with its reason in a YAML block (prove: FAIL), a skip says why; no colour, no status
# line, no human summary.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-tap.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
sel='tcp.matrix.time_wait.fin.*'
"$TC" run -4 --format tap -o "$d/o" "$sel" tcp.ip.syn_to_multicast6 >"$d/tap" 2>/dev/null
check "tap: the version and the plan come first" [ "$(head -n 2 "$d/tap" | tr '\n' ' ')" = "TAP version 13 1..6 " ]
check "tap: one test point per case" [ "$(grep -c '^\(not \)\{0,1\}ok - ' "$d/tap")" = 6 ]
check "tap: a waived failure is a TODO with the waiver's reason" grep -q '^not ok - tcp.matrix.time_wait.fin.left # TODO waived: Linux' "$d/tap"
check "tap: a skip says why" grep -q '^ok - tcp.ip.syn_to_multicast6 # SKIP an IPv6 case' "$d/tap"
check "tap: no escape sequence, no human summary" sh -c "! grep -q \"\$(printf '\\033')\" '$d/tap' && ! grep -q ' cases: ' '$d/tap'"
if command -v prove >/dev/null; then
	check "tap: prove reads it: all tests successful" sh -c "prove -e cat '$d/tap' 2>&1 | grep -q 'Result: PASS'"
	"$TC" run -4 --format tap --no-waivers -o "$d/o" "$sel" >"$d/tap2" 2>/dev/null
	check "tap: a failure is not ok with its reason (prove: FAIL)" \
		sh -c "grep -q '^  reason: \"matrix/time_wait.fin.left:' '$d/tap2' && prove -e cat '$d/tap2' 2>&1 | grep -q 'Result: FAIL'"
fi
"$TC" run -4 --format tap14 -o "$d/o" "$sel" tcp.ip.syn_to_multicast6 >"$d/tap14" 2>/dev/null
# (the same cases: their verdicts may differ from run to run, and the points come as the
# cases end, in an order that may differ too)
points() { sed -n 's/^\(not \)\{0,1\}ok - \([^ ]*\).*/\2/p' "$1" | sort; }
check "tap: tap14 heads the same points with TAP version 14" \
	[ "$(head -n 2 "$d/tap14" | tr '\n' ' ')$(points "$d/tap14")" = "TAP version 14 1..6 $(points "$d/tap")" ]
out=$("$TC" run --format xml 2>&1)
check "tap: another format is a usage error naming the three" sh -c "printf '%s' \"\$1\" | grep -q 'takes text (the default), tap (TAP 13) or tap14'" _ "$out"
check "tap: nothing left behind" clean
tc_end
