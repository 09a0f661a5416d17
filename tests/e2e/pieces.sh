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
# "pieces" on an expectation: the stacks cut one write differently, the step takes each
mkdir -p "$d/recv"
cat >"$d/recv/whole.tcp" <<CASE
@id      x.pieces.expect
@title   A write the target cuts as it likes comes as pieces of one range
@rfc     RFC9293 3.7.1
@level   MUST
@port    discard
> S 0:0(0) win 65535 <mss 1000>
< S. 0:0(0) ack 1 <mss *, ...>
> . 1:1(0) ack 1                         => ESTABLISHED
agent send 2000
< P?. 1:2001(2000) ack 1 pieces
> . 1:1(0) ack 2001
< nothing 200ms
CASE
sed 's/x.pieces.expect/x.pieces.single/; s/ pieces$//' "$d/recv/whole.tcp" >"$d/recv/single.tcp"
# in_segs ID: the lengths of the target's data segments, per family
in_segs() {
	jq -r --arg id "$1" '.cases[]|select(.id==$id)|"# \(.family): \([.trace[]|select(.dir=="in" and .len > 0)|.len]|join(" "))"' "$rep"
}
for s in linux lwip; do
	case $s in linux) opt= ;; *) opt="--stack $s" ;; esac
	"$TC" run -q --no-color $opt --cases "$d/recv" -o "$d/recv-$s" >"$d/recv-$s.out" 2>&1
	rep="$d/recv-$s/latest/report.json"
	check "pieces: $s: 2000 bytes expected in pieces pass, IPv4 and IPv6" \
		[ "$(jq -r '[.cases[]|select(.id=="x.pieces.expect")|.verdict]|join(" ")' "$rep")" = "pass pass" ] ||
		sed 's/^/#   /' "$d/recv-$s.out" | head -n 20
	in_segs x.pieces.expect
	check "pieces: $s: each data segment of the target is the step's (line 10)" \
		[ "$(jq -r '[.cases[]|select(.id=="x.pieces.expect")|.trace[]|select(.dir=="in" and .len > 0)|.step]|unique|join(" ")' "$rep")" = "$d/recv/whole.tcp:10" ]
	check "pieces: $s: without 'pieces' the same write fails on its first, shorter segment, saying so" \
		jq -e '[.cases[]|select(.id=="x.pieces.single")|.verdict=="fail" and (.reason|test("length is [0-9]+, expected 2000"))]|all and length == 2' "$rep"
done
check "pieces: nothing left behind" clean
tc_end
