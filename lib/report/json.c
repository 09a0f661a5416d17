/* report: report.json. Names here are a public interface: see reports/schema.json. */
#include "report/jsonparts.h"
#include "run/path.h"
#include "packet/format.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every cJSON call can fail on allocation: one checked helper each. */
static cJSON *chk(cJSON *v)
{
	if (!v) {
		fprintf(stderr, "tcpconform: out of memory building JSON\n");
		abort();
	}
	return v;
}

static void add(cJSON *o, const char *k, cJSON *v)
{
	if (!cJSON_AddItemToObject(o, k, chk(v)))
		chk(NULL);
}

static void add_str(cJSON *o, const char *k, const char *s)
{
	add(o, k, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static void add_num(cJSON *o, const char *k, double v)
{
	add(o, k, cJSON_CreateNumber(v));
}

static cJSON *str_array(char *const *v, int n)
{
	cJSON *a = chk(cJSON_CreateArray());
	int i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, chk(cJSON_CreateString(v[i])));
	return a;
}

static cJSON *u16_array(const uint16_t *v, int n)
{
	cJSON *a = chk(cJSON_CreateArray());
	int i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, chk(cJSON_CreateNumber(v[i])));
	return a;
}

static cJSON *opt_json(const struct tc_opt *o)
{
	cJSON *j = chk(cJSON_CreateObject());
	char hex[2 * TC_OPT_DATA + 1];
	int i;

	add_num(j, "kind", o->kind);
	add_str(j, "name", tc_opt_name(o->kind));
	if (o->bad) {
		add(j, "malformed", cJSON_CreateTrue());
		add_num(j, "length", o->len);
	}
	if (!o->bad) {
		switch (o->kind) {
		case TC_OPT_MSS: add_num(j, "value", o->v.mss); return j;
		case TC_OPT_WSCALE: add_num(j, "value", o->v.wscale); return j;
		case TC_OPT_TS:
			add_num(j, "val", o->v.ts.val);
			add_num(j, "ecr", o->v.ts.ecr);
			return j;
		case TC_OPT_SACK: {
			cJSON *b = chk(cJSON_CreateArray());

			for (i = 0; i < o->v.sack.n; i++) {
				cJSON *p = chk(cJSON_CreateArray());

				cJSON_AddItemToArray(p, chk(cJSON_CreateNumber(o->v.sack.l[i])));
				cJSON_AddItemToArray(p, chk(cJSON_CreateNumber(o->v.sack.r[i])));
				cJSON_AddItemToArray(b, p);
			}
			add(j, "blocks", b);
			return j;
		}
		case TC_OPT_NOP: case TC_OPT_EOL: case TC_OPT_SACKOK: return j;
		default: break;
		}
	}
	for (i = 0; i < o->dlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", o->data[i]);
	hex[2 * o->dlen] = '\0';
	add_str(j, "data", hex);
	return j;
}

static const char *ck_name(enum tc_cksum c)
{
	switch (c) {
	case TC_CK_OK: return "ok";
	case TC_CK_BAD: return "bad";
	case TC_CK_PARTIAL: return "partial";
	default: return "unknown";
	}
}

static cJSON *trace_json(const struct tc_result *r, const struct tc_trace_ent *e)
{
	const struct tc_seg *s = &e->seg;
	cJSON *j = chk(cJSON_CreateObject()), *opts = chk(cJSON_CreateArray());
	int out = s->dir == TC_DIR_OUT, i;
	uint32_t seq_base = out ? r->tester_isn : r->target_isn;
	uint32_t ack_base = out ? r->target_isn : r->tester_isn;
	char fl[16], step[300];

	add_str(j, "dir", out ? "out" : "in");
	add_num(j, "t_us", (double)(s->t_us >= r->start_us ? s->t_us - r->start_us : 0));
	add_str(j, "flags", tc_flags_str(s->flags & 0x1ff, fl, sizeof(fl)));
	if (s->flags & 0xe00)
		add_num(j, "reserved", (s->flags >> 9) & 7);
	add_num(j, "seq", s->seq);
	add_num(j, "ack", s->ack);
	if ((out || r->target_isn_known) && s->ip_proto == 6)
		add_num(j, "rel_seq", s->seq - seq_base);
	else                    /* not known yet; or an ICMP message, which has none */
		add(j, "rel_seq", cJSON_CreateNull());
	if (!(s->flags & TC_ACK) || s->ip_proto != 6)
		add(j, "rel_ack", cJSON_CreateNull());
	else if (!out || r->target_isn_known)
		add_num(j, "rel_ack", s->ack - ack_base);
	else
		add(j, "rel_ack", cJSON_CreateNull());
	add_num(j, "win", s->win);
	add_num(j, "len", s->payload_len);
	add_num(j, "ttl", s->ttl);
	add_num(j, "tos", s->tos);
	add_str(j, "family", s->family == 6 ? "ipv6" : "ipv4");
	for (i = 0; i < s->nopts; i++)
		cJSON_AddItemToArray(opts, opt_json(&s->opts[i]));
	add(j, "options", opts);
	add_str(j, "checksum", ck_name(s->cksum_status));
	if (s->ip_proto == 1 || s->ip_proto == 58) {
		cJSON *ic = chk(cJSON_CreateObject());

		add_num(ic, "type", s->icmp_type);
		add_num(ic, "code", s->icmp_code);
		add_num(ic, "rest", s->icmp_rest);
		add_num(ic, "quoted", s->payload_len);
		add(j, "icmp", ic);
	}
	if (e->line) {
		snprintf(step, sizeof(step), "%s:%d", r->c->file, e->line);
		add_str(j, "step", step);
	} else {
		add(j, "step", cJSON_CreateNull());
	}
	if (e->note)
		add_str(j, "note", e->note);
	if (s->problem[0])
		add_str(j, "malformed", s->problem);
	return j;
}

static cJSON *states_json(const struct tc_result *r)
{
	cJSON *j = chk(cJSON_CreateObject()), *o = chk(cJSON_CreateArray());
	int i;

	add(j, "expected", str_array(r->st_expected, r->nst_expected));
	for (i = 0; i < r->nst_observed; i++)
		cJSON_AddItemToArray(o, chk(cJSON_CreateString(r->st_observed[i])));
	add(j, "observed", o);
	o = chk(cJSON_CreateArray());
	for (i = 0; i < r->nst_observed; i++) {
		char step[300];

		snprintf(step, sizeof(step), "%s:%d", r->c->file, r->st_observed_line[i]);
		cJSON_AddItemToArray(o, r->st_observed_line[i] > 0 ? chk(cJSON_CreateString(step)) : chk(cJSON_CreateNull()));
	}
	add(j, "observed_at", o);
	if (r->parted_line) {
		char step[300];

		snprintf(step, sizeof(step), "%s:%d", r->c->file, r->parted_line);
		add_str(j, "parted_at", step);
	} else {
		add(j, "parted_at", cJSON_CreateNull());
	}
	add_str(j, "unexplained", r->unexplained);
	return j;
}

cJSON *tc_json_case(const struct tc_result *r)
{
	const struct tc_case *c = r->c;
	cJSON *j = chk(cJSON_CreateObject()), *tr = chk(cJSON_CreateArray());
	struct tc_trace_ent *t;
	int i;

	add_str(j, "id", c->id);
	add_str(j, "title", c->title);
	add_str(j, "file", c->file);
	add(j, "rfc", str_array(c->rfc, c->nrfc));
	if (c->source)
		add_str(j, "source", c->source);
	add_str(j, "level", tc_level_name(c->level));
	add(j, "tags", str_array(c->tags, c->ntags));
	add_str(j, "family", r->family == 6 ? "ipv6" : "ipv4");
	add_str(j, "verdict", tc_verdict_name(r->verdict));
	add_str(j, "alternative", r->alternative[0] ? r->alternative : NULL);
	add_str(j, "reason", r->reason);
	if (r->div_expected) {
		cJSON *d = chk(cJSON_CreateObject());

		add_str(d, "file", c->file);
		add_num(d, "line", r->div_line);
		add_str(d, "expected", r->div_expected);
		add_str(d, "observed", r->div_observed);
		add(j, "divergence", d);
	} else {
		add(j, "divergence", cJSON_CreateNull());
	}
	add(j, "states", states_json(r));
	if (r->waiver) {
		cJSON *w = chk(cJSON_CreateObject());

		add_str(w, "reason", r->waiver->reason);
		add_str(w, "ref", r->waiver->ref);
		add_str(w, "file", r->waiver->file);
		add_num(w, "line", r->waiver->line);
		add(w, "unneeded", cJSON_CreateBool(r->verdict == TC_V_PASS && !r->waiver->varies));
		add(w, "varies", cJSON_CreateBool(r->waiver->varies));
		add(j, "waiver", w);
	} else {
		add(j, "waiver", cJSON_CreateNull());
	}
	add_num(j, "duration_us", (double)(r->end_us > r->start_us ? r->end_us - r->start_us : 0));
	add_str(j, "pcap", r->pcap);
	add_num(j, "tester_port", r->tester_port);
	add_num(j, "target_port", r->target_port);
	add_num(j, "tester_isn", r->tester_isn);
	if (r->target_isn_known)
		add_num(j, "target_isn", r->target_isn);
	else
		add(j, "target_isn", cJSON_CreateNull());
	add_str(j, "notes", r->notes);
	t = tc_result_entries(r);
	for (i = 0; i < r->ntrace; i++)
		cJSON_AddItemToArray(tr, trace_json(r, &t[i]));
	tc_result_entries_free(t, r->ntrace);
	add(j, "trace", tr);
	return j;
}

static cJSON *env_json(const struct tc_run_info *info)
{
	cJSON *e = chk(cJSON_CreateObject()), *t = chk(cJSON_CreateObject()), *sc = chk(cJSON_CreateObject());
	int i;

	add_str(e, "mode", info->mode);
	add_str(e, "stack", info->stack);
	if (info->stack_version[0])
		add_str(e, "stack_version", info->stack_version);
	add_str(t, "address", info->target_addr[0] ? info->target_addr : NULL);
	add_str(t, "tester_address", info->tester_addr[0] ? info->tester_addr : NULL);
	add_str(t, "interface", info->iface[0] ? info->iface : NULL);
	if (info->service)
		add_str(t, "service", info->service);
	add(e, "target", t);
	add_str(e, "kernel", info->kernel);
	if (info->vm_accel) {           /* a kernel in a virtual machine */
		cJSON *vm = chk(cJSON_CreateObject());

		add_str(vm, "accel", info->vm_accel);
		add_str(vm, "accel_why", info->vm_accel_why);
		add_num(vm, "boot_s", (double)(int64_t)(info->vm_boot_s * 100 + 0.5) / 100);
		add(e, "vm", vm);
	}
	for (i = 0; i < info->nsysctl; i++)
		add_str(sc, info->sysctl_keys[i], info->sysctl_vals[i]);
	add(e, "sysctls", sc);
	return e;
}

/* deviations_json - the fail and xfail results grouped by cause: one entry a cause,
 * with its cases (each id once, whatever the families it failed in). */
static cJSON *deviations_json(const struct tc_result *res, int n)
{
	cJSON *a = chk(cJSON_CreateArray());
	struct tc_deviation *d;
	int nd = tc_deviations(res, n, &d), i, j, k;

	for (i = 0; i < nd; i++) {
		cJSON *o = chk(cJSON_CreateObject()), *ids = chk(cJSON_CreateArray());

		add_str(o, "summary", d[i].summary);
		add_str(o, "rfc", d[i].rfc);
		add_str(o, "level", tc_level_name(d[i].level));
		add_num(o, "count", d[i].n);
		add_num(o, "fail", d[i].failing);
		add_num(o, "xfail", d[i].n - d[i].failing);
		for (j = 0; j < d[i].n; j++) {
			const char *id = res[d[i].idx[j]].c->id;

			for (k = 0; k < j && strcmp(res[d[i].idx[k]].c->id, id); k++)
				;
			if (k == j)
				cJSON_AddItemToArray(ids, chk(cJSON_CreateString(id)));
		}
		add(o, "cases", ids);
		cJSON_AddItemToArray(a, o);
	}
	tc_deviations_free(d, nd);
	return a;
}

cJSON *tc_json_root(const struct tc_run_info *info, const struct tc_result *res, int n,
		    const struct tc_sched_stats *st)
{
	cJSON *root = chk(cJSON_CreateObject()), *tool = chk(cJSON_CreateObject());
	cJSON *sum = chk(cJSON_CreateObject()), *cases = chk(cJSON_CreateArray());
	cJSON *run = chk(cJSON_CreateObject()), *fnd = chk(cJSON_CreateArray());
	struct tc_summary s;
	char seed[32];
	int i;

	add_str(root, "schema_version", TC_SCHEMA_VERSION);
	add_str(tool, "name", "tcpconform");
	add_str(tool, "version", info->tool_version);
	add(root, "tool", tool);
	add(root, "complete", cJSON_CreateBool(info->complete));
	add_str(root, "interrupted", info->interrupted);
	add_str(root, "started", info->started);
	add_str(root, "finished", info->finished[0] ? info->finished : NULL);
	add(root, "environment", env_json(info));
	tc_summarize(res, n, &s);
	add_num(sum, "pass", s.pass);
	add_num(sum, "fail", s.fail);
	add_num(sum, "skip", s.skip);
	add_num(sum, "inconclusive", s.inconclusive);
	add_num(sum, "error", s.error);
	add_num(sum, "notrun", s.notrun);
	add_num(sum, "xfail", s.xfail);
	add_num(sum, "waived_pass", s.waived_pass);
	add_num(sum, "fail_must", s.fail_must);
	add_num(sum, "fail_should", s.fail_should);
	add_num(sum, "fail_may", s.fail_may);
	add_num(sum, "fail_linux", s.fail_linux);
	add(root, "summary", sum);
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)info->seed);
	add_num(run, "jobs", info->jobs);
	if (info->jobs_max && st && st->jobs_peak) {     /* no -j: how the number moved */
		cJSON *a = cJSON_CreateObject();

		add_num(a, "from", info->jobs);
		add_num(a, "min", TC_JOBS_MIN);
		add_num(a, "max", info->jobs_max);
		add_num(a, "peak", st->jobs_peak);
		add_num(a, "backoffs", st->jobs_backoffs);
		if (st->jobs_why[0])
			add_str(a, "last_backoff", st->jobs_why);
		add(run, "jobs_adaptive", a);
	}
	add_str(run, "seed", seed);
	if (info->selection[0])
		add_str(run, "selection", info->selection);
	if (info->shard[0])
		add_str(run, "shard", info->shard);
	add(root, "run", run);
	if (st && st->deaths) {
		cJSON *f = chk(cJSON_CreateObject());

		add_str(f, "kind", "target_stopped");
		add_num(f, "count", st->deaths);
		add_str(f, "first", st->first_death);
		if (st->culprits[0])
			add_str(f, "cases", st->culprits);
		cJSON_AddItemToArray(fnd, f);
	}
	if (st && st->capture_drops) {
		cJSON *f = chk(cJSON_CreateObject());

		add_str(f, "kind", "capture_drops");
		add_num(f, "count", st->capture_drops);
		add_str(f, "first", "the capture lost frames while cases ran: their verdicts are errors");
		cJSON_AddItemToArray(fnd, f);
	}
	if (st && st->malformed) {
		cJSON *f = chk(cJSON_CreateObject());

		add_str(f, "kind", "malformed");
		add_num(f, "count", st->malformed);
		add_str(f, "first", st->first_malformed);
		cJSON_AddItemToArray(fnd, f);
	}
	if (info->path) {
		const struct tc_path_report *pr = info->path;
		cJSON *pj = chk(cJSON_CreateObject());

		for (i = 0; i < pr->n; i++) {
			cJSON *f = chk(cJSON_CreateObject());

			add_str(f, "kind", "path");
			add_str(f, "what", pr->f[i].what);
			add_str(f, "family", pr->f[i].family == 6 ? "ipv6" : "ipv4");
			add_str(f, "message", pr->f[i].message);
			add_str(f, "case", pr->f[i].case_id);
			cJSON_AddItemToArray(fnd, f);
		}
		for (i = 0; i < 2; i++) {
			const struct tc_path_family *pf = &pr->fam[i];
			cJSON *fj;

			if (!pf->family)
				continue;
			fj = chk(cJSON_CreateObject());
			add(fj, "ttl_syn_ack", u16_array(pf->ttl_synack, pf->n_synack));
			add(fj, "ttl_rst", u16_array(pf->ttl_rst, pf->n_rst));
			add(fj, "ttl_other", u16_array(pf->ttl_other, pf->n_other));
			add(fj, "mss", u16_array(pf->mss, pf->n_mss));
			add(pj, i ? "ipv6" : "ipv4", fj);
		}
		add(root, "path", pj);
	}
	if (info->path_trace_json) {
		cJSON *pt = chk(cJSON_Parse(info->path_trace_json)), *fam;

		cJSON_ArrayForEach(fam, pt) {
			const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fam, "finding"));
			cJSON *f;

			if (!msg)
				continue;
			f = chk(cJSON_CreateObject());
			add_str(f, "kind", "path_trace");
			add_str(f, "family", fam->string);
			add_str(f, "message", msg);
			cJSON_AddItemToArray(fnd, f);
		}
		add(root, "path_trace", pt);
	}
	add(root, "findings", fnd);
	add(root, "deviations", deviations_json(res, n));
	add(root, "cases", cases);      /* the last member, left empty: see write.c */
	return root;
}
