#!/bin/sh
# End to end: the default suite (every case file and the matrix, over IPv4 and IPv6)
# against this machine's Linux, in namespaces the tool makes; the reports it writes;
# nothing left behind. Also -4, -6 and -j 1.
. "$(dirname "$0")/lib.sh"
out=$(mktemp -d /tmp/tc-e2e-suite.XXXXXX)
p6= p1=
# the runs in the background get TERM too (each cleans up behind itself), and are waited for
trap 'kill -TERM $p6 $p1 2>/dev/null; wait; rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the -6 and -j 1 runs below leave out the cases that wait for long timers (--quick): the
# full run shows those, in both families; what these runs show (one family, one case at
# a time) the quick cases show as well. They run beside the full run, whose length its
# longest timer sets (a SYN retried for three minutes)
"$TC" run --no-color -6 --no-matrix --quick -o "$out/v6" >"$out/stdout6" 2>&1 &
p6=$!
"$TC" run --no-color -4 -j 1 --no-matrix --quick -o "$out/j1" >"$out/stdout1" 2>&1 &
p1=$!
t0=$(date +%s)
"$TC" run --no-color -o "$out" >"$out/stdout" 2>"$out/stderr"
st=$?
echo "# the default suite took $(( $(date +%s) - t0 )) s"
check "suite: tcpconform run exits 0 (no unwaived MUST failure)" [ "$st" = 0 ]
[ "$st" = 0 ] || grep -A1 '^FAIL\|^ERROR' "$out/stdout" | head -40 | sed 's/^/# /'
rep="$out/latest/report.json"
n=$("$TC" list | wc -l)                                         # cases, per family
nf=$(ls testcases/*/*.tcp | wc -l)                              # case files
n4=$(grep -l '^@family *4' testcases/*/*.tcp | wc -l)           # IPv4 only
n6=$(grep -l '^@family *6' testcases/*/*.tcp | wc -l)           # IPv6 only
check "suite: reports/latest points at the run" [ -L "$out/latest" -a -f "$rep" ]
check "suite: the report is complete" [ "$(jget "$rep" .complete)" = true ]
check "suite: all $n cases ran over IPv4 and over IPv6, named so" \
	[ "$(jget "$rep" '[.cases[]|select(.family=="ipv4")]|length') $(jget "$rep" '[.cases[]|select(.family=="ipv6")]|length')" = "$n $n" ]
check "suite: the matrix's 450 cases among them, twice" \
	[ "$(jget "$rep" '[.cases[]|select(.id|startswith("tcp.matrix."))]|length')" = 900 ]
check "suite: every case passes, or fails as a waiver says (xfail), or is of the other family" \
	[ "$(jget "$rep" '.summary.pass + .summary.xfail + .summary.skip')" = "$((2 * n))" ]
check "suite: the only skips are the $n4 IPv4-only cases over IPv6 and the $n6 IPv6-only over IPv4" \
	sh -c "[ \"\$(jq '[.cases[]|select(.verdict==\"skip\")]|length' '$rep')\" = $((n4 + n6)) ] &&
	       jq -e '[.cases[]|select(.verdict==\"skip\")|.reason|test(\"^an IPv[46] case\")]|all' '$rep'"
check "suite: no error, fail or inconclusive" \
	[ "$(jget "$rep" '[.summary.fail,.summary.error,.summary.inconclusive]|add')" = 0 ]
check "suite: no waiver is stale (none names a case that passed)" [ "$(jget "$rep" '.summary.waived_pass')" = 0 ]
check "suite: every xfail says which waiver and why" \
	jq -e '[.cases[]|select(.verdict=="xfail")|.waiver.reason|length>0]|all' "$rep"
check "suite: every case that ran names its RFC and an observed state path" \
	[ "$(jget "$rep" '[.cases[]|select(.verdict!="skip" and (.rfc|length)>0 and (.states.observed|length)>0)]|length')" = "$((2 * n - n4 - n6))" ]
check "suite: every hand-written case has an expected state path it followed (or a waiver)" \
	jq -e '[.cases[]|select(.verdict=="pass" and (.id|startswith("tcp.matrix.")|not))|(.states.expected|length) > 0]|all' "$rep"
check "suite: the environment is recorded (netns, linux, kernel, tcp sysctls)" \
	[ "$(jget "$rep" '.environment|[.mode,.stack,(.kernel|length>0),(.sysctls["net.ipv4.tcp_sack"]!=null)]|join(",")')" = "netns,linux,true,true" ]
check "suite: echo reports which alternative matched" \
	jq -e '[.cases[]|select(.id=="tcp.data.echo")|.alternative|test("^(piggybacked|separate)$")]|all' "$rep"
check "suite: every trace entry has the documented fields" \
	jq -e '[.cases[].trace[]|has("dir","t_us","flags","seq","ack","rel_seq","rel_ack","win","len","ttl","tos","family","options","checksum","step")]|all' "$rep"
check "suite: every segment from the target has a correct checksum" \
	jq -e '[.cases[].trace[]|select(.dir=="in")|.checksum=="ok"]|all' "$rep"
check "suite: a clean path: no path finding, one TTL and one MSS per family" \
	jq -e '([.findings[]|select(.kind=="path")]|length == 0) and ([.path[]|(.ttl_syn_ack|length)==1 and (.mss|length)==1]|all)' "$rep"
check "suite: junit.xml is well-formed with one testcase per case and family" \
	sh -c "xmllint --noout '$out/latest/junit.xml' && [ \$(grep -c '<testcase ' '$out/latest/junit.xml') = $((2 * n)) ]"
np=$(ls "$out"/latest/pcap/*.pcap 2>/dev/null | wc -l)
check "suite: one pcap per case that ran ($np)" [ "$np" = "$((2 * n - n4 - n6))" ]
check "suite: the pcaps read back with tcpdump, IPv4 and IPv6" \
	sh -c "tcpdump -nn -r '$out/latest/pcap/tcp.close.passive_close.pcap' 2>/dev/null | grep -q 'Flags \[F.\]' &&
	       tcpdump -nn -r '$out/latest/pcap/tcp.close.passive_close.ipv6.pcap' 2>/dev/null | grep -q 'IP6 .*Flags \[F.\]'"
check "suite: the summary line counts the cases" grep -qE "^$((2 * n)) cases: [0-9]+ pass, 0 fail, [0-9]+ xfail" "$out/stdout"
wait "$p6"
st6=$?
wait "$p1"
st1=$?
p6= p1=
check "suite: nothing left behind" clean

slow=$(grep -l '^@tags.*[[:blank:]]slow\([[:blank:]]\|$\)' testcases/*/*.tcp)
nq=$((nf - $(echo "$slow" | grep -c .)))                        # quick case files
nq6=$(grep -L '^@tags.*[[:blank:]]slow\([[:blank:]]\|$\)' $(grep -l '^@family *6' testcases/*/*.tcp) | wc -l)
check "suite: -6 --quick exits 0" [ "$st6" = 0 ]
check "suite: -6 --quick: every quick case ($nq) is named ipv6, none fails or errs, none is slow" \
	[ "$(jget "$out/v6/latest/report.json" '[.cases[]|select(.family=="ipv6")]|length')" = "$nq" -a \
	  "$(jget "$out/v6/latest/report.json" '.summary.fail + .summary.error + .summary.inconclusive')" = 0 -a \
	  "$(jget "$out/v6/latest/report.json" '[.cases[]|select(.tags|index("slow"))]|length')" = 0 ]
check "suite: -6: the cases that need IPv4 are skipped, saying so" \
	jq -e '[.cases[]|select(.verdict=="skip")|.reason=="an IPv4 case (@family 4)"]|all' "$out/v6/latest/report.json"
check "suite: -4 -j 1 --quick (files only) exits 0 with every case passing, waived or IPv6-only" \
	[ "$st1" = 0 -a "$(jget "$out/j1/latest/report.json" '.summary.pass + .summary.xfail')" = "$((nq - nq6))" ]
check "suite: the three reports validate against reports/schema.json" \
	/usr/bin/python3 tests/e2e/validate.py reports/schema.json "$rep" "$out/v6/latest/report.json" "$out/j1/latest/report.json"
jq '.cases[0].verdict="maybe"' "$rep" >"$out/broken.json"
check "suite: and a report with a verdict \"maybe\" does not" \
	sh -c "! /usr/bin/python3 tests/e2e/validate.py reports/schema.json '$out/broken.json'"
check "suite: nothing left behind after three runs" clean
tc_end
