#!/bin/sh
# End to end: tcpconform import. Three packetdrill scripts written here (the server side
# of a close, a script that expects what an older Linux did, one with a Python
# assertion on a bit mask) and their defaults file: the first two become cases, the third is listed
# with its line and reason and not written; run against Linux in the namespace, the
# first passes, the second fails at level LINUX, which does not change the exit status.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-import.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$d/pkt/common" "$d/pkt/tcp"
cat >"$d/pkt/common/defaults.sh" <<'EOF'
#!/bin/bash
sysctl -q net.ipv4.tcp_rmem="4096 540000 $((15*1024*1024))"
sysctl -q net.ipv4.tcp_timestamps=1
sysctl -q net.ipv4.tcp_ecn=0
EOF
cat >"$d/pkt/tcp/remote-fin-then-close.pkt" <<'EOF'
// The peer closes first; the application reads the end, then closes: LAST-ACK.
`../common/defaults.sh`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>
   +0 < . 1:1(0) ack 1 win 257
   +0 accept(3, ..., ...) = 4
 +.01 < F. 1:1(0) ack 1 win 257
   +0 > . 1:1(0) ack 2
   +0 read(4, ..., 1000) = 0
 +.01 close(4) = 0
   +0 > F. 1:1(0) ack 2
 +.01 < . 2:2(0) ack 2 win 257
 +.01 < . 2:2(0) ack 2 win 257
   +0 > R 2:2(0)
EOF
# an ACK above SND.NXT: a kernel before RFC 5961 5.2 dropped it silently; Linux 6.18
# sends a challenge ACK first
cat >"$d/pkt/tcp/old-kernel.pkt" <<'EOF'
// An ACK of data never sent is dropped; the data after it is acknowledged.
`../common/defaults.sh`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 20000 <mss 1000,sackOK,nop,nop,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>
   +0 < . 1:1(0) ack 1 win 20000
   +0 accept(3, ..., ...) = 4
   +0 < . 1:1(0) ack 9999 win 20000
   +0 < . 1:1001(1000) ack 1 win 20000
   +0 > . 1:1(0) ack 1001
EOF
cat >"$d/pkt/tcp/python.pkt" <<'EOF'
// Options checked in Python, with a bit mask.
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 32792 <mss 1000>
   +0 > S. 0:0(0) ack 1 <mss 1460>
   +0 < . 1:1(0) ack 1 win 257
   +0 accept(3, ..., ...) = 4
   +0 %{ assert (tcpi_options & TCPI_OPT_SACK) != 0 }%
EOF
"$TC" import "$d/pkt" -o "$d/cases" >"$d/import.out" 2>&1
st=$?
check "import: exits 0 and says how many scripts came whole" \
	sh -c "[ $st = 0 ] && grep -q '^3 scripts: 2 imported whole, 1 not' '$d/import.out'" || sed 's/^/#   /' "$d/import.out"
check "import: each case file is named by the script's place, the list is written beside them" \
	[ -f "$d/cases/tcp.remote_fin_then_close.tcp" -a -f "$d/cases/tcp.old_kernel.tcp" -a -f "$d/cases/IMPORT.txt" ]
check "import: the script it cannot translate whole is not written, and the list says where and why" \
	sh -c "[ ! -e '$d/cases/tcp.python.tcp' ] && grep -q 'not imported  $d/pkt/tcp/python.pkt: line 9: a Python assertion' '$d/cases/IMPORT.txt' &&
		grep -q '1 kept out by a Python assertion' '$d/cases/IMPORT.txt'"
check "import: a case says LINUX, its source, the defaults' sysctls that differ from a namespace's" \
	sh -c "grep -q '^@level   LINUX' '$d/cases/tcp.remote_fin_then_close.tcp' &&
		grep -q '^@source  $d/pkt/tcp/remote-fin-then-close.pkt' '$d/cases/tcp.remote_fin_then_close.tcp' &&
		grep -q '^@sysctl  net.ipv4.tcp_rmem=4096 540000 15728640' '$d/cases/tcp.remote_fin_then_close.tcp' &&
		grep -q '^@sysctl  net.ipv4.tcp_ecn=0' '$d/cases/tcp.remote_fin_then_close.tcp' &&
		! grep -q 'tcp_timestamps' '$d/cases/tcp.remote_fin_then_close.tcp'"
check "import: each step names the script's line" grep -q '^agent close  *# line 14$' "$d/cases/tcp.remote_fin_then_close.tcp"
# --run: imported and run at once, with run's options after -- (without -o, into a
# folder of its own under /tmp)
"$TC" import "$d/pkt" -o "$d/cases2" --run -- -q --no-color -o "$d/r" >"$d/run.out" 2>&1
st=$?
rep="$d/r/latest/report.json"
v() { jq -r --arg id "$1" '[.cases[]|select(.id==$id)|.verdict]|join(" ")' "$rep"; }
check "import --run: the close runs and passes against Linux, IPv4 and IPv6" \
	[ "$(v tcp.import.tcp.remote_fin_then_close)" = "pass pass" ] || sed 's/^/#   /' "$d/run.out" | tail -20
check "import --run: what an older kernel did fails at level LINUX, naming Linux 6.18's challenge ACK" \
	sh -c "[ '$(v tcp.import.tcp.old_kernel)' = 'fail fail' ] &&
		jq -e '[.cases[]|select(.id==\"tcp.import.tcp.old_kernel\")|.level==\"LINUX\" and (.reason|test(\"got . 1:1\\\\(0\\\\) ack 1 win\"))]|all' '$rep'"
check "import --run: LINUX failures are counted apart and leave the exit status 0" \
	sh -c "[ $st = 0 ] && [ \"\$(jq -r '\"\(.summary.fail_linux) \(.summary.fail_must)\"' '$rep')\" = '2 0' ] &&
		grep -q '(0 MUST, 0 SHOULD, 0 MAY, 2 LINUX)' '$d/run.out'"
check "import --run: the report validates against reports/schema.json" \
	/usr/bin/python3 tests/e2e/validate.py reports/schema.json "$rep"
out=$("$TC" import "$d/pkt" 2>&1)
check "import: without -o or --run it is a usage error saying so" \
	sh -c "[ $? = 2 ] && printf '%s' \"\$1\" | grep -q 'import needs -o DIR'" _ "$out"
check "import: nothing left behind" clean
tc_end
