#!/bin/sh
# End to end: a tester that falls behind is never the target's failure. The matrix at
# the largest -j with the CPUs busy gives the verdicts it gives alone; with a capture
# ring too small for the burst (TCPCONFORM_CAPTURE_BUFFER), the frames the capture
# loses turn the verdicts of the cases then running into errors that say so, and no
# case fails. A stack starved of CPU (slirp4netns at SCHED_IDLE beside busy loops) fails
# no case either: the cases whose timing it missed are inconclusive, with the wait.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-ovl.XXXXXX)
hogs=""
trap 'for h in $hogs; do kill "$h" 2>/dev/null; done; rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$TC" run -4 -q --no-color -o "$d/calm" 'tcp.matrix.*' >"$d/calm.out" 2>&1
for i in 1 2 3; do
	timeout 120 sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
"$TC" run -4 -q --no-color -j 256 -o "$d/busy" 'tcp.matrix.*' >"$d/busy.out" 2>&1
st=$?
for h in $hogs; do kill "$h" 2>/dev/null; done
hogs=""
verdicts() { jq -r '.cases[]|"\(.id) \(.verdict)"' "$1" | sort; }
check "overload: -j 256 with three busy loops exits 0" [ "$st" = 0 ]
check "overload: -j 256 with three busy loops gives the verdicts of the default run" \
	[ "$(verdicts "$d/busy/latest/report.json")" = "$(verdicts "$d/calm/latest/report.json")" ]

TCPCONFORM_CAPTURE_BUFFER=4096 "$TC" run -4 -q --no-color -j 256 -o "$d/drop" 'tcp.matrix.*' >"$d/drop.out" 2>&1
rep="$d/drop/latest/report.json"
check "overload: a capture that loses frames fails no case" [ "$(jget "$rep" .summary.fail)" = 0 ]
check "overload: the cases it may have misjudged are errors that say why" \
	sh -c "jq -r '.cases[]|select(.verdict==\"error\")|.reason' '$rep' | grep -q '^the capture lost [0-9]* frames\\{0,1\\} while this case ran (the tester fell behind'"
check "overload: report.json has the finding capture_drops" \
	[ "$(jget "$rep" '[.findings[]|select(.kind=="capture_drops")|.count>0]|length')" = 1 ]
check "overload: the terminal says the capture lost frames" grep -q '^tester: the capture lost' "$d/drop.out"
# the stack starved: slirp4netns (every thread) at SCHED_IDLE while three loops run
for i in 1 2 3; do
	timeout 120 sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
"$TC" run --stack slirp -4 -q --no-color -j 1 -o "$d/starve" 'tcp.data.*' >"$d/starve.out" 2>&1 &
run=$!
slirp=
for i in $(seq 1 100); do
	slirp=$(pgrep -P "$run" -x slirp4netns | head -1)
	[ -n "$slirp" ] && break
	sleep 0.05
done
for tid in $(ls "/proc/$slirp/task" 2>/dev/null); do chrt -i -p 0 "$tid"; done
wait "$run"
for h in $hogs; do kill "$h" 2>/dev/null; done
hogs=""
rep="$d/starve/latest/report.json"
check "overload: a starved stack (slirp4netns at SCHED_IDLE, found: ${slirp:-none}) fails no case" \
	[ "$(jget "$rep" .summary.fail)" = 0 ]
jq -r '.cases[]|select(.verdict=="fail")|"# \(.id): \(.reason)"' "$rep" 2>/dev/null | cut -c1-400
# (whether the starved stack misses a step's time at all depends on the machine: when
# it does, the case is inconclusive and says why; the unit test sched_cpu_wait shows the
# rule itself)
check "overload: each case whose time it missed is inconclusive, naming the wait and the step's time" \
	sh -c "jq -r '.cases[]|select(.verdict==\"inconclusive\")|.reason' '$rep' | grep -Evq '^slirp4netns, the agent(,| and) the tester( and the kernel.s softirq threads)? waited [0-9.]* ms for a CPU while this case ran or just after \\(the machine is busy\\), and the step it failed on has [0-9]* ms.*: not judged; it read: '; [ \$? = 1 ]"
# (what the starved run gave, for a failure's diagnosis)
jq -r '"# the starved run: \(.summary|"\(.pass) pass, \(.inconclusive) inconclusive, \(.error) error, \(.fail) fail")"' "$rep" 2>/dev/null
jq -r '.cases[]|select(.verdict=="inconclusive" or .verdict=="error")|"# \(.id) \(.verdict): \(.reason)"' "$rep" 2>/dev/null | cut -c1-300
check "overload: nothing left behind" clean
tc_end
