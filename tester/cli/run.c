/* cli: tcpconform run. Loads and selects the cases, builds the environment, runs
 * them, writes the reports, tears everything down (on errors and signals too). */
#include "cli.h"
#include "cli_run.h"

#include "case/case.h"
#include "case/matrix.h"
#include "env/netns.h"
#include "env/trace.h"
#include "io/agentc.h"
#include "io/live.h"
#include "report/html.h"
#include "report/stackmx.h"
#include "report/report.h"
#include "run/sched.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* The one piece of state a signal handler may touch. */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	stop_flag = sig;
}

static void trace_path(struct run *R);

/* waiver_error - a parse error is file:line:col: message, as compilers print; the
 * rest say who speaks. */
static int waiver_error(const char *err)
{
	const char *c = strchr(err, ':');
	unsigned l, col;
	char sep;

	if (c && sscanf(c, ":%u:%u%c", &l, &col, &sep) == 3 && sep == ':')
		fprintf(stderr, "%s\n", err);
	else
		fprintf(stderr, "tcpconform: %s\n", err);
	return TC_EXIT_USAGE;
}

/* load_waivers - the --waivers files, or else (a stack the tool started) the stack's
 * own file next to the cases: CASES/waivers/STACK.waivers. */
static int load_waivers(struct run *R)
{
	char err[TC_ERRLEN], def[PATH_MAX];
	int i;

	if (R->o.no_waivers)
		return 0;
	for (i = 0; i < R->o.nwaiver_files; i++)
		if (tc_waivers_load(&R->waivers, R->o.waiver_files[i], err, sizeof(err)) < 0)
			return waiver_error(err);
	if (R->o.nwaiver_files || R->o.target)
		return 0;               /* a remote host's stack is not known: no default */
	/* a kernel in a virtual machine is Linux: its waivers, each kept to the kernels it names */
	snprintf(def, sizeof(def), "%s/waivers/%s.waivers", cli_cases_dir(R->o.cases),
		 R->stack == TC_STACK_KERNEL ? "linux" : tc_stack_info(R->stack)->name);
	if (access(def, R_OK) == 0 && tc_waivers_load(&R->waivers, def, err, sizeof(err)) < 0)
		return waiver_error(err);
	return 0;
}

/* tags_fit - @c has one of --tag's tags (when given) and none of --exclude-tag's. */
static int tags_fit(const struct run_opts *o, const struct tc_case *c)
{
	int any = !o->ntag;

	for (int i = 0; i < o->ntag; i++)
		any |= tc_case_has_tag(c, o->tags[i]);
	for (int i = 0; i < o->nxtag; i++)
		if (tc_case_has_tag(c, o->xtags[i]))
			return 0;
	return any;
}

/* in_shard - with --shard I/N, is @c in share I? Its id's hash (FNV-1a) decides, so
 * the shares do not depend on timing, order or machine, and both families of a case
 * go together. */
static int in_shard(const struct run_opts *o, const struct tc_case *c)
{
	uint32_t h = 2166136261u;

	if (!o->shard_n)
		return 1;
	for (const char *p = c->id; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return (int)(h % (uint32_t)o->shard_n) == o->shard_i - 1;
}

/* selection - the options that chose the cases, as one sentence (for merge). */
static void selection(const struct run *R, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "stack %s;%s%s", R->o.target ? "remote" : tc_stack_info(R->stack)->name,
				      R->o.fam[0] ? " ipv4" : "", R->o.fam[1] ? " ipv6" : "");

	for (int i = 0; i < R->o.nglob && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "; %s", R->o.globs[i]);
	for (int i = 0; i < R->o.ntag && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "; --tag %s", R->o.tags[i]);
	for (int i = 0; i < R->o.nxtag && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "; --exclude-tag %s", R->o.xtags[i]);
	if (off < len && (R->o.cases || R->o.no_matrix || R->o.matrix))
		snprintf(buf + off, len - off, "; cases %s%s%s", R->o.cases ? R->o.cases : "testcases",
			 R->o.matrix ? " --matrix" : "", R->o.no_matrix ? " --no-matrix" : "");
}

/* select_cases - load the case files, keep those the globs, tags and shard name. */
static int select_cases(struct run *R)
{
	size_t i;

	/* the matrix comes with the shipped cases; with --cases DIR only on request */
	if (cli_load_cases(&R->set, R->o.cases, R->o.matrix || (!R->o.cases && !R->o.no_matrix), 0))
		return TC_EXIT_USAGE;
	R->sel = tc_xcalloc(R->set.n, sizeof(*R->sel));
	/* the cases that set sysctls first, while nothing else is in flight (later, each
	 * would wait for every case running to end, the slow ones included); then the slow
	 * cases, so that their waits overlap all the others; then the others; then those
	 * tagged "serial", which start when the cases still running only wait (a timer
	 * case's minutes: the scheduler's beside_waits); those tagged "last" after all */
	for (int rank = 0; rank < 5; rank++)
		for (i = 0; i < R->set.n; i++) {
			const struct tc_case *c = R->set.v[i];
			int r = tc_case_has_tag(c, "last") ? 4 : c->nsysctl ? 0 : tc_case_has_tag(c, "serial") ? 3 :
				tc_case_has_tag(c, "slow") ? 1 : 2;

			if (r == rank && tc_case_selected(c, R->o.globs, R->o.nglob) && tags_fit(&R->o, c) &&
			    in_shard(&R->o, c))
				R->sel[R->nsel++] = R->set.v[i];
		}
	if (!R->nsel) {
		fprintf(stderr, "tcpconform: no case matches");
		for (i = 0; i < (size_t)R->o.nglob; i++)
			fprintf(stderr, " '%s'", R->o.globs[i]);
		for (i = 0; i < (size_t)R->o.ntag; i++)
			fprintf(stderr, " --tag %s", R->o.tags[i]);
		for (i = 0; i < (size_t)R->o.nxtag; i++)
			fprintf(stderr, " --exclude-tag %s", R->o.xtags[i]);
		fprintf(stderr, " (tcpconform list shows the ids)\n");
		for (i = 0; i < (size_t)R->o.nglob; i++)
			if (strchr(R->o.globs[i], '/') || strstr(R->o.globs[i], ".tcp")) {
				fprintf(stderr, "tcpconform: run takes case ids or globs of ids, not files; "
					"the cases of a directory of your own run with --cases DIR\n");
				break;
			}
		return TC_EXIT_USAGE;
	}
	return 0;
}

/* make_run_dir - OUTPUT/<yyyymmdd-hhmmss>-<pid>/pcap. */
static int make_run_dir(struct run *R)
{
	char stamp[32], pcap[PATH_MAX + 16];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (R->o.run_name)
		snprintf(R->dir, sizeof(R->dir), "%s/%s", R->o.outdir, R->o.run_name);
	else
		snprintf(R->dir, sizeof(R->dir), "%s/%s-%d", R->o.outdir, stamp, (int)getpid());
	snprintf(pcap, sizeof(pcap), "%s/pcap", R->dir);
	if (tc_mkdir_p(pcap) < 0) {
		fprintf(stderr, "tcpconform: cannot create %s: %s\n", pcap, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_reports(struct run *R)
{
	char path[PATH_MAX + 32], html[PATH_MAX + 32], err[TC_ERRLEN];
	char *xml = NULL;
	int rc;

	tc_path_analyze(R->res, R->nres, R->link_mtu, &R->path);
	/* a stack the tool started is on the tester's own link: nothing stands between
	 * them, so what looks like a middlebox is the stack's own doing (slirp sends its
	 * resets with TTL 255, its SYN-ACKs with 64); the facts stay, the findings go */
	if (!R->o.target)
		R->path.n = 0;
	R->info.path = &R->path;
	snprintf(path, sizeof(path), "%s/report.json", R->dir);
	snprintf(html, sizeof(html), "%s/report.html", R->dir);
	rc = tc_report_write(path, R->info.finished[0] ? html : NULL, &R->info, R->res, R->nres, &R->stats,
			     err, sizeof(err));
	if (rc == 0 && R->info.finished[0]) {
		xml = tc_report_junit(&R->info, R->res, R->nres);
		snprintf(path, sizeof(path), "%s/junit.xml", R->dir);
		rc = tc_write_file_atomic(path, xml, err, sizeof(err));
	}
	if (rc < 0)
		fprintf(stderr, "tcpconform: %s\n", err);
	free(xml);
	return rc;
}

/* point_latest_at - OUTDIR/latest -> @dir (a run directory in OUTDIR), replaced
 * atomically. */
void cli_point_latest_at(const char *outdir, const char *dir)
{
	char link[PATH_MAX + 16], tmp[PATH_MAX + 32];
	const char *base = strrchr(dir, '/');

	base = base ? base + 1 : dir;
	snprintf(link, sizeof(link), "%s/latest", outdir);
	snprintf(tmp, sizeof(tmp), "%s/.latest.%d", outdir, (int)getpid());
	unlink(tmp);
	if (symlink(base, tmp) < 0 || rename(tmp, link) < 0) {
		fprintf(stderr, "tcpconform: cannot point %s at %s: %s\n", link, base, strerror(errno));
		unlink(tmp);
	}
}

static void point_latest(struct run *R)
{
	cli_point_latest_at(R->o.outdir, R->dir);
}

static void on_done(void *arg, struct tc_result *r)
{
	struct run *R = arg;
	char path[PATH_MAX + 300], rel[300], err[TC_ERRLEN];

	if (r->ntrace) {
		snprintf(rel, sizeof(rel), "pcap/%s%s.pcap", r->c->id, r->family == 6 ? ".ipv6" : "");
		snprintf(path, sizeof(path), "%s/%s", R->dir, rel);
		if (tc_pcap_write(path, r, R->wall_offset_us, err, sizeof(err)) == 0)
			r->pcap = tc_xstrdup(rel);
		else
			tc_result_add_note(r, "pcap not written: %s", err);
	}
	if (R->o.dry_run && r->verdict != TC_V_SKIP) {
		r->verdict = TC_V_SKIP;
		free(r->div_expected);
		free(r->div_observed);
		r->div_expected = r->div_observed = NULL;
		tc_result_set_reason(r, "dry run: written to dry-run.pcap, nothing sent, nothing judged");
	}
	R->waivers.service = R->o.target ? R->o.service : NULL;
	/* the target's Linux release, for waivers kept to some kernels: this machine's in the
	 * namespaces, the booted one's; another stack's or a remote host's is none */
	R->waivers.kernel = R->kernel ? R->kernel->release : !R->o.target && R->stack == TC_STACK_LINUX ?
			    R->info.kernel : NULL;
	tc_result_waive(r, R->o.no_waivers ? NULL : &R->waivers);
	tc_result_judge_wait(r, R->wait_who);
	R->npass += r->verdict == TC_V_PASS;
	R->nfail += r->verdict == TC_V_FAIL;
	status_clear(R);
	if (R->o.tap)
		tc_tap_case(stdout, r);
	else if (!R->o.quiet || (r->verdict != TC_V_PASS && r->verdict != TC_V_SKIP && r->verdict != TC_V_XFAIL))
		tc_text_case(stdout, r, &R->txt);
	fflush(stdout);
}

static void fill_info(struct run *R)
{
	struct utsname u;
	int f;

	R->info.tool_version = TC_VERSION;
	R->info.mode = R->o.dry_run ? "dry-run" : R->o.target ? "remote" : "netns";
	R->info.stack = R->o.target ? "unknown" : tc_stack_info(R->stack)->name;
	R->info.jobs = R->o.jobs;
	R->info.jobs_max = R->o.jobs_max;
	selection(R, R->info.selection, sizeof(R->info.selection));
	if (R->o.shard_n)
		snprintf(R->info.shard, sizeof(R->info.shard), "%d/%d", R->o.shard_i, R->o.shard_n);
	R->info.seed = R->o.seed;
	if (!R->info.started[0])
		tc_wall_iso(NULL, R->info.started, sizeof(R->info.started));
	/* the kernel of the target: this machine's in a namespace; unknown for a remote host */
	if (R->o.target)
		snprintf(R->info.kernel, sizeof(R->info.kernel), "unknown (a remote host)");
	else if (uname(&u) == 0)
		snprintf(R->info.kernel, sizeof(R->info.kernel), "%s", u.release);
	if (!R->o.target)
		tc_stack_version(R->stack, R->ns.agent_path[0] ? R->ns.agent_path : NULL, R->info.stack_version,
				 sizeof(R->info.stack_version));
	if (R->kernel) {                /* a kernel in a virtual machine */
		const struct tc_vm_kernel *k = R->kernel;

		snprintf(R->info.kernel, sizeof(R->info.kernel), "%s", k->release[0] ? k->release : k->name);
		char v[PATH_MAX + 400];

		snprintf(v, sizeof(v), "Linux %s (%s %s%s%s), in a virtual machine", R->info.kernel,
			 k->package[0] ? "Debian package" : "the image", k->package[0] ? k->package : k->image,
			 k->version[0] ? " " : "", k->version);
		snprintf(R->info.stack_version, sizeof(R->info.stack_version), "%.319s", v);
		R->info.vm_accel = R->ns.vm.accel[0] ? R->ns.vm.accel : NULL;
		R->info.vm_accel_why = R->ns.vm.accel_why[0] ? R->ns.vm.accel_why : NULL;
		R->info.vm_boot_s = R->ns.vm.boot_s;
	}
	R->info.target_addr[0] = R->info.tester_addr[0] = '\0';
	for (f = 0; f < 2; f++) {
		char t[64], u2[64];
		size_t l1 = strlen(R->info.target_addr), l2 = strlen(R->info.tester_addr);

		if (!R->tg[f] || !R->tg[f]->family)
			continue;
		tc_addr_format(&R->tg[f]->target, t, sizeof(t));
		tc_addr_format(&R->tg[f]->tester, u2, sizeof(u2));
		snprintf(R->info.target_addr + l1, sizeof(R->info.target_addr) - l1, "%s%s", l1 ? " " : "", t);
		snprintf(R->info.tester_addr + l2, sizeof(R->info.tester_addr) - l2, "%s%s", l2 ? " " : "", u2);
	}
	snprintf(R->info.iface, sizeof(R->info.iface), "%s", R->remote ? R->rem.iface : R->ns.if_tester);
	if (R->remote)
		R->info.service = R->o.service ? R->o.service : "listen";
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* run_cases - every selected case, once per family, the two families side by side (the
 * IPv4 and the IPv6 run of a case start together; the report lists all IPv4 entries
 * first). 0, 1 (stopped), -1 (broken). */
static int run_cases(struct run *R)
{
	struct tc_clock clock = { .fake = R->o.dry_run, .now_us = 1 };
	struct tc_sched_opts so = { 0 };
	struct tc_run_env env[2];
	struct tc_sched_item *items = tc_xcalloc((size_t)R->nsel * 2 + 1, sizeof(*items));
	char err[TC_ERRLEN];
	int f, i, n = 0, nfam = 0, fi[2] = { -1, -1 }, rc;

	so.jobs = R->o.jobs;
	so.jobs_max = R->o.jobs_max;
	so.seed = R->o.seed;
	so.case_limit_us = 300 * 1000000ull;   /* a safety net: every step has its own time */
	so.stop = &stop_flag;
	so.on_done = on_done;
	so.arg = R;
	if (!R->o.dry_run && !R->remote)
		so.sysctl = run_sysctl;         /* the cases with @sysctl (Linux in namespaces: unmet.c) */
	if (!R->o.dry_run) {
		so.cpu_wait = run_cpu_wait;
		R->softirqd = tc_cpuwatch_softirqd(&R->cpu, 3);
		run_cpu_wait_who(R, R->wait_who, sizeof(R->wait_who));
	}
	if (R->status_on)
		so.on_progress = status_progress;
	R->ag = tc_agent_link_ops(R->ns.agent);
	if (!R->remote && R->stack != TC_STACK_LINUX) {        /* a stack we started: watched */
		so.health = run_stack_health;
		so.revive = run_stack_revive;
	} else if (R->remote && !R->o.dry_run) {
		so.health = run_remote_health;      /* the probe alone tells; nothing to start again */
	}
	for (f = 0; f < 2; f++) {
		memset(&env[f], 0, sizeof(env[f]));
		if (!R->tg[f])
			continue;
		env[f].tg = R->tg[f];
		env[f].io = &R->io;
		env[f].agent = R->ns.agent ? &R->ag : NULL;
		env[f].agent_seq = &R->agent_seq;       /* one agent serves both families */
		env[f].clock = &clock;
		env[f].port_lo = R->remote ? R->rem.port_lo : (uint16_t)(20000 + 20000 * f);
		env[f].port_hi = R->remote ? R->rem.port_hi : (uint16_t)(env[f].port_lo + 19999);
		fi[f] = nfam++;
	}
	for (i = 0; i < R->nsel; i++)
		for (f = 0; f < 2; f++)
			if (fi[f] >= 0)
				items[n++] = (struct tc_sched_item){ .c = R->sel[i], .r = &R->res[fi[f] * R->nsel + i],
								     .env = &env[f] };
	rc = tc_sched_run(items, n, &so, &R->stats, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "tcpconform: the run broke: %s\n", err);
	for (f = 0; f < 2; f++)         /* the path trace's probes take a port no case had */
		R->free_port[f] = fi[f] >= 0 && env[f].next_port && env[f].next_port <= env[f].port_hi ?
				  env[f].next_port : 0;
	free(items);
	return rc;
}

static int exit_code(struct run *R, int rc)
{
	struct tc_summary s;

	tc_summarize(R->res, R->nres, &s);
	if (stop_flag)
		return TC_EXIT_INTERRUPTED;
	if (rc < 0 || s.error)
		return TC_EXIT_USAGE;
	if (R->o.strict)
		return s.fail ? TC_EXIT_FAIL : TC_EXIT_OK;
	return s.fail_must ? TC_EXIT_FAIL : TC_EXIT_OK;
}

static void free_run(struct run *R)
{
	int i;

	for (i = 0; i < R->nres; i++)
		tc_result_free(&R->res[i]);
	free(R->trace_json);
	free(R->res);
	free(R->sel);
	tc_caseset_free(&R->set);
	for (i = 0; i < R->o.nsc; i++) {
		free(R->o.sk[i]);
		free(R->o.sv[i]);
	}
	for (i = 0; i < R->info.nsysctl; i++) {
		free(R->info.sysctl_keys[i]);
		free(R->info.sysctl_vals[i]);
	}
	free(R->info.sysctl_keys);
	free(R->info.sysctl_vals);
	tc_waivers_free(&R->waivers);
}

/* run_one - the whole run against one stack: cases, environment, reports. Its
 * verdicts go into @mx (when not NULL) as column @col. The exit status. */
static int run_one(const struct run_opts *o, enum tc_stack stack, struct tc_stackmx *mx, int col)
{
	struct run R;
	uint64_t t0 = tc_now_us(NULL);
	int rc = 0, nfam;

	memset(&R, 0, sizeof(R));
	R.ns.orig_ns = -1;
	R.ns.tap_fd = -1;
	R.o = *o;
	R.stack = stack;
	R.kernel = stack == TC_STACK_KERNEL ? o->kern[col] : NULL;
	if (stop_flag)
		return TC_EXIT_INTERRUPTED;
	if (rc == 0)
		rc = select_cases(&R);
	if (rc == 0)
		rc = load_waivers(&R);
	if (rc == 0 && geteuid() != 0 && !R.o.dry_run)
		rc = cli_usage_error(R.o.target ? "run needs root: it sends raw packets and installs an nftables table "
				     "(or try --dry-run, which needs none)"
				   : "run needs root: it makes network namespaces and sends raw packets");
	if (rc) {
		free_run(&R);
		return rc;
	}
	R.txt.color = R.o.color && !R.o.tap;
	R.txt.verbose = R.o.verbose;
	if (R.o.tap)
		printf("TAP version %d\n1..%d\n", R.o.tap, R.nsel * (R.o.fam[0] + R.o.fam[1]));     /* prove reads 13 */
	/* the status line: a terminal, colours on, not quiet */
	R.status_on = R.o.color && !R.o.quiet && !R.o.tap && isatty(1);
	{
		struct winsize ws;

		R.status_cols = ioctl(1, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 80;
	}
	nfam = R.o.fam[0] + R.o.fam[1];
	R.res = tc_xcalloc((size_t)(R.nsel * nfam), sizeof(*R.res));
	/* Every selected case is in the report from the start, as "notrun": a run
	 * killed before its end leaves a report that says what it was running. */
	R.nres = R.nsel * nfam;
	for (int i = 0; i < R.nres; i++) {
		tc_result_init(&R.res[i], R.sel[i % R.nsel]);
		R.res[i].family = R.o.fam[0] && i < R.nsel ? 4 : 6;
	}
	install_signals();
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		R.wall_offset_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - (int64_t)tc_now_us(NULL);
	}
	fill_info(&R);
	if (make_run_dir(&R) < 0 || write_reports(&R) < 0) {
		free_run(&R);
		return TC_EXIT_USAGE;
	}
	if (!stop_flag && run_setup(&R) == 0 && !stop_flag) {
		fill_info(&R);
		rc = run_cases(&R);
		if (rc == 0 && R.remote && !R.o.dry_run && !stop_flag && !R.o.trace_path) {
			/* what came back looks changed on the way: find the hop (as --trace-path) */
			tc_path_analyze(R.res, R.nsel * nfam, R.link_mtu, &R.path);
			if (R.path.n) {
				printf("path: what the target sent looks changed on the way; tracing the path "
				       "(--trace-path)\n");
				R.o.trace_path = 1;
			}
		}
		if (rc == 0 && R.o.trace_path && R.remote && !R.o.dry_run && !stop_flag)
			trace_path(&R);
	} else {
		rc = -1;
	}
	status_clear(&R);
	run_teardown(&R);
	R.nres = R.nsel * nfam;         /* cases never reached stay "notrun" */
	R.info.complete = rc == 0 && !stop_flag;
	if (stop_flag)
		R.info.interrupted = stop_flag == SIGINT ? "SIGINT" : stop_flag == SIGTERM ? "SIGTERM" : "SIGHUP";
	else if (rc < 0)
		R.info.interrupted = "environment error";
	tc_wall_iso(NULL, R.info.finished, sizeof(R.info.finished));
	R.info.wall_s = (double)(tc_now_us(NULL) - t0) / 1e6;
	if (write_reports(&R) < 0)
		rc = -2;
	if (!mx)
		point_latest(&R);
	else
		tc_stackmx_add(mx, col, R.res, R.nres);
	if (R.stats.deaths) {
		printf("target: %s; it stopped %d time%s and was started again %d time%s\n", R.stats.first_death,
		       R.stats.deaths, R.stats.deaths > 1 ? "s" : "", R.revived, R.revived == 1 ? "" : "s");
		printf("target: %s\n", R.stats.culprits[0] ? R.stats.culprits : "no case stops it when it runs alone");
		if (R.stats.culprits[0])
			printf("        (these cases stop it when they run alone: they fail)\n");
	}
	if (R.stats.capture_drops)
		printf("tester: the capture lost %u frames (the tester fell behind: try fewer cases at once, -j); "
		       "the verdicts of the cases then running are errors\n", R.stats.capture_drops);
	for (int i = 0; i < R.path.n; i++)    /* before the summary: the verdicts may judge a middlebox */
		printf("path [ipv%d]: %s\n", R.path.f[i].family, R.path.f[i].message);
	if (R.o.tap)            /* TAP: the summary as comments */
		printf("# reports: %s\n", R.dir);
	else
		tc_text_summary(stdout, R.res, R.nres, R.dir, (double)(tc_now_us(NULL) - t0) / 1e6, &R.txt);
	if (!R.info.complete)
		printf("the run is incomplete (%s): the report says \"complete\": false\n", R.info.interrupted);
	rc = rc == -2 ? TC_EXIT_USAGE : exit_code(&R, rc);
	free_run(&R);
	return rc;
}

/* trace_path - --trace-path: each family's probes, into R->trace_json and the terminal. */
static void trace_path(struct run *R)
{
	cJSON *root = cJSON_CreateObject();
	int i, j;

	for (i = 0; i < 2 && !stop_flag; i++) {
		const struct tc_target *tg = R->tg[i];
		struct tc_trace t;
		char err[TC_ERRLEN];
		cJSON *fam, *hops;

		if (!tg)
			continue;
		if (!R->free_port[i]) {
			fprintf(stderr, "tcpconform: --trace-path: the cases used every tester port of %u-%u: none "
				"is left for the probes\n", R->rem.port_lo, R->rem.port_hi);
			continue;
		}
		if (tc_trace_path(&R->io, tg, R->rem.iface, tg->ports[TC_PORT_LISTEN], R->free_port[i], &t, err,
				  sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: --trace-path: %s\n", err);
			continue;
		}
		fam = cJSON_AddObjectToObject(root, tg->family == 6 ? "ipv6" : "ipv4");
		hops = cJSON_AddArrayToObject(fam, "hops");
		for (j = 0; j < t.nhops; j++) {
			cJSON *h = cJSON_CreateObject();

			cJSON_AddNumberToObject(h, "ttl", t.hop[j].ttl);
			if (t.hop[j].addr[0])
				cJSON_AddStringToObject(h, "address", t.hop[j].addr);
			else
				cJSON_AddNullToObject(h, "address");
			cJSON_AddBoolToObject(h, "reached", t.hop[j].reached);
			cJSON_AddBoolToObject(h, "whole_quote", t.hop[j].whole);
			if (t.hop[j].changes[0])
				cJSON_AddStringToObject(h, "changes", t.hop[j].changes);
			else
				cJSON_AddNullToObject(h, "changes");
			cJSON_AddItemToArray(hops, h);
		}
		if (t.finding[0])
			cJSON_AddStringToObject(fam, "finding", t.finding);
		else
			cJSON_AddNullToObject(fam, "finding");
		printf("path trace [ipv%d]: %d hop%s, %s\n", tg->family, t.nhops, t.nhops == 1 ? "" : "s",
		       t.finding[0] ? t.finding : t.nhops && t.hop[t.nhops - 1].reached ?
		       "the SYN reached the target as sent, as far as the routers' quotes show" :
		       "the target did not answer within 16 hops");
	}
	R->trace_json = cJSON_PrintUnformatted(root);
	R->info.path_trace_json = R->trace_json;
	cJSON_Delete(root);
}

/* worse - the exit status of two runs together: interrupted, then usage, then fail. */
int cli_worse(int a, int b)
{
	static const int rank[] = { [TC_EXIT_OK] = 0, [TC_EXIT_FAIL] = 1, [TC_EXIT_USAGE] = 2 };

	if (a == TC_EXIT_INTERRUPTED || b == TC_EXIT_INTERRUPTED)
		return TC_EXIT_INTERRUPTED;
	return rank[a] >= rank[b] ? a : b;
}

int cli_run_one(const struct run_opts *o)
{
	return run_one(o, TC_STACK_LINUX, NULL, 0);
}

int cli_stopped(void)
{
	return stop_flag;
}

int cli_run_target(const struct run_opts *o, enum tc_stack stack, struct tc_stackmx *mx, int col)
{
	return run_one(o, stack, mx, col);
}

int cli_run(int argc, char **argv)
{
	struct run_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = run_parse_opts(&o, argc, argv);
	if (rc)
		return rc;
	if (o.targets)
		return cli_fleet(&o);
	return cli_columns(&o);
}
