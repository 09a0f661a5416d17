/* cli: the environments of "tcpconform run": Linux in a pair of network namespaces
 * (the default), a remote host (--target), or nothing at all (--dry-run). */
#include "cli.h"
#include "cli_run.h"

#include "env/cmd.h"
#include "io/agentc.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int open_live(struct run *R);

/* ensure_stack - what the stack needs and this machine lacks (its agent program, its
 * proxy) is built and installed by the source tree's "make stacks", when tcpconform
 * runs from one (build/tcpconform beside the Makefile). 0, or -1 (printed). */
static int ensure_stack(struct run *R, const char *agent)
{
	const struct tc_stack_info *si = tc_stack_info(R->stack);
	char top[PATH_MAX + 8], build[PATH_MAX], mk[PATH_MAX + 32], err[TC_ERRLEN], *slash;

	if (R->stack == TC_STACK_LINUX || (access(agent, X_OK) == 0 && (!si->proxy || tc_have_tool(si->proxy))))
		return 0;
	snprintf(build, sizeof(build), "%s", agent);
	slash = strrchr(build, '/');
	if (slash)
		*slash = '\0';
	snprintf(top, sizeof(top), "%s/..", build);
	snprintf(mk, sizeof(mk), "%s/Makefile", top);
	if (!slash || access(mk, R_OK) < 0) {
		fprintf(stderr, "tcpconform: %s is missing%s: '%s' in tcpconform's source tree installs and builds it\n",
			access(agent, X_OK) ? agent : si->proxy, access(agent, X_OK) ? "" : " (not installed)", si->build);
		return -1;
	}
	fprintf(stderr, "tcpconform: %s needs %s: running 'make stacks' in %s (once)\n", si->name,
		access(agent, X_OK) ? agent : si->proxy, top);
	{
		char *argv[] = { "make", "--no-print-directory", "-C", top, "BUILD=", "stacks", NULL };
		char bv[PATH_MAX + 8];

		snprintf(bv, sizeof(bv), "BUILD=%s", build);
		argv[4] = bv;
		if (tc_cmd(argv, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: make stacks failed: %s\n", err);
			return -1;
		}
	}
	return 0;
}

/* setup_netns - the namespaces, the stack and its agent, and capture and injection in
 * them. */
static int setup_netns(struct run *R)
{
	const struct tc_stack_info *si = tc_stack_info(R->stack);
	struct tc_netns_cfg cfg = { 0 };
	char err[TC_ERRLEN], agent[PATH_MAX], vminit[PATH_MAX];
	ssize_t n;

	if (R->o.agent && R->stack != TC_STACK_LWIP && R->stack != TC_STACK_GVISOR) {
		snprintf(agent, sizeof(agent), "%s", R->o.agent);
	} else {
		n = readlink("/proc/self/exe", agent, sizeof(agent) - 32);
		agent[n > 0 ? n : 0] = '\0';
		if (strrchr(agent, '/'))
			strcpy(strrchr(agent, '/') + 1, si->program);
	}
	if (ensure_stack(R, agent) < 0)
		return -1;
	cfg.stack = R->stack;
	cfg.agent_path = agent;
	cfg.sysctl_keys = R->o.sk;
	cfg.sysctl_vals = R->o.sv;
	cfg.nsysctl = R->o.nsc;
	cfg.verbose = R->o.verbose;
	if (R->stack == TC_STACK_KERNEL) {
		snprintf(vminit, sizeof(vminit), "%s", agent);
		if (strrchr(vminit, '/'))
			strcpy(strrchr(vminit, '/') + 1, "tcpconform-vminit");
		cfg.kernel = R->kernel;
		cfg.vminit_path = vminit;
		cfg.stopped = cli_stopped;
		printf("kernel: booting Linux %s in a virtual machine\n", R->kernel->release[0] ? R->kernel->release : R->kernel->name);
		fflush(stdout);
	}
	if (tc_netns_setup(&R->ns, &cfg, err, sizeof(err)) < 0) {
		if (R->stack == TC_STACK_KERNEL) {
			fprintf(stderr, "tcpconform: cannot run Linux %s in a virtual machine: %s\n",
				R->kernel->release[0] ? R->kernel->release : R->kernel->name, err);
			return -1;
		}
		fprintf(stderr, "tcpconform: cannot set up the network namespaces%s%s: %s\n",
			R->stack == TC_STACK_LINUX ? "" : " for ", R->stack == TC_STACK_LINUX ? "" : si->title, err);
		return -1;
	}
	/* The snapshot outlives the namespaces: the report is written after teardown. */
	R->info.sysctl_keys = R->ns.sc_keys;
	R->info.sysctl_vals = R->ns.sc_vals;
	R->info.nsysctl = R->ns.nsc;
	R->ns.sc_keys = R->ns.sc_vals = NULL;
	R->ns.nsc = 0;
	return open_live(R);
}

/* open_live - capture and injection on the tester's link; a proxy's MAC is asked for
 * (ARP, neighbour discovery) before the first case. */
static int open_live(struct run *R)
{
	struct tc_live_cfg lc = { 0 };
	char err[TC_ERRLEN];

	tc_live_close(R->live);
	lc.iface = R->ns.if_tester;
	lc.tester[0] = R->ns.tg[0].tester;
	lc.target[0] = R->ns.tg[0].target;
	lc.tester[1] = R->ns.tg[1].tester;
	lc.target[1] = R->ns.tg[1].target;
	memcpy(lc.tester_mac, R->ns.tg[0].tester_mac, 6);
	lc.answer_arp = 1;              /* the tester's address is no kernel's there */
	R->live = tc_live_open(&lc, err, sizeof(err));
	if (!R->live) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return -1;
	}
	R->io = tc_live_io(R->live);
	R->link_mtu = tc_live_mtu(R->ns.if_tester);
	R->ns.tg[0].mtu = R->ns.tg[1].mtu = R->link_mtu > 0 ? R->link_mtu : 0;
	if (!tc_stack_info(R->stack)->proxy)
		return 0;
	for (int f = 0; f < 2; f++)
		if (R->o.fam[f] && tc_live_resolve(R->live, &R->ns.tg[f].target, R->ns.tg[f].target_mac, 3000,
						   err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: %s\n", err);
			return -1;
		}
	return 0;
}

/* steps_sizes - the N of every 'agent send N' of @st (branches too) not yet in @v. */
static int steps_sizes(const struct tc_step *st, int nst, uint32_t *v, int n, int max)
{
	int j, k;

	for (j = 0; j < nst; j++) {
		for (k = 0; st[j].kind == TC_STEP_ALT && k < st[j].nbr; k++)
			n = steps_sizes(st[j].br[k].steps, st[j].br[k].nsteps, v, n, max);
		if (st[j].kind != TC_STEP_AGENT || st[j].verb != TC_AG_SEND)
			continue;
		for (k = 0; k < n && v[k] != st[j].arg; k++)
			;
		if (k == n && n < max)
			v[n++] = st[j].arg;
	}
	return n;
}

/* send_sizes - the N of every 'agent send N' of the run's cases, each once: what a web
 * server is to answer with (--service http). Their number. */
static int send_sizes(const struct tc_caseset *set, uint32_t *v, int max)
{
	size_t i;
	int n = 0;

	for (i = 0; i < set->n; i++)
		n = steps_sizes(set->v[i]->steps, set->v[i]->nsteps, v, n, max);
	return n;
}

/* setup_remote - the drop table, the reserved ports, and the path to the target. */
static int setup_remote(struct run *R)
{
	struct tc_remote_cfg rc = { 0 };
	uint32_t sizes[TC_REMOTE_SIZES];
	struct tc_live_cfg lc = { 0 };
	char err[TC_ERRLEN], path[PATH_MAX + 32];
	int f;

	rc.target = R->o.target;
	rc.port = R->o.port;
	rc.closed_port = R->o.closed_port;
	rc.service = R->o.service;
	rc.http_path = R->o.http_path;
	rc.sizes = sizes;
	rc.nsizes = send_sizes(&R->set, sizes, TC_REMOTE_SIZES);
	rc.iface = R->o.iface;
	rc.source = R->o.source;
	{
		struct tc_addr t;

		if (tc_addr_parse(&t, R->o.target) < 0) {
			fprintf(stderr, "tcpconform: --target needs an IPv4 or IPv6 address, not '%s'\n", R->o.target);
			return -1;
		}
		/* a dry run changes nothing, not even which block the next run takes */
		f = R->o.dry_run ? 0 : tc_remote_next_block(8, &t);
	}
	if (f < 0) {
		fprintf(stderr, "tcpconform: every block of tester ports (%d-%d) has reserved ports "
			"(net.ipv4.ip_local_reserved_ports) or ports of this host's connections to the target; "
			"'tcpconform cleanup' frees those of killed runs\n",
			TC_REMOTE_PORT_BASE, TC_REMOTE_PORT_BASE + 8 * TC_REMOTE_BLOCK - 1);
		return -1;
	}
	rc.port_lo = (uint16_t)(TC_REMOTE_PORT_BASE + f * TC_REMOTE_BLOCK);
	rc.port_hi = (uint16_t)(rc.port_lo + TC_REMOTE_BLOCK - 1);
	rc.dry_run = R->o.dry_run;
	if (tc_remote_setup(&R->rem, &rc, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return -1;
	}
	R->remote = 1;
	f = R->rem.tg.family == 6;
	R->tg[f] = &R->rem.tg;
	R->tg[!f] = NULL;
	R->link_mtu = tc_live_mtu(R->rem.iface);
	R->rem.tg.mtu = R->link_mtu > 0 ? R->link_mtu : 0;
	if (R->o.dry_run) {
		snprintf(path, sizeof(path), "%s/dry-run.pcap", R->dir);
		R->dry = tc_dry_open(path, R->rem.tg.link, err, sizeof(err));
		if (!R->dry) {
			fprintf(stderr, "tcpconform: %s\n", err);
			return -1;
		}
		R->io = tc_dry_io(R->dry);
		return 0;
	}
	lc.iface = R->rem.iface;
	lc.tester[0] = R->rem.tg.tester;
	lc.target[0] = R->rem.tg.target;
	memcpy(lc.tester_mac, R->rem.tg.tester_mac, 6);
	lc.raw = !R->rem.same_link;
	lc.only_targets = 1;
	lc.rate = R->o.rate_set ? R->o.rate : 200;
	R->live = tc_live_open(&lc, err, sizeof(err));
	if (!R->live) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return -1;
	}
	if (R->rem.same_link && tc_live_resolve(R->live, &R->rem.next_hop, R->rem.tg.target_mac, 3000, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return -1;
	}
	R->io = tc_live_io(R->live);
	return 0;
}

int run_reopen(struct run *R)
{
	return open_live(R);
}

int run_setup(struct run *R)
{
	if (R->o.target)
		return setup_remote(R);
	if (setup_netns(R) < 0)
		return -1;
	R->tg[0] = R->o.fam[0] ? &R->ns.tg[0] : NULL;
	R->tg[1] = R->o.fam[1] ? &R->ns.tg[1] : NULL;
	return 0;
}

void run_teardown(struct run *R)
{
	tc_live_close(R->live);
	R->live = NULL;
	tc_dry_close(R->dry);
	R->dry = NULL;
	if (R->remote)
		tc_remote_teardown(&R->rem);
	else
		tc_netns_teardown(&R->ns);
}

/* run_stack_health - is the stack we started alive (its processes)? */
int run_stack_health(void *arg, char *why, size_t whylen)
{
	return tc_netns_alive(&((struct run *)arg)->ns, why, whylen);
}

/* run_sysctl - a case's @sysctl, in the target's namespace (the scheduler's sysctl). */
int run_sysctl(void *arg, const char *key, const char *val, char *old, size_t oldlen, char *err, size_t errlen)
{
	return tc_netns_sysctl(&((struct run *)arg)->ns, key, val, old, oldlen, err, errlen);
}

/* run_cpu_wait - how long the processes the verdicts rest on have waited for a CPU: the
 * stack we started (its agent, or the agent and the proxy) and the tester. */
uint64_t run_cpu_wait(void *arg)
{
	struct run *R = arg;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	R->cpu.pid[0] = (long)getpid();
	R->cpu.pid[1] = R->remote ? 0 : R->ns.agent_pid;   /* a restart changes them */
	R->cpu.pid[2] = R->remote ? 0 : R->ns.proxy_pid;
	return tc_cpuwatch_read(&R->cpu, (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

/* run_cpu_wait_who - those processes, named for a reason. */
void run_cpu_wait_who(struct run *R, char *buf, size_t len)
{
	const struct tc_stack_info *si = tc_stack_info(R->stack);
	const char *kernel = R->softirqd ? " and the kernel's softirq threads" : "";
	char app[64] = "";             /* what runs the target's side, when we started it */

	if (R->remote)
		;
	else if (si->proxy)
		snprintf(app, sizeof(app), "%s, the agent", si->proxy);
	else if (R->stack == TC_STACK_LINUX)
		snprintf(app, sizeof(app), "the agent");
	else
		snprintf(app, sizeof(app), "the stack's process (%s)", si->program);
	snprintf(buf, len, "%s%s the tester%s", app, !app[0] ? "" : R->softirqd ? "," : " and", kernel);
	if (!app[0])
		memmove(buf, buf + 1, strlen(buf));    /* no leading blank */
}

/* run_remote_health - a host we do not control: no process to watch. A failure that a dead
 * target would explain waits for the probe (a SYN to the listening port), whose answer
 * tells whether the host, or the service behind the port, is gone. */
int run_remote_health(void *arg, char *why, size_t whylen)
{
	return 1;
}

/* run_stack_revive - the stack again, its agent channel, and (pasta makes its TAP anew)
 * capture and injection. */
int run_stack_revive(void *arg, char *why, size_t whylen)
{
	struct run *R = arg;

	if (tc_netns_restart(&R->ns, why, whylen) < 0)
		return -1;
	R->ag = tc_agent_link_ops(R->ns.agent);
	if (R->stack == TC_STACK_PASST && run_reopen(R) < 0)
		return tc_errf(why, whylen, "capture on the new TAP failed");
	R->revived++;
	return 0;
}
