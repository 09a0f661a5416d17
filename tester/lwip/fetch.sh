#!/bin/sh
# tester/lwip/fetch.sh DIR: puts lwIP's source in DIR/lwip (DIR/lwip/src/core/tcp.c
# and so on), from Debian's source package "lwip" (bookworm), for tcpconform-lwip.
#
# The system's apt configuration is left alone: a sources list, package lists and
# caches of our own under DIR/apt, and the mirror the system already uses.
# When the source package cannot be had, it says so and exits 3: tcpconform-lwip
# then cannot be built with the project's own lwIP options (the packaged
# liblwip-dev, `pkg-config lwip`, is built NO_SYS=0 with options of its own).
#
# Exit status: 0 (the source is in DIR/lwip), 2 bad usage, 3 no source.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)
suite=bookworm

# Already unpacked: nothing to do.
if [ -f "$dir/lwip/src/core/tcp.c" ] && [ -f "$dir/lwip/src/include/lwip/tcp.h" ]; then
	echo "lwip: source already in $dir/lwip"
	exit 0
fi

# The Debian mirror the system uses (deb822 .sources or one-line .list files);
# deb.debian.org when none is found.
mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" || $1 == "deb-src" {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break }
		}' "$f"
	done
}
url=$(mirror | grep -E '/debian/?$' | head -n 1)
url=${url:-http://deb.debian.org/debian}
url=${url%/}

no_source() {
	echo "lwip: the source package could not be had ($1)." >&2
	if pkg-config --exists lwip 2>/dev/null; then
		echo "lwip: the packaged liblwip-dev is installed (pkg-config lwip:" \
			"$(pkg-config --cflags --libs lwip)), but it is built NO_SYS=0 with" \
			"its own lwipopts.h; tcpconform-lwip needs the source to build with" \
			"its own options." >&2
	else
		echo "lwip: the packaged liblwip-dev is not installed either." >&2
	fi
	exit 3
}

apt=$dir/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/pkg"
echo "deb-src $url $suite main" >"$apt/sources.list"
set -- -o "Dir::Etc::sourcelist=$apt/sources.list" -o "Dir::Etc::sourceparts=-" \
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" \
	-o "APT::Get::List-Cleanup=0"
[ "$(id -u)" = 0 ] && set -- "$@" -o "APT::Sandbox::User=root"

# tries CMD...: CMD, three times at most, 5 s apart (a mirror that fails once, as
# mirrors do, does not stop the build)
tries() {
	for _t in 1 2 3; do
		"$@" && return 0
		[ "$_t" = 3 ] || { echo "lwip: failed, trying again in 5 s" >&2; sleep 5; }
	done
	return 1
}
echo "lwip: apt-get update from $url ($suite, deb-src only, lists in $apt)"
tries sh -c 'apt-get -q update "$@" >"$0/update.log" 2>&1' "$apt" "$@" || {
	sed 's/^/  /' "$apt/update.log" >&2
	no_source "apt-get update failed"
}
echo "lwip: apt-get source --download-only lwip"
tries sh -c 'cd "$0/pkg" && apt-get -q source --download-only "$@" lwip >"$0/source.log" 2>&1' "$apt" "$@" || {
	sed 's/^/  /' "$apt/source.log" >&2
	no_source "apt-get source failed"
}

# Unpack the upstream tarball only: lwIP as released (Debian's patches are for
# its own shared-library build).
orig=
for f in "$apt/pkg"/lwip_*.orig.tar.*; do
	[ -f "$f" ] && orig=$f
done
[ -n "$orig" ] || no_source "no orig tarball in $apt/pkg"
rm -rf "$dir/lwip.tmp"
mkdir -p "$dir/lwip.tmp"
tar -xf "$orig" -C "$dir/lwip.tmp" || no_source "cannot unpack $orig"
top=$(find "$dir/lwip.tmp" -path '*/src/core/tcp.c' | head -n 1)
[ -n "$top" ] || no_source "no src/core/tcp.c in $orig"
rm -rf "$dir/lwip"
mv "${top%/src/core/tcp.c}" "$dir/lwip"
rm -rf "$dir/lwip.tmp"
echo "lwip: $(basename "$orig") unpacked in $dir/lwip"
