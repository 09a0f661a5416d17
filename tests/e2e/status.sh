#!/bin/sh
# End to end: the live status line of run. On a terminal (script(1) gives one) it shows
# the cases done of all, the verdicts so far and the case that waits longest; in a
# pipe, with --no-color or with -q there is none.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-status.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$d/cases"
cat >"$d/cases/wait.tcp" <<'CASE'
@id status.wait
@title A handshake, then a wait
@rfc RFC9293 3.5
@level MUST
@port listen
> S 0:0(0) win 65535 <mss 1460>
< S. 0:0(0) ack 1 <mss *, ...>
wait 4s
CASE
cp testcases/rst/closed_port_syn.tcp "$d/cases/"
script -qfc "$TC run -4 --cases $d/cases -o $d/t" "$d/tty" >/dev/null 2>&1
check "status: on a terminal the status line counts the cases and names the one waiting" \
	sh -c "tr '\r' '\n' <'$d/tty' | grep -aq '^.\[K\[1/2, 1 pass, 0 fail\] waiting for status.wait: [0-9] of ~5 s (1 running)'"
check "status: it is gone before the summary" sh -c "tr '\r' '\n' <'$d/tty' | grep -aq '^2 cases: 2 pass'"
"$TC" run -4 --cases "$d/cases" -o "$d/p" >"$d/pipe" 2>&1
check "status: none in a pipe or a file" sh -c "! grep -aq '\[K' '$d/pipe' && ! grep -aq 'waiting for' '$d/pipe'"
script -qfc "$TC run -4 --no-color --cases $d/cases -o $d/n" "$d/nocolor" >/dev/null 2>&1
check "status: none with --no-color" sh -c "! grep -aq 'waiting for' '$d/nocolor'"
script -qfc "$TC run -4 -q --cases $d/cases -o $d/q" "$d/quiet" >/dev/null 2>&1
check "status: none with -q" sh -c "! grep -aq 'waiting for' '$d/quiet'"
check "status: nothing left behind" clean
tc_end
