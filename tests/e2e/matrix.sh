#!/bin/sh
# End to end: the generated matrix, waivers (what they excuse, what they do not, a stale
# one), --strict, and coverage.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-matrix.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

check "matrix: 450 generated cases are listed" [ "$("$TC" list 'tcp.matrix.*' | wc -l)" = 450 ]
check "matrix: show prints a generated case, which parses as a file" \
	sh -c "'$TC' show tcp.matrix.established.rst.inside | grep -q '^< model$'"
mkdir "$d/one"
"$TC" show tcp.matrix.established.rst.inside | sed 's/^@id .*/@id copy.rst_inside/' >"$d/one/c.tcp"
check "matrix: the shown text runs from a file and passes" \
	sh -c "'$TC' run --no-color --no-matrix --cases '$d/one' -o '$d/o1' >/dev/null"

# the waived cells, raw: they fail, exit 1
ids="tcp.matrix.established.fin.below tcp.matrix.time_wait.fin.left tcp.matrix.time_wait.syn_fin.inside"
# shellcheck disable=SC2086
"$TC" run --no-color -4 --no-waivers -o "$d/raw" $ids >"$d/raw.out" 2>&1
st=$?
check "matrix: without waivers the known deviations fail (exit 1)" \
	[ "$st" = 1 -a "$(jget "$d/raw/latest/report.json" .summary.fail)" = 3 ]
# shellcheck disable=SC2086
"$TC" run --no-color -4 -o "$d/w" $ids >"$d/w.out" 2>&1
st=$?
check "matrix: with Linux's waivers they are xfail (exit 0)" \
	[ "$st" = 0 -a "$(jget "$d/w/latest/report.json" .summary.xfail)" = 3 ]
check "matrix: the terminal gives each waiver's reason" grep -q "waived: Linux drops a segment that carries none of ACK" "$d/w.out"
check "matrix: the report gives the waiver's reason and reference" \
	jq -e '.cases[0].waiver|(.reason|length>0) and (.ref|test("tcp_input.c"))' "$d/w/latest/report.json"

# a waiver whose match does not fit the failure does not excuse it; one for a passing case is flagged
cat >"$d/mine.waivers" <<'W'
[tcp.matrix.time_wait.fin.inside]
reason = a different failure
ref = none
match = this text is not in the failure
[tcp.matrix.established.rst.inside]
reason = excuses a case that passes
ref = none
W
"$TC" run --no-color -4 --waivers "$d/mine.waivers" -o "$d/m" tcp.matrix.time_wait.fin.inside \
	tcp.matrix.established.rst.inside >"$d/m.out" 2>&1
st=$?
check "matrix: a waiver that does not match the failure leaves it a fail (exit 1)" \
	[ "$st" = 1 -a "$(jget "$d/m/latest/report.json" .summary.fail)" = 1 ]
check "matrix: a waived case that passes is flagged as a stale waiver" \
	sh -c "grep -q '1 waived case passed: its waiver may be stale' '$d/m.out' && \
	       [ \"\$(jq -r '.summary.waived_pass' '$d/m/latest/report.json')\" = 1 ]"
printf '[x]\nreason = r\n' >"$d/bad.waivers"
"$TC" run --no-color --waivers "$d/bad.waivers" -o "$d/b" tcp.matrix.established.rst.inside >/dev/null 2>"$d/b.err"
check "matrix: a broken waiver file is file:line:col, exit 2" \
	sh -c "[ $? = 2 ] && grep -q '^$d/bad.waivers:1:1: waiver \[x\] needs a reason and a ref$' '$d/b.err'"

# --strict: a SHOULD failure changes the exit status only with it
mkdir "$d/should"
sed 's/^< S\. 0:0(0) ack 1 /< S. 0:0(0) ack 2 /; s/^@id .*/@id wrong.should/; s/^@level .*/@level SHOULD/' \
	testcases/handshake/syn_ack_basic.tcp >"$d/should/w.tcp"
"$TC" run --no-color --no-matrix --cases "$d/should" -o "$d/s1" >/dev/null 2>&1
s1=$?
"$TC" run --no-color --no-matrix --strict --cases "$d/should" -o "$d/s2" >/dev/null 2>&1
s2=$?
check "matrix: a SHOULD failure exits 0, and 1 with --strict" [ "$s1" = 0 -a "$s2" = 1 ]

"$TC" coverage >"$d/cov" 2>&1
check "coverage: every Appendix B id is listed (119), local ones with a reason" \
	sh -c "grep -q '^119 ids: 89 observable on the wire' '$d/cov' && [ \$(grep -c '^MUST-\|^SHLD-\|^MAY-\|^REC-' '$d/cov') = 119 ]"
check "coverage: every id observable on the wire has a case (--check exits 0)" "$TC" coverage --check
mkdir -p "$d/cov_cases"
cat >"$d/cov_cases/a.tcp" <<'EOF'
@id      x.cov
@title   T
@rfc     RFC9293 3.6.1 (MAY-1; SHLD-3: "quoted"); RFC9293 SHLD-15..17; RFC5961 MUST-2
@level   MUST
@states  LISTEN
> S 0:0(0)
EOF
"$TC" coverage --cases "$d/cov_cases" >"$d/cov2" 2>&1
check "coverage: ids count inside parentheses, after ';' and in ranges; another RFC's do not" \
	sh -c "grep -q '^MAY-1 .* 1  x.cov' '$d/cov2' && grep -q '^SHLD-3 .* 1  x.cov' '$d/cov2' &&
	       grep -q '^SHLD-16 .* 1  x.cov' '$d/cov2' && grep -q '^SHLD-18 .* NOT COVERED' '$d/cov2' &&
	       grep -q '^MUST-2 .* NOT COVERED' '$d/cov2'"
check "matrix: nothing left behind" wait_for 5 clean
tc_end
