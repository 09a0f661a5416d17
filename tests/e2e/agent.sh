#!/bin/sh
# End-to-end test of tcpconform-agent (root): runs the agent in a network
# namespace of its own, drives it over --ctl-stdio through two fifos, and plays
# its clients with bash's /dev/tcp inside that namespace. Loopback only.
# The bash -c client scripts are single-quoted on purpose (SC2016).
# shellcheck source=tests/e2e/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"

NS=tcagtest-$$
tmp=$(mktemp -d) || exit 2
apid=
nid=0

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

# peer_port DPORT: the local port of the client connected to DPORT (waits 2 s)
peer_port() {
	i=0
	while [ $i -lt 40 ]; do
		p=$(nsx ss -Htn state established "( dport = :$1 )" |
			awk 'NR == 1 { n = split($3, a, ":"); print a[n] }')
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# wait_file FILE PATTERN: wait up to 2 s for PATTERN to appear in FILE
wait_file() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge 40 ] && return 1
		sleep 0.05
	done
}

# client NAME ADDR PORT SCRIPT: background bash client in the namespace; its
# socket is fd 5; output in $tmp/NAME; pid in $cpid. (Background jobs run
# the command itself, not a function: $! must be the process to signal.)
client() {
	ip netns exec "$NS" bash -c "exec 5<>/dev/tcp/$2/$3 || exit 9; $4" \
		>"$tmp/$1" 2>&1 &
	cpid=$!
}

# --- setup -------------------------------------------------------------------
if [ ! -x "$AGENT" ]; then
	fail "agent binary $AGENT exists (make $AGENT)"
	exit 1
fi
ip netns add "$NS" || { fail "create namespace $NS"; exit 1; }
nsx ip link set lo up || fail "bring lo up in $NS"
mkfifo "$tmp/in" "$tmp/out" "$tmp/go" || exit 1
# $! is timeout's pid (ip execs it; it passes signals on to the agent); it
# bounds a hung agent, so no read below can hang for good.
ip netns exec "$NS" timeout 30 "$AGENT" --ctl-stdio \
	--listen echo:7001 --listen discard:7002 --listen send:100:7003 \
	--listen close:7004 --listen abort:7005 --listen noread:7006 \
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

# --- listener modes ----------------------------------------------------------
e4=$(nsx bash -c 'exec 5<>/dev/tcp/127.0.0.1/7001 && printf hello >&5 &&
	read -t 2 -r -N 5 x <&5 && echo "$x"' 2>&1)
e6=$(nsx bash -c 'exec 5<>/dev/tcp/::1/7001 && printf world >&5 &&
	read -t 2 -r -N 5 x <&5 && echo "$x"' 2>&1)
check "echo over IPv4 and IPv6 (got '$e4' '$e6')" \
	[ "$e4" = hello -a "$e6" = world ]
s=$(nsx bash -c 'exec 5<>/dev/tcp/127.0.0.1/7003 &&
	read -t 2 -r -N 100 x <&5; echo "$x"' 2>&1)
abc=abcdefghijklmnopqrstuvwxyz
want=$abc$abc$abc${abc%wxyz}
check "send:100 sends 100 pattern bytes a..z (got ${#s} bytes)" \
	[ "$s" = "$want" ]
s=$(nsx bash -c 'exec 5<>/dev/tcp/127.0.0.1/7004 && read -t 2 -r x <&5;
	echo "rc=$? x=$x"' 2>&1)
check "close mode: the client reads EOF (got '$s')" [ "$s" = "rc=1 x=" ]
s=$(nsx bash -c 'exec 5<>/dev/tcp/127.0.0.1/7005 && read -t 2 -r x <&5;
	echo "rc=$?"' 2>&1)
case $s in *reset*) ok "abort mode: the client gets a reset" ;;
*) fail "abort mode: the client gets a reset (got '$s')" ;; esac

# --- an external client: received, info, state, close ------------------------
client c1 127.0.0.1 7002 'head -c 1000 /dev/zero >&5; read -t 5 -r x <&5;
	echo "rc=$? x=$x"'
pp=$(peer_port 7002) || pp=1
expect "received 1000 bytes from the client" "ok 1000" received "$pp" 1000
expect "info: what the application saw, then TCP_INFO (state 1: established; nothing unacknowledged)" \
	"ok read=1000 eof=0 error=none reading=1 state=1 ca_state=* unacked=0 *total_retrans=[0-9]*" info "$pp"
expect_state "state of a live client is ESTABLISHED" "$pp" ESTABLISHED
expect "close" "ok" close "$pp"
wait "$cpid"
check "after close the client reads EOF (got '$(cat "$tmp/c1")')" \
	[ "$(cat "$tmp/c1")" = "rc=1 x=" ]
expect_state "state after close and the client's FIN is TIME-WAIT" "$pp" \
	TIME-WAIT
expect "a second close says the connection is closed" "err *closed*" \
	close "$pp"

# --- abort PP: the client gets a reset ---------------------------------------
client c2 127.0.0.1 7006 'read -t 5 -r x <&5; echo "rc=$?"'
pp=$(peer_port 7006) || pp=1
expect "abort" "ok" abort "$pp"
wait "$cpid"
case $(cat "$tmp/c2") in *reset*) ok "after abort the client gets a reset" ;;
*) fail "after abort the client gets a reset (got '$(cat "$tmp/c2")')" ;; esac
expect_state "state after abort is CLOSED" "$pp" CLOSED

# --- requests that wait, out of order; timeouts ------------------------------
next_id; early=$id
echo "$early info 40002 t=3000" >&3
req ping
early_seen=no
grep -q "^$early " "$tmp/stray" 2>/dev/null && early_seen=yes
check "a waiting request does not hold up others" \
	[ "$reply" = ok -a $early_seen = no ]
expect "connect from a local port" "ok" connect 127.0.0.1 7002 40002
get_reply "$early"
check "the waiting request is answered once the connection exists" \
	sh -c 'case $1 in "ok read=0 eof=0 error=none reading=1 state="*) exit 0 ;; esac; exit 1' _ "$reply"
expect "a request for an absent connection times out" \
	"err no connection from port 1" eof 1 t=100
expect "received times out with the count" "err read 0 of 5 bytes" \
	received 40002 5 t=100

# --- the agent's own connection: send, echo, shutdown, states ----------------
expect "connect to the echo port" "ok" connect ::1 7001 40001
expect_state "state of the outgoing connection is ESTABLISHED" 7001 \
	ESTABLISHED
expect "send 500 bytes" "ok" send 7001 500
expect "the accepted side received 500" "ok 500" received 40001 500
expect "the echo came back" "ok 500" received 7001 500
expect "shutdown wr" "ok" shutdown 7001 wr
# a write after the application's own shutdown fails, and the socket stays open, as an
# application's does: what follows (EOF, TIME-WAIT with the fd still open) is unchanged
expect "a send after shutdown wr fails with EPIPE, naming it" "err wrote 0 of 10 bytes (EPIPE)" send 7001 10
expect "the accepted side sees EOF" "ok" eof 40001
expect_state "the half-closing side is in FIN-WAIT-2" 7001 FIN-WAIT-2
expect_state "the other side is in CLOSE-WAIT" 40001 CLOSE-WAIT
expect "close the accepted side" "ok" close 40001
expect "the first side sees EOF" "ok" eof 7001
expect_state "the first closer is in TIME-WAIT (fd still open)" 7001 TIME-WAIT
expect_state "the last closer is CLOSED" 40001 CLOSED
expect "sockopt on a live connection" "ok" sockopt 40002 nodelay 1
expect "sockopt oobinline" "ok" sockopt 40002 oobinline 1
expect "noread" "ok" noread 40002
expect "close the outgoing connection" "ok" close 7002
expect "close its accepted side" "ok" close 40002

# --- forget: no segment on the wire ------------------------------------------
client c3 127.0.0.1 7002 "read -r go <'$tmp/go'; printf x >&5;
	read -t 2 -r x <&5; echo \"rc=\$?\""
pp=$(peer_port 7002) || pp=1
if command -v tcpdump >/dev/null 2>&1; then
	ip netns exec "$NS" tcpdump -i lo -nn -l "tcp port $pp" \
		>"$tmp/td" 2>"$tmp/td.err" &
	tpid=$!
	wait_file "$tmp/td.err" "listening on" || fail "tcpdump did not start"
	expect "forget" "ok" forget "$pp"
	sleep 0.3
	before=$(wc -l <"$tmp/td")
	timeout 3 sh -c 'echo go >"$1"' sh "$tmp/go"
	wait "$cpid"
	wait_file "$tmp/td" "Flags \[R" || true
	kill "$tpid"
	wait "$tpid"
	after=$(wc -l <"$tmp/td")
	msg="forget sends nothing ($before segments in 300 ms; $after"
	msg="$msg once the peer wrote)"
	check "$msg" [ "$before" -eq 0 -a "$after" -ge 2 ]
else
	expect "forget" "ok" forget "$pp"
	timeout 3 sh -c 'echo go >"$1"' sh "$tmp/go"
	wait "$cpid"
	echo "skip - forget sends nothing (tcpdump not installed)"
fi
msg="after forget the peer's data gets a reset"
case $(cat "$tmp/c3") in
*reset*) ok "$msg" ;;
*) fail "$msg (got '$(cat "$tmp/c3")')" ;;
esac
expect_state "state after forget is CLOSED" "$pp" CLOSED

# --- errors ------------------------------------------------------------------
expect "a wrong verb gives err unknown verb" "err unknown verb frobnicate" \
	frobnicate 1
expect "bad arguments give the usage" "err usage: shutdown PP rd|wr|rdwr*" \
	shutdown 40002 sideways
echo "not-a-number ping" >&3
get_reply 0
check "a line without a numeric ID gives '0 err bad request'" \
	[ "$reply" = "err bad request" ]
nsx "$AGENT" --ctl-stdio --listen bogus:7100 </dev/null >/dev/null 2>&1
rc1=$?
nsx "$AGENT" --listen echo:7100 </dev/null >/dev/null 2>&1
rc2=$?
check "bad command lines exit 2 (got $rc1 $rc2)" [ $rc1 -eq 2 -a $rc2 -eq 2 ]
nsx "$AGENT" --ctl-stdio --listen echo:7001 </dev/null >/dev/null 2>&1
check "a port in use exits 1" [ $? -eq 1 ]

# --- quit --------------------------------------------------------------------
expect "quit" "ok" quit
wait "$apid"
rc=$?
apid=
check "the agent exits 0 after quit (got $rc)" [ $rc -eq 0 ]
check "the agent wrote nothing on stderr" [ ! -s "$tmp/agent.err" ]
[ -s "$tmp/agent.err" ] && sed "s/^/# agent: /" "$tmp/agent.err"

cleanup
left=$(leftovers "tcagtest-$$")
check "no namespace or link left behind" [ -z "$left" ]
tc_end
