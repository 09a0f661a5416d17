#!/bin/sh
# End to end: a deliberately wrong expectation must come out as a fail, with the
# compiler-style diagnostic, on the terminal and in the JSON; a MUST failure exits 1,
# a SHOULD failure alone exits 0.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-diag.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$d/cases" "$d/should"
# syn_ack_basic with "ack 2" where Linux (rightly) says "ack 1"
sed 's/^< S\. 0:0(0) ack 1 /< S. 0:0(0) ack 2 /; s/^@id .*/@id wrong.synack_ack/' \
	testcases/handshake/syn_ack_basic.tcp >"$d/cases/wrong.tcp"
"$TC" run --no-color -4 --cases "$d/cases" -o "$d/out" >"$d/stdout" 2>&1
st=$?
check "diagnostics: a MUST failure exits 1" [ "$st" = 1 ]
rep="$d/out/latest/report.json"
reason=$(jget "$rep" '.cases[0].reason')
want_head="$d/cases/wrong.tcp:10: expected < S. 0:0(0) ack 2 <mss *, ...> => SYN-RECEIVED, got S. 0:0(0) ack 1 win "
want_tail=" <mss 1460> (ack is 1, expected 2)"
case "$reason" in
"$want_head"*"$want_tail") ok "diagnostics: the reason is file:line, expected vs got, and why" ;;
*) fail "diagnostics: the reason is file:line, expected vs got, and why"; echo "# got: $reason" ;;
esac
check "diagnostics: the verdict is fail" [ "$(jget "$rep" '.cases[0].verdict')" = fail ]
check "diagnostics: the divergence names the line and both segments" \
	[ "$(jget "$rep" '.cases[0].divergence|"\(.line)|\(.expected)|\(.observed|split(" win")[0])"')" = \
	  "10|< S. 0:0(0) ack 2 <mss *, ...> => SYN-RECEIVED|S. 0:0(0) ack 1" ]
check "diagnostics: the terminal shows the same line" grep -qF "$want_head" "$d/stdout"
check "diagnostics: the unexpected segment is marked in the trace" \
	[ "$(jget "$rep" '[.cases[0].trace[]|select(.note=="unexpected")]|length')" = 1 ]
check "diagnostics: junit.xml carries the failure" grep -q '<failure type="MUST" message=".*ack is 1, expected 2' "$d/out/latest/junit.xml"
check "diagnostics: the half-open connection was reset at the end" \
	[ "$(jget "$rep" '[.cases[0].trace[]|select(.note=="teardown" and .flags=="R")]|length')" = 1 ]

# The same wrong expectation at level SHOULD: reported, exit 0.
sed 's/^@level .*/@level SHOULD/' "$d/cases/wrong.tcp" >"$d/should/wrong.tcp"
"$TC" run --no-color -4 --cases "$d/should" -o "$d/out2" >"$d/stdout2" 2>&1
st=$?
check "diagnostics: a SHOULD failure alone exits 0" [ "$st" = 0 ]
check "diagnostics: and is counted apart" [ "$(jget "$d/out2/latest/report.json" '.summary.fail_should')" = 1 ]
check "diagnostics: nothing left behind" clean
tc_end
