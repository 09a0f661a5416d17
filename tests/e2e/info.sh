#!/bin/sh
# End to end: 'agent info FIELD N' reads the connection's TCP_INFO from Linux's agent:
# an established connection that sent 100 bytes with MSS 1400 shows state 1, snd_mss
# 1400, nothing unacknowledged and a sane cwnd (pass, IPv4 and IPv6); a value the
# kernel does not report fails naming the value it reports.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-info.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$d/cases"
head='@title   TCP_INFO of an established connection, as the kernel reports it
@rfc     RFC9293 3.10.7.4
@level   MUST
@port    discard
> S 0:0(0) win 65535 <mss 1400>
< S. 0:0(0) ack 1 <mss *, ...>
> . 1:1(0) ack 1                         => ESTABLISHED'
cat >"$d/cases/info.tcp" <<EOF
@id      x.info.established
$head
> P. 1:101(100) ack 1
< . 1:1(0) ack 101
agent info state 1
agent info snd_mss 1400
agent info unacked 0
agent info snd_cwnd 1..1000
EOF
cat >"$d/cases/bad.tcp" <<EOF
@id      x.info.mismatch
$head
agent info snd_mss 999
EOF
"$TC" run -q --no-color --cases "$d/cases" -o "$d/r" >"$d/out" 2>&1
rep="$d/r/latest/report.json"
v() { jq -r --arg id "$1" '[.cases[]|select(.id==$id)|.verdict]|join(" ")' "$rep"; }
check "info: state, snd_mss, unacked and snd_cwnd as the case says (pass, IPv4 and IPv6)" \
	[ "$(v x.info.established)" = "pass pass" ] || sed 's/^/#   /' "$d/out" | head -n 20
check "info: a value the kernel does not report fails, naming what it reports" \
	sh -c "[ \"\$(jq -r '[.cases[]|select(.id==\"x.info.mismatch\")|.reason]|unique|join(\"|\")' '$rep')\" = \
		'$d/cases/bad.tcp:9: expected agent info snd_mss 999, got info snd_mss 1400 (as the target'\"'\"'s kernel reports it)' ]"
check "info: nothing left behind" clean
tc_end
