/* report: report.html, one self-contained page built from report.json: the summary
 * and the deviations first, filters, and per case its facts and a ladder diagram of
 * its trace (tester left, target right, time downwards, one arrow a segment). */
#include "report/html.h"

#include "util/util.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* esc - @s for HTML text and attributes. */
static void esc(struct tc_sbuf *b, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': tc_sbuf_put(b, "&amp;"); break;
		case '<': tc_sbuf_put(b, "&lt;"); break;
		case '>': tc_sbuf_put(b, "&gt;"); break;
		case '"': tc_sbuf_put(b, "&quot;"); break;
		default: tc_sbuf_put(b, "%c", *s);
		}
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* label - a segment as tcpdump shows it: flags, relative seq:end(len), ack, win, options. */
static void label(struct tc_sbuf *b, const cJSON *t)
{
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(t, "rel_ack"), *o;
	double seq = num(t, "rel_seq"), len = num(t, "len");
	int first = 1;

	tc_sbuf_put(b, "%s %.0f:%.0f(%.0f)", str(t, "flags") ? str(t, "flags") : "?", seq, seq + len, len);
	if (cJSON_IsNumber(ra))
		tc_sbuf_put(b, " ack %.0f", ra->valuedouble);
	tc_sbuf_put(b, " win %.0f", num(t, "win"));
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(t, "options")) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");

		tc_sbuf_put(b, "%s%s", first ? " <" : ",", str(o, "name") ? str(o, "name") : "?");
		if (cJSON_IsNumber(v))
			tc_sbuf_put(b, " %.0f", v->valuedouble);
		first = 0;
	}
	if (!first)
		tc_sbuf_put(b, ">");
}

/* path_words - a state path as "A, B, C" ("none" when empty). */
static void path_words(struct tc_sbuf *b, const cJSON *path)
{
	const cJSON *s;
	int first = 1;

	cJSON_ArrayForEach(s, path) {
		tc_sbuf_put(b, "%s%s", first ? "" : " \xe2\x86\x92 ", cJSON_IsString(s) ? s->valuestring : "?");
		first = 0;
	}
	if (first)
		tc_sbuf_put(b, "none");
}

/* The tester's side of the ladder: the state its own segments and the replies imply,
 * as a peer following RFC 9293 would be in it (the tester keeps no TCB: this is a
 * reading aid, not a verdict). */
struct peer {
	const char *st;         /* NULL: the trace does not start with a SYN, none is drawn */
	double fin_end;         /* the sequence number that acknowledges the tester's FIN; -1 */
};

static const char *tester_initial(const cJSON *tr)
{
	const cJSON *t = cJSON_GetArrayItem(tr, 0);
	const char *f = t ? str(t, "flags") : NULL, *d = t ? str(t, "dir") : NULL;

	if (!f || !d || !strchr(f, 'S'))
		return NULL;
	return !strcmp(d, "out") ? "CLOSED" : "LISTEN";
}

static int is(const struct peer *p, const char *st)
{
	return p->st && !strcmp(p->st, st);
}

/* tester_step - the tester's state after segment @t: the new one, or NULL if unchanged. */
static const char *tester_step(struct peer *p, const cJSON *t)
{
	const char *f = str(t, "flags"), *d = str(t, "dir"), *was = p->st;
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(t, "rel_ack"), *rs = cJSON_GetObjectItemCaseSensitive(t, "rel_seq");
	int syn, ack, fin, rst;

	if (!p->st || !f || !d)
		return NULL;
	syn = !!strchr(f, 'S'), ack = !!strchr(f, '.'), fin = !!strchr(f, 'F'), rst = !!strchr(f, 'R');
	if (!strcmp(d, "out")) {
		if (rst)
			p->st = "CLOSED";
		else if (syn && !ack && is(p, "CLOSED"))
			p->st = "SYN-SENT";
		else if (fin && (is(p, "ESTABLISHED") || is(p, "SYN-RECEIVED") || is(p, "CLOSE-WAIT"))) {
			p->st = is(p, "CLOSE-WAIT") ? "LAST-ACK" : "FIN-WAIT-1";
			p->fin_end = cJSON_IsNumber(rs) ? rs->valuedouble + num(t, "len") + 1 : -1;
		}
	} else if (rst) {
		if (!is(p, "LISTEN"))
			p->st = "CLOSED";
	} else if (syn) {
		if (ack && is(p, "SYN-SENT"))
			p->st = "ESTABLISHED";
		else if (!ack && (is(p, "LISTEN") || is(p, "SYN-SENT")))
			p->st = "SYN-RECEIVED";
	} else {
		int fin_acked = ack && p->fin_end >= 0 && cJSON_IsNumber(ra) && ra->valuedouble >= p->fin_end;

		if (ack && is(p, "SYN-RECEIVED"))
			p->st = "ESTABLISHED";
		else if (fin_acked && is(p, "FIN-WAIT-1"))
			p->st = "FIN-WAIT-2";
		else if (fin_acked && is(p, "CLOSING"))
			p->st = "TIME-WAIT";
		else if (fin_acked && is(p, "LAST-ACK"))
			p->st = "CLOSED";
		if (fin)
			p->st = is(p, "ESTABLISHED") ? "CLOSE-WAIT" : is(p, "FIN-WAIT-1") ? "CLOSING"
			      : is(p, "FIN-WAIT-2") ? "TIME-WAIT" : p->st;
	}
	return p->st != was ? p->st : NULL;
}

/* ladder - the trace as an SVG: the tester's line on the left, the target's on the
 * right, one arrow per segment (red where the case failed), the states beside. */
static void ladder(struct tc_sbuf *b, const cJSON *c)
{
	const cJSON *tr = cJSON_GetObjectItemCaseSensitive(c, "trace"), *t, *div = cJSON_GetObjectItemCaseSensitive(c, "divergence");
	const cJSON *states = cJSON_GetObjectItemCaseSensitive(c, "states"), *s;
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(states, "observed_at");
	int n = cJSON_GetArraySize(tr), i = 0, extra = cJSON_IsObject(div) ? 2 : 0, h = 100 + 34 * (n + extra), next_at = 1;
	const char *tr_state, *p;
	struct peer tp;
	const int L = 150, R = 650;

	tc_sbuf_put(b, "<svg class=\"ladder\" viewBox=\"0 0 1050 %d\" width=\"1050\" height=\"%d\">", h, h);
	tc_sbuf_put(b, "<text x=\"%d\" y=\"38\" class=\"side\">tester</text><text x=\"%d\" y=\"38\" class=\"side\">target</text>", L - 20, R - 20);
	tc_sbuf_put(b, "<line x1=\"%d\" y1=\"46\" x2=\"%d\" y2=\"%d\" class=\"life\"/><line x1=\"%d\" y1=\"46\" x2=\"%d\" y2=\"%d\" class=\"life\"/>",
	    L, L, h - 10, R, R, h - 10);
	/* the paths in words, above the diagram's arrows */
	tc_sbuf_put(b, "<text x=\"4\" y=\"14\" class=\"paths\">target states expected: ");
	path_words(b, cJSON_GetObjectItemCaseSensitive(states, "expected"));
	tc_sbuf_put(b, "; observed: ");
	path_words(b, cJSON_GetObjectItemCaseSensitive(states, "observed"));
	tc_sbuf_put(b, "</text>");
	tr_state = tester_initial(tr);
	tp.st = tr_state;
	tp.fin_end = -1;
	if ((s = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(states, "observed"), 0)) && cJSON_IsString(s))
		tc_sbuf_put(b, "<text x=\"%d\" y=\"%d\" class=\"tstate\">%s</text>", R + 75, 62, s->valuestring);
	if (tr_state)
		tc_sbuf_put(b, "<text x=\"%d\" y=\"%d\" class=\"pstate\" text-anchor=\"end\">%s</text>", L - 6, 62, tr_state);
	i = 0;
	cJSON_ArrayForEach(t, tr) {
		int out = str(t, "dir") && !strcmp(str(t, "dir"), "out"), y = 74 + 34 * i++;
		const char *note = str(t, "note");

		tc_sbuf_put(b, "<g class=\"seg %s%s\"><text x=\"4\" y=\"%d\" class=\"time\">%.3f ms</text>", out ? "out" : "in",
		    note && !strcmp(note, "unexpected") ? " bad" : "", y + 4, num(t, "t_us") / 1000.0);
		tc_sbuf_put(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#arrow)\"/>", out ? L : R, y, out ? R : L, y + 16);
		tc_sbuf_put(b, "<text x=\"%d\" y=\"%d\" class=\"lbl\">", (L + R) / 2 - 160, y + 2);
		label(b, t);
		if (note)
			tc_sbuf_put(b, " [%s]", note);
		tc_sbuf_put(b, "</text>");
		if (str(t, "step"))
			tc_sbuf_put(b, "<text x=\"%d\" y=\"%d\" class=\"step\">line %s</text>", R + 20, y + 12,
			    strrchr(str(t, "step"), ':') ? strrchr(str(t, "step"), ':') + 1 : "");
		/* the state this segment took the target into (the model's reading of the
		 * trace), and the tester's as its own segments and the replies imply */
		if (str(t, "step")) {
			int line = atoi(strrchr(str(t, "step"), ':') ? strrchr(str(t, "step"), ':') + 1 : "0"), k0 = next_at;

			/* every state entered up to this step (one an agent step entered shows at
			 * the next segment) */
			while ((s = cJSON_GetArrayItem(at, next_at)) &&
			       (!cJSON_IsString(s) || atoi(strrchr(s->valuestring, ':') ? strrchr(s->valuestring, ':') + 1 : "0") <= line))
				next_at++;
			if (next_at > k0) {
				const cJSON *obs = cJSON_GetObjectItemCaseSensitive(states, "observed");
				int k;

				tc_sbuf_put(b, "<text x=\"%d\" y=\"%d\" class=\"tstate\">", R + 75, y + 16);
				for (k = k0; k < next_at; k++)
					tc_sbuf_put(b, "%s%s", k > k0 ? " \xe2\x86\x92 " : "",
					    cJSON_IsString(cJSON_GetArrayItem(obs, k)) ? cJSON_GetArrayItem(obs, k)->valuestring : "?");
				tc_sbuf_put(b, "</text>");
			}
		}
		if ((p = tester_step(&tp, t)) != NULL)
			tc_sbuf_put(b, "<text x=\"%d\" y=\"%d\" class=\"pstate\" text-anchor=\"end\">%s</text>", L - 6, y + 16, p);
		tc_sbuf_put(b, "</g>");
	}
	if (extra) {             /* what was expected, beside what came */
		int y = 74 + 34 * n;

		tc_sbuf_put(b, "<g class=\"expected\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#arrow)\"/>", R, y, L, y + 16);
		tc_sbuf_put(b, "<text x=\"%d\" y=\"%d\" class=\"lbl\">expected: ", (L + R) / 2 - 160, y + 2);
		esc(b, str(div, "expected"));
		tc_sbuf_put(b, "</text></g><g class=\"observed\"><text x=\"%d\" y=\"%d\" class=\"lbl\">observed: ", (L + R) / 2 - 160, y + 34);
		esc(b, str(div, "observed"));
		tc_sbuf_put(b, "</text></g>");
	}
	tc_sbuf_put(b, "</svg>");
}

static const char style[] =
	"body{font:14px sans-serif;margin:1em 2em;color:#222}h1{font-size:1.4em}table{border-collapse:collapse}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}.v-pass{color:#170}.v-fail{color:#c00;font-weight:bold}"
	".v-error{color:#a50}.v-xfail{color:#777}.v-skip,.v-notrun,.v-inconclusive{color:#888}details{margin:2px 0}"
	"summary{cursor:pointer}.facts{margin:.3em 0 .3em 1.5em}.ladder line{stroke:#333;stroke-width:1.2}"
	".ladder .life{stroke:#999;stroke-dasharray:4 3}.ladder text{font:11px monospace}.ladder .side,.ladder .tstate,.ladder .pstate{font:bold 12px sans-serif}.ladder .pstate{fill:#555;font-style:italic}.ladder .paths{font:12px sans-serif}"
	".ladder .in line{stroke:#15c}.ladder .bad line,.ladder .expected line{stroke:#c00}.ladder .expected line{stroke-dasharray:6 4}"
	".ladder .expected text,.ladder .observed text{fill:#c00}.ladder .time,.ladder .step{fill:#777}#filters{margin:.8em 0}";

static const char script[] =
	"function apply(){var v=document.getElementById('fv').value,l=document.getElementById('fl').value,"
	"f=document.getElementById('ff').value,g=document.getElementById('fg').value.toLowerCase(),n=0;"
	"document.querySelectorAll('details.case').forEach(function(d){var ok=(!v||d.dataset.verdict==v)&&(!l||d.dataset.level==l)"
	"&&(!f||d.dataset.family==f)&&(!g||d.dataset.id.toLowerCase().indexOf(g)>=0);d.style.display=ok?'':'none';if(ok)n++;});"
	"document.getElementById('shown').textContent=n;}"
	"document.querySelectorAll('#filters select,#filters input').forEach(function(e){e.addEventListener('input',apply);});"
	/* a link may preset the filters: report.html#verdict=fail&family=ipv6 */
	"location.hash.slice(1).split('&').forEach(function(kv){var p=kv.split('='),m={verdict:'fv',level:'fl',family:'ff',id:'fg'};"
	"if(m[p[0]])document.getElementById(m[p[0]]).value=decodeURIComponent(p[1]||'');});apply();";

void tc_html_head(struct tc_sbuf *b, const cJSON *root)
{
	const cJSON *env, *sum, *e, *d;

	env = cJSON_GetObjectItemCaseSensitive(root, "environment");
	sum = cJSON_GetObjectItemCaseSensitive(root, "summary");
	tc_sbuf_put(b, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>tcpconform: ");
	esc(b, str(env, "stack_version") ? str(env, "stack_version") : str(env, "stack"));
	tc_sbuf_put(b, "</title><style>%s</style></head><body>", style);
	tc_sbuf_put(b, "<svg width=\"0\" height=\"0\"><defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" "
		"orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#333\"/></marker></defs></svg>");
	tc_sbuf_put(b, "<h1>tcpconform: ");
	esc(b, str(env, "stack_version") ? str(env, "stack_version") : str(env, "stack"));
	tc_sbuf_put(b, "</h1><p>%s run, started ", str(env, "mode") ? str(env, "mode") : "");
	esc(b, str(root, "started"));
	tc_sbuf_put(b, "%s</p><table><tr>", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "complete")) ? "" : " (incomplete)");
	cJSON_ArrayForEach(e, sum)
		tc_sbuf_put(b, "<th>%s</th>", e->string);
	tc_sbuf_put(b, "</tr><tr>");
	cJSON_ArrayForEach(e, sum)
		tc_sbuf_put(b, "<td>%.0f</td>", cJSON_IsNumber(e) ? e->valuedouble : 0);
	tc_sbuf_put(b, "</tr></table><h2>Deviations</h2><table><tr><th>cases</th><th>level</th><th>what</th><th>RFC</th><th>the cases</th></tr>");
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(root, "deviations")) {
		const cJSON *id;
		int k = 0;

		tc_sbuf_put(b, "<tr><td>%.0f</td><td>%s</td><td>", num(d, "count"), str(d, "level") ? str(d, "level") : "");
		esc(b, str(d, "summary"));
		tc_sbuf_put(b, "</td><td>");
		esc(b, str(d, "rfc"));
		tc_sbuf_put(b, "</td><td>");
		cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(d, "cases"))
			if (cJSON_IsString(id)) {
				tc_sbuf_put(b, "%s<a href=\"#", k++ ? ", " : "");
				esc(b, id->valuestring);
				tc_sbuf_put(b, "\">");
				esc(b, id->valuestring);
				tc_sbuf_put(b, "</a>");
			}
		tc_sbuf_put(b, "</td></tr>");
	}
	tc_sbuf_put(b, "</table><h2>Cases</h2><div id=\"filters\">verdict <select id=\"fv\"><option value=\"\">all</option>"
		"<option>fail</option><option>error</option><option>xfail</option><option>inconclusive</option><option>pass</option>"
		"<option>skip</option><option>notrun</option></select> level <select id=\"fl\"><option value=\"\">all</option>"
		"<option>MUST</option><option>SHOULD</option><option>MAY</option></select> family <select id=\"ff\">"
		"<option value=\"\">all</option><option>ipv4</option><option>ipv6</option></select> id or group "
		"<input id=\"fg\" placeholder=\"tcp.rst\"> <span id=\"shown\"></span> shown</div>");
}

void tc_html_case(struct tc_sbuf *b, const cJSON *c)
{
	const char *v = str(c, "verdict") ? str(c, "verdict") : "notrun", *fam = str(c, "family");
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "waiver");

	tc_sbuf_put(b, "<details class=\"case\" id=\"");
	esc(b, str(c, "id"));
	if (fam && !strcmp(fam, "ipv6"))
		tc_sbuf_put(b, ".ipv6");
	tc_sbuf_put(b, "\" data-verdict=\"%s\" data-level=\"%s\" data-family=\"%s\" data-id=\"", v,
	    str(c, "level") ? str(c, "level") : "", fam ? fam : "");
	esc(b, str(c, "id"));
	tc_sbuf_put(b, "\"%s><summary><span class=\"v-%s\">%s</span> ", !strcmp(v, "fail") ? " open" : "", v, v);
	esc(b, str(c, "id"));
	tc_sbuf_put(b, "%s [%s] ", fam && !strcmp(fam, "ipv6") ? " [ipv6]" : "", str(c, "level") ? str(c, "level") : "");
	esc(b, str(c, "title"));
	tc_sbuf_put(b, "</summary><div class=\"facts\"><div>RFC: ");
	{
		const cJSON *ref;
		int k = 0;

		cJSON_ArrayForEach(ref, cJSON_GetObjectItemCaseSensitive(c, "rfc"))
			if (cJSON_IsString(ref)) {
				tc_sbuf_put(b, "%s", k++ ? "; " : "");
				esc(b, ref->valuestring);
			}
	}
	tc_sbuf_put(b, "</div>");
	if (str(c, "reason")) {
		tc_sbuf_put(b, "<div>reason: ");
		esc(b, str(c, "reason"));
		tc_sbuf_put(b, "</div>");
	}
	if (cJSON_IsObject(w)) {
		tc_sbuf_put(b, "<div>waiver: ");
		esc(b, str(w, "reason"));
		tc_sbuf_put(b, " (");
		esc(b, str(w, "ref"));
		tc_sbuf_put(b, ")</div>");
	}
	if (str(c, "alternative") && *str(c, "alternative")) {
		tc_sbuf_put(b, "<div>alternative: ");
		esc(b, str(c, "alternative"));
		tc_sbuf_put(b, "</div>");
	}
	if (str(c, "pcap")) {
		tc_sbuf_put(b, "<div><a href=\"");
		esc(b, str(c, "pcap"));
		tc_sbuf_put(b, "\">pcap</a></div>");
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "trace")))
		ladder(b, c);
	tc_sbuf_put(b, "</div></details>\n");
}

void tc_html_tail(struct tc_sbuf *b)
{
	tc_sbuf_put(b, "<script>%s</script></body></html>\n", script);
}

char *tc_report_html(const char *report, char *err, size_t errlen)
{
	cJSON *root = cJSON_Parse(report), *c;
	struct tc_sbuf b = { tc_xmalloc(1 << 16), 0, 1 << 16 };

	if (!root || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "cases"))) {
		tc_errf(err, errlen, "not a tcpconform report");
		cJSON_Delete(root);
		free(b.s);
		return NULL;
	}
	b.s[0] = '\0';
	tc_html_head(&b, root);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "cases"))
		tc_html_case(&b, c);
	tc_html_tail(&b);
	cJSON_Delete(root);
	return b.s;
}
