#!/bin/sh
# End-to-end test of tcpconform-gvisor (root, Go): in a network namespace of its
# own, a launcher opens a TAP and hands it to the agent as fd 4 with a socketpair
# as its control fd 3; the namespace's kernel is the peer on the TAP
# (198.18.0.1/24, 2001:db8:7463::1/64) and netstack inside the agent is the target
# (198.18.0.2, 2001:db8:7463::2). Python clients and servers in the namespace play
# the tester's side. No traffic leaves the namespace.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

GVISOR=${GVISOR:-$TC_BUILD/tcpconform-gvisor}
NS=tcgv-$$
TAP=tcgv0
MAC4=02:74:63:00:00:01		# the namespace's kernel (the peer)
MACT=02:74:63:00:00:02		# netstack
A4=198.18.0.2
A6=2001:db8:7463::2
P4=198.18.0.1
P6=2001:db8:7463::1
nid=0

if [ "$(id -u)" != 0 ]; then
	echo "skip - gvisor agent: needs root (network namespaces, TAP)"
	tc_end
	exit 0
fi
if ! command -v go >/dev/null 2>&1 || [ ! -d /usr/share/gocode/src/gvisor.dev/gvisor ]; then
	echo "skip - gvisor agent: needs go and golang-gvisor-gvisor-dev"
	tc_end
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1 || [ ! -c /dev/net/tun ]; then
	echo "skip - gvisor agent: needs python3 and /dev/net/tun"
	tc_end
	exit 0
fi

tmp=$(mktemp -d) || exit 2
apid=

cleanup() {
	trap - EXIT INT TERM PIPE
	exec 3>&- 4<&-
	if [ -n "$apid" ]; then
		kill "$apid" 2>/dev/null
		wait "$apid" 2>/dev/null
	fi
	for p in $(ip netns pids "$NS" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM PIPE

nsx() { ip netns exec "$NS" "$@"; }

# The launcher: opens the TAP (IFF_TAP | IFF_NO_PI), gives the namespace's kernel
# its side, then runs the command with the TAP as fd 4 and one end of a socketpair
# as fd 3, and relays its own stdin and stdout to the other end.
cat >"$tmp/launch.py" <<'EOF'
import fcntl, os, socket, struct, subprocess, sys, threading
name, mac, a4, a6 = sys.argv[1:5]
cmd = sys.argv[sys.argv.index('--') + 1:]
tap = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(tap, 0x400454ca, struct.pack('16sH', name.encode(), 0x0002 | 0x1000))
for c in (['link', 'set', name, 'address', mac], ['addr', 'add', a4, 'dev', name],
          ['-6', 'addr', 'add', a6, 'dev', name, 'nodad'], ['link', 'set', name, 'up']):
    subprocess.run(['ip'] + c, check=True)
ours, theirs = socket.socketpair()
pid = os.fork()
if pid == 0:
    t, c = tap, theirs.fileno()
    while t < 5:
        t = os.dup(t)
    while c < 5:
        c = os.dup(c)
    os.dup2(c, 3)
    os.dup2(t, 4)
    os.execvp(cmd[0], cmd)
theirs.close()
os.close(tap)
def down():
    while True:
        d = os.read(0, 4096)
        if not d:
            ours.shutdown(socket.SHUT_WR)
            return
        ours.sendall(d)
threading.Thread(target=down, daemon=True).start()
while True:
    d = ours.recv(4096)
    if not d:
        break
    os.write(1, d)
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
EOF

# The peer: one TCP connection, made (connect SPORT ADDR PORT) or accepted
# (accept ADDR PORT READYFILE), then actions in order, one result line each.
cat >"$tmp/peer.py" <<'EOF'
import os, select, socket, struct, sys, time
def fam(a):
    return socket.AF_INET6 if ':' in a else socket.AF_INET
def out(s):
    print(s, flush=True)
def pattern(n, k=0):
    return bytes(97 + (k + i) % 26 for i in range(n))
def wait_read(s, t):
    r, _, _ = select.select([s], [], [], t)
    return bool(r)
args = sys.argv[1:]
if args[0] == 'connect':
    sport, addr, port = int(args[1]), args[2], int(args[3])
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('', sport))
    s.settimeout(3)
    try:
        s.connect((addr, port))
    except OSError as e:
        out('connect-error %s' % e)
        sys.exit(1)
    out('connected')
    acts = args[4:]
else:
    addr, port, ready = args[1], int(args[2]), args[3]
    l = socket.socket(fam(addr), socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((addr, port))
    l.listen(1)
    open(ready, 'w').close()
    l.settimeout(5)
    s, _ = l.accept()
    out('accepted')
    acts = args[4:]
s.settimeout(None)
got = 0
for a in acts:
    op, _, arg = a.partition(':')
    try:
        if op == 'send':
            s.sendall(b'x' * int(arg))
            out('sent %s' % arg)
        elif op == 'text':
            s.sendall(arg.encode())
            out('sent %d' % len(arg))
        elif op == 'recv':
            n, buf, end = int(arg), b'', time.time() + 3
            while len(buf) < n and wait_read(s, max(0, end - time.time())):
                d = s.recv(n - len(buf))
                if not d:
                    break
                buf += d
            if len(buf) <= 64:
                out('recv %d %s' % (len(buf), buf.decode(errors='replace')))
            else:
                ok = buf == pattern(len(buf), got)
                out('recv %d %s' % (len(buf), 'pattern' if ok else 'other'))
            got += len(buf)
        elif op in ('eof', 'quiet'):
            t = 3 if op == 'eof' else int(arg) / 1000
            if not wait_read(s, t):
                out('quiet' if op == 'quiet' else 'timeout')
                continue
            d = s.recv(65536)
            out('eof' if not d else 'data %d' % len(d))
        elif op == 'shutwr':
            s.shutdown(socket.SHUT_WR)
            out('shutwr')
        elif op == 'wait':
            end = time.time() + 5
            while not os.path.exists(arg) and time.time() < end:
                time.sleep(0.02)
            out('waited' if os.path.exists(arg) else 'nofile')
        elif op == 'fill':
            s.setblocking(False)
            n, last = 0, time.time()
            while time.time() - last < 0.5:
                try:
                    n += s.send(b'y' * 65536)
                    last = time.time()
                except BlockingIOError:
                    time.sleep(0.02)
            s.setblocking(True)
            out('filled %d' % n)
        elif op == 'sleep':
            time.sleep(int(arg) / 1000)
        elif op == 'rst':
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            s.close()
            out('rst')
        elif op == 'close':
            s.close()
            out('closed')
    except ConnectionResetError:
        out('reset')
    except OSError as e:
        out('error %s' % e)
EOF

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

# expect_state NAME PP STATE: `state PP` is STATE within 3 s (it may settle)
expect_state() {
	i=0
	while :; do
		req state "$2"
		[ "$reply" = "ok $3" ] && { ok "$1"; return; }
		i=$((i + 1))
		[ $i -ge 60 ] && break
		sleep 0.05
	done
	fail "$1 (state $2: got '$reply', want 'ok $3')"
}

# peer NAME ARGS...: a background peer in the namespace; output in $tmp/NAME
peer() {
	_pn=$1
	shift
	ip netns exec "$NS" python3 "$tmp/peer.py" "$@" >"$tmp/$_pn" 2>&1 &
}

# check_peer TEST NAME LINE...: ok when the peer NAME printed these lines, in order
check_peer() {
	_pt=$1 _pn=$2
	shift 2
	_want=$(printf '%s\n' "$@")
	# shellcheck disable=SC2016 # expanded by that sh
	wait_for 5 sh -c '[ "$(wc -l <"$1")" -ge "$2" ]' sh "$tmp/$_pn" "$#"
	if [ "$(head -n "$#" "$tmp/$_pn")" = "$_want" ]; then
		ok "$_pt"
	else
		fail "$_pt (peer printed: $(tr '\n' '|' <"$tmp/$_pn"))"
	fi
}

# --- build and setup ---------------------------------------------------------
if [ ! -x "$GVISOR" ]; then
	if make --no-print-directory BUILD="$TC_BUILD" "$GVISOR" >"$tmp/build.log" 2>&1; then
		ok "build $GVISOR"
	else
		fail "build $GVISOR"
		sed "s/^/# /" "$tmp/build.log"
		tc_end
		exit 1
	fi
fi
ip netns add "$NS" || { fail "create namespace $NS"; tc_end; exit 1; }
nsx ip link set lo up || fail "bring lo up in $NS"
mkfifo "$tmp/in" "$tmp/out" || exit 1
# timeout bounds a hung agent, so no read below can hang for good.
ip netns exec "$NS" timeout 120 python3 "$tmp/launch.py" "$TAP" "$MAC4" "$P4/24" "$P6/64" -- \
	"$GVISOR" --ctl-fd 3 --tap-fd 4 --mac "$MACT" --addr "$A4/24" --addr "$A6/64" \
	--neigh "$P4=$MAC4" --neigh "$P6=$MAC4" \
	--listen echo:7 --listen discard:9 --listen send:2000:19 --listen close:5001 \
	--listen abort:5002 --listen noread:5003 \
	<"$tmp/in" >"$tmp/out" 2>"$tmp/agent.err" &
apid=$!
exec 3>"$tmp/in" 4<"$tmp/out"

IFS= read -r line <&4
if [ "$line" != "ready 6" ]; then
	fail "agent writes 'ready 6' first (got '$line')"
	sed "s/^/# agent: /" "$tmp/agent.err"
	tc_end
	exit 1
fi
ok "agent writes 'ready 6' first"
expect "ping" "ok" ping

# --- listener modes ----------------------------------------------------------
peer e4 connect 41001 "$A4" 7 text:hello recv:5
peer e6 connect 41002 "$A6" 7 text:world recv:5
check_peer "echo over IPv4" e4 connected "sent 5" "recv 5 hello"
check_peer "echo over IPv6" e6 connected "sent 5" "recv 5 world"
peer s19 connect 41003 "$A4" 19 recv:2000 quiet:200
check_peer "send:2000 sends 2000 pattern bytes a..z, then nothing" s19 connected \
	"recv 2000 pattern" quiet
peer c5001 connect 41004 "$A6" 5001 eof
check_peer "close: the peer reads end of file" c5001 connected eof
peer a5002 connect 41005 "$A4" 5002 eof
# The reset may come before the peer's connect() has returned: it fails then.
wait_for 4 grep -q 'reset' "$tmp/a5002"
check "abort: the peer gets a reset (peer printed: $(tr '\n' '|' <"$tmp/a5002"))" \
	grep -qE '^(reset|connect-error .*reset by peer)$' "$tmp/a5002"

peer d9 connect 41006 "$A4" 9 send:3000 wait:"$tmp/d9.go" close
expect "discard: received 3000" "ok 3000" received 41006 3000
expect "info after 3000 bytes" "ok read=3000 eof=0 error=none reading=1" info 41006
expect_state "state of the discard connection is ESTABLISHED" 41006 ESTABLISHED
touch "$tmp/d9.go"
expect "eof once the peer closed" "ok" eof 41006
expect_state "then CLOSE-WAIT" 41006 CLOSE-WAIT
expect "close PP" "ok" close 41006
expect_state "after close, CLOSED (LAST-ACK answered)" 41006 CLOSED
expect "a closed connection says so" "err connection from port 41006 is closed (closed)" \
	close 41006

peer n5003 connect 41007 "$A4" 5003 fill wait:"$tmp/n.go" recv:10 wait:"$tmp/n2.go" eof
wait_for 8 grep -q '^filled' "$tmp/n5003"
filled=$(sed -n 's/^filled //p' "$tmp/n5003")
check "noread: the window closes (the peer wrote ${filled:-?} bytes, then was blocked)" \
	[ "${filled:-0}" -gt 0 ]
expect "noread: info shows reading=0" "ok read=0 eof=0 error=none reading=0" info 41007
expect "take 100 reads 100 bytes" "ok 100" take 41007 100
expect "send on it" "ok" send 41007 10
touch "$tmp/n.go"
check_peer "the peer gets the 10 pattern bytes" n5003 "connected" "filled $filled" waited \
	"recv 10 abcdefghij"
expect "read resumes reading" "ok" read 41007
expect "received all the peer wrote" "ok $filled" received 41007 "$filled" t=5000
expect "abort PP" "ok" abort 41007
touch "$tmp/n2.go"
check_peer "after abort the peer gets a reset" n5003 "connected" "filled $filled" waited \
	"recv 10 abcdefghij" waited reset

# --- shutdown, eof, forget -----------------------------------------------------
peer sh connect 41008 "$A6" 9 eof shutwr
expect "shutdown wr" "ok" shutdown 41008 wr t=3000
check_peer "the peer reads end of file after shutdown wr" sh connected eof shutwr
expect "eof after the peer's FIN" "ok" eof 41008
expect_state "both sides closed: TIME-WAIT" 41008 TIME-WAIT

peer fg connect 41009 "$A4" 7 text:ab recv:2 wait:"$tmp/fg.go" quiet:300 text:cd eof
expect "echo connection exists" "ok 2" received 41009 2
# The peer's (perhaps delayed) ACK of the echo must be in before the forget:
# arriving after it, it rightly gets a reset.
wait_for 4 grep -q "recv 2 ab" "$tmp/fg"
sleep 0.3
expect "forget PP" "ok" forget 41009
expect_state "after forget: CLOSED" 41009 CLOSED
touch "$tmp/fg.go"
check_peer "forget sends nothing, and the peer's next segment gets a reset" fg \
	connected "sent 2" "recv 2 ab" waited quiet "sent 2" reset

peer rc connect 41010 "$A4" 9 shutwr wait:"$tmp/rc.go" rst
expect "eof after the peer's FIN (reset test)" "ok" eof 41010
expect_state "CLOSE-WAIT before the reset" 41010 CLOSE-WAIT
touch "$tmp/rc.go"
expect_state "a reset in CLOSE-WAIT: CLOSED" 41010 CLOSED
expect "the application saw EPIPE, as on Linux" \
	"err connection from port 41010 is closed (EPIPE)" send 41010 1

# --- active open -------------------------------------------------------------
peer sv4 accept "$P4" 7100 "$tmp/sv4.ready" recv:5000 eof wait:"$tmp/sv4.go"
wait_for 4 test -e "$tmp/sv4.ready"
expect "connect over IPv4" "ok" connect "$P4" 7100
expect "send 5000" "ok" send 7100 5000
expect_state "state ESTABLISHED" 7100 ESTABLISHED
expect "close" "ok" close 7100
check_peer "the server got 5000 pattern bytes and end of file" sv4 accepted \
	"recv 5000 pattern" eof
expect_state "after close: FIN-WAIT-2" 7100 FIN-WAIT-2
touch "$tmp/sv4.go"
expect_state "the server closes too: TIME-WAIT" 7100 TIME-WAIT

peer sv6 accept "$P6" 7101 "$tmp/sv6.ready" text:hi wait:"$tmp/sv6.go" close
wait_for 4 test -e "$tmp/sv6.ready"
expect "connect over IPv6 from a chosen port" "ok" connect "$P6" 7101 42001
expect "received 2 from the server" "ok 2" received 7101 2
wait_for 2 nsx ss -Htn state established "( sport = :7101 and dport = :42001 )"
check "the local port is 42001" \
	sh -c "ip netns exec $NS ss -Htn '( sport = :7101 and dport = :42001 )' | grep -q ."
touch "$tmp/sv6.go"
expect "eof after the server closed" "ok" eof 7101
expect_state "CLOSE-WAIT" 7101 CLOSE-WAIT
expect "connect to a closed port" "ok" connect "$P4" 7999
expect_state "state CLOSED after the reset" 7999 CLOSED
expect "info: ECONNREFUSED" "ok read=0 eof=0 error=ECONNREFUSED reading=1" info 7999
expect "a refused connection says so" "err connection from port 7999 is closed (ECONNREFUSED)" \
	send 7999 1

# --- socket options and what netstack cannot do --------------------------------
expect "sockopt nodelay 1" "ok" sockopt 7101 nodelay 1
expect "sockopt keepidle 30" "ok" sockopt 7101 keepidle 30
expect "sockopt keepidle 0 is invalid" "err sockopt keepidle: Invalid argument" \
	sockopt 7101 keepidle 0
expect "sockopt rcvbuf 65536" "ok" sockopt 7101 rcvbuf 65536
expect "sockopt linger 5" "ok" sockopt 7101 linger 5
expect "sockopt oobinline 0 is unsupported" "err unsupported: netstack*" \
	sockopt 7101 oobinline 0
expect "urgent is unsupported" "err unsupported: netstack*" urgent 7101

# --- errors ------------------------------------------------------------------
expect "no connection within t=" "err no connection from port 1" close 1 t=100
expect "a wrong verb gives err unknown verb" "err unknown verb frobnicate" frobnicate 1
expect "bad arguments give the usage" "err usage: shutdown PP rd|wr|rdwr*" \
	shutdown 40002 sideways
expect "a bad t= gives its usage" "err usage: t=MS (0 to 86400000)" ping t=x
echo "not-a-number ping" >&3
get_reply 0
check "a line without a numeric ID gives '0 err bad request'" [ "$reply" = "err bad request" ]
printf '%0300d\n' 0 >&3
get_reply 0
check "an over-long line gives '0 err bad request: line longer than 256 bytes'" \
	[ "$reply" = "err bad request: line longer than 256 bytes" ]
"$GVISOR" --ctl-stdio --listen bogus:7 </dev/null >/dev/null 2>&1
rc1=$?
"$GVISOR" --ctl-stdio --tap-fd 0 --mac "$MACT" --addr "$A4/24" </dev/null >/dev/null 2>&1
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

# --- end of file on the control channel ----------------------------------------
out=$(ip netns exec "$NS" timeout 20 python3 "$tmp/launch.py" tcgv1 "$MAC4" 198.18.1.1/24 \
	2001:db8:7464::1/64 -- "$GVISOR" --ctl-fd 3 --tap-fd 4 --mac "$MACT" \
	--addr 198.18.1.2/24 --listen echo:7 </dev/null 2>&1)
rc=$?
check "end of file on the control channel: exit 0 after 'ready 1' (got $rc, '$out')" \
	[ $rc -eq 0 -a "$out" = "ready 1" ]

cleanup
left=$(leftovers "tcgv-$$")
check "no namespace or link left behind" [ -z "$left" ]
tc_end
