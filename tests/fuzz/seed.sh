#!/bin/sh
# Seeds the fuzz corpora: every frame of the reference session (one file each) and
# every shipped case file.
set -eu
out=$1
/usr/bin/python3 - "$out/corpus-decode" <<'PY'
import struct, sys
d = open("tests/vectors/seed-telnet.pcap", "rb").read()
off, n = 24, 0
while off + 16 <= len(d):
    _, _, incl, _ = struct.unpack("<IIII", d[off:off + 16])
    off += 16
    open("%s/vector%02d" % (sys.argv[1], n), "wb").write(d[off:off + incl])
    off += incl
    n += 1
PY
for f in testcases/*/*.tcp; do
	cp "$f" "$out/corpus-parse/$(echo "$f" | tr / _)"
done
