#!/bin/sh
# End to end: the remote mode's state belongs to the network namespace it acts in. A
# killed run's drop table and reserved ports in namespace A are removed by a clean-up
# started in A, never by one started in namespace B (nor in the host's).
. "$(dirname "$0")/lib.sh"
a=tcfstate-a-$$ b=tcfstate-b-$$
trap 'ip netns del $a 2>/dev/null; ip netns del $b 2>/dev/null' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ip netns add "$a" && ip netns add "$b"
# a run killed in A: a dead owner's table, reserved ports and state file
dead=999999
while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
ino=$(ip netns exec "$a" stat -L -c %i /proc/self/ns/net)
inob=$(ip netns exec "$b" stat -L -c %i /proc/self/ns/net)
ip netns exec "$a" sh -c "
	mkdir -p /run/tcpconform/net-$ino
	printf 'table tcpconform_$dead\nports 20000 23999\n' >/run/tcpconform/net-$ino/remote-$dead
	nft add table inet tcpconform_$dead
	sysctl -qw net.ipv4.ip_local_reserved_ports=20000-23999"
in_a() { ip netns exec "$a" "$@"; }
ip netns exec "$b" "$TC" cleanup >/dev/null 2>&1
check "state: B's clean-up keeps its state in a folder of B's own" [ -d "/run/tcpconform/net-$inob" ]
check "state: a clean-up in another namespace leaves A's table" sh -c "ip netns exec $a nft list tables | grep -q tcpconform_$dead"
check "state: ... and A's reserved ports" [ "$(in_a sysctl -n net.ipv4.ip_local_reserved_ports)" = "20000-23999" ]
check "state: ... and A's state file" [ -f "/run/tcpconform/net-$ino/remote-$dead" ]
out=$(in_a "$TC" cleanup 2>&1)
check "state: a clean-up in A removes A's table" sh -c "! ip netns exec $a nft list tables | grep -q tcpconform_$dead"
check "state: ... A's reserved ports" [ -z "$(in_a sysctl -n net.ipv4.ip_local_reserved_ports)" ]
check "state: ... and A's state file" [ ! -f "/run/tcpconform/net-$ino/remote-$dead" ]
check "state: it says what it removed" sh -c "printf '%s\n' '$out' | grep -q 'removed 1 stale nftables table'"
# (their folders go with them: empty now, and the namespaces are about to go)
rmdir "/run/tcpconform/net-$ino" "/run/tcpconform/net-$inob" 2>/dev/null
tc_end
