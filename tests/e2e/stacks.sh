#!/bin/sh
# End to end: the other stacks (--stack). Each stack runs the suite's quick part (the
# case files without the cases tagged slow, and the matrix) with its own waiver file:
# exit 0 (every failure is a known deviation, with its reference), no error, nothing
# left behind. A target that dies or hangs in the middle of a run ends the cases in
# flight as errors that say so, is started again, and the run goes on; --stack all's
# matrix has every stack's verdict of every case.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-stacks.XXXXXX)
ppasst= dies=
# the runs in the background get TERM too (each cleans up behind itself), and are waited for
trap 'kill -TERM $ppasst $dies 2>/dev/null; wait; rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the quick part (--quick): every case but those tagged slow, the matrix too
# judged: the cases a run gave a verdict on (all but skip and notrun), IPv4 and IPv6
judged() { jq '[.cases[]|select(.verdict!="skip" and .verdict!="notrun")]|length' "$1"; }
"$TC" run --quick -q --no-color -o "$d/linux" >"$d/linux.out" 2>&1
check "stacks: linux: the quick suite exits 0" [ $? = 0 ]
grep -E '^(FAIL|ERROR|INCONCLUSIVE) ' -A1 "$d/linux.out" | head -n 20 | sed 's/^/# /'
nlinux=$(judged "$d/linux/latest/report.json")

# passt's run is the longest (most of its cases wait out a silence that pasta's
# deviations bring): it runs beside the others, which run one after another
"$TC" run --stack passt --quick -q --no-color -o "$d/passt" >"$d/passt.out" 2>&1 &
ppasst=$!
for s in lwip gvisor slirp; do
	"$TC" run --stack "$s" --quick -q --no-color -o "$d/$s" >"$d/$s.out" 2>&1
	echo $? >"$d/$s.st"
done
wait "$ppasst"
echo $? >"$d/passt.st"
for s in lwip gvisor slirp passt; do
	st=$(cat "$d/$s.st")
	rep="$d/$s/latest/report.json"
	# (a busy machine may starve the stack's process: a case it made miss a step's time
	# is inconclusive, naming the wait; or blur the pauses a sampled case makes between
	# its attempts, which then cannot tell a clock from a counter; any other inconclusive
	# is a defect)
	check "stacks: $s: the quick suite (--quick, both families) exits 0 with its waivers, no fail, no inconclusive but for a busy machine (a CPU wait, blurred pauses)" \
		[ "$st $(jget "$rep" '"\(.summary.fail) \([.cases[]|select(.verdict=="inconclusive")|.reason|test("waited [0-9.]+ ms for a CPU|too even to tell a clock from a counter")]|all)"')" = "0 0 true" ]
	grep -E '^(FAIL|ERROR|INCONCLUSIVE) ' -A1 "$d/$s.out" | head -n 20 | sed 's/^/# /'
	jget "$rep" '"# \(.environment.stack): \(.cases|length) cases from \(.started) to \(.finished); cases at once: \(.run.jobs_adaptive // .run.jobs)"'
	# (a waiver with "varies = yes" is not stale when its case passes: passt.waivers)
	check "stacks: $s: every waiver still holds (no waived case passed)" [ "$(jget "$rep" .summary.waived_pass)" = 0 ]
	jq -r '.cases[]|select(.waiver.unneeded==true)|"# waived, and passed: \(.id) [\(.family)] (\(.waiver.file):\(.waiver.line)): \(.notes // "" | .[0:300])"' "$rep"
	check "stacks: $s: no error, none left unrun, the report is whole" \
		[ "$(jget "$rep" '"\(.summary.error) \(.summary.notrun) \(.complete)"')" = "0 0 true" ]
	check "stacks: $s: the report names the stack and its version" \
		sh -c "[ \"\$(jq -r .environment.stack '$rep')\" = $s ] && jq -e '.environment.stack_version | length > 0' '$rep'"
	check "stacks: $s: it judged cases (pass, fail or xfail) in both families" \
		[ "$(jget "$rep" '[.cases[]|select(.verdict=="pass" or .verdict=="xfail")|.family]|unique|join(",")')" = "ipv4,ipv6" ]
	n=$(judged "$rep")
	check "stacks: $s judges $n cases, at least 85% of the $nlinux Linux judges" [ $((n * 100)) -ge $((nlinux * 85)) ]
	check "stacks: $s: nothing left behind" clean
done

# death: the proxy is killed (or stopped) during a case that waits; the run says so,
# the stack is started again, the case in flight runs again alone and gets its own
# verdict (it passes: alone, nothing kills it), and so do the cases after it
mkdir "$d/cases"
cat >"$d/cases/wait.tcp" <<'CASE'
@id stacks.wait
@title A handshake, a wait, then data the target acknowledges
@rfc RFC9293 3.10.7.4
@level MUST
@port discard
> S 0:0(0) win 65535 <mss 1460>
< S. 0:0(0) ack 1 <mss *, ...>
> . 1:1(0) ack 1
wait 3s
> P. 1:11(10) ack 1
< . 1:1(0) ack 11
CASE
cat >"$d/cases/after.tcp" <<'CASE'
@id stacks.zafter
@title A handshake after the wait
@rfc RFC9293 3.5
@level MUST
@port listen
@tags last
> S 0:0(0) win 65535 <mss 1460>
< S. 0:0(0) ack 1 <mss *, ...>
CASE
# proc RUNPID PROG: the pid of PROG in the target namespace of tcpconform RUNPID
proc() {
	for _p in $(pgrep -f "$2"); do
		[ "$(ip netns identify "$_p" 2>/dev/null)" = "tcpconform-$1-target" ] && echo "$_p" && return 0
	done
	return 1
}
# the four at once: each in its own namespaces, its target stopped by a watcher of its own
for how in "slirp slirp4netns KILL SEGV" "lwip tcpconform-lwip KILL KILL" "gvisor tcpconform-gvisor KILL KILL" "passt pasta STOP STOP"; do
	set -- $how
	s=$1 prog=$2 sig=$3
	"$TC" run --stack "$s" -4 --no-color --cases "$d/cases" -o "$d/die-$s" >"$d/die-$s.out" 2>&1 &
	pid=$!
	(
		wait_for 10 proc "$pid" "$prog" && sleep 1.5
		p=$(proc "$pid" "$prog")
		if [ "$sig" = STOP ]; then kill -STOP "$p"; else kill -s "$4" "$p"; fi
	) &
	dies="$dies $pid $!"
done
wait $dies
dies=
for how in "slirp slirp4netns KILL SEGV" "lwip tcpconform-lwip KILL KILL" "gvisor tcpconform-gvisor KILL KILL" "passt pasta STOP STOP"; do
	set -- $how
	s=$1 prog=$2 sig=$3
	rep="$d/die-$s/latest/report.json"
	if [ "$sig" = STOP ]; then
		want="it hangs: a SYN to its listening port got no SYN-ACK after stacks.wait"
	else
		want="$prog was killed by SIG$4"
	fi
	check "stacks: $s: the finding target_stopped says $want" \
		sh -c "jq -r '.findings[]|select(.kind==\"target_stopped\")|.first' '$rep' | grep -q '^$want'"
	check "stacks: $s: the case in flight ran again alone and passed; no case is an error" \
		[ "$(jget "$rep" '.cases[]|select(.id=="stacks.wait")|.verdict') $(jget "$rep" .summary.error)" = "pass 0" ]
	check "stacks: $s: the run says what happened and goes on" grep -q "the target stopped: $want" "$d/die-$s.out"
	check "stacks: $s: the stack was started again: the case after passes" \
		[ "$(jget "$rep" '.cases[]|select(.id=="stacks.zafter")|.verdict') $(jget "$rep" .complete)" = "pass true" ]
done
check "stacks: after the four stopped targets, nothing is left behind" clean

# the matrix: two stacks, one run directory each, matrix.json with both verdicts
"$TC" run --stack lwip,gvisor -4 -q --no-color -o "$d/mx" 'tcp.handshake.*' >"$d/mx.out" 2>&1
mx="$d/mx/latest/matrix.json"
check "stacks: --stack lwip,gvisor writes matrix.json with both stacks" \
	[ "$(jget "$mx" '.stacks|join(",")')" = "lwip,gvisor" ]
check "stacks: every case of the selection has a verdict from each stack" \
	[ "$(jget "$mx" '[.cases[]|select(.stacks.lwip.verdict!="notrun" and .stacks.gvisor.verdict!="notrun")]|length')" = \
	  "$("$TC" list 'tcp.handshake.*' | wc -l)" ]
check "stacks: matrix.html links each cell to the case in that stack's report.html" \
	sh -c "grep -q 'href=\"lwip/report.html#tcp.handshake' '$d/mx/latest/matrix.html' && [ -s '$d/mx/latest/lwip/report.html' ]"
if command -v chromium >/dev/null; then
	# the filters, preset from the address: the rows where lwip's verdict is xfail
	mh="$d/mx/latest/matrix.html"
	timeout 120 chromium --headless=new --no-sandbox --disable-gpu --dump-dom "file://$mh#stack=lwip&verdict=xfail&all=1" \
		>"$d/mx.dom" 2>"$d/mx.console"
	check "stacks: matrix.html filters by stack and verdict (lwip xfail: the rows of matrix.json)" \
		[ "$(grep -o '<span id="shown">[0-9]*<' "$d/mx.dom" | grep -o '[0-9]*')" = \
		  "$(jget "$mx" '[.cases[]|select(.stacks.lwip.verdict=="xfail")]|length')" ]
	check "stacks: matrix.html: no script error" sh -c "! grep -qi 'uncaught\|SyntaxError\|ReferenceError' '$d/mx.console'"
fi
check "stacks: each stack has its run directory" \
	test -f "$d/mx/latest/lwip/report.json" -a -f "$d/mx/latest/gvisor/report.json"
check "stacks: the terminal shows the counts per stack and the cases that differ" \
	sh -c "grep -q '^lwip ' '$d/mx.out' && grep -q 'case runs differ between the stacks' '$d/mx.out'"
# says TEXT PATTERN: TEXT has a line that PATTERN matches
says() { printf '%s\n' "$1" | grep -q "$2"; }
out=$("$TC" run --stack nosuch 2>&1)
check "stacks: an unknown stack is a usage error naming the stacks" says "$out" 'takes linux, lwip, gvisor, slirp, passt'
out=$("$TC" run --stack lwip --sysctl net.ipv4.tcp_sack=0 2>&1)
check "stacks: --sysctl with a stack that is not Linux is refused" says "$out" 'lwip is not Linux'
check "stacks: nothing left behind at the end" clean
tc_end
