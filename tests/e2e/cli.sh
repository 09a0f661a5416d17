#!/bin/sh
# End to end: what a new user meets when something is wrong: bad options, missing or
# broken case files, no root, a broken environment. Each says what is wrong and exits 2.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-cli.XXXXXX)
chmod 755 "$d"
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# expect_err NAME STATUS PATTERN CMD...: CMD exits STATUS and its stderr matches PATTERN
expect_err() {
	_name=$1 _st=$2 _pat=$3; shift 3
	"$@" >"$d/o" 2>"$d/e"
	_got=$?
	if [ "$_got" = "$_st" ] && grep -qE -- "$_pat" "$d/e"; then
		ok "$_name"
	else
		fail "$_name"
		echo "# exit $_got; stderr:"; sed 's/^/#   /' "$d/e"
	fi
}

check "cli: --help shows the usage" sh -c "'$TC' --help | grep -q '^usage: tcpconform run'"
check "cli: --version" sh -c "'$TC' --version | grep -qE '^tcpconform [0-9]+\.[0-9]+\.[0-9]+$'"
expect_err "cli: no command" 2 "a command is needed: run, list, show, coverage, diff, merge, report, import or cleanup" "$TC"
expect_err "cli: an unknown command" 2 "unknown command 'frobnicate' \\(expected run, list, show, coverage, diff, merge, report, import, cleanup" "$TC" frobnicate
expect_err "cli: an unknown option" 2 "unknown option '--bogus' for run \(see --help\)" "$TC" run --bogus
expect_err "cli: -j without a value" 2 "-j needs a value" "$TC" run -j
expect_err "cli: -j 0" 2 "-j needs a number from 1 to 256 \(got '0'\)" "$TC" run -j 0
expect_err "cli: -j lots" 2 "-j needs a number from 1 to 256 \(got 'lots'\)" "$TC" run -jlots
expect_err "cli: --sysctl without =" 2 "--sysctl needs KEY=VALUE" "$TC" run --sysctl net.ipv4.tcp_sack
expect_err "cli: a missing case directory" 2 "/nonexistent/cases: No such file or directory" \
	"$TC" run --cases /nonexistent/cases
expect_err "cli: an id that matches nothing" 2 "no case matches 'no.such.case'" "$TC" run no.such.case
expect_err "cli: list with a glob that matches nothing" 2 "no case matches 'zzz\*'" "$TC" list 'zzz*'
expect_err "cli: a file name given to run: ids are expected, --cases runs a directory" 2 \
	"run takes case ids or globs of ids, not files; the cases of a directory of your own run with --cases DIR" \
	"$TC" run testcases/data/echo.tcp
expect_err "cli: --port abc says what it expects, once" 2 "^tcpconform: --port needs a number from 1 to 65535$" \
	"$TC" run --port abc
check "cli: --port abc prints its error once" [ "$(grep -c 'needs a number' "$d/e")" = 1 ]
expect_err "cli: a missing waiver file" 2 "^tcpconform: /nonexistent.waivers: No such file or directory$" \
	"$TC" run --waivers /nonexistent.waivers tcp.data.echo
printf 'garbage\n' >"$d/bad.waivers"
expect_err "cli: a broken waiver file is file:line:col: message" 2 "^$d/bad.waivers:1:1: " \
	"$TC" run --waivers "$d/bad.waivers" tcp.data.echo
nrst=$(grep -l '^@id *tcp\.rst\.' testcases/*/*.tcp | wc -l)
check "cli: list with a glob ($nrst tcp.rst.* cases)" sh -c "[ \$('$TC' list 'tcp.rst.*' | wc -l) = $nrst ]"

mkdir "$d/bad"
cp testcases/rst/closed_port_syn.tcp "$d/bad/good.tcp"
printf '@id bad.one\n@title T\n@rfc RFC9293 3.5\n@level MUST\n> S 0:0(0) win 65535 <mss 1460\n' >"$d/bad/broken.tcp"
printf '@id bad.two\n@title T\n@rfc RFC9293 3.5\n@level SHALL\n' >"$d/bad/level.tcp"
expect_err "cli: a syntax error is file:line:col: message" 2 \
	"^$d/bad/broken.tcp:5:31: expected ',' or '>' in the option list$" "$TC" run --cases "$d/bad"
check "cli: every broken file is reported, not only the first" grep -q "^$d/bad/level.tcp:4:8: a level is MUST, SHOULD, MAY or LINUX$" "$d/e"
expect_err "cli: list reports it too" 2 "^$d/bad/broken.tcp:5:31: " "$TC" list --cases "$d/bad"
check "cli: nothing was run with a broken file" [ ! -d "$d/out" ]

if command -v setpriv >/dev/null; then
	# in a folder the other user can read, wherever the checkout is (mktemp -d makes
	# mode 700 folders)
	u=$(mktemp -d /tmp/tc-e2e-cli-user.XXXXXX)
	chmod 755 "$u"
	cp "$TC" "$u/tcpconform"
	cp -r testcases "$u/cases"
	chmod -R a+rX "$u"
	expect_err "cli: run needs root" 2 "run needs root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$u/tcpconform" run --cases "$u/cases"
	rm -rf "$u"
else
	echo "skip - cli: run needs root (setpriv is missing)"
fi

expect_err "cli: a broken environment (no agent) exits 2" 2 "cannot set up the network namespaces: agent /nonexistent/agent" \
	"$TC" run --agent /nonexistent/agent -o "$d/out"
check "cli: its report says incomplete, environment error" \
	[ "$(jget "$d/out/latest/report.json" '"\(.complete) \(.interrupted)"')" = "false environment error" ]
check "cli: and its cases are not run" [ "$(jget "$d/out/latest/report.json" '.summary.notrun')" -gt 0 ]
check "cli: nothing left behind" clean
tc_end
