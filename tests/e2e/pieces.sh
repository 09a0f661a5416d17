#!/bin/sh
# End to end: a segment larger than the tester's link (MTU 1500) goes in pieces that
# Linux takes whole, over IPv4 and IPv6: 20000 bytes in one step, then an old segment
# draws the target's RCV.NXT, 20001. The pieces in the report: the step's line on each,
# PSH on the last only. A segment that cannot be cut (urgent data) is an error naming
# the MTU, not a failure.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-pieces.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$d/cases"
head='@title  A write larger than the link goes in pieces, and the target takes them all
@rfc     RFC9293 3.10.7.4
@level   MUST
@port    discard
> S 0:0(0) win 65535 <mss 1460>
< S. 0:0(0) ack 1 <mss *, ...>
> . 1:1(0) ack 1                         => ESTABLISHED'
cat >"$d/cases/big.tcp" <<EOF
@id      x.pieces.big
$head
> P. 1:20001(20000) ack 1
ignore 300ms
> . 1:1(0) ack 1
< . 1:1(0) ack 20001
EOF
cat >"$d/cases/urg.tcp" <<EOF
@id      x.pieces.urgent
$head
> PU. 1:20001(20000) ack 1 urg 10
< . 1:1(0) ack 20001
EOF
"$TC" run -q --no-color --cases "$d/cases" -o "$d/r" >"$d/out" 2>&1
rep="$d/r/latest/report.json"
v() { jq -r --arg id "$1" --arg f "$2" '.cases[]|select(.id==$id and .family==$f)|.verdict' "$rep"; }
check "pieces: 20000 bytes in one step, IPv4 and IPv6: the target acknowledges them all (pass)" \
	[ "$(v x.pieces.big ipv4) $(v x.pieces.big ipv6)" = "pass pass" ] || sed 's/^/#   /' "$d/out" | head -n 20
# the data segments the tester sent: lengths and flags, per family
sent() {
	jq -r --arg f "$1" '.cases[]|select(.id=="x.pieces.big" and .family==$f)|
		[.trace[]|select(.dir=="out" and .len > 0)|"\(.len)\(.flags)"]|join(" ")' "$rep"
}
check "pieces: over IPv4, 13 of 1456 bytes and the last of 1072 with PSH" \
	[ "$(sent ipv4)" = "$(printf '1456. %.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13)1072P." ]
check "pieces: over IPv6, 13 of 1440 bytes and the last of 1280 with PSH" \
	[ "$(sent ipv6)" = "$(printf '1440. %.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13)1280P." ]
check "pieces: each piece is the step's (line 9)" \
	[ "$(jq -r '[.cases[]|select(.id=="x.pieces.big")|.trace[]|select(.dir=="out" and .len > 0)|.step]|unique|join(" ")' "$rep")" = "$d/cases/big.tcp:9" ]
check "pieces: urgent data too large for the link is an error naming the MTU, IPv4 and IPv6" \
	sh -c "[ \"\$(jq -r '[.cases[]|select(.id==\"x.pieces.urgent\")|.verdict]|join(\" \")' '$rep')\" = 'error error' ] &&
		jq -r '.cases[]|select(.id==\"x.pieces.urgent\")|.reason' '$rep' | grep -q 'more than the link.s MTU of 1500, and urgent data is not cut in pieces: send less'"
check "pieces: nothing left behind" clean
tc_end
