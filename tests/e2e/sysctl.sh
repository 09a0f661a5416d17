#!/bin/sh
# End to end: the tester sees the target's configuration. The same cases run with the
# stock sysctls and with --sysctl turning off timestamps, SACK and window scaling, and
# turning on RFC 1337: the alternatives the cases take and the options the SYN-ACKs
# carry change as they must; the report records the sysctls. IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-sysctl.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cases="tcp.handshake.synack_options_mirror tcp.options.ts_negotiation tcp.options.sack_perm_negotiation
tcp.options.wscale_negotiated tcp.timewait.rst_assassination"

run() {   # NAME [--sysctl K=V]
	name=$1; shift
	# shellcheck disable=SC2086
	"$TC" run --no-color -q -o "$d/$name" "$@" $cases >"$d/$name.out" 2>&1
	st=$?
	check "sysctl $name: exits 0, every case passes (both families)" \
		sh -c "[ $st = 0 ] && [ \"\$(jq '[.cases[]|select(.verdict==\"pass\")]|length' '$d/$name/latest/report.json')\" = 10 ]"
	[ "$st" = 0 ] || sed 's/^/# /' "$d/$name.out" | tail -8
}
# alt NAME CASE: the alternative the case took, the same over IPv4 and IPv6
alt() {
	jq -r --arg id "$2" '[.cases[]|select(.id==$id)|.alternative]|unique|join("|")' "$d/$1/latest/report.json"
}
# synack_opts NAME: the option names of the first SYN-ACK of synack_options_mirror
synack_opts() {
	jq -r '[.cases[]|select(.id=="tcp.handshake.synack_options_mirror")|
		([.trace[]|select(.dir=="in" and .flags=="S.")][0].options|map(.name)|join(","))]|unique|join("|")' \
		"$d/$1/latest/report.json"
}
sysctl_of() { jq -r --arg k "$2" '.environment.sysctls[$k]' "$d/$1/latest/report.json"; }

run stock
check "sysctl stock: the SYN-ACK takes every option offered" [ "$(alt stock tcp.handshake.synack_options_mirror)" = ts_sack_ws ]
check "sysctl stock: SYN-ACK options mss,sackOK,TS,nop,wscale" [ "$(synack_opts stock)" = "mss,sackOK,TS,nop,wscale" ]
check "sysctl stock: timestamps, SACK and window scaling negotiated" \
	[ "$(alt stock tcp.options.ts_negotiation) $(alt stock tcp.options.sack_perm_negotiation) $(alt stock tcp.options.wscale_negotiated)" = "with_ts with_sack with_ws" ]
check "sysctl stock: a RST in TIME-WAIT closes it (tcp_rfc1337=0)" \
	[ "$(alt stock tcp.timewait.rst_assassination) $(sysctl_of stock net.ipv4.tcp_rfc1337)" = "rfc9293 0" ]

# feature_off NAME KEY WHAT SYNACK CASE1 CASE2 ALTS: with KEY=0 the run records it,
# the SYN-ACK options are SYNACK, and the two cases take the alternatives ALTS
feature_off() {
	run "$1" --sysctl "$2=0"
	check "sysctl ${2#net.ipv4.}=0: recorded in the report" [ "$(sysctl_of "$1" "$2")" = 0 ]
	check "sysctl ${2#net.ipv4.}=0: the SYN-ACK has no $3" [ "$(synack_opts "$1")" = "$4" ]
	check "sysctl ${2#net.ipv4.}=0: the cases take the alternatives without $3" \
		[ "$(alt "$1" "$5") $(alt "$1" "$6")" = "$7" ]
}
feature_off no_ts net.ipv4.tcp_timestamps TS "mss,nop,nop,sackOK,nop,wscale" \
	tcp.handshake.synack_options_mirror tcp.options.ts_negotiation "sack_ws without_ts"
feature_off no_sack net.ipv4.tcp_sack sackOK "mss,nop,nop,TS,nop,wscale" \
	tcp.handshake.synack_options_mirror tcp.options.sack_perm_negotiation "ts_ws without_sack"
feature_off no_ws net.ipv4.tcp_window_scaling wscale "mss,sackOK,TS" \
	tcp.handshake.synack_options_mirror tcp.options.wscale_negotiated "ts_sack without_ws"

run rfc1337 --sysctl net.ipv4.tcp_rfc1337=1
check "sysctl tcp_rfc1337=1: recorded in the report" [ "$(sysctl_of rfc1337 net.ipv4.tcp_rfc1337)" = 1 ]
check "sysctl tcp_rfc1337=1: a RST in TIME-WAIT is ignored, the FIN acknowledged" \
	[ "$(alt rfc1337 tcp.timewait.rst_assassination)" = rfc1337 ]

"$TC" run --sysctl net.ipv4.tcp_nonsense=1 tcp.data.echo >"$d/bad.out" 2>&1
check "sysctl: an unknown key is an environment error (exit 2) naming it" \
	sh -c "[ $? = 2 ] && grep -q 'tcp_nonsense' '$d/bad.out'"
check "sysctl: nothing left behind" clean
# @sysctl: a case's own setting, given back after it. tcp_sack=0 for one case only: its
# SYN-ACK has no sackOK; the case after it (tagged last) gets it again. A value the
# namespace refuses makes its case an error naming the line; another stack skips them.
mkdir -p "$d/own"
for spec in "nosack|@sysctl net.ipv4.tcp_sack=0|" "cannot|@sysctl net.ipv4.tcp_congestion_control=nosuchcc|" \
	"after||@tags last"; do
	name=${spec%%|*} rest=${spec#*|}
	printf '@id own.%s\n@title T\n@rfc RFC9293 3.5\n@level MUST\n@port listen\n%s\n%s\n%s\n%s\n' "$name" \
		"${rest%%|*}" "${rest#*|}" '> S 0:0(0) win 65535 <mss 1460, sackOK, nop, nop, TS val 1 ecr 0, nop, wscale 7>' \
		'< S. 0:0(0) ack 1 <mss *, ...>' >"$d/own/$name.tcp"
done
"$TC" run --no-color -q --cases "$d/own" -o "$d/own-run" >"$d/own.out" 2>&1
st=$?
rep="$d/own-run/latest/report.json"
synack_has_sack() {   # CASE: "yes no" per family (IPv4, IPv6): sackOK in its SYN-ACK
	jq -r --arg id "$1" '[.cases[]|select(.id==$id)|([.trace[]|select(.dir=="in" and .flags=="S.")][0].options|map(.name)|index("sackOK") != null)]|map(if . then "yes" else "no" end)|join(" ")' "$rep"
}
check "sysctl @sysctl net.ipv4.tcp_sack=0: that case's SYN-ACKs have no sackOK (both families), and it passes" \
	[ "$(synack_has_sack own.nosack) $(jget "$rep" '[.cases[]|select(.id=="own.nosack")|.verdict]|unique|join(",")')" = "no no pass" ]
check "sysctl @sysctl: the case after it has sackOK again (the value was given back)" \
	[ "$(synack_has_sack own.after)" = "yes yes" ]
check "sysctl @sysctl: a value the namespace refuses is an error naming the line and the kernel's answer" \
	jq -e '[.cases[]|select(.id=="own.cannot")|.verdict=="error" and (.reason|test("cannot.tcp:6: @sysctl net.ipv4.tcp_congestion_control=nosuchcc cannot be set in the target.s namespace: sysctl .*: No such file or directory"))]|. == [true,true]' "$rep"
check "sysctl @sysctl: the run exits 2 (an error), the report is whole" \
	[ "$st $(jget "$rep" .complete)" = "2 true" ]
check "sysctl @sysctl: the target's own value is back after the run" \
	[ "$(jget "$rep" '.environment.sysctls["net.ipv4.tcp_sack"]')" = 1 ]
if [ -x "$TC_BUILD/tcpconform-lwip" ]; then
	"$TC" run --no-color -q --stack lwip -4 --cases "$d/own" -o "$d/own-lwip" >/dev/null 2>&1
	check "sysctl @sysctl: another stack skips those cases, saying why" \
		jq -e '[.cases[]|select(.id=="own.nosack" or .id=="own.cannot")|.verdict=="skip" and (.reason|test("sets the target.s sysctls \\(@sysctl\\)"))]|. == [true,true]' \
		"$d/own-lwip/latest/report.json"
fi
check "sysctl @sysctl: nothing left behind" clean
tc_end
