# Helpers for the end-to-end scripts (sourced, POSIX sh).
# ok/fail print one TAP line each; tc_end prints the plan after them ("1..N", TAP's
# plan at the end), which tests/run.sh (or prove) checks against the lines it saw.
TC_BUILD=${TC_BUILD:-build}
TC=${TC:-$TC_BUILD/tcpconform}
AGENT=${AGENT:-$TC_BUILD/tcpconform-agent}

_tc_n=0         # the tests run so far (ok and fail: call them in this shell, not a subshell)
ok()   { _tc_n=$((_tc_n + 1)); echo "ok - $*"; }
fail() { _tc_n=$((_tc_n + 1)); echo "not ok - $*"; }
# tc_end: the script's last line, its plan; a script that dies before it, or whose plan
# differs from the tests it printed, counts as failed
tc_end() { echo "1..$_tc_n"; }
# check NAME CMD...: ok when CMD exits 0 (its output is not shown); after a failure it
# returns 1, for "check ... || show what went wrong"
check() { _cn=$1; shift; if "$@" >/dev/null 2>&1; then ok "$_cn"; else fail "$_cn"; return 1; fi; }
# leftovers PREFIX: prints namespaces and veth links whose name starts with PREFIX
leftovers() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep "^$1" || true
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^$1" || true
}

# tc_leftovers: namespaces of tcpconform runs, agent processes and our veth links that
# are still around (prints them; empty when clean).
# A namespace whose run is still alive (tcpconform-PID-..., PID a live tcpconform) is
# not left behind: another run owns it (a developer's, on a shared machine).
tc_live_owner() {   # NAME: 0 if its tcpconform-PID is a running tcpconform
	_p=$(echo "$1" | sed -n 's/^tcpconform-\([0-9]*\)-.*/\1/p')
	[ -n "$_p" ] && [ "$(cat /proc/"$_p"/comm 2>/dev/null)" = tcpconform ]
}
# tc_run_orphan PID: 0 if the process is the tool's and outlived its run: in a namespace
# of a run that is gone, or in none that has a name and not the child of a live run (a
# run that is ending removes its namespaces' names first). One in a namespace another
# test made and named (lwip_agent.sh's tclwip-PID, say) is that test's, running beside.
tc_run_orphan() {
	_n=$(ip netns identify "$1" 2>/dev/null)
	case "$_n" in
	'') [ "$(cat /proc/"$(awk '/^PPid:/ {print $2}' /proc/"$1"/status 2>/dev/null)"/comm 2>/dev/null)" != tcpconform ] ;;
	tcpconform-*) ! tc_live_owner "$_n" ;;
	*) return 1 ;;
	esac
}
tc_leftovers() {
	for _ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^tcpconform-'); do
		tc_live_owner "$_ns" || echo "$_ns"
	done
	for _a in $(pgrep -x tcpconform-agen 2>/dev/null); do
		tc_run_orphan "$_a" && echo "agent pid $_a"
	done
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep '^tcf-' || true
	# the stacks' processes (their agents, the proxies, a kernel's qemu) outside any live run
	for _a in $(pgrep -x 'tcpconform-lwi|tcpconform-gvi|slirp4netns|pasta|pasta.avx2|qemu-system-x86' 2>/dev/null); do
		tc_run_orphan "$_a" && echo "stack process $_a ($(cat /proc/"$_a"/comm 2>/dev/null))"
	done
	# a kernel's machine folder (initramfs, console) whose run is gone
	for _v in /tmp/tcpconform-vm-*; do
		[ -e "$_v" ] || continue
		_p=$(echo "$_v" | sed -n 's|^/tmp/tcpconform-vm-\([0-9]*\)-.*|\1|p')
		[ "$(cat /proc/"$_p"/comm 2>/dev/null)" = tcpconform ] || echo "$_v"
	done
	return 0
}

# jget FILE FILTER: jq -r FILTER on FILE.
jget() {
	jq -r "$2" "$1"
}

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds; 1 on timeout.
wait_for() {
	_n=$(($1 * 20)); shift
	while [ "$_n" -gt 0 ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

# clean: nothing is left behind, within 3 s (a process killed a moment ago, or a run of
# another test beside this one that is ending, may take that moment).
tc_none_left() { [ -z "$(tc_leftovers)" ]; }
clean() { wait_for 3 tc_none_left; }
