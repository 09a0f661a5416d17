#!/bin/sh
# End to end: interrupting a run. SIGINT and SIGTERM in the middle: exit 130, the report
# is written and says incomplete, nothing is left. SIGKILL: the agent dies with us, the
# skeleton report says incomplete, and the next start (or tcpconform cleanup) removes
# the namespaces left behind.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-sig.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$d/cases"
cat >"$d/cases/slow.tcp" <<'CASE'
@id slow.wait
@title A handshake, then a long wait
@rfc RFC9293 3.5
@level MUST
@port listen
> S 0:0(0) win 65535 <mss 1460>
< S. 0:0(0) ack 1 <mss *, ...>
> . 1:1(0) ack 1
wait 30s
CASE
cp testcases/rst/closed_port_syn.tcp "$d/cases/"

# running PID: the run has started its cases (its agent is up and a case is waiting)
running() {
	ip netns list | grep -q "^tcpconform-$1-target" && [ -n "$(ip netns pids "tcpconform-$1-target" 2>/dev/null)" ]
}

for sig in INT TERM; do
	"$TC" run --no-color -4 --cases "$d/cases" -o "$d/$sig" >"$d/$sig.out" 2>&1 &
	pid=$!
	# the short case has ended (the terminal says so), the long one waits: a fixed
	# pause would not do on a loaded machine
	wait_for 10 running "$pid" && wait_for 10 grep -q '^PASS .*tcp.rst.closed_port_syn' "$d/$sig.out"
	kill -s "$sig" "$pid"
	wait "$pid"
	st=$?
	rep="$d/$sig/latest/report.json"
	check "signals: SIG$sig exits 130" [ "$st" = 130 ]
	check "signals: SIG$sig: the report says incomplete, and why" \
		[ "$(jget "$rep" '"\(.complete) \(.interrupted)"')" = "false SIG$sig" ]
	check "signals: SIG$sig: the finished case is in it, the interrupted one is notrun" \
		[ "$(jget "$rep" '[.cases[]|"\(.id)=\(.verdict)"]|sort|join(" ")')" = "slow.wait=notrun tcp.rst.closed_port_syn=pass" ]
	check "signals: SIG$sig: the terminal says incomplete" grep -q "the run is incomplete (SIG$sig)" "$d/$sig.out"
	check "signals: SIG$sig: nothing left behind" clean
done

"$TC" run --no-color -4 --cases "$d/cases" -o "$d/KILL" >/dev/null 2>&1 &
pid=$!
wait_for 10 running "$pid" && sleep 0.3
kill -s KILL "$pid"
wait "$pid" 2>/dev/null
check "signals: SIGKILL: the agent dies with the tester" \
	wait_for 5 sh -c "[ -z \"\$(ip netns pids tcpconform-$pid-target 2>/dev/null)\" ]"
check "signals: SIGKILL: the report on disk says incomplete" [ "$(jget "$d/KILL"/*/report.json .complete)" = false ]
check "signals: SIGKILL: and lists the cases it was to run, as notrun" \
	[ "$(jget "$d/KILL"/*/report.json '[.cases[]|.verdict]|join(",")')" = "notrun,notrun" ]
check "signals: SIGKILL leaves its namespaces (nothing runs to remove them)" \
	sh -c "ip netns list | grep -q '^tcpconform-$pid-'"
"$TC" run --no-color --cases "$d/cases" -o "$d/after" tcp.rst.closed_port_syn >/dev/null 2>&1
check "signals: the next run removes them" wait_for 5 clean

"$TC" run --no-color --cases "$d/cases" -o "$d/KILL2" >/dev/null 2>&1 &
pid=$!
wait_for 10 running "$pid" && sleep 0.3
kill -s KILL "$pid"
wait "$pid" 2>/dev/null
check "signals: tcpconform cleanup removes a killed run's namespaces" \
	sh -c "'$TC' cleanup | grep -q '^removed 2 stale namespaces$'"
check "signals: nothing left behind" wait_for 5 clean
tc_end
