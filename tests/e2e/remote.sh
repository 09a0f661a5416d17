#!/bin/sh
# End to end: the remote mode against a "remote" host the test builds itself: a target
# namespace with a plain listener (tests/e2e/listener.py, no agent), reached from this
# namespace through a router namespace (routed: raw IP injection), and the router itself
# (on the link: ARP / neighbour discovery by the tester). Over IPv4 and IPv6. The runs
# must pass what they can, skip the rest with reasons, and leave no nftables table and
# no reserved ports, also when interrupted or killed.
. "$(dirname "$0")/lib.sh"
R=tcrt-$$-router
T=tcrt-$$-target
A=tcr$$a
d=$(mktemp -d /tmp/tc-e2e-remote.XXXXXX)
pids=""
runs=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for r in $runs; do kill -TERM "${r##*=}" 2>/dev/null; wait "${r##*=}" 2>/dev/null; done
	# and what the services forked (xinetd's per-connection children): a process left in
	# a namespace keeps it, and its links, alive after "ip netns del"
	for ns in "$R" "$T"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	ip link del "$A" 2>/dev/null
	ip netns del "$R" 2>/dev/null
	ip netns del "$T" 2>/dev/null
	ip netns del "tcrt-$$-gone" 2>/dev/null
	[ -n "${TC_KEEP:-}" ] || rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
reserved() { cat /proc/sys/net/ipv4/ip_local_reserved_ports; }
no_table() { ! nft list tables 2>/dev/null | grep -q tcpconform_; }
before=$(reserved)
# nothing_installed: no table of ours, and the reserved ports as they were before
nothing_installed() { no_table && [ "$(reserved)" = "$before" ]; }

ip netns add "$R" && ip netns add "$T" &&
ip link add "$A" type veth peer name r0 netns "$R" &&
ip -n "$R" link add r1 type veth peer name t0 netns "$T" &&
ip addr add 198.51.100.1/24 dev "$A" && ip -6 addr add 2001:db8:a::1/64 dev "$A" nodad &&
ip link set "$A" up &&
ip -n "$R" addr add 198.51.100.2/24 dev r0 && ip -n "$R" -6 addr add 2001:db8:a::2/64 dev r0 nodad &&
ip -n "$R" addr add 203.0.113.1/24 dev r1 && ip -n "$R" -6 addr add 2001:db8:b::1/64 dev r1 nodad &&
ip -n "$R" link set lo up && ip -n "$R" link set r0 up && ip -n "$R" link set r1 up &&
ip netns exec "$R" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv6/conf/all/forwarding' &&
ip -n "$T" addr add 203.0.113.2/24 dev t0 && ip -n "$T" -6 addr add 2001:db8:b::2/64 dev t0 nodad &&
ip -n "$T" link set lo up && ip -n "$T" link set t0 up &&
ip -n "$T" route add default via 203.0.113.1 && ip -n "$T" -6 route add default via 2001:db8:b::1 &&
ip route add 203.0.113.2/32 via 198.51.100.2 && ip -6 route add 2001:db8:b::2/128 via 2001:db8:a::2
up=$?
# the frames on the test's links are the segments as the stacks cut them: no offload
# merges or defers them (a 2000-byte answer would otherwise cross a veth in one frame)
for dev in "$R r0" "$R r1" "$T t0"; do
	set -- $dev
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || up=1
done
# the routes to the test's "remote" host must go through the test's own link: never
# out of this machine (a failed setup would otherwise send the suite out the default route)
ip route get 203.0.113.2 2>/dev/null | grep -q "dev $A " && ip -6 route get 2001:db8:b::2 2>/dev/null | grep -q "dev $A " || up=1
check "remote: the test network is up, its routes through its own link" [ "$up" = 0 ]
if [ "$up" != 0 ]; then
	echo "# the test network could not be built: nothing is sent" >&2
	exit 0
fi
ethtool -K "$A" tx off tso off gso off gro off >/dev/null 2>&1
ip netns exec "$T" /usr/bin/python3 tests/e2e/listener.py 80 >"$d/lt" 2>&1 &
pids="$pids $!"
ip netns exec "$R" /usr/bin/python3 tests/e2e/listener.py 8080 >"$d/lr" 2>&1 &
pids="$pids $!"
wait_for 5 grep -q listening "$d/lt"
wait_for 5 grep -q listening "$d/lr"
ping -c1 -W2 203.0.113.2 >/dev/null 2>&1
ping -6 -c1 -W2 2001:db8:b::2 >/dev/null 2>&1

W=testcases/waivers/linux.waivers
# run_remote NAME ADDR PORT [options]: a remote run against ADDR, judged at once; with
# PAIR=1 it starts in the background, and the next run_remote (without PAIR) starts its
# own and judges both when both have ended (two runs of the other family side by side,
# as a fleet runs them: each has its own tester ports and nftables table; the two of a
# pair meet different listeners, whose accept queues, and sshd's MaxStartups, they
# would otherwise share)
run_remote() {
	_name=$1 _addr=$2 _port=$3; shift 3
	"$TC" run --no-color -q --target "$_addr" --port "$_port" --closed-port 81 --waivers "$W" --rate 5000 \
		-o "$d/$_name" "$@" >"$d/$_name.out" 2>&1 &
	runs="$runs $_name=$_addr=$!"
	[ "${PAIR:-0}" = 1 ] && return 0
	for _r in $runs; do
		wait "${_r##*=}"
		echo $? >"$d/${_r%%=*}.st"
	done
	for _r in $runs; do _r=${_r%=*}; judge_remote "${_r%%=*}" "${_r#*=}"; done
	runs=
}
judge_remote() {   # NAME ADDR
	name=$1 addr=$2
	st=$(cat "$d/$name.st" 2>/dev/null)
	rep="$d/$name/latest/report.json"
	check "remote $name: exits 0 (no MUST failure)" [ "$st" = 0 ]
	[ "$st" = 0 ] || tail -5 "$d/$name.out" | sed 's/^/# /'
	check "remote $name: the report says remote, complete" \
		[ "$(jget "$rep" '"\(.environment.mode) \(.complete)"')" = "remote true" ]
	check "remote $name: cases passed, none failed or erred" \
		[ "$(jget "$rep" '(.summary.pass > 5) and (.summary.fail + .summary.error == 0)')" = true ]
	[ "$(jget "$rep" '.summary.fail + .summary.error')" = 0 ] || grep -A1 '^FAIL\|^ERROR' "$d/$name.out" | sed 's/^/# /'
	check "remote $name: the rest is skipped, each with its reason" \
		jq -e '[.cases[]|select(.verdict=="skip")|.reason|test("agent|closed port|Linux|IPv|namespaces. own link|service|keeps its side open")]|all and length > 0' "$rep"
	check "remote $name: what only a namespace's link may carry is not sent (spoofed sources, damaged IP headers)" \
		jq -e '[.cases[]|select(.id|test("tcp.ip.syn_from_broadcast_source|tcp.robust.ip_length_mismatch"))|.verdict=="skip" and (.reason|test("own link|an IPv4 case|agent"))]|all' "$rep"
	check "remote $name: every case is named $(echo "$addr" | grep -q : && echo ipv6 || echo ipv4)" \
		jq -e --arg f "$(echo "$addr" | grep -q : && echo ipv6 || echo ipv4)" '[.cases[].family==$f]|all' "$rep"
	check "remote $name: a clean path: no path finding" \
		jq -e '[.findings[]|select(.kind=="path")]|length == 0' "$rep"
	check "remote $name: no nftables table and no reserved ports are left" nothing_installed
}
# (the test's listener reads and says nothing: --service listen, not the http guessed for
# ports 80 and 8080)
PAIR=1 run_remote routed4 203.0.113.2 80 --service listen
run_remote link6 2001:db8:a::2 8080 --service listen 'tcp.handshake.*' 'tcp.rst.*' 'tcp.matrix.established.*'
PAIR=1 run_remote link4 198.51.100.2 8080 --service listen 'tcp.handshake.*' 'tcp.rst.*' 'tcp.matrix.established.*'
run_remote routed6 2001:db8:b::2 80 --service listen

# real services on the target, none written here: xinetd's own echo and discard (RFC 862,
# RFC 863), each closing its side when the tester closes. With --service the cases of
# that port run; what only the agent can tell (what the application read) goes
# unchecked with a note, and the cases that judge what follows the tester's FIN skip
cat >"$d/xinetd.conf" <<CONF
defaults
{
	instances	= UNLIMITED
	per_source	= UNLIMITED
	cps		= 100000 1
	log_type	= FILE $d/xinetd.log
	log_on_success	= PID HOST EXIT
	log_on_failure	= HOST ATTEMPT
}
service echo
{
	type		= INTERNAL
	id		= echo-stream
	socket_type	= stream
	protocol	= tcp
	user		= root
	wait		= no
	flags		= IPv6 NOLIBWRAP
}
service discard
{
	type		= INTERNAL
	id		= discard-stream
	socket_type	= stream
	protocol	= tcp
	user		= root
	wait		= no
	flags		= IPv6 NOLIBWRAP
}
CONF
# (its own resolv.conf: the name lookups of xinetd's children, of the tester's address,
# fail at once instead of waiting 5 s for the machine's name server, out of reach here)
echo "nameserver 127.0.0.1" >"$d/resolv.conf"
# (the target, reached through the router, and the router itself, on the tester's link)
for ns in "$T" "$R"; do
	ip netns exec "$ns" unshare -m sh -c "mount --bind '$d/resolv.conf' /etc/resolv.conf &&
		exec xinetd -dontfork -f '$d/xinetd.conf' -pidfile '$d/xinetd-$ns.pid'" >"$d/xinetd-$ns.out" 2>&1 &
	pids="$pids $!"
done
wait_for 5 sh -c "ip netns exec $R ss -ltn | grep -q ':9 '"
wait_for 5 sh -c "ip netns exec $T ss -ltn | grep -q ':9 ' && ip netns exec $T ss -ltn | grep -q ':7 '"
check "remote: xinetd's echo and discard listen on the target" sh -c "ip netns exec $T ss -ltn | grep -q ':9 '"
PAIR=1 run_remote svc-echo6 2001:db8:b::2 7 --service echo
run_remote svc-discard4 203.0.113.2 9 --service discard
# the other family and the other way for each service (fewer cases: those of the port)
PAIR=1 run_remote svc-discard6 2001:db8:b::2 9 --service discard 'tcp.data.*' 'tcp.options.*'
run_remote svc-echo4 203.0.113.2 7 --service echo 'tcp.data.*' 'tcp.robust.*'
PAIR=1 run_remote svc-discard4-link 198.51.100.2 9 --service discard 'tcp.data.*' 'tcp.options.*'
run_remote svc-echo6-link 2001:db8:a::2 7 --service echo 'tcp.data.*' 'tcp.robust.*'
check "remote: the echo and discard cases ran on each family and each way" sh -c '
	for n in svc-discard6 svc-discard4-link; do
		jq -e ".cases[]|select(.id==\"tcp.data.in_order_acked\")|.verdict==\"pass\"" "$0/$n/latest/report.json" >/dev/null || exit 1
	done
	for n in svc-echo4 svc-echo6-link; do
		jq -e ".cases[]|select(.id==\"tcp.data.echo\")|.verdict==\"pass\"" "$0/$n/latest/report.json" >/dev/null || exit 1
	done' "$d"
# judged PREFIX NAME: how many cases whose id starts with PREFIX passed or xfailed
judged_in() { jq --arg p "$1" '[.cases[]|select((.id|startswith($p)) and (.verdict=="pass" or .verdict=="xfail"))]|length' "$d/$2/latest/report.json"; }
check "remote: the report names the service" \
	[ "$(jget "$d/svc-discard4/latest/report.json" .environment.target.service) $(jget "$d/routed4/latest/report.json" .environment.target.service)" = "discard listen" ]
check "remote: a discard service runs the data and option cases of its port (not with a plain listener)" \
	[ "$(judged_in tcp.options. svc-discard4) $(judged_in tcp.data. svc-discard4)" != "$(judged_in tcp.options. routed4) $(judged_in tcp.data. routed4)" ]
check "remote: with discard, tcp.data.in_order_acked passes; what the application read is noted as not checked" \
	jq -e '.cases[]|select(.id=="tcp.data.in_order_acked")|.verdict=="pass" and (.notes|test("agent received .* not checked: the application is a service"))' \
	"$d/svc-discard4/latest/report.json"
check "remote: an echo service runs the echo cases (tcp.data.echo passes over IPv6)" \
	jq -e '.cases[]|select(.id=="tcp.data.echo")|.verdict=="pass"' "$d/svc-echo6/latest/report.json"
"$TC" run --no-color -q --target 203.0.113.2 --port 9 --service echo -o "$d/notecho" tcp.data.echo >"$d/notecho.out" 2>&1
check "remote: --service echo at a discard port: the echo cases are inconclusive, never failed, and say why" \
	sh -c "[ $? = 0 ] && jq -e '[.cases[]|.verdict==\"inconclusive\" and (.reason|test(\"the echo service sent nothing\"))]|all' '$d/notecho/latest/report.json'"
check "remote: with echo, a case that sends data to \"any listener\" skips, saying why" \
	jq -e '[.cases[]|select(.id=="tcp.rfc5961.rst_in_window_challenge")|.verdict=="skip" and (.reason|test("echo service would"))]|all' \
	"$d/svc-echo6/latest/report.json"
check "remote: a case that judges what follows the tester's FIN skips with a service, saying why" \
	jq -e '[.cases[]|select(.id=="tcp.close.fin_out_of_order")|.verdict=="skip" and (.reason|test("keeps its side open"))]|all' \
	"$d/svc-discard4/latest/report.json"
out=$("$TC" run --target 203.0.113.2 --port 9 --service chargen 2>&1)
check "remote: an unknown --service is a usage error naming the kinds" \
	sh -c "printf '%s' \"\$1\" | grep -q 'takes listen, discard, echo, http or banner'" _ "$out"

# a web server, not written here: Debian's nginx-light. The tester's data to it is a
# request that never ends (a request line, then header lines, never the empty line): the
# server reads it and waits, as a discard service does, so the data cases of "any
# listener" and of the discard port run. Port 80 is taken for one unless --service says
mkdir -p "$d/www" "$d/nginx"
cat >"$d/nginx.conf" <<CONF
daemon off;
user root;
pid $d/nginx.pid;
error_log $d/nginx.err;
events { }
http {
	access_log off;
	client_body_temp_path $d/nginx;
	proxy_temp_path $d/nginx;
	fastcgi_temp_path $d/nginx;
	uwsgi_temp_path $d/nginx;
	scgi_temp_path $d/nginx;
	server { listen 8081; listen [::]:8081; root $d/www; }
}
CONF
echo hello >"$d/www/index.html"
head -c 65536 /dev/zero | tr '\0' x >"$d/www/big.html"    # a page for the send port's 2000 bytes
ip netns exec "$T" nginx -c "$d/nginx.conf" >"$d/nginx.out" 2>&1 &
pids="$pids $!"
# and one in the router, on the tester's link
sed "s|nginx.pid|nginx-r.pid|; s|nginx.err|nginx-r.err|" "$d/nginx.conf" >"$d/nginx-r.conf"
ip netns exec "$R" nginx -c "$d/nginx-r.conf" >"$d/nginx-r.out" 2>&1 &
pids="$pids $!"
wait_for 5 sh -c "ip netns exec $T ss -ltn | grep -q ':8081 '"
wait_for 5 sh -c "ip netns exec $R ss -ltn | grep -q ':8081 '"
# a server that greets first, not written here: Debian's openssh-server, in the target
# (routed, port 22) and in the router (on the link, port 2222: its 22 is the fleet's
# closed port). The tester takes its greeting, acknowledges it, and counts the target's
# numbers from after it; its data is a line that never ends, which sshd reads and holds
# (up to its 8 KiB line limit)
ssh-keygen -q -t ed25519 -N '' -f "$d/ssh_host_key" </dev/null
mkdir -p /run/sshd       # its privilege separation directory (sshd refuses to start without)
for sp in "$T 22" "$R 2222"; do
	set -- $sp
	ip netns exec "$1" /usr/sbin/sshd -D -e -f /dev/null -h "$d/ssh_host_key" -o "ListenAddress=0.0.0.0:$2" \
		-o "ListenAddress=[::]:$2" -o PidFile=none -o UseDNS=no -o MaxStartups=1000 -o LoginGraceTime=600 \
		>"$d/sshd-$2.out" 2>&1 &
	pids="$pids $!"
	wait_for 5 sh -c "ip netns exec $1 ss -ltn | grep -q ':$2 '"
done
# the two whole runs side by side (one of each family), then the others by pairs
PAIR=1 run_remote svc-http4 203.0.113.2 8081 --service http --http-path /big.html
run_remote svc-banner6 2001:db8:b::2 22 --service banner
# the send port's PMTU cases (tcp.icmp.*_pmtu, @tags last) leave the target a smaller
# path MTU towards the tester for its route cache's time (10 minutes): the runs after
# them would see SYN-ACKs with a smaller MSS. A host met afresh has none: flush it
check "remote: the target's path MTU towards the tester is lowered by the send port's PMTU cases" \
	sh -c "ip netns exec $T ip route get 198.51.100.1 | grep -q 'mtu 1280'"
ip netns exec "$T" ip route flush cache
ip netns exec "$T" ip -6 route flush cache
PAIR=1 run_remote svc-http4-link 198.51.100.2 8081 --service http --http-path /big.html 'tcp.options.*' 'tcp.data.*' \
	tcp.window.zero_window_probe
run_remote svc-http6 2001:db8:b::2 8081 --service http --http-path /big.html 'tcp.handshake.*' 'tcp.rst.*' \
	'tcp.rfc5961.*' 'tcp.options.*' 'tcp.window.*'
PAIR=1 run_remote svc-http6-link 2001:db8:a::2 8081 --service http --http-path /big.html 'tcp.options.*' 'tcp.data.*' \
	tcp.window.zero_window_probe
run_remote svc-banner4-link 198.51.100.2 2222 --service banner 'tcp.handshake.*' 'tcp.rfc5961.*' 'tcp.data.*'
PAIR=1 run_remote svc-banner6-link 2001:db8:a::2 2222 --service banner 'tcp.handshake.*' 'tcp.rfc5961.*' 'tcp.data.*'
run_remote svc-banner4 203.0.113.2 22 'tcp.handshake.*' 'tcp.rst.*' 'tcp.rfc5961.*' 'tcp.matrix.established.*' \
	tcp.data.ack_every_second_segment
for n in svc-http4 svc-http6 svc-http4-link svc-http6-link; do
	check "remote $n: the send port's cases run on nginx's answer to a Range request, and pass" \
		jq -e '[.cases[]|select(.id=="tcp.options.mss_honoured" or .id=="tcp.options.wscale_negotiated" or .id=="tcp.window.zero_window_probe")|.verdict=="pass" and (.notes|test("its request \\([0-9]+ bytes, a range of its page whose whole answer is 2000 bytes\\) went out"))]|. == [true,true,true]' \
		"$d/$n/latest/report.json"
done
"$TC" run --no-color -q --target 203.0.113.2 --port 8081 --service http -o "$d/smallpage" tcp.options.mss_honoured \
	>"$d/smallpage.out" 2>&1
check "remote: with http and a page under 2000 bytes, the send port's cases skip, saying why" \
	jq -e '[.cases[]|.verdict=="skip" and (.reason|test("needs the send port.s 2000 bytes, which the http service does not give: / has 6 bytes: too few"))]|. == [true]' \
	"$d/smallpage/latest/report.json"
out=$("$TC" run --target 203.0.113.2 --port 8081 --service listen --http-path /big.html 2>&1)
check "remote: --http-path without --service http is a usage error" \
	sh -c "printf '%s' \"\$1\" | grep -q 'it goes with --service http'" _ "$out"
check "remote: with http, the data cases of \"any listener\" and of the discard port run and pass" \
	jq -e '[.cases[]|select(.id=="tcp.rfc5961.rst_in_window_challenge" or .id=="tcp.data.in_order_acked" or .id=="tcp.data.ooo_dupack_and_reassembly")|.verdict=="pass"]|(all and length == 3)' \
	"$d/svc-http4/latest/report.json"
# (a busy machine: a timed step missed while a process waited for a CPU is inconclusive too)
check "remote: with http, nginx answered none of the tester's data (inconclusive only where it closed sooner than a case, or the machine was busy)" \
	jq -e '[.cases[]|select(.verdict=="inconclusive")|.reason|test("closed its side \\(FIN\\) on the tester.s FIN, sooner than the case.s application would|waited [0-9.]+ ms for a CPU")]|all' \
	"$d/svc-http4/latest/report.json"
check "remote: with http, a request draws nginx's close: the matrix rows of the target closing (FIN-WAIT-1, FIN-WAIT-2, CLOSING, TIME-WAIT, LAST-ACK) all run, none failed" \
	jq -e '[.cases[]|select(.id|test("^tcp[.]matrix[.](fin_wait_1|fin_wait_2|closing|time_wait|last_ack)[.]"))|.verdict]|(length == 225 and all(. == "pass" or . == "xfail"))' \
	"$d/svc-http4/latest/report.json"
check "remote: with http, the tester ended its request asking for a close, and counted from after the answer" \
	jq -e '[.cases[]|select(.id=="tcp.matrix.fin_wait_2.data.left")|(.notes|test("line [0-9]+: .agent shutdown wr. is the http service.s: the tester ended its request \\([0-9]+ bytes\\) asking it to close")) and ([.trace[]|.note]|index("answer") != null)]|. == [true]' \
	"$d/svc-http4/latest/report.json"
check "remote: with http, new data after nginx's close gets Linux's reset, an outcome of a half-duplex close" \
	jq -e '[.cases[]|select(.id=="tcp.matrix.fin_wait_2.data.left" or .id=="tcp.matrix.fin_wait_1.data.left")|"\(.verdict) \(.alternative)"]|sort|. == ["pass half-duplex","pass half-duplex"]' \
	"$d/svc-http4/latest/report.json"
check "remote: with http, 'agent send N' is a request whose whole answer is N bytes: the sender's cases run and pass" \
	jq -e '[.cases[]|select(.id=="tcp.window.sender_sws" or .id=="tcp.data.full_size_segments" or .id=="tcp.options.sack_sender_recovery")|.verdict=="pass" and (.notes|test("is the http service.s: the tester sent a request \\([0-9]+ bytes, a range of its page\\) whose whole answer is [0-9]+ bytes"))]|. == [true,true,true]' \
	"$d/svc-http4/latest/report.json"
check "remote: with http, an 'agent send' smaller than nginx's header block skips, saying so" \
	jq -e '[.cases[]|select(.reason // "" | test("needs the application to send 10 bytes, which the http service does not give: its smallest answer .* is [0-9]+ bytes: its header block alone is more"))]|length > 0' \
	"$d/svc-http4/latest/report.json"
check "remote: with http, Linux's orphaned FIN-WAIT-2 acknowledges an out-of-window RST: xfail, by the waiver for that service" \
	jq -e '[.cases[]|select(.id|test("^tcp[.]matrix[.]fin_wait_2[.]rst(_ack)?[.](below|beyond)$"))|.verdict]|. == ["xfail","xfail","xfail","xfail"]' \
	"$d/svc-http4/latest/report.json"
check "remote: with http, a case with bytes of its own skips, saying why" \
	jq -e '[.cases[]|select(.id=="tcp.urg.pointer_following_octet")|.verdict=="skip" and (.reason|test("bytes of its own, which the http service would read"))]|all' \
	"$d/svc-http4/latest/report.json"
# --service http where the service echoes: what it sent back is the service's doing, so a
# case it upsets is inconclusive with what it answered, never failed
"$TC" run --no-color -q --target 203.0.113.2 --port 7 --service http -o "$d/notweb" tcp.data.in_order_acked \
	>"$d/notweb.out" 2>&1
check "remote: --service http at an echo port: inconclusive, quoting the answer, not failed" \
	sh -c "[ $? = 0 ] && jq -e '[.cases[]|.verdict==\"inconclusive\" and (.reason|test(\"the http service answered .*GET / HTTP/1.1\"))]|(all and length == 1)' '$d/notweb/latest/report.json'"
check "remote: nginx still serves its page after the suite" \
	sh -c "ip netns exec $T /usr/bin/python3 -c \"import urllib.request as u; print(u.urlopen('http://127.0.0.1:8081/').read())\" | grep -q hello"
check "remote: port 22 is taken for a server that greets first, and the run says so" \
	grep -q 'port 22 is taken for a server that greets first (--service banner)' "$d/svc-banner4.out"
for n in svc-banner4 svc-banner6 svc-banner4-link svc-banner6-link; do
	check "remote $n: sshd's greeting (41 bytes) was taken before the steps that follow it, in many cases" \
		jq -e '[.cases[]|select(.notes // ""|test("greeting \\(41 bytes\\) was acknowledged"))]|length > 10' \
		"$d/$n/latest/report.json"
	check "remote $n: inconclusive only where sshd's line limit made it answer, or it closed sooner than a case, saying so" \
		jq -e '[.cases[]|select(.verdict=="inconclusive")|.reason|test("the banner service answered [(].Invalid SSH identification string|the banner service closed its side \\(FIN\\) on the tester.s FIN, sooner than the case.s application would")]|all' \
		"$d/$n/latest/report.json"
done
check "remote: with a banner, a line that is not SSH's draws sshd's close: the matrix rows of the target closing all run, none failed" \
	jq -e '[.cases[]|select(.id|test("^tcp[.]matrix[.](fin_wait_1|fin_wait_2|closing|time_wait|last_ack)[.]"))|.verdict]|(length == 225 and all(. == "pass" or . == "xfail"))' \
	"$d/svc-banner6/latest/report.json"
check "remote: with a banner, the tester ended its line asking sshd to close, and took its answer" \
	jq -e '[.cases[]|select(.id=="tcp.matrix.fin_wait_2.data.left")|(.notes|test("line [0-9]+: .agent shutdown wr. is the banner service.s: the tester ended its line \\([0-9]+ bytes\\) asking it to close")) and ([.trace[]|.note]|index("answer") != null) and .verdict == "pass"]|. == [true]' \
	"$d/svc-banner6/latest/report.json"
check "remote: with a banner too, Linux's orphaned FIN-WAIT-2 acknowledges an out-of-window RST: xfail, by the waiver for that service" \
	jq -e '[.cases[]|select(.id|test("^tcp[.]matrix[.]fin_wait_2[.]rst(_ack)?[.](below|beyond)$"))|.verdict]|. == ["xfail","xfail","xfail","xfail"]' \
	"$d/svc-banner6/latest/report.json"
check "remote: with a banner, the challenge ACKs of RFC 5961 pass, counted after the greeting" \
	jq -e '[.cases[]|select(.id=="tcp.rfc5961.syn_in_established_challenge" or .id=="tcp.rfc5961.rst_in_window_challenge")|.verdict]|. == ["pass","pass"]' \
	"$d/svc-banner6/latest/report.json"
check "remote: with a banner, a case that sends more than a line's limit is inconclusive, quoting sshd (an IPv4 case)" \
	jq -e '[.cases[]|select(.id=="tcp.data.ack_every_second_segment")|.verdict=="inconclusive"]|. == [true]' \
	"$d/svc-banner4/latest/report.json"
check "remote: with a banner, a case with bytes of its own skips, saying why" \
	jq -e '[.cases[]|select(.id=="tcp.urg.pointer_following_octet")|.verdict=="skip" and (.reason|test("a banner service would read"))]|. == [true]' \
	"$d/svc-banner6/latest/report.json"
check "remote: sshd still greets after the suite" \
	sh -c "ip netns exec $T /usr/bin/python3 -c \"import socket; print(socket.create_connection(('203.0.113.2', 22)).recv(64))\" | grep -q SSH-2.0"
# what each service lets the remote mode judge (the closing note's figures)
for n in routed4 svc-discard4 svc-echo6 svc-http4 svc-banner6; do
	echo "# judged of $(jget "$d/$n/latest/report.json" '.cases|length') in $n: $(jget "$d/$n/latest/report.json" '[.cases[]|select(.verdict!="skip")]|length')"
done
out=$("$TC" run --dry-run --target 203.0.113.2 --port 80 -o "$d/guess" tcp.handshake.syn_ack_basic 2>&1)
check "remote: port 80 is taken for a web server, and the run says so" \
	sh -c "printf '%s' \"\$1\" | grep -q 'port 80 is taken for a web server (--service http)' &&
		[ \"\$(jq -r .environment.target.service '$d/guess/latest/report.json')\" = http ]" _ "$out"
out=$("$TC" run --service discard 2>&1)
check "remote: --service without --target is a usage error" \
	sh -c "printf '%s' \"\$1\" | grep -q 'go with --target ADDR'" _ "$out"

# the service dies in the middle of a run (its port then answers SYNs with resets): the
# cases after that are errors naming it, none a failure of the stack
ip netns exec "$T" /usr/bin/python3 tests/e2e/listener.py 8090 >"$d/ldie" 2>&1 &
lp=$!
wait_for 5 grep -q listening "$d/ldie"
"$TC" run --no-color -q --target 203.0.113.2 --port 8090 --service listen --rate 5000 -o "$d/die" \
	'tcp.handshake.*' 'tcp.rst.*' 'tcp.timer.*' >"$d/die.out" 2>&1 &
rp=$!
sleep 2
kill "$lp"
wait "$rp"
check "remote: the service killed in a run: exit 2, no case failed, the errors say its port resets SYNs" \
	sh -c "[ $? = 2 ] && jq -e '.summary.fail == 0 and .summary.error > 0 and ([.cases[]|select(.verdict==\"error\")|.reason|test(\"its listening port answers a SYN with a reset: what listened there is gone\")]|all)' '$d/die/latest/report.json'"
check "remote: ... and the terminal says the target stopped" grep -q '^tcpconform: the target stopped: its listening port answers a SYN with a reset' "$d/die.out"

# a fleet: three hosts from one file (one line in nmap's -oG form), at once, within one
# --rate budget, measured on the wire (the tester's packets on its link, per second)
cat >"$d/fleet.txt" <<HOSTS
# ADDR PORT [CLOSED-PORT] [SERVICE]
203.0.113.2 80 81 listen
2001:db8:b::2 9 81 discard
Host: 198.51.100.2 ()	Ports: 22/closed/tcp//ssh///, 8080/open/tcp//unknown///
HOSTS
tcpdump -i "$A" -nn -tt -w "$d/fleet.pcap" "src host 198.51.100.1 or src host 2001:db8:a::1" >/dev/null 2>&1 &
cap=$!
pids="$pids $cap"
sleep 1
"$TC" run --no-color -q --targets "$d/fleet.txt" --rate 300 --waivers "$W" -o "$d/fleet" \
	'tcp.handshake.*' 'tcp.rst.*' 'tcp.matrix.established.*' tcp.robust.null_out_of_window_acked >"$d/fleet.out" 2>&1
st=$?
sleep 1
kill "$cap" 2>/dev/null
wait "$cap" 2>/dev/null
fl="$d/fleet/latest/fleet.json"
check "remote fleet: exits 0, one run directory and one line of fleet.json per host" \
	sh -c "[ $st = 0 ] && [ \"\$(jq -r '[.hosts[].name]|join(\" \")' '$fl')\" = '203.0.113.2_80 2001:db8:b::2_9 198.51.100.2_8080' ] &&
		[ -s '$d/fleet/latest/203.0.113.2_80/report.json' ] && [ -s '$d/fleet/latest/198.51.100.2_8080/report.json' ]"
[ "$st" = 0 ] || tail -n 20 "$d/fleet.out" | sed 's/^/# /'
check "remote fleet: each host's line is its own report's summary, the -oG line gave port 8080 and closed port 22" \
	sh -c "for n in 203.0.113.2_80 2001:db8:b::2_9 198.51.100.2_8080; do
		[ \"\$(jq -c --arg n \$n '.hosts[]|select(.name==\$n)|.summary' '$fl')\" = \"\$(jq -c .summary '$d/fleet/latest/'\$n/report.json)\" ] || exit 1
	done; [ \"\$(jq -c '.hosts[2]|[.port,.closed_port,.service]' '$fl')\" = '[8080,22,\"listen\"]' ]"
check "remote fleet: a deviation (Linux's, waived) is listed once, with the three hosts that show it" \
	jq -e '[.deviations[]|select(.summary|test("nothing where \\[\\.\\] is expected"))|.hosts|length] == [3]' "$fl"
check "remote fleet: each host's output ends with its summary and its reports" \
	sh -c "for f in '$d'/fleet/latest/*.out; do tail -n 1 \"\$f\" | grep -q '^reports: ' || exit 1; done"
check "remote fleet: the terminal shows a line per host" \
	sh -c "grep -q '^203.0.113.2_80 *listen' '$d/fleet.out' && grep -q '^2001:db8:b::2_9 *discard' '$d/fleet.out'"
# per second, the most packets the tester sent (all hosts together)
peak=$(tcpdump -r "$d/fleet.pcap" -nn -tt 2>/dev/null | awk '{split($1, t, "."); n[t[1]]++} END {m = 0; for (s in n) if (n[s] > m) m = n[s]; print m}')
check "remote fleet: --rate 300 holds on the wire for the three hosts together (peak $peak packets in a second)" \
	[ "${peak:-0}" -le 330 -a "${peak:-0}" -ge 100 ]

check "remote: the routed run sent bare IP packets (the pcaps are raw IP)" \
	sh -c "tcpdump -r '$d/routed4/latest/pcap/tcp.handshake.syn_ack_basic.pcap' 2>&1 | grep -q 'link-type RAW'"
check "remote: the run on the link sent Ethernet frames to the router's address" \
	sh -c "tcpdump -e -nn -r '$d/link4/latest/pcap/tcp.handshake.syn_ack_basic.pcap' 2>/dev/null | grep -q '198.51.100.2.8080'"

# --trace-path on a clean path: hop 1 is the router, which quotes the SYN as sent; hop 2
# is the target, which answers
for fam in 4 6; do
	addr=203.0.113.2 hop=198.51.100.2; [ $fam = 6 ] && addr=2001:db8:b::2 hop=2001:db8:a::2
	"$TC" run --no-color -q --target "$addr" --port 80 --service listen --trace-path -o "$d/trace$fam" tcp.handshake.syn_ack_basic \
		>"$d/trace$fam.out" 2>&1
	check "remote: --trace-path (IPv$fam, clean): hop 1 is the router, unchanged; hop 2 the target; no finding" \
		jq -e --arg f "ipv$fam" --arg h "$hop" --arg t "$addr" '.path_trace[$f] | .finding == null and
			([.hops[]|[.ttl, .address, .reached, .changes]] == [[1, $h, false, null], [2, $t, true, null]]) and
			.hops[0].whole_quote' "$d/trace$fam/latest/report.json"
done
[ -n "${TC_KEEP:-}" ] && cat "$d/trace4.out"

# a middlebox on the way: the router clamps the SYN-ACKs' MSS, overwrites their
# timestamps with NOPs and rewrites the TTL of RSTs; the report must say so
ip netns exec "$R" nft -f - <<EOF
table inet mbox {
	chain f { type filter hook forward priority 0;
		ip saddr 203.0.113.2 tcp flags rst ip ttl set 200
		ip6 saddr 2001:db8:b::2 tcp flags rst ip6 hoplimit set 200
		tcp flags syn,ack / syn,ack tcp option maxseg size set 1000
		tcp flags syn,ack / syn,ack reset tcp option timestamp
	}
}
EOF
check "remote: the middlebox rules are in place" [ $? = 0 ]
for fam in 4 6; do
	addr=203.0.113.2; [ $fam = 6 ] && addr=2001:db8:b::2
	"$TC" run --no-color -q --target "$addr" --port 80 --service listen --closed-port 81 --rate 5000 -o "$d/mbox$fam" \
		tcp.handshake.synack_options_mirror tcp.rst.closed_port_syn >"$d/mbox$fam.out" 2>&1
	rep="$d/mbox$fam/latest/report.json"
	for what in ttl mss options; do
		check "remote: through a middlebox (IPv$fam), the report notes the path ($what)" \
			jq -e --arg w "$what" --arg f "ipv$fam" '[.findings[]|select(.kind=="path" and .what==$w and .family==$f)]|length == 1' "$rep"
	done
	check "remote: through a middlebox (IPv$fam), the terminal says it too" \
		grep -q "^path \[ipv$fam\]: the target's SYN-ACKs come with .* 63, its RSTs with 200" "$d/mbox$fam.out"
	check "remote: through a middlebox (IPv$fam), the report lists what it saw" \
		jq -e --arg f "ipv$fam" '.path[$f] | .ttl_syn_ack == [63] and .ttl_rst == [200] and .mss == [1000]' "$rep"
	check "remote: through a middlebox (IPv$fam), the path is traced without --trace-path, saying so" \
		sh -c "grep -q '^path: what the target sent looks changed on the way; tracing the path' '$d/mbox$fam.out' &&
		       jq -e --arg f ipv$fam '.path_trace[\$f].hops|length == 2' '$rep'"
done
# the router also rewrites the tester's SYN as it comes in (prerouting: before it decides
# to forward): its own time-exceeded quote shows the SYN changed
ip netns exec "$R" nft -f - <<EOF
table inet mbox {
	chain p { type filter hook prerouting priority -150;
		iifname "r0" tcp flags syn / syn,ack tcp option maxseg size set 1000
		iifname "r0" tcp flags syn / syn,ack reset tcp option timestamp
	}
}
EOF
for fam in 4 6; do
	addr=203.0.113.2 hop=198.51.100.2; [ $fam = 6 ] && addr=2001:db8:b::2 hop=2001:db8:a::2
	"$TC" run --no-color -q --target "$addr" --port 80 --service listen --trace-path -o "$d/mtrace$fam" tcp.handshake.syn_ack_basic \
		>"$d/mtrace$fam.out" 2>&1
	check "remote: --trace-path (IPv$fam) names the hop and the fields: MSS lowered, timestamps stripped" \
		jq -e --arg f "ipv$fam" --arg h "$hop" '[.findings[]|select(.kind=="path_trace" and .family==$f)|.message] ==
			["the tester'"'"'s SYN is changed on the way, between this host and hop 1 (\($h)), which received it with: mss 1460 -> 1000; option timestamps removed"]' \
		"$d/mtrace$fam/latest/report.json"
	check "remote: --trace-path (IPv$fam): the terminal says it too" grep -q "^path trace \[ipv$fam\]: 2 hops, the tester's SYN is changed" "$d/mtrace$fam.out"
	check "remote: --trace-path (IPv$fam): the report validates against reports/schema.json" \
		/usr/bin/python3 tests/e2e/validate.py reports/schema.json "$d/mtrace$fam/latest/report.json"
done
ip netns exec "$R" nft delete table inet mbox

# interrupted: SIGINT in the middle, then SIGKILL and a new start
slow='tcp.isn.unpredictability'
# start_slow DIR: a long remote run in the background (its pid in $p), once its table is there
start_slow() {
	"$TC" run --no-color -q --target 203.0.113.2 --port 80 --service listen --rate 200 -o "$d/$1" "$slow" >/dev/null 2>&1 &
	p=$!
	wait_for 10 sh -c 'nft list tables | grep -q tcpconform_'
}
start_slow int
check "remote: while it runs, its table and its reserved ports are there" \
	sh -c "nft list tables | grep -q tcpconform_$p && [ \"\$(cat /proc/sys/net/ipv4/ip_local_reserved_ports)\" != '$before' ]"
kill -INT "$p"
wait "$p"
check "remote: SIGINT exits 130" [ $? = 130 ]
check "remote: SIGINT leaves no table and no reserved ports" nothing_installed
start_slow kill
kill -KILL "$p"
wait "$p" 2>/dev/null
check "remote: SIGKILL leaves its table (nothing runs to remove it)" sh -c "nft list tables | grep -q tcpconform_$p"
"$TC" run --no-color -q --target 203.0.113.2 --port 80 --service listen -o "$d/after" tcp.rst.closed_port_syn >/dev/null 2>&1
check "remote: the next start removes it and frees the ports" nothing_installed
start_slow kill2
kill -KILL "$p"
wait "$p" 2>/dev/null
"$TC" cleanup >"$d/cleanup.out" 2>&1
check "remote: tcpconform cleanup removes a killed run's table and ports" \
	sh -c "grep -q '^removed 1 stale nftables table$' '$d/cleanup.out'"
check "remote: after cleanup, no table and no reserved ports" nothing_installed
# the state folder of a namespace that is gone goes with the next clean-up
ip netns add "tcrt-$$-gone"
ino=$(ip netns exec "tcrt-$$-gone" stat -L -c %i /proc/self/ns/net)
ip netns exec "tcrt-$$-gone" "$TC" cleanup >/dev/null 2>&1
check "remote: a clean-up in a namespace keeps its state in a folder of its own" test -d "/run/tcpconform/net-$ino"
ip netns del "tcrt-$$-gone"
"$TC" cleanup >/dev/null 2>&1
check "remote: once that namespace is gone, the next clean-up removes its folder" test ! -e "/run/tcpconform/net-$ino"
[ -n "${TC_KEEP:-}" ] && cat "$d/cleanup.out"

# two runs at once take two blocks of ports (the kernel merges neighbouring ranges when
# it prints them); both are given back
"$TC" run --no-color -q --target 203.0.113.2 --port 80 --service listen --rate 200 -o "$d/two1" "$slow" >/dev/null 2>&1 &
p1=$!
"$TC" run --no-color -q --target 2001:db8:b::2 --port 80 --service listen --rate 200 -o "$d/two2" "$slow" >/dev/null 2>&1 &
p2=$!
wait_for 10 sh -c "nft list tables | grep -q tcpconform_$p1 && nft list tables | grep -q tcpconform_$p2"
check "remote: two runs at once reserve two blocks of ports" \
	sh -c "[ \"\$(tr ',' '\n' </proc/sys/net/ipv4/ip_local_reserved_ports | grep -c .)\" -ge 1 ] && [ \"\$(cat /proc/sys/net/ipv4/ip_local_reserved_ports)\" != '$before' ]"
kill -INT "$p1" "$p2"
wait "$p1" "$p2"
check "remote: both give back their ports and tables" nothing_installed

# a fleet stopped by SIGTERM to its own process: its hosts' runs stop too, clean up, and
# the fleet says it is incomplete
printf '203.0.113.2 80 81 listen\n2001:db8:b::2 80 81 listen\n' >"$d/fleet2.txt"
"$TC" run --no-color -q --targets "$d/fleet2.txt" --rate 200 -o "$d/fleet2" "$slow" >"$d/fleet2.out" 2>&1 &
p=$!
wait_for 10 sh -c "[ \$(nft list tables | grep -c tcpconform_) = 2 ]"
kill -TERM "$p"
wait "$p"
check "remote fleet: SIGTERM to the fleet exits 130; fleet.json says incomplete" \
	sh -c "[ $? = 130 ] && [ \"\$(jq -c '[.complete, [.hosts[].complete]]' '$d/fleet2/latest/fleet.json')\" = '[false,[false,false]]' ]"
check "remote fleet: SIGTERM leaves no table and no reserved ports" nothing_installed

# refused targets, exit 2
for a in 255.255.255.255 224.0.0.1 0.0.0.0 ff02::1 :: 198.51.100.1 127.0.0.1; do
	"$TC" run --target "$a" --port 80 >/dev/null 2>"$d/err"
	st=$?
	check "remote: --target $a is refused with exit 2 and a reason" \
		sh -c "[ $st = 2 ] && grep -qE 'multicast|broadcast|unspecified|address of this host' '$d/err'"
done

# dry run: a pcap of what would be sent, nothing on the wire, nothing installed
"$TC" run --no-color -q --dry-run --target 203.0.113.2 --port 80 --service listen -o "$d/dry" 'tcp.handshake.*' >"$d/dry.out" 2>&1
check "remote: --dry-run exits 0 and sends nothing" \
	sh -c "[ $? = 0 ] && [ \$(tcpdump -r '$d/dry/latest/dry-run.pcap' 2>/dev/null | wc -l) -gt 0 ] && ! nft list tables | grep -q tcpconform_"
check "remote: --dry-run judges nothing; the cases it sent say so" \
	jq -e '([.cases[]|.verdict=="skip"]|all) and ([.cases[]|select(.reason|test("dry run"))]|length > 5)' "$d/dry/latest/report.json"
check "remote: the dry run's report validates against reports/schema.json" \
	/usr/bin/python3 tests/e2e/validate.py reports/schema.json "$d/dry/latest/report.json"
check "remote: nothing left behind" clean
tc_end
