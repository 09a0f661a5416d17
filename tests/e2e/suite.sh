#!/bin/sh
# End to end: the default suite against this machine's Linux, in namespaces the tool
# makes; the reports it writes; nothing left behind. Also IPv6 and -j 1.
. "$(dirname "$0")/lib.sh"
out=$(mktemp -d /tmp/tc-e2e-suite.XXXXXX)
trap 'rm -rf "$out"' EXIT INT TERM

"$TC" run --no-color -o "$out" >"$out/stdout" 2>"$out/stderr"
st=$?
check "suite: tcpconform run exits 0 (no MUST failure)" [ "$st" = 0 ]
[ "$st" = 0 ] || sed 's/^/# /' "$out/stdout" "$out/stderr"
rep="$out/latest/report.json"
n=$("$TC" list | wc -l)
nf=$(ls testcases/*/*.tcp | wc -l)
check "suite: reports/latest points at the run" [ -L "$out/latest" -a -f "$rep" ]
check "suite: the report is complete" [ "$(jget "$rep" .complete)" = true ]
check "suite: all $n cases ran, the matrix's 450 among them" \
	[ "$(jget "$rep" '.cases|length')" = "$n" -a "$(jget "$rep" '[.cases[]|select(.id|startswith("tcp.matrix."))]|length')" = 450 ]
check "suite: every case passes, or fails as a waiver says (xfail)" \
	[ "$(jget "$rep" '.summary.pass + .summary.xfail')" = "$n" ]
check "suite: no error, fail, skip or inconclusive" \
	[ "$(jget "$rep" '[.summary.fail,.summary.error,.summary.skip,.summary.inconclusive]|add')" = 0 ]
check "suite: no waiver is stale (none names a case that passed)" [ "$(jget "$rep" '.summary.waived_pass')" = 0 ]
check "suite: every xfail says which waiver and why" \
	jq -e '[.cases[]|select(.verdict=="xfail")|.waiver.reason|length>0]|all' "$rep"
check "suite: every case names its RFC and an observed state path" \
	[ "$(jget "$rep" '[.cases[]|select((.rfc|length)>0 and (.states.observed|length)>0)]|length')" = "$n" ]
check "suite: the environment is recorded (netns, linux, kernel, tcp sysctls)" \
	[ "$(jget "$rep" '.environment|[.mode,.stack,(.kernel|length>0),(.sysctls["net.ipv4.tcp_sack"]!=null)]|join(",")')" = "netns,linux,true,true" ]
check "suite: echo reports which alternative matched" \
	jq -e '.cases[]|select(.id=="tcp.data.echo")|.alternative|test("^(piggybacked|separate)$")' "$rep"
check "suite: every trace entry has the documented fields" \
	jq -e '[.cases[].trace[]|has("dir","t_us","flags","seq","ack","rel_seq","rel_ack","win","len","ttl","family","options","checksum","step")]|all' "$rep"
check "suite: every segment from the target has a correct checksum" \
	jq -e '[.cases[].trace[]|select(.dir=="in")|.checksum=="ok"]|all' "$rep"
check "suite: junit.xml is well-formed with one testcase per case" \
	sh -c "xmllint --noout '$out/latest/junit.xml' && [ \$(grep -c '<testcase ' '$out/latest/junit.xml') = $n ]"
np=$(ls "$out"/latest/pcap/*.pcap 2>/dev/null | wc -l)
check "suite: one pcap per case ($np)" [ "$np" = "$n" ]
check "suite: the pcaps read back with tcpdump" \
	sh -c "tcpdump -nn -r '$out/latest/pcap/tcp.close.passive_close.pcap' 2>/dev/null | grep -q 'Flags \[F.\]'"
check "suite: the summary line counts the cases" grep -qE "^$n cases: [0-9]+ pass, 0 fail, [0-9]+ xfail" "$out/stdout"
check "suite: nothing left behind" [ -z "$(tc_leftovers)" ]

"$TC" run --no-color -6 -o "$out/v6" >"$out/stdout6" 2>&1
check "suite: IPv6 run exits 0" [ $? = 0 ]
check "suite: IPv6: every case is named ipv6, none fails or errs" \
	[ "$(jget "$out/v6/latest/report.json" '[.cases[]|select(.family=="ipv6")]|length')" = "$n" -a \
	  "$(jget "$out/v6/latest/report.json" '.summary.fail + .summary.error + .summary.inconclusive')" = 0 ]
check "suite: IPv6: the cases that need IPv4 are skipped, saying so" \
	jq -e '[.cases[]|select(.verdict=="skip")|.reason=="an IPv4 case (@family 4)"]|all' "$out/v6/latest/report.json"
"$TC" run --no-color -j 1 --no-matrix -o "$out/j1" >"$out/stdout1" 2>&1
check "suite: -j 1 (files only) exits 0 with every case passing or waived" \
	[ $? = 0 -a "$(jget "$out/j1/latest/report.json" '.summary.pass + .summary.xfail')" = "$nf" ]
check "suite: the three reports validate against reports/schema.json" \
	/usr/bin/python3 tests/e2e/validate.py reports/schema.json "$rep" "$out/v6/latest/report.json" "$out/j1/latest/report.json"
jq '.cases[0].verdict="maybe"' "$rep" >"$out/broken.json"
check "suite: and a report with a verdict \"maybe\" does not" \
	sh -c "! /usr/bin/python3 tests/e2e/validate.py reports/schema.json '$out/broken.json'"
check "suite: nothing left behind after three runs" [ -z "$(tc_leftovers)" ]
