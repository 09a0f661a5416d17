/* cli: the options of "tcpconform run": what each says, and what goes together. */
#include "cli.h"
#include "cli_run.h"
#include "env/remote.h"

#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int parse_num(const char *opt, const char *v, uint64_t max, uint64_t *out)
{
	if (!v || tc_parse_u64(v, max, out) < 0)
		return cli_usage_error("%s needs a number from 1 to %llu", opt, (unsigned long long)max);
	return 0;
}

static int opt_value(int argc, char **argv, int *i, const char **v)
{
	if (*i + 1 >= argc)
		return cli_usage_error("%s needs a value", argv[*i]);
	*v = argv[++*i];
	return 0;
}

static int parse_sysctl(struct run_opts *o, const char *v)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v || !eq[1] || strncmp(v, "net.", 4))
		return cli_usage_error("--sysctl needs KEY=VALUE with a net.* key, like net.ipv4.tcp_sack=0 (got '%s')", v);
	if (o->nsc >= 64)
		return cli_usage_error("too many --sysctl options");
	o->sk[o->nsc] = tc_xstrndup(v, (size_t)(eq - v));
	o->sv[o->nsc++] = tc_xstrdup(eq + 1);
	return 0;
}

/* remote_opts - the checks of --target: its family decides -4/-6; no --sysctl. */
static int remote_opts(struct run_opts *o)
{
	struct tc_addr a;
	char err[TC_ERRLEN];

	if (tc_remote_check_target(o->target, &a, err, sizeof(err)) < 0)
		return cli_usage_error("%s", err);
	if (!o->port)
		return cli_usage_error("--target needs --port P: a port that listens on the target");
	if (!o->service && tc_remote_service_guess(o->port)) {
		o->service = tc_remote_service_guess(o->port);
		fprintf(stderr, "tcpconform: port %u is taken for %s (--service %s); --service says otherwise\n",
			o->port, !strcmp(o->service, "http") ? "a web server" : "a server that greets first", o->service);
	}
	if (o->http_path && strcmp(o->service ? o->service : "listen", "http"))
		return cli_usage_error("--http-path names a web server's page: it goes with --service http");
	if ((a.family == 4 && o->fam[1] && !o->fam[0]) || (a.family == 6 && o->fam[0] && !o->fam[1]))
		return cli_usage_error("-%d does not go with the IPv%d target %s", a.family == 4 ? 6 : 4, a.family, o->target);
	if (o->nsc)
		return cli_usage_error("--sysctl sets the target namespace's sysctls: a remote host's cannot be set");
	o->fam[0] = a.family == 4;
	o->fam[1] = a.family == 6;
	return 0;
}

/* parse_shard - "I/N", 1 <= I <= N <= 1000 (--shard, or CI_NODE_INDEX/CI_NODE_TOTAL as
 * CI matrices set them, @what naming which). */
static int parse_shard(struct run_opts *o, const char *what, const char *v)
{
	uint64_t i, n;
	const char *slash = strchr(v, '/');
	char num[24];

	if (!slash || (size_t)(slash - v) >= sizeof(num))
		return cli_usage_error("%s needs I/N, the share I of N (1 <= I <= N <= 1000), like 2/3 (got '%s')", what, v);
	memcpy(num, v, (size_t)(slash - v));
	num[slash - v] = '\0';
	if (tc_parse_u64(num, 1000, &i) < 0 || tc_parse_u64(slash + 1, 1000, &n) < 0 || !i || !n || i > n)
		return cli_usage_error("%s needs I/N, the share I of N (1 <= I <= N <= 1000), like 2/3 (got '%s')", what, v);
	o->shard_i = (int)i;
	o->shard_n = (int)n;
	return 0;
}

/* add_column - one more target to start: @s, with @kernel (--kernel's VERSION, or
 * NULL); a repeat is dropped. 0 or the usage status. */
static int add_column(struct run_opts *o, enum tc_stack s, const char *kernel)
{
	for (int i = 0; i < o->nstack; i++)
		if (o->stacks[i] == s && (s != TC_STACK_KERNEL || !strcmp(o->kernels[i], kernel)))
			return 0;
	if (o->nstack >= TC_MAX_COLUMNS)
		return cli_usage_error("at most %d stacks and kernels in one run", TC_MAX_COLUMNS);
	o->stacks[o->nstack] = s;
	o->kernels[o->nstack++] = kernel;
	return 0;
}

/* parse_stacks - "lwip", "lwip,gvisor" or "all" (every stack, Linux first). */
static int parse_stacks(struct run_opts *o, const char *v)
{
	char buf[256], *save = NULL, *t;
	int n = 0;

	if (!strcmp(v, "all")) {
		for (int i = 0; i < TC_STACK__COUNT; i++)
			if (i != TC_STACK_KERNEL && add_column(o, (enum tc_stack)i, NULL))
				return TC_EXIT_USAGE;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", v);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), n++) {
		enum tc_stack s;

		if (tc_stack_parse(t, &s) < 0)
			return cli_usage_error("--stack takes %s, a comma list of them, or all (got '%s')",
					       tc_stack_names(), t);
		if (add_column(o, s, NULL))
			return TC_EXIT_USAGE;
	}
	if (!n)
		return cli_usage_error("--stack takes %s, a comma list of them, or all", tc_stack_names());
	return 0;
}

/* parse_kernels - "6.1", "6.1,6.12,host", a path: each a column (host: the linux
 * stack, this machine's kernel). The VERSIONs are found later (cli_run). */
static int parse_kernels(struct run_opts *o, const char *v)
{
	char *buf = tc_xstrdup(v), *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), n++)
		if (add_column(o, strcmp(t, "host") ? TC_STACK_KERNEL : TC_STACK_LINUX,
			       strcmp(t, "host") ? t : NULL))
			return TC_EXIT_USAGE;   /* @buf is the columns' now: not freed */
	if (!n)
		return cli_usage_error("--kernel takes a Debian kernel version (6.1, 6.12, 6.1.0-57), a kernel "
				       "image's path, host, or a comma list of them");
	return 0;
}

int run_parse_opts(struct run_opts *o, int argc, char **argv)
{
	uint64_t n;
	const char *v = NULL;
	int i;

	o->jobs = 16;                   /* no -j: from 16, between 8 and 64 as the tester keeps up */
	o->jobs_max = 64;
	o->outdir = "reports";
	o->color = isatty(1) && !getenv("NO_COLOR");
	o->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	o->globs = argv + 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || (!strncmp(a, "-j", 2) && a[2])) {
			v = a[2] && a[1] == 'j' ? a + 2 : NULL;
			if (!v && opt_value(argc, argv, &i, &v))
				return TC_EXIT_USAGE;
			if (tc_parse_u64(v, 256, &n) < 0 || n == 0)
				return cli_usage_error("-j needs a number from 1 to 256 (got '%s')", v);
			o->jobs = (int)n;
			o->jobs_max = 0;
		} else if (!strcmp(a, "-4")) {
			o->fam[0] = 1;
		} else if (!strcmp(a, "-6")) {
			o->fam[1] = 1;
		} else if (!strcmp(a, "--cases")) {
			if (opt_value(argc, argv, &i, &o->cases))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (opt_value(argc, argv, &i, &o->outdir))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--agent")) {
			if (opt_value(argc, argv, &i, &o->agent))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--sysctl")) {
			if (opt_value(argc, argv, &i, &v) || parse_sysctl(o, v))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--seed")) {
			if (opt_value(argc, argv, &i, &v) || parse_num(a, v, UINT64_MAX, &o->seed))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose = 1;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = 1;
		} else if (!strcmp(a, "--no-color")) {
			o->color = 0;
		} else if (!strcmp(a, "--strict")) {
			o->strict = 1;
		} else if (!strcmp(a, "--target")) {
			if (opt_value(argc, argv, &i, &o->target))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--port") || !strcmp(a, "--closed-port")) {
			if (opt_value(argc, argv, &i, &v) || parse_num(a, v, 65535, &n))
				return TC_EXIT_USAGE;
			if (n == 0)
				return cli_usage_error("%s needs a number from 1 to 65535", a);
			if (a[2] == 'p')
				o->port = (uint16_t)n;
			else
				o->closed_port = (uint16_t)n;
		} else if (!strcmp(a, "--trace-path")) {
			o->trace_path = 1;
		} else if (!strcmp(a, "--targets")) {
			if (opt_value(argc, argv, &i, &o->targets))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--service")) {
			if (opt_value(argc, argv, &i, &o->service))
				return TC_EXIT_USAGE;
			if (!tc_remote_service_known(o->service))
				return cli_usage_error("--service takes " TC_SERVICES " (what the application behind "
						       "--port does), not '%s'", o->service);
		} else if (!strcmp(a, "--http-path")) {
			if (opt_value(argc, argv, &i, &o->http_path))
				return TC_EXIT_USAGE;
			if (o->http_path[0] != '/' || strlen(o->http_path) > 200 || strpbrk(o->http_path, " \t\r\n"))
				return cli_usage_error("--http-path takes a path that starts with '/', without blanks and "
						       "shorter than 200 characters (the page of a request line), not '%s'",
						       o->http_path);
		} else if (!strcmp(a, "--iface")) {
			if (opt_value(argc, argv, &i, &o->iface))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--source")) {
			if (opt_value(argc, argv, &i, &o->source))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--rate")) {
			if (opt_value(argc, argv, &i, &v) || parse_num(a, v, 100000, &n) || n == 0)
				return n == 0 && v ? cli_usage_error("--rate needs packets per second, 1 to 100000") : TC_EXIT_USAGE;
			o->rate = (int)n;
			o->rate_set = 1;
		} else if (!strcmp(a, "--dry-run")) {
			o->dry_run = 1;
		} else if (!strcmp(a, "--tag") || !strcmp(a, "--exclude-tag")) {
			int x = a[2] == 'e';

			if (opt_value(argc, argv, &i, &v))
				return TC_EXIT_USAGE;
			if ((x ? o->nxtag : o->ntag) >= 16)
				return cli_usage_error("at most 16 %s options", a);
			if (!*v || strpbrk(v, " \t,"))
				return cli_usage_error("%s takes one tag, like slow (got '%s')", a, v);
			if (x)
				o->xtags[o->nxtag++] = v;
			else
				o->tags[o->ntag++] = v;
		} else if (!strcmp(a, "--format")) {
			if (opt_value(argc, argv, &i, &v))
				return TC_EXIT_USAGE;
			if (strcmp(v, "tap") && strcmp(v, "tap14") && strcmp(v, "text"))
				return cli_usage_error("--format takes text (the default), tap (TAP 13) or tap14 (got '%s')", v);
			o->tap = !strcmp(v, "tap") ? 13 : !strcmp(v, "tap14") ? 14 : 0;
		} else if (!strcmp(a, "--shard")) {
			if (opt_value(argc, argv, &i, &v) || parse_shard(o, a, v))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--quick")) {
			if (o->nxtag >= 16)
				return cli_usage_error("at most 16 --exclude-tag options");
			o->xtags[o->nxtag++] = "slow";
		} else if (!strcmp(a, "--stack")) {
			if (opt_value(argc, argv, &i, &v) || parse_stacks(o, v))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--kernel")) {
			if (opt_value(argc, argv, &i, &v) || parse_kernels(o, v))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--no-matrix")) {
			o->no_matrix = 1;
		} else if (!strcmp(a, "--matrix")) {
			o->matrix = 1;
		} else if (!strcmp(a, "--no-waivers")) {
			o->no_waivers = 1;
		} else if (!strcmp(a, "--waivers")) {
			if (opt_value(argc, argv, &i, &v))
				return TC_EXIT_USAGE;
			if (o->nwaiver_files >= 16)
				return cli_usage_error("at most 16 --waivers files");
			o->waiver_files[o->nwaiver_files++] = v;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("unknown option '%s' for run (see --help)", a);
		} else {
			o->globs[o->nglob++] = argv[i];
		}
	}
	if (!o->shard_n && getenv("CI_NODE_INDEX") && getenv("CI_NODE_TOTAL")) {
		char ci[48];

		snprintf(ci, sizeof(ci), "%s/%s", getenv("CI_NODE_INDEX"), getenv("CI_NODE_TOTAL"));
		if (parse_shard(o, "CI_NODE_INDEX/CI_NODE_TOTAL", ci))
			return TC_EXIT_USAGE;
	}
	if (o->no_waivers && o->nwaiver_files)
		return cli_usage_error("--waivers and --no-waivers exclude each other");
	if (o->matrix && o->no_matrix)
		return cli_usage_error("--matrix and --no-matrix exclude each other");
	if (o->targets && (o->target || o->port || o->closed_port || o->service || o->nstack || o->nsc))
		return cli_usage_error("--targets FILE names the hosts, their ports and services: it does not go with "
				       "--target, --port, --closed-port, --service, --stack, --kernel or --sysctl");
	if (o->targets) {
		o->fam[0] = o->fam[1] = 1;
		return 0;
	}
	if (o->target && o->nstack)
		return cli_usage_error("--stack and --kernel start a target on this machine; --target probes a host "
				       "that runs its own");
	if (o->target)
		return remote_opts(o);
	if (!o->nstack)
		o->stacks[o->nstack++] = TC_STACK_LINUX;
	for (i = 0; i < o->nstack; i++)
		if (o->stacks[i] != TC_STACK_LINUX && o->stacks[i] != TC_STACK_KERNEL && o->nsc)
			return cli_usage_error("--sysctl sets the Linux target's sysctls: %s is not Linux",
					       tc_stack_info(o->stacks[i])->name);
	if (o->port || o->closed_port || o->service || o->http_path || o->iface || o->source || o->rate_set ||
	    o->dry_run || o->trace_path)
		return cli_usage_error("--port, --closed-port, --service, --http-path, --iface, --source, --rate, "
				       "--trace-path and --dry-run go with --target ADDR");
	if (!o->fam[0] && !o->fam[1])
		o->fam[0] = o->fam[1] = 1;      /* both families by default */
	return 0;
}
