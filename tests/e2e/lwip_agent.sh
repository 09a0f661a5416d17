#!/bin/sh
# End-to-end test of tcpconform-lwip (root): lwIP runs inside the agent on a TAP
# of a network namespace of our own (tclwip-PID), whose kernel plays the tester
# (198.18.0.1/24, 2001:db8:7463::1/64) with python3 sockets; the agent is driven
# over --ctl-stdio through two fifos. Traffic stays inside that namespace.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

LWIP_AGENT=${LWIP_AGENT:-$TC_BUILD/tcpconform-lwip}
NS=tclwip-$$
TAP=tclwip0
A4=198.18.0.2
A6=2001:db8:7463::2
tmp=
apid=
tdpid=
nid=0

if [ "$(id -u)" != 0 ]; then
	echo "skip - lwip agent: needs root (network namespace, TAP)"
	tc_end
	exit 0
fi
for t in python3 ip; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "skip - lwip agent: $t is not installed"
		tc_end
		exit 0
	fi
done
if [ ! -x "$LWIP_AGENT" ]; then
	echo "skip - lwip agent: $LWIP_AGENT is not built (make BUILD=$TC_BUILD stack-lwip)"
	tc_end
	exit 0
fi

tmp=$(mktemp -d) || exit 2

cleanup() {
	trap - EXIT INT TERM PIPE
	exec 3>&- 4<&-
	for p in $apid $tdpid; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for p in $(ip netns pids "$NS" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM PIPE

nsx() { ip netns exec "$NS" "$@"; }

# next_id: sets $id to a fresh request ID
next_id() { nid=$((nid + 1)); id=$nid; }

# get_reply ID: sets $reply to the agent's reply to ID (without "ID "),
# keeping other replies in $tmp/stray. Returns 1 if the agent is gone.
get_reply() {
	if line=$(grep -m1 "^$1 " "$tmp/stray" 2>/dev/null); then
		reply=${line#"$1 "}
		return 0
	fi
	while IFS= read -r line <&4; do
		case $line in
		"$1 "*) reply=${line#"$1 "}; return 0 ;;
		esac
		echo "$line" >>"$tmp/stray"
	done
	reply="(no reply: agent gone)"
	return 1
}

# req VERB ARGS...: sends a request with a fresh ID and waits for its reply
req() { next_id; echo "$id $*" >&3; get_reply "$id"; }

# expect NAME PATTERN VERB ARGS...: one ok/not ok line for a request's reply
expect() {
	n=$1 w=$2
	shift 2
	req "$@"
	# shellcheck disable=SC2254 # PATTERN is a glob on purpose
	case $reply in
	$w) ok "$n" ;;
	*) fail "$n (sent '$*', got '$reply')" ;;
	esac
}

# expect_state NAME PP STATE: `state PP` is STATE, within 2 s (it may settle)
expect_state() {
	i=0
	while :; do
		req state "$2"
		[ "$reply" = "ok $3" ] && { ok "$1"; return; }
		i=$((i + 1))
		[ $i -ge 40 ] && break
		sleep 0.05
	done
	fail "$1 (state $2: got '$reply', want 'ok $3')"
}

# wait_file FILE PATTERN: wait up to 5 s for PATTERN to appear in FILE
wait_file() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge 100 ] && return 1
		sleep 0.05
	done
}

# py MODE ARGS...: the socket helper ($tmp/peer.py) in the namespace
py() { nsx python3 "$tmp/peer.py" "$@"; }

# client NAME MODE ARGS...: the helper in the background, output in $tmp/NAME,
# its local port in $tmp/NAME.port; sets $cpid
client() {
	_n=$1
	shift
	nsx python3 "$tmp/peer.py" "$@" "$tmp/$_n.port" >"$tmp/$_n" 2>&1 &
	cpid=$!
}

# port_of NAME: the local port of client NAME (waits up to 5 s)
port_of() {
	wait_file "$tmp/$1.port" '[0-9]' || { echo 1; return 1; }
	cat "$tmp/$1.port"
}

cat >"$tmp/peer.py" <<'EOF'
# The tester side of tests/e2e/lwip_agent.sh: plain sockets of the namespace's kernel.
import os, socket, sys, time

def pattern(n, start=0):
    return bytes(ord('a') + (start + k) % 26 for k in range(n))

def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET

def connect(addr, port, portfile=None):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect((addr, int(port)))
    if portfile:
        with open(portfile + '.tmp', 'w') as f:
            f.write('%d\n' % s.getsockname()[1])
        os.rename(portfile + '.tmp', portfile)
    return s

def drain(s, n=1 << 30):
    """Read up to n bytes: (data, 'ok'|'eof'|'reset'|'timeout')."""
    d = b''
    try:
        while len(d) < n:
            x = s.recv(65536)
            if not x:
                return d, 'eof'
            d += x
        return d, 'ok'
    except ConnectionResetError:
        return d, 'reset'
    except socket.timeout:
        return d, 'timeout'

def wait_for(path, secs=10):
    end = time.time() + secs
    while not os.path.exists(path) and time.time() < end:
        time.sleep(0.02)

mode, args = sys.argv[1], sys.argv[2:]
if mode == 'echo':            # echo ADDR PORT TEXT: what comes back
    s = connect(args[0], args[1])
    s.sendall(args[2].encode())
    d, how = drain(s, len(args[2]))
    print(d.decode(), how)
elif mode == 'pattern':       # pattern ADDR PORT N: N pattern bytes, then no more
    s = connect(args[0], args[1])
    n = int(args[2])
    d, how = drain(s, n)
    s.settimeout(0.3)
    rest, how2 = drain(s)
    print(len(d), 'pattern' if d == pattern(n) else 'garbage', how2, len(rest))
elif mode == 'end':           # end ADDR PORT: how the connection ends
    try:
        s = connect(args[0], args[1])
    except ConnectionResetError:
        print('reset', 0)     # the reset came before connect() returned
        sys.exit(0)
    d, how = drain(s)
    print(how, len(d))
elif mode == 'hold':          # hold ADDR PORT SEND GO PORTFILE
    s = connect(args[0], args[1], args[4])
    if int(args[2]):
        s.sendall(b'z' * int(args[2]))
    if args[3] != '-':
        wait_for(args[3])
        try:
            s.sendall(b'x')
        except ConnectionResetError:
            print('reset', 0)
            sys.exit(0)
    d, how = drain(s)
    print(how, len(d))
elif mode == 'flood':         # flood ADDR PORT N PORTFILE: send N bytes, then EOF
    s = connect(args[0], args[1], args[3])
    s.settimeout(20)
    s.sendall(b'y' * int(args[2]))
    s.shutdown(socket.SHUT_WR)
    d, how = drain(s)
    print('sent', args[2], how)
elif mode == 'server':        # server ADDR PORT: one peer for the agent's connect
    l = socket.socket(family(args[0]), socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((args[0], int(args[1])))
    l.listen(4)
    l.settimeout(10)
    print('listening', flush=True)
    c, peer = l.accept()
    c.settimeout(10)
    d, how = drain(c, 500)
    print('got', len(d), 'pattern' if d == pattern(500) else 'garbage', flush=True)
    c.sendall(b'r' * 300)
    rest, how = drain(c)
    print('then', how, len(rest), flush=True)
    c.close()
elif mode == 'sink':          # sink ADDR PORT: accept one, read to EOF
    l = socket.socket(family(args[0]), socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((args[0], int(args[1])))
    l.listen(4)
    l.settimeout(10)
    print('listening', flush=True)
    c, peer = l.accept()
    c.settimeout(10)
    d, how = drain(c)
    print(len(d), 'pattern' if d == pattern(len(d)) else 'garbage', how, flush=True)
EOF

# --- setup -------------------------------------------------------------------
ip netns add "$NS" || { fail "create namespace $NS"; exit 1; }
if ! { nsx ip link set lo up &&
	nsx ip tuntap add dev "$TAP" mode tap &&
	nsx ip link set "$TAP" address 02:74:63:00:00:01 &&
	nsx ip addr add 198.18.0.1/24 dev "$TAP" &&
	nsx ip addr add 2001:db8:7463::1/64 dev "$TAP" nodad &&
	nsx ip link set "$TAP" up; }; then
	fail "set up $TAP in $NS"
	exit 1
fi
ok "namespace $NS with $TAP (198.18.0.1/24, 2001:db8:7463::1/64)"

# The TAP is opened here and handed to the agent as fd 4, as tcpconform does.
cat >"$tmp/tapexec.py" <<'EOF'
import fcntl, os, struct, sys
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', sys.argv[1].encode(), 0x0002 | 0x1000))
if fd != 4:
    os.dup2(fd, 4)
    os.close(fd)
os.set_inheritable(4, True)
os.execvp(sys.argv[2], sys.argv[2:])
EOF

if command -v tcpdump >/dev/null 2>&1; then
	nsx tcpdump -i "$TAP" -nn -l -U tcp >"$tmp/td" 2>"$tmp/td.err" &
	tdpid=$!
	wait_file "$tmp/td.err" "listening on" || fail "tcpdump did not start"
fi

mkfifo "$tmp/in" "$tmp/out" || exit 1
# $! is timeout's pid; it bounds a hung agent, so no read below hangs for good.
ip netns exec "$NS" timeout 60 python3 "$tmp/tapexec.py" "$TAP" "$LWIP_AGENT" \
	--ctl-stdio --tap-fd 4 --mac 02:74:63:00:00:02 \
	--addr $A4/24 --addr $A6/64 \
	--neigh 198.18.0.1=02:74:63:00:00:01 --neigh 2001:db8:7463::1=02:74:63:00:00:01 \
	--listen echo:7 --listen discard:9 --listen send:2000:19 \
	--listen close:5001 --listen abort:5002 --listen noread:5003 \
	<"$tmp/in" >"$tmp/out" 2>"$tmp/agent.err" &
apid=$!
exec 3>"$tmp/in" 4<"$tmp/out"

IFS= read -r line <&4
if [ "$line" != "ready 6" ]; then
	fail "agent writes 'ready 6' first (got '$line')"
	sed "s/^/# agent: /" "$tmp/agent.err"
	exit 1
fi
ok "agent writes 'ready 6' first"
expect "ping" "ok" ping

# --- listener modes, IPv4 and IPv6 -------------------------------------------
for a in $A4 $A6; do
	s=$(py echo "$a" 7 hello 2>&1)
	check "echo over [$a]:7 (got '$s')" [ "$s" = "hello ok" ]
	s=$(py pattern "$a" 19 2000 2>&1)
	check "send:2000 over [$a]:19: 2000 pattern bytes, no more (got '$s')" \
		[ "$s" = "2000 pattern timeout 0" ]
	s=$(py end "$a" 5001 2>&1)
	check "close mode over [$a]:5001: the client reads EOF (got '$s')" \
		[ "$s" = "eof 0" ]
	s=$(py end "$a" 5002 2>&1)
	check "abort mode over [$a]:5002: the client gets a reset (got '$s')" \
		[ "$s" = "reset 0" ]
done

# --- an external client: received, info, state, close ------------------------
client c1 hold $A4 9 1000 -
pp=$(port_of c1)
expect "received 1000 bytes from the client" "ok 1000" received "$pp" 1000
expect "info" "ok read=1000 eof=0 error=none reading=1" info "$pp"
expect_state "state of a live client is ESTABLISHED" "$pp" ESTABLISHED
expect "close" "ok" close "$pp"
wait "$cpid"
check "after close the client reads EOF (got '$(cat "$tmp/c1")')" \
	[ "$(cat "$tmp/c1")" = "eof 0" ]
expect_state "state after close and the client's FIN is TIME-WAIT" "$pp" \
	TIME-WAIT
expect "a second close says the connection is closed" "err *closed*" \
	close "$pp"

# --- abort PP: the client gets a reset ---------------------------------------
client c2 hold $A6 5003 0 -
pp=$(port_of c2)
expect "abort" "ok" abort "$pp"
wait "$cpid"
check "after abort the client gets a reset (got '$(cat "$tmp/c2")')" \
	[ "$(cat "$tmp/c2")" = "reset 0" ]
expect_state "state after abort is CLOSED" "$pp" CLOSED

# --- noread: the window closes; take; read -----------------------------------
client c3 flood $A4 5003 100000
pp=$(port_of c3)
sleep 0.5
expect "noread listener: nothing read yet" "ok read=0 eof=0 error=none reading=0" \
	info "$pp"
expect "take 1000 while not reading" "ok 1000" take "$pp" 1000
expect "read resumes reading" "ok" read "$pp"
expect "then all 100000 bytes arrive" "ok 100000" received "$pp" 100000 t=10000
expect "and the client's FIN is the EOF" "ok" eof "$pp"
expect_state "the reader is in CLOSE-WAIT" "$pp" CLOSE-WAIT
expect "close" "ok" close "$pp"
wait "$cpid"
check "the flooding client sees EOF (got '$(cat "$tmp/c3")')" \
	[ "$(cat "$tmp/c3")" = "sent 100000 eof" ]
if [ -n "$tdpid" ]; then
	check "lwIP advertised a zero window to the flooding client" \
		grep -q "$A4.5003 > 198.18.0.1.$pp: .* win 0" "$tmp/td"
fi

# --- requests that wait, out of order; timeouts ------------------------------
nsx python3 "$tmp/peer.py" server 198.18.0.1 7100 >"$tmp/srv" 2>&1 &
spid=$!
wait_file "$tmp/srv" listening || fail "the kernel's server did not start"
next_id; early=$id
echo "$early info 7100 t=3000" >&3
req ping
early_seen=no
grep -q "^$early " "$tmp/stray" 2>/dev/null && early_seen=yes
check "a waiting request does not hold up others" \
	[ "$reply" = ok -a $early_seen = no ]
expect "connect to the kernel's server from port 40002" "ok" \
	connect 198.18.0.1 7100 40002
get_reply "$early"
check "the waiting request is answered once the connection exists" \
	[ "$reply" = "ok read=0 eof=0 error=none reading=1" ]
expect "a request for an absent connection times out" \
	"err no connection from port 1" eof 1 t=100
expect_state "the outgoing connection is ESTABLISHED" 7100 ESTABLISHED
expect "send 500 pattern bytes" "ok" send 7100 500
expect "the server's 300 bytes are received" "ok 300" received 7100 300
expect "received times out with the count" "err read 300 of 301 bytes" \
	received 7100 301 t=100
expect "shutdown wr" "ok" shutdown 7100 wr
expect "the server's FIN is the EOF" "ok" eof 7100
wait "$spid"
check "the server got the pattern and our FIN ($(tr '\n' ' ' <"$tmp/srv"))" \
	grep -q "then eof 0" "$tmp/srv"
grep -q "got 500 pattern" "$tmp/srv" ||
	fail "the server got 500 pattern bytes ($(tr '\n' ' ' <"$tmp/srv"))"
expect_state "the first closer is in TIME-WAIT" 7100 TIME-WAIT
s=$(nsx ss -Htn state time-wait "( sport = :7100 )" | wc -l)
check "the kernel, the last closer, has no TIME-WAIT ($s)" [ "$s" -eq 0 ]
expect "close after TIME-WAIT began" "ok" close 7100
expect "connect IPv6 to a closed port" "ok" connect 2001:db8:7463::1 7101
sleep 0.3
expect "the kernel's reset is ECONNREFUSED" \
	"ok read=0 eof=0 error=ECONNREFUSED reading=1" info 7101
expect "and later verbs say so" \
	"err connection from port 7101 is closed (ECONNREFUSED)" send 7101 1

# --- a send larger than lwIP's send buffer (more from the sent callback) ------
nsx python3 "$tmp/peer.py" sink 2001:db8:7463::1 7102 >"$tmp/sink" 2>&1 &
spid=$!
wait_file "$tmp/sink" listening || fail "the kernel's sink did not start"
expect "connect IPv6 to the kernel's sink" "ok" connect 2001:db8:7463::1 7102
expect "send 300000 bytes (26 times lwIP's send buffer)" "ok" send 7102 300000 t=10000
expect "close once they are in lwIP" "ok" close 7102
wait "$spid"
check "the sink got them all, then EOF ($(tail -n 1 "$tmp/sink"))" \
	[ "$(tail -n 1 "$tmp/sink")" = "300000 pattern eof" ]

# --- forget: no segment on the wire ------------------------------------------
client c4 hold $A6 9 0 "$tmp/go"
pp=$(port_of c4)
expect "state before forget" "ok ESTABLISHED" state "$pp"
if [ -n "$tdpid" ]; then
	sleep 0.2
	before=$(grep -c "\.${pp}[: ]" "$tmp/td")
	expect "forget" "ok" forget "$pp"
	sleep 0.3
	after=$(grep -c "\.${pp}[: ]" "$tmp/td")
	check "forget sends nothing ($before segments before, $after after)" \
		[ "$before" -eq "$after" ]
else
	expect "forget" "ok" forget "$pp"
	echo "skip - forget sends nothing (tcpdump not installed)"
fi
touch "$tmp/go"
wait "$cpid"
check "after forget the peer's data gets a reset (got '$(cat "$tmp/c4")')" \
	[ "$(cat "$tmp/c4")" = "reset 0" ]
expect_state "state after forget is CLOSED" "$pp" CLOSED

# --- what lwIP's raw API cannot do; socket options ----------------------------
client c5 hold $A4 9 0 "$tmp/go5"
pp=$(port_of c5)
expect "urgent is unsupported, naming lwIP" "err unsupported: lwIP*" urgent "$pp"
expect "sockopt nodelay" "ok" sockopt "$pp" nodelay 1
expect "sockopt keepalive" "ok" sockopt "$pp" keepalive 1
expect "sockopt keepidle" "ok" sockopt "$pp" keepidle 10
expect "sockopt keepidle 0 is invalid" "err sockopt keepidle: Invalid argument" \
	sockopt "$pp" keepidle 0
expect "sockopt cork is unsupported" "err unsupported: *" sockopt "$pp" cork 1
expect "sockopt linger 0" "ok" sockopt "$pp" linger 0
expect "close after linger 0" "ok" close "$pp"
touch "$tmp/go5"
wait "$cpid"
check "close after linger 0 is a reset (got '$(cat "$tmp/c5")')" \
	[ "$(cat "$tmp/c5")" = "reset 0" ]

# --- errors ------------------------------------------------------------------
expect "a wrong verb gives err unknown verb" "err unknown verb frobnicate" \
	frobnicate 1
expect "bad arguments give the usage" "err usage: shutdown PP rd|wr|rdwr*" \
	shutdown 40002 sideways
echo "not-a-number ping" >&3
get_reply 0
check "a line without a numeric ID gives '0 err bad request'" \
	[ "$reply" = "err bad request" ]
"$LWIP_AGENT" --ctl-stdio --listen echo:7 </dev/null >/dev/null 2>&1
rc1=$?
"$LWIP_AGENT" --ctl-stdio --tap-fd 0 --mac 02:00:00:00:00:01 --addr 10.0.0.1/8 \
	--listen bogus:7 </dev/null >/dev/null 2>&1
rc2=$?
check "bad command lines exit 2 (got $rc1 $rc2)" [ $rc1 -eq 2 -a $rc2 -eq 2 ]

# --- quit --------------------------------------------------------------------
expect "quit" "ok" quit
wait "$apid"
rc=$?
apid=
check "the agent exits 0 after quit (got $rc)" [ $rc -eq 0 ]
check "the agent wrote nothing on stderr" [ ! -s "$tmp/agent.err" ]
[ -s "$tmp/agent.err" ] && sed "s/^/# agent: /" "$tmp/agent.err"

cleanup
left=$(leftovers "tclwip-$$")
check "no namespace left behind" [ -z "$left" ]
tc_end
