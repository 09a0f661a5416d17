/* run: what the traces of a run say about the path (see path.h). */
#include "run/path.h"

#include <stdio.h>
#include <string.h>

/* add - @x to the distinct values v[0..*n) (at most TC_PATH_MAX_VALUES): its index if it
 * is new, -1 if it was there (or there is no room). */
static int add(uint16_t *v, int *n, uint16_t x)
{
	int i;

	for (i = 0; i < *n; i++)
		if (v[i] == x)
			return -1;
	if (*n >= TC_PATH_MAX_VALUES)
		return -1;
	v[*n] = x;
	return (*n)++;
}

static int disjoint(const uint16_t *a, int na, const uint16_t *b, int nb)
{
	int i, j;

	if (!na || !nb)
		return 0;
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (a[i] == b[j])
				return 0;
	return 1;
}

static void list(const uint16_t *v, int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u", i ? ", " : "", v[i]);
}

static struct tc_path_finding *finding(struct tc_path_report *out, const char *what, int family,
				       const char *case_id)
{
	struct tc_path_finding *f;
	int i;

	for (i = 0; i < out->n; i++)            /* one of a kind per family is enough */
		if (!strcmp(out->f[i].what, what) && out->f[i].family == family)
			return NULL;
	if (out->n >= TC_PATH_MAX_FINDINGS)
		return NULL;
	f = &out->f[out->n++];
	f->what = what;
	f->family = family;
	f->case_id = case_id;
	return f;
}

static int usable(const struct tc_seg *s)
{
	return s->ip_proto == 6 && !s->problem[0] && s->cksum_status != TC_CK_BAD;
}

/* nop_run - the longest run of NOPs in @s's options. */
static int nop_run(const struct tc_seg *s)
{
	int i, run = 0, best = 0;

	for (i = 0; i < s->nopts; i++) {
		run = s->opts[i].kind == TC_OPT_NOP ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* one_case - the findings a single trace shows: NOP runs and options the SYN-ACK did
 * not carry, TSecr that does not echo. */
static void one_case(const struct tc_result *r, const struct tc_trace_ent *t, struct tc_path_report *out)
{
	const struct tc_seg *synack = NULL;
	uint32_t syn_tsval[8];
	int nsyn_ts = 0, offered_ts = 0, offered_sack = 0, i, j;
	struct tc_path_finding *f;
	const char *id = r->c ? r->c->id : "?";

	for (i = 0; i < r->ntrace; i++) {
		const struct tc_seg *s = &t[i].seg;
		const struct tc_opt *ts;

		if (!usable(s))
			continue;
		if (s->dir == TC_DIR_OUT && (s->flags & (TC_SYN | TC_ACK)) == TC_SYN) {
			ts = tc_opt_find(s, TC_OPT_TS);
			offered_ts |= ts != NULL;
			offered_sack |= tc_opt_find(s, TC_OPT_SACKOK) != NULL;
			if (ts && !ts->bad && nsyn_ts < 8)
				syn_tsval[nsyn_ts++] = ts->v.ts.val;
			continue;
		}
		if (s->dir != TC_DIR_IN)
			continue;
		if ((s->flags & (TC_SYN | TC_ACK | TC_RST)) == (TC_SYN | TC_ACK)) {
			int run = nop_run(s);

			synack = s;
			if (run >= 3 && (f = finding(out, "options", s->family, id)))
				snprintf(f->message, sizeof(f->message),
					 "a SYN-ACK carries %d NOPs in a row (%s): an option was overwritten on the way, "
					 "as middleboxes that strip options do", run, id);
			ts = tc_opt_find(s, TC_OPT_TS);
			if (ts && !ts->bad && nsyn_ts) {
				for (j = 0; j < nsyn_ts && syn_tsval[j] != ts->v.ts.ecr; j++)
					;
				if (j == nsyn_ts && (f = finding(out, "timestamps", s->family, id)))
					snprintf(f->message, sizeof(f->message),
						 "a SYN-ACK's TSecr %u does not echo the SYN's TSval %u (%s): timestamps "
						 "rewritten on the way, or by the stack", ts->v.ts.ecr, syn_tsval[nsyn_ts - 1],
						 id);
			}
			continue;
		}
		if (!synack || (s->flags & (TC_SYN | TC_RST)))
			continue;
		if (offered_ts && tc_opt_find(s, TC_OPT_TS) && !tc_opt_find(synack, TC_OPT_TS) &&
		    (f = finding(out, "options", s->family, id)))
			snprintf(f->message, sizeof(f->message),
				 "the target's segments carry timestamps that its SYN-ACK did not (%s): the SYN-ACK's "
				 "option was removed on the way", id);
		if (offered_sack && tc_opt_find(s, TC_OPT_SACK) && !tc_opt_find(synack, TC_OPT_SACKOK) &&
		    (f = finding(out, "options", s->family, id)))
			snprintf(f->message, sizeof(f->message),
				 "the target sends SACK blocks though its SYN-ACK had no SACK-permitted (%s): the "
				 "SYN-ACK's option was removed on the way", id);
	}
}

void tc_path_analyze(const struct tc_result *res, int n, int link_mtu, struct tc_path_report *out)
{
	const char *rst_case[2] = { NULL, NULL }, *mss_case[2][TC_PATH_MAX_VALUES] = { { NULL } };
	int i, k;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		const struct tc_result *r = &res[i];
		struct tc_trace_ent *t = tc_result_entries(r);

		for (k = 0; k < r->ntrace; k++) {
			const struct tc_seg *s = &t[k].seg;
			struct tc_path_family *pf;

			if (s->dir != TC_DIR_IN || !usable(s))
				continue;
			pf = &out->fam[s->family == 6];
			pf->family = s->family;
			if ((s->flags & (TC_SYN | TC_ACK | TC_RST)) == (TC_SYN | TC_ACK)) {
				const struct tc_opt *m = tc_opt_find(s, TC_OPT_MSS);

				add(pf->ttl_synack, &pf->n_synack, s->ttl);
				int at = m && !m->bad ? add(pf->mss, &pf->n_mss, m->v.mss) : -1;

				if (at >= 0)            /* the first case that showed this value */
					mss_case[s->family == 6][at] = r->c ? r->c->id : "?";
			} else if (s->flags & TC_RST) {
				add(pf->ttl_rst, &pf->n_rst, s->ttl);
				if (!rst_case[s->family == 6])
					rst_case[s->family == 6] = r->c ? r->c->id : "?";
			} else {
				add(pf->ttl_other, &pf->n_other, s->ttl);
			}
		}
		one_case(r, t, out);
		tc_result_entries_free(t, r->ntrace);
	}
	for (k = 0; k < 2; k++) {
		struct tc_path_family *pf = &out->fam[k];
		struct tc_path_finding *f;
		char a[64], b[64];
		int fam = k ? 6 : 4, hdr = k ? 60 : 40, j, hi = -1, lo = -1;

		if (!pf->family)
			continue;
		if (disjoint(pf->ttl_synack, pf->n_synack, pf->ttl_rst, pf->n_rst) &&
		    (f = finding(out, "ttl", fam, rst_case[k]))) {
			list(pf->ttl_synack, pf->n_synack, a, sizeof(a));
			list(pf->ttl_rst, pf->n_rst, b, sizeof(b));
			snprintf(f->message, sizeof(f->message),
				 "the target's SYN-ACKs come with %s %s, its RSTs with %s (%s): something on the way "
				 "answers for it or rewrites its RSTs", k ? "hop limit" : "TTL", a, b, rst_case[k]);
		}
		if (disjoint(pf->ttl_synack, pf->n_synack, pf->ttl_other, pf->n_other) &&
		    (f = finding(out, "ttl", fam, NULL))) {
			list(pf->ttl_synack, pf->n_synack, a, sizeof(a));
			list(pf->ttl_other, pf->n_other, b, sizeof(b));
			snprintf(f->message, sizeof(f->message),
				 "the target's SYN-ACKs come with %s %s, its other segments with %s: they do not take "
				 "the same way, or something rewrites them", k ? "hop limit" : "TTL", a, b);
		}
		for (j = 0; j < pf->n_mss; j++) {
			if (hi < 0 || pf->mss[j] > pf->mss[hi])
				hi = j;
			if (lo < 0 || pf->mss[j] < pf->mss[lo])
				lo = j;
		}
		if (pf->n_mss > 1 && (f = finding(out, "mss", fam, mss_case[k][lo]))) {
			list(pf->mss, pf->n_mss, a, sizeof(a));
			snprintf(f->message, sizeof(f->message),
				 "the target's SYN-ACKs announce different MSS values (%s; %u first in %s): a middlebox "
				 "clamps some", a, pf->mss[lo], mss_case[k][lo]);
		}
		if (hi >= 0 && link_mtu > hdr && pf->mss[hi] < link_mtu - hdr &&
		    (f = finding(out, "mss", fam, mss_case[k][hi])))
			snprintf(f->message, sizeof(f->message),
				 "the target announces MSS %u, less than the %d that this side's link (MTU %d) allows "
				 "(%s): its own link is smaller, or a middlebox clamps MSS", pf->mss[hi], link_mtu - hdr,
				 link_mtu, mss_case[k][hi]);
	}
}
