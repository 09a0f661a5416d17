# Helpers for the end-to-end scripts (sourced, POSIX sh).
# ok/fail print one TAP-style line each; tests/run.sh counts them.
TC_BUILD=${TC_BUILD:-build}
TC=${TC:-$TC_BUILD/tcpconform}
AGENT=${AGENT:-$TC_BUILD/tcpconform-agent}

ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; }
# check NAME CMD...: ok when CMD exits 0
check() { n=$1; shift; if "$@"; then ok "$n"; else fail "$n"; fi; }
# leftovers PREFIX: prints namespaces and veth links whose name starts with PREFIX
leftovers() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep "^$1" || true
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^$1" || true
}
