#!/bin/sh
# End to end: --shard I/N and tcpconform merge. Three shards are disjoint, cover the
# selection, and merged give the verdicts of one unsharded run (report.json valid,
# junit.xml, every pcap); CI_NODE_INDEX/CI_NODE_TOTAL choose the shard; merge refuses
# shards of another selection, a missing shard and a shard given twice.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-shard.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
sel="tcp.rst.* tcp.close.*"
for i in 1 2 3; do
	# shellcheck disable=SC2086
	"$TC" run -q --no-color --shard "$i/3" -o "$d/s$i" $sel >/dev/null 2>&1
done
# shellcheck disable=SC2086
"$TC" run -q --no-color -o "$d/all" $sel >/dev/null 2>&1
ids() { jq -r '.cases[]|"\(.id) \(.family)"' "$1/latest/report.json" | sort; }
check "shard: the three shards are disjoint and together the whole selection" \
	[ "$(cat "$d/s1/latest/report.json" >/dev/null; { ids "$d/s1"; ids "$d/s2"; ids "$d/s3"; } | sort)" = "$(ids "$d/all")" ]
check "shard: each shard says which it is" [ "$(jget "$d/s2/latest/report.json" .run.shard)" = 2/3 ]
"$TC" merge -o "$d/m" "$d/s1/latest" "$d/s2/latest" "$d/s3/latest" >"$d/merge.out" 2>&1
m=$(ls -d "$d"/m/*-merged 2>/dev/null | head -n 1)
check "shard: merge writes one run directory" [ -f "$m/report.json" ]
verdicts() { jq -r '.cases[]|"\(.id) \(.family) \(.verdict)"' "$@" | sort; }
check "shard: merged, the verdicts of its shards, case by case" \
	[ "$(verdicts "$m/report.json")" = "$(verdicts "$d"/s[123]/latest/report.json)" ]
# and those of one unsharded run, but for a case the machine's load left unjudged in
# one of them (an inconclusive or error that says the tester waited for a CPU or lost
# frames: make test runs scripts side by side)
"$TC" diff "$d/all/latest" "$m" >"$d/diff.out" 2>&1
unjudged() { jq -r '.cases[]|select((.verdict == "inconclusive" or .verdict == "error") and
	((.reason // "") | test("for a CPU|lost frames|capture lost")))|"\(.id) \(.family)"' "$@" | sort -u; }
verdicts "$d/all/latest/report.json" >"$d/v.all"
verdicts "$m/report.json" >"$d/v.m"
unjudged "$d/all/latest/report.json" "$m/report.json" >"$d/unjudged"
check "shard: merged, the verdicts of one unsharded run (diff: nothing differs but for what load left unjudged)" \
	sh -c "grep -q '^0 case runs differ' '$d/diff.out' ||
		[ -z \"\$(diff '$d/v.all' '$d/v.m' | sed -n 's/^[<>] \([^ ]* [^ ]*\) .*/\1/p' | sort -u |
			comm -23 - '$d/unjudged')\" ]" ||
	sed 's/^/#   /' "$d/diff.out" | head -n 20
sumj() { jq -s -c '[.[].summary] | reduce .[] as $s ({}; reduce ($s|keys[]) as $k (.; .[$k] += $s[$k]))' "$@"; }
check "shard: the merged summary counts every case (the sum of its shards')" \
	[ "$(jq -c '.summary|to_entries|sort_by(.key)|from_entries' "$m/report.json")" = \
	  "$(sumj "$d"/s[123]/latest/report.json | jq -c 'to_entries|sort_by(.key)|from_entries')" ]
check "shard: the merged report.json is valid and says no shard" \
	sh -c "python3 tests/e2e/validate.py reports/schema.json '$m/report.json' >/dev/null && [ \"\$(jq -r .run.shard '$m/report.json')\" = null ]"
check "shard: junit.xml has one testcase per case and family" \
	sh -c "xmllint --noout '$m/junit.xml' && [ \$(grep -c '<testcase ' '$m/junit.xml') = $(jq '.cases|length' "$d/all/latest/report.json") ]"
check "shard: every pcap is there" [ "$(ls "$m/pcap" | wc -l)" = "$(ls "$d/all/latest/pcap" | wc -l)" ]
CI_NODE_INDEX=2 CI_NODE_TOTAL=3 "$TC" run -q --no-color -o "$d/ci" $sel >/dev/null 2>&1
check "shard: CI_NODE_INDEX/CI_NODE_TOTAL choose the shard" [ "$(ids "$d/ci")" = "$(ids "$d/s2")" ]
"$TC" run -q --no-color --shard 3/3 -o "$d/other" 'tcp.rst.*' >/dev/null 2>&1
"$TC" merge -o "$d/x" "$d/s1/latest" "$d/s2/latest" "$d/other/latest" >/dev/null 2>"$d/e1"
check "shard: shards of another selection are refused" sh -c "[ $? = 2 ] && grep -q 'shards of different selections' '$d/e1'"
"$TC" merge -o "$d/x" "$d/s1/latest" "$d/s3/latest" >/dev/null 2>"$d/e2"
check "shard: a missing shard is refused, named" sh -c "[ $? = 2 ] && grep -q 'shard 2/3 is missing' '$d/e2'"
"$TC" merge -o "$d/x" "$d/s1/latest" "$d/s1/latest" "$d/s2/latest" >/dev/null 2>"$d/e3"
check "shard: a shard given twice is refused" sh -c "[ $? = 2 ] && grep -q 'shard 1/3 is given twice' '$d/e3'"
"$TC" merge -o "$d/x" "$d/all/latest" >/dev/null 2>"$d/e4"
check "shard: an unsharded run is no shard" sh -c "[ $? = 2 ] && grep -q 'not a shard' '$d/e4'"
out=$("$TC" run --shard 4/3 2>&1)
check "shard: --shard 4/3 is a usage error that says what is expected" sh -c "printf '%s' \"\$1\" | grep -q 'needs I/N'" _ "$out"
check "shard: nothing left behind" clean
tc_end
