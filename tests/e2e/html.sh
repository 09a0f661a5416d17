#!/bin/sh
# End to end: report.html. Every run writes one, self-contained (nothing fetched from
# anywhere), with the summary, the deviations, one ladder diagram per case that has a
# trace, and, for a failing case, the expected segment beside the observed one;
# "tcpconform report RUN-DIR" writes it again and refuses a report format it does not
# read. In a real browser (Debian's chromium, headless) the page renders, its script
# runs (the filters count the cases shown), and a screenshot is kept.
. "$(dirname "$0")/lib.sh"
d=$(mktemp -d /tmp/tc-e2e-html.XXXXXX)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$TC" run -4 -q --no-color --no-waivers -o "$d/r" 'tcp.matrix.time_wait.fin.*' >/dev/null 2>&1
h="$d/r/latest/report.html"
check "html: every run writes report.html" [ -s "$h" ]
check "html: it is self-contained: no script, style or image fetched from anywhere" \
	sh -c "! grep -Eq '(src|href)=\"(https?:)?//' '$h'"
check "html: one ladder diagram per case with a trace (5)" [ "$(grep -o '<svg class="ladder"' "$h" | wc -l)" = 5 ]
check "html: the deviations come first, with their count" \
	sh -c "grep -o '<h2>Deviations</h2>.*<h2>Cases</h2>' '$h' | grep -q '<td>3</td><td>MUST</td>'"
check "html: a failing case draws what was expected beside what came" \
	sh -c "grep -q 'expected: &lt; model: one of: \[rfc9293\] nothing' '$h' && grep -q 'observed: . 2:2(0) ack 2' '$h'"
# the failing case's ladder: each side's state beside the segment that took it there
# (the target's as the model reads the trace, the tester's as a peer would be)
lad=$(grep -o '<details[^>]*data-verdict="fail"[^>]*open>.*' "$h" | head -n 1 | sed 's|</svg>.*||')
check "html: the ladder writes the target's states beside the segments (LISTEN ... TIME-WAIT, in order)" \
	sh -c "printf '%s' \"\$1\" | grep -o 'class=\"tstate\">[A-Z12-]*<' | sed 's/.*>//; s/<//' | tr '\n' ' ' |
		grep -qx 'LISTEN SYN-RECEIVED ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT '" _ "$lad"
check "html: the ladder writes the tester's states beside the segments (CLOSED ... LAST-ACK, CLOSED, in order)" \
	sh -c "printf '%s' \"\$1\" | grep -o 'class=\"pstate\"[^>]*>[A-Z-]*<' | sed 's/.*>//; s/<//' | tr '\n' ' ' |
		grep -qx 'CLOSED SYN-SENT ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED '" _ "$lad"
check "html: a failing case opens by itself" sh -c "grep -q 'data-verdict=\"fail\"[^>]* open>' '$h'"
rm "$h"
"$TC" report "$d/r/latest" >/dev/null
check "html: tcpconform report writes it again from report.json" [ -s "$h" ]
sed 's/"schema_version":[[:space:]]*"1.0"/"schema_version": "2.0"/' "$d/r/latest/report.json" >"$d/r/latest/r2" && mkdir "$d/old" && mv "$d/r/latest/r2" "$d/old/report.json"
"$TC" report "$d/old" >/dev/null 2>"$d/e"
check "html: a report format it does not read is refused, saying so" \
	sh -c "[ $? = 2 ] && grep -q 'a report format this tcpconform does not read (it reads 1.x)' '$d/e'"
if command -v chromium >/dev/null; then
	shot=${TC_BUILD:-build}/e2e-report-html.png
	timeout 120 chromium --headless=new --no-sandbox --disable-gpu --dump-dom "file://$h" >"$d/dom" 2>"$d/console"
	check "html: in chromium the script runs (the filters show all 5 cases)" grep -q '<span id="shown">5</span>' "$d/dom"
	check "html: in chromium the DOM has one diagram per case, and the failing cases' expected-beside-observed arrows" \
		sh -c "[ \$(grep -o '<svg class=\"ladder\"' '$d/dom' | wc -l) = 5 ] && [ \$(grep -o '<g class=\"expected\">' '$d/dom' | wc -l) = 3 ]"
	timeout 120 chromium --headless=new --no-sandbox --disable-gpu --dump-dom "file://$h#verdict=fail" >"$d/dom2" 2>/dev/null
	check "html: in chromium the filters work (verdict fail: 3 shown, the passes hidden)" \
		sh -c "grep -q '<span id=\"shown\">3</span>' '$d/dom2' && grep -q 'data-verdict=\"pass\"[^>]*style=\"display: none;\"' '$d/dom2'"
	check "html: in chromium no script error" sh -c "! grep -qi 'uncaught\|SyntaxError\|ReferenceError' '$d/console'"
	timeout 120 chromium --headless=new --no-sandbox --disable-gpu --window-size=1100,900 --screenshot="$shot" "file://$h#verdict=fail" >/dev/null 2>&1
	check "html: a screenshot of the failing case is kept ($shot)" [ -s "$shot" ]
else
	echo "skip - html: chromium is not installed (make test installs it)"
fi
check "html: nothing left behind" clean
tc_end
