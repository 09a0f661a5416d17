#!/bin/sh
# Installs the Debian packages tcpconform needs, if any is missing.
# Called by `make run`, `make test` and `make stacks`; safe to run again (it only installs what is absent).
set -eu
PKGS="gcc make pkg-config libnet1-dev libpcap-dev libcjson-dev iproute2 ethtool nftables"
# what the tests use besides: jq reads reports, xmllint checks junit.xml, tcpdump reads
# pcaps, python3-jsonschema checks report.json against reports/schema.json
# what --stack needs: Go and gVisor's netstack (tcpconform-gvisor), dpkg-source (lwIP's
# source package, for tcpconform-lwip), the proxies slirp4netns and pasta; what --kernel
# needs: qemu (the kernels themselves are fetched by the tool, never installed)
STACKS="golang-go golang-gvisor-gvisor-dev dpkg-dev slirp4netns passt qemu-system-x86"
[ "${1:-}" = stacks ] && PKGS="$PKGS $STACKS"
# make check: the fuzzers want clang (libFuzzer comes with it)
[ "${1:-}" = check ] && PKGS="$PKGS jq procps clang"
# chromium: report.html is loaded in a real browser (tests/e2e/html.sh)
[ "${1:-}" = test ] && PKGS="$PKGS jq libxml2-utils tcpdump procps python3-jsonschema chromium xinetd nginx-light openssh-server clang $STACKS"
missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "tcpconform: missing packages:$missing" >&2
	echo "tcpconform: run as root, or install them: apt-get install$missing" >&2
	exit 2
fi
echo "tcpconform: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# the servers the tests use (xinetd, nginx, sshd) are started by the tests, in their own
# namespaces: apt must not start them on this host (policy-rc.d's 101: "not allowed")
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
fi
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing </dev/null; then
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends $missing </dev/null
fi
