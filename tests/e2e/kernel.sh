#!/bin/sh
# End to end: other Linux kernels (run --kernel). Debian's 6.1 cloud kernel, fetched with
# apt-get download into the cache once, boots in qemu on the TAP of the tester's
# namespace with the agent inside; the quick suite runs on it and on this machine's
# kernel in one run (exit 0 with Linux's waivers, each kept to the kernels it covers),
# judges as much as the namespaces do, and the run prints what differs between the two.
# @sysctl and --sysctl reach the guest; a boot that fails says what the guest's console
# said; a machine that dies in the middle is a finding and is booted again; Ctrl-C (in
# the middle, or while the machine boots) and SIGKILL leave nothing behind.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-kernel.XXXXXX)
bg=
trap 'kill -TERM $bg 2>/dev/null; wait; rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
judged() { jq '[.cases[]|select(.verdict!="skip" and .verdict!="notrun")]|length' "$1"; }
# a fresh machine may lack apt's lists: the package names come from them
apt-cache pkgnames linux-image-6.1.0- 2>/dev/null | grep -q 'cloud-amd64-unsigned$' || apt-get update -q >/dev/null 2>&1

"$TC" run --kernel 6.1 --kernel host --quick -q --no-color -o "$d/k" >"$d/k.out" 2>&1
st=$?
check "kernel: --kernel 6.1 --kernel host --quick exits 0 (every failure a known deviation of that kernel)" [ "$st" = 0 ]
grep -E '^(FAIL|ERROR|INCONCLUSIVE) ' -A1 "$d/k.out" | head -n 20 | sed 's/^/# /'
grep -E '^tcpconform: ' "$d/k.out" | head -n 5 | sed 's/^/# /'
k61=$(ls -d "$d"/k/latest/linux-6.1.0-* 2>/dev/null | head -n 1)
rep="$k61/report.json"
host="$d/k/latest/host/report.json"
check "kernel: the run directory of 6.1 is linux-6.1.0-N, beside host's" [ -s "$rep" ] && [ -s "$host" ]
check "kernel: the report names the kernel, its Debian package and the accelerator (kvm or tcg, and why not kvm)" \
	sh -c "[ \"\$(jq -r '\"\(.environment.stack) \(.environment.kernel|test(\"^6[.]1[.]0-[0-9]+-cloud-amd64$\")) \(.environment.stack_version|test(\"Debian package linux-image-6.1.0-[0-9]+-cloud-amd64-unsigned\")) \(.environment.vm.accel|test(\"^(kvm|tcg)$\")) \(.environment.vm.boot_s > 0)\"' '$rep')\" = 'kernel true true true true' ] && { [ \"\$(jq -r .environment.vm.accel '$rep')\" = kvm ] || [ -n \"\$(jq -r '.environment.vm.accel_why // empty' '$rep')\" ]; }"
jq -r '"# 6.1: \(.environment.stack_version); \(.environment.vm.accel) (\(.environment.vm.accel_why // "")); boot \(.environment.vm.boot_s) s; \(.summary.pass) pass, \(.summary.xfail) xfail, \(.summary.skip) skip"' "$rep"
n61=$(judged "$rep")
nhost=$(judged "$host")
echo "# judged: 6.1 $n61, this machine's kernel $nhost"
check "kernel: 6.1 judges at least 95% of the cases this machine's kernel judges ($n61 of $nhost)" \
	[ $((n61 * 100)) -ge $((nhost * 95)) ]
check "kernel: no error, none left unrun, the report is whole" \
	[ "$(jget "$rep" '"\(.summary.error) \(.summary.notrun) \(.complete)"')" = "0 0 true" ]
check "kernel: a case with @sysctl ran in the guest (the Fast Open cases: judged, not skipped)" \
	[ "$(jget "$rep" '[.cases[]|select(.id=="tcp.tfo.valid_cookie_data_accepted")|.verdict]|length > 0 and all(. != "skip")')" = true ]
check "kernel: the agent's state queries work in the guest (tcp.close.active_close passes)" \
	[ "$(jget "$rep" '[.cases[]|select(.id=="tcp.close.active_close")|.verdict]|unique|join(",")')" = pass ]
check "kernel: matrix.json has both kernels" [ "$(jget "$d/k/latest/matrix.json" '.stacks|join(",")')" = "$(basename "$k61"),host" ]
# (6.1 drops a segment it has no memory for without an ACK, which every kernel since 6.6
# sends: tcp.window.zero_window_urg is xfail there and passes here, so the list is
# never empty)
nterm=$(sed -n "s/^  \([0-9]*\) of [0-9]* case runs differ in verdict.*/\1/p" "$d/k.out" | tail -n 1)
njson=$(jq '[.cases[]|select(.verdict[0] != .verdict[1])]|length' "$d/k/latest/diff-$(basename "$k61")-host.json" 2>/dev/null)
check "kernel: the terminal lists the verdicts that differ between the two ($nterm), as many as diff-A-B.json has ($njson), zero_window_urg among them" \
	sh -c "[ -n '$nterm' ] && [ '$nterm' = '$njson' ] && [ '$nterm' -gt 0 ] && grep -q '^  tcp.window.zero_window_urg: xfail -> pass MUST' '$d/k.out'"
sed -n "/^$(basename "$k61") -> host/,/every difference/p" "$d/k.out" | head -n 30 | sed 's/^/# /'
check "kernel: nothing is left behind (no qemu, no machine folder, no namespace)" clean

# --sysctl reaches the guest at boot; @sysctl per case, through the agent (and is given back)
mkdir "$d/cases"
cat >"$d/cases/nows.tcp" <<'CASE'
@id k.sysctl_case
@title With tcp_window_scaling=0 set for the case, the SYN-ACK has no window scale
@rfc RFC7323 2.2
@level MUST
@port listen
@sysctl net.ipv4.tcp_window_scaling=0
> S 0:0(0) win 65535 <mss 1460,nop,wscale 7>
< S. 0:0(0) ack 1 <mss 1460>
CASE
cat >"$d/cases/zz.tcp" <<'CASE'
@id k.zz_after
@title After the case, window scaling is on again; the run-wide --sysctl turned SACK off
@rfc RFC7323 2.2
@level MUST
@port listen
@tags last
> S 0:0(0) win 65535 <mss 1460,nop,wscale 7,sackOK>
< S. 0:0(0) ack 1 <mss 1460,nop,wscale *>
CASE
"$TC" run --kernel 6.1 -4 --no-color --sysctl net.ipv4.tcp_sack=0 --sysctl 'net.ipv4.tcp_rmem=4096 40000 40000' \
	--cases "$d/cases" -o "$d/sc" >"$d/sc.out" 2>&1
check "kernel: @sysctl sets the guest's value for its case, and gives it back after; --sysctl is set at boot (a value with blanks too)" \
	[ "$(jget "$d/sc/latest/report.json" '[.cases[]|"\(.id)=\(.verdict)"]|sort|join(" ")') $(jget "$d/sc/latest/report.json" '.environment.sysctls|"\(.["net.ipv4.tcp_sack"]),\(.["net.ipv4.tcp_rmem"])"')" = "k.sysctl_case=pass k.zz_after=pass 0,4096 40000 40000" ] ||
	sed 's/^/# /' "$d/sc.out" | head -n 20

# a boot that fails: the guest's own words
"$TC" run --kernel 6.1 -4 --no-color --sysctl net.ipv4.tcp_no_such_thing=1 --cases "$d/cases" -o "$d/bad" >"$d/bad.out" 2>&1
st=$?
check "kernel: a boot that fails exits non-zero and quotes the guest's console" \
	sh -c "[ $st != 0 ] && grep -q 'its console said last: tcpconform-vminit: sysctl net.ipv4.tcp_no_such_thing = 1: No such file or directory' '$d/bad.out'"
check "kernel: after it, nothing is left behind" clean
"$TC" run --kernel 5.10 --no-color -o "$d/none" >"$d/none.out" 2>&1
st=$?
check "kernel: a version Debian has no cloud kernel for exits 2 and says so" \
	sh -c "[ $st = 2 ] && grep -q 'no package linux-image-5.10\*-cloud-amd64-unsigned is known to apt' '$d/none.out'"

# a machine that dies in the middle: the finding names it, it boots again, the case in
# flight runs again alone and passes
cat >"$d/cases/wait.tcp" <<'CASE'
@id k.wait
@title A handshake, a wait, then data the target acknowledges
@rfc RFC9293 3.10.7.4
@level MUST
@port discard
> S 0:0(0) win 65535 <mss 1460>
< S. 0:0(0) ack 1 <mss *, ...>
> . 1:1(0) ack 1
wait 6s
> P. 1:11(10) ack 1
< . 1:1(0) ack 11
CASE
cat >"$d/cases/aa.tcp" <<'CASE'
@id k.aa_first
@title A handshake, beside the wait: once it has passed, the wait is in flight
@rfc RFC9293 3.5
@level MUST
@port listen
> S 0:0(0) win 65535 <mss 1460>
< S. 0:0(0) ack 1 <mss *, ...>
CASE
rm "$d/cases/nows.tcp" "$d/cases/zz.tcp"
# qemu PID: the machine of tcpconform PID
qemu_of() { pgrep -P "$1" -x qemu-system-x86; }
"$TC" run --kernel 6.1 -4 --no-color --cases "$d/cases" -o "$d/die" >"$d/die.out" 2>&1 &
bg=$!
wait_for 90 sh -c "grep -q '^PASS .*k.aa_first' '$d/die.out'" && sleep 1
kill -KILL "$(qemu_of "$bg")" 2>/dev/null
wait "$bg"
bg=
rep="$d/die/latest/report.json"
check "kernel: a machine killed in the middle is a finding that names it" \
	sh -c "jq -r '.findings[]|select(.kind==\"target_stopped\")|.first' '$rep' | grep -q '^the virtual machine (qemu) was killed by SIGKILL'"
check "kernel: it boots again and the case in flight passes, run again alone" \
	[ "$(jget "$rep" '[.cases[]|"\(.id)=\(.verdict)"]|sort|join(" ")') $(jget "$rep" .complete)" = "k.aa_first=pass k.wait=pass true" ]

# Ctrl-C while a case waits: exit 130, the report says incomplete, nothing left
"$TC" run --kernel 6.1 -4 --no-color --cases "$d/cases" -o "$d/int" >"$d/int.out" 2>&1 &
bg=$!
wait_for 90 sh -c "grep -q '^PASS .*k.aa_first' '$d/int.out'" && sleep 1
kill -INT "$bg"
wait "$bg"
st=$?
bg=
check "kernel: SIGINT in the middle exits 130 and the report says incomplete" \
	[ "$st $(jget "$d/int/latest/report.json" '"\(.complete) \(.interrupted)"')" = "130 false SIGINT" ]
check "kernel: after SIGINT nothing is left behind (no qemu, no machine folder, no namespace)" clean

# Ctrl-C while the machine boots: the wait for its agent ends at once
"$TC" run --kernel 6.1 -4 --no-color --cases "$d/cases" -o "$d/intboot" >"$d/intboot.out" 2>&1 &
bg=$!
wait_for 30 grep -q '^kernel: booting' "$d/intboot.out"
sleep 0.3
t0=$(date +%s%N)
kill -INT "$bg"
wait "$bg"
st=$?
el=$((($(date +%s%N) - t0) / 1000000))
bg=
# (a boot takes 2.8 s or more: waiting it out, 0.3 s after its start, took 2504 ms)
check "kernel: SIGINT while the machine boots exits 130 without waiting for the boot ($el ms)" \
	[ "$st $((el <= 1500))" = "130 1" ]
check "kernel: after SIGINT during the boot nothing is left behind" clean

# SIGKILL: qemu dies with the tester; cleanup removes what is left
"$TC" run --kernel 6.1 -4 --no-color --cases "$d/cases" -o "$d/kill" >/dev/null 2>&1 &
pid=$!
wait_for 90 sh -c "[ -n \"\$(pgrep -P $pid -x qemu-system-x86)\" ]" && sleep 3
q=$(qemu_of "$pid")
kill -KILL "$pid"
wait "$pid" 2>/dev/null
check "kernel: SIGKILL: the machine ($q) dies with the tester" sh -c "[ -n '$q' ] && for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 $q 2>/dev/null || exit 0; sleep 0.5; done; exit 1"
check "kernel: tcpconform cleanup removes the machine's folder and the namespaces" \
	sh -c "'$TC' cleanup | grep -q '^removed 1 stale virtual machine folder$'"
check "kernel: then nothing is left behind" clean
tc_end
