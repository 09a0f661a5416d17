/* report: the stack matrix (matrix.json and its table). */
#include "report/stackmx.h"

#include "case/case.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

void tc_stackmx_init(struct tc_stackmx *m)
{
	memset(m, 0, sizeof(*m));
}

void tc_stackmx_column(struct tc_stackmx *m, const char *name)
{
	if (m->ncol < TC_STACKMX_COLS)
		m->col[m->ncol++] = name;
}

/* row_of - the row of case @id over IPv@family, made when new (rows keep the order
 * in which they first came). */
static struct tc_stackmx_row *row_of(struct tc_stackmx *m, const struct tc_result *r)
{
	for (int i = m->nrow - 1; i >= 0; i--)
		if (m->row[i].family == r->family && !strcmp(m->row[i].id, r->c->id))
			return &m->row[i];
	if (m->nrow == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->row = tc_xrealloc(m->row, (size_t)m->cap * sizeof(*m->row));
	}
	memset(&m->row[m->nrow], 0, sizeof(m->row[0]));
	m->row[m->nrow].id = tc_xstrdup(r->c->id);
	m->row[m->nrow].family = r->family;
	m->row[m->nrow].level = tc_level_name(r->c->level);
	return &m->row[m->nrow++];
}

void tc_stackmx_add(struct tc_stackmx *m, int col, const struct tc_result *res, int n)
{
	if (col < 0 || col >= m->ncol)
		return;
	for (int i = 0; i < n; i++) {
		struct tc_stackmx_row *row = row_of(m, &res[i]);

		row->cell[col].v = res[i].verdict;
		free(row->cell[col].alternative);
		row->cell[col].alternative = res[i].alternative[0] ? tc_xstrdup(res[i].alternative) : NULL;
	}
}

static cJSON *chk(cJSON *v)
{
	if (!v) {
		fprintf(stderr, "tcpconform: out of memory building JSON\n");
		abort();
	}
	return v;
}

char *tc_stackmx_json(const struct tc_stackmx *m)
{
	cJSON *root = chk(cJSON_CreateObject()), *stacks = chk(cJSON_CreateArray());
	cJSON *cases = chk(cJSON_CreateArray());
	char *text;

	for (int c = 0; c < m->ncol; c++)
		cJSON_AddItemToArray(stacks, chk(cJSON_CreateString(m->col[c])));
	cJSON_AddItemToObject(root, "stacks", stacks);
	for (int i = 0; i < m->nrow; i++) {
		const struct tc_stackmx_row *row = &m->row[i];
		cJSON *e = chk(cJSON_CreateObject()), *v = chk(cJSON_CreateObject());

		chk(cJSON_AddStringToObject(e, "id", row->id));
		chk(cJSON_AddNumberToObject(e, "family", row->family));
		chk(cJSON_AddStringToObject(e, "level", row->level));
		for (int c = 0; c < m->ncol; c++) {
			cJSON *cell = chk(cJSON_CreateObject());

			chk(cJSON_AddStringToObject(cell, "verdict", tc_verdict_name(row->cell[c].v)));
			if (row->cell[c].alternative)
				chk(cJSON_AddStringToObject(cell, "alternative", row->cell[c].alternative));
			cJSON_AddItemToObject(v, m->col[c], cell);
		}
		cJSON_AddItemToObject(e, "stacks", v);
		cJSON_AddItemToArray(cases, e);
	}
	cJSON_AddItemToObject(root, "cases", cases);
	text = cJSON_Print(root);
	if (!text) {
		fprintf(stderr, "tcpconform: out of memory building JSON\n");
		abort();
	}
	cJSON_Delete(root);
	return text;
}

/* differs - do the stacks give this row different verdicts (or alternatives)? */
static int differs(const struct tc_stackmx *m, const struct tc_stackmx_row *row)
{
	for (int c = 1; c < m->ncol; c++) {
		const char *a = row->cell[0].alternative, *b = row->cell[c].alternative;

		if (row->cell[c].v != row->cell[0].v || (a && b && strcmp(a, b)) || (!a) != (!b))
			return 1;
	}
	return 0;
}

void tc_stackmx_text(FILE *f, const struct tc_stackmx *m, int color)
{
	static const enum tc_verdict shown[] = { TC_V_PASS, TC_V_FAIL, TC_V_XFAIL, TC_V_SKIP,
						 TC_V_INCONCLUSIVE, TC_V_ERROR, TC_V_NOTRUN };
	int ndiff = 0;

	fprintf(f, "%-14s", "stack");
	for (size_t k = 0; k < TC_ARRAY_LEN(shown); k++)
		fprintf(f, " %12s", tc_verdict_name(shown[k]));
	fprintf(f, "\n");
	for (int c = 0; c < m->ncol; c++) {
		fprintf(f, "%-14s", m->col[c]);
		for (size_t k = 0; k < TC_ARRAY_LEN(shown); k++) {
			int n = 0;

			for (int i = 0; i < m->nrow; i++)
				n += m->row[i].cell[c].v == shown[k];
			fprintf(f, " %12d", n);
		}
		fprintf(f, "\n");
	}
	for (int i = 0; i < m->nrow; i++)
		ndiff += differs(m, &m->row[i]);
	fprintf(f, "\n%d of %d case runs differ between the stacks:\n%-52s", ndiff, m->nrow, "case");
	for (int c = 0; c < m->ncol; c++)
		fprintf(f, " %-13s", m->col[c]);
	fprintf(f, "\n");
	for (int i = 0; i < m->nrow; i++) {
		const struct tc_stackmx_row *row = &m->row[i];
		char id[160];

		if (!differs(m, row))
			continue;
		snprintf(id, sizeof(id), "%s%s", row->id, row->family == 6 ? " [ipv6]" : "");
		fprintf(f, "%-52s", id);
		int same = 1;

		for (int c = 1; c < m->ncol; c++)
			same &= row->cell[c].v == row->cell[0].v;
		for (int c = 0; c < m->ncol; c++) {
			enum tc_verdict v = row->cell[c].v;
			int bad = v == TC_V_FAIL || v == TC_V_ERROR;
			const char *alt = same ? row->cell[c].alternative : NULL;
			char cell[80];

			/* the same verdicts: the alternatives are what differs ("pass (slid)") */
			snprintf(cell, sizeof(cell), "%s%s%s%s", tc_verdict_name(v), alt ? " (" : "", alt ? alt : "",
				 alt ? ")" : "");
			fprintf(f, " %s%-13s%s", color && bad ? "\033[31m" : "", cell, color && bad ? "\033[0m" : "");
		}
		fprintf(f, "\n");
	}
}

void tc_stackmx_free(struct tc_stackmx *m)
{
	for (int i = 0; i < m->nrow; i++) {
		free(m->row[i].id);
		for (int c = 0; c < TC_STACKMX_COLS; c++)
			free(m->row[i].cell[c].alternative);
	}
	free(m->row);
	memset(m, 0, sizeof(*m));
}

/* html_esc - @s for HTML. */
static void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

void tc_stackmx_html(FILE *f, const struct tc_stackmx *m)
{
	fputs("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>tcpconform: stacks</title><style>"
	      "body{font:14px sans-serif;margin:1em 2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
	      "padding:1px 6px}td a{text-decoration:none}.pass{background:#dfd}.fail{background:#fbb;font-weight:bold}"
	      ".xfail{background:#eee}.error{background:#fd9}.skip,.notrun,.inconclusive{color:#888}tr.same{display:none}"
	      "</style></head><body><h1>tcpconform: the same cases, stack by stack</h1><p>stack <select id=\"fs\">"
	      "<option value=\"\">any</option>", f);
	for (int c = 0; c < m->ncol; c++) {
		fputs("<option>", f);
		html_esc(f, m->col[c]);
		fputs("</option>", f);
	}
	fputs("</select> verdict <select id=\"fv\"><option value=\"\">any</option><option>fail</option><option>xfail</option>"
	      "<option>pass</option><option>error</option><option>inconclusive</option><option>skip</option><option>notrun</option>"
	      "</select> level <select id=\"fl\"><option value=\"\">any</option><option>MUST</option><option>SHOULD</option>"
	      "<option>MAY</option></select> family <select id=\"ff\"><option value=\"\">any</option><option value=\"4\">IPv4</option>"
	      "<option value=\"6\">IPv6</option></select> <label><input type=\"checkbox\" id=\"all\"> also the cases on which "
	      "every stack agrees</label> <span id=\"shown\"></span> shown</p><table><tr><th>case</th>", f);
	for (int c = 0; c < m->ncol; c++) {
		fputs("<th><a href=\"", f);
		html_esc(f, m->col[c]);
		fputs("/report.html\">", f);
		html_esc(f, m->col[c]);
		fputs("</a></th>", f);
	}
	fputs("</tr>\n", f);
	for (int i = 0; i < m->nrow; i++) {
		const struct tc_stackmx_row *row = &m->row[i];

		fprintf(f, "<tr class=\"row%s\" data-level=\"%s\" data-family=\"%d\"><td>", differs(m, row) ? "" : " same",
			row->level, row->family);
		html_esc(f, row->id);
		fprintf(f, "%s [%s]</td>", row->family == 6 ? " [ipv6]" : "", row->level);
		for (int c = 0; c < m->ncol; c++) {
			const char *v = tc_verdict_name(row->cell[c].v);

			fprintf(f, "<td class=\"%s\" data-stack=\"", v);
			html_esc(f, m->col[c]);
			fputs("\"><a href=\"", f);
			html_esc(f, m->col[c]);
			fputs("/report.html#", f);
			html_esc(f, row->id);
			fprintf(f, "%s\" title=\"", row->family == 6 ? ".ipv6" : "");
			html_esc(f, row->cell[c].alternative);
			fprintf(f, "\">%s</a></td>", v);
		}
		fputs("</tr>\n", f);
	}
	/* the filters: a row is shown when the chosen stack (any, if none) has the chosen
	 * verdict, at the chosen level and family; the rows on which every stack agrees only
	 * with the box ticked. The address presets them: #stack=lwip&verdict=fail&all=1 */
	fputs("</table><script>(function(){var $=function(i){return document.getElementById(i);};"
	      "function show(){var s=$('fs').value,v=$('fv').value,l=$('fl').value,fa=$('ff').value,a=$('all').checked,n=0;"
	      "document.querySelectorAll('tr.row').forEach(function(r){var ok=(a||!r.classList.contains('same'))&&"
	      "(!l||r.dataset.level===l)&&(!fa||r.dataset.family===fa);"
	      "if(ok&&(s||v)){ok=false;r.querySelectorAll('td[data-stack]').forEach(function(c){"
	      "if((!s||c.dataset.stack===s)&&(!v||c.className===v))ok=true;});}"
	      "r.style.display=ok?'table-row':'none';if(ok)n++;});$('shown').textContent=n;}"
	      "location.hash.replace(/^#/,'').split('&').forEach(function(kv){var p=kv.split('='),k=p[0],x=decodeURIComponent(p[1]||'');"
	      "if(k==='stack')$('fs').value=x;if(k==='verdict')$('fv').value=x;if(k==='level')$('fl').value=x;"
	      "if(k==='family')$('ff').value=x;if(k==='all')$('all').checked=x==='1';});"
	      "['fs','fv','fl','ff','all'].forEach(function(i){$(i).addEventListener('change',show);});show();})();"
	      "</script></body></html>\n", f);
}
