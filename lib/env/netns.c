/* env: the netns environment. */
#include "env/netns.h"
#include "env/cmd.h"
#include "io/agentc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_DIR "/run/netns"
#define NS_PREFIX "tcpconform-"

static const uint8_t mac_tester[6] = { 0x02, 0x74, 0x63, 0x00, 0x00, 0x01 };
static const uint8_t mac_target[6] = { 0x02, 0x74, 0x63, 0x00, 0x00, 0x02 };

/* Ports of the agent's behaviours (well-known where there is one). */
static const uint16_t agent_ports[TC_PORT__COUNT] = {
	[TC_PORT_LISTEN] = 9, [TC_PORT_ECHO] = 7, [TC_PORT_DISCARD] = 9, [TC_PORT_SEND] = 19,
	[TC_PORT_CLOSE] = 5001, [TC_PORT_ABORT] = 5002, [TC_PORT_NOREAD] = 5003,
	[TC_PORT_CLOSED] = 5999,
};

static int enter_ns(const char *name, char *err, size_t errlen)
{
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), NS_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tc_errf(err, errlen, "open %s: %s", path, strerror(errno));
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	if (rc < 0)
		return tc_errf(err, errlen, "setns %s: %s", name, strerror(errno));
	return 0;
}

/* vm_sysctl - the guest's sysctl, through its agent. */
static int vm_sysctl(struct tc_netns *e, const char *key, const char *val, char *old, size_t oldlen,
		     char *err, size_t errlen)
{
	char cmd[512], reply[512];

	if (!e->agent)
		return tc_errf(err, errlen, "the machine's agent is not running");
	snprintf(cmd, sizeof(cmd), "sysctl %s%s%s", key, val ? " " : "", val ? val : "");
	if (tc_agent_link_call(e->agent, cmd, 5000, reply, sizeof(reply)) < 0)
		return tc_errf(err, errlen, "%s", reply);
	if (old)
		snprintf(old, oldlen, "%s", reply);
	return 0;
}

int tc_netns_sysctl(struct tc_netns *e, const char *key, const char *val, char *old, size_t oldlen,
		    char *err, size_t errlen)
{
	char back[TC_ERRLEN];
	int rc;

	if (e->stack == TC_STACK_KERNEL)
		return vm_sysctl(e, key, val, old, oldlen, err, errlen);
	if (enter_ns(e->ns_target, err, errlen) < 0)
		return -1;
	rc = old && tc_sysctl_read(key, old, oldlen) < 0 ? tc_errf(err, errlen, "cannot read %s", key) :
	     tc_sysctl_write(key, val, err, errlen);
	if (enter_ns(e->ns_tester, back, sizeof(back)) < 0) {
		fprintf(stderr, "tcpconform: %s\n", back);
		return tc_errf(err, errlen, "%s", back);
	}
	return rc;
}

/* kill_ns_pids - SIGKILL every process inside namespace @name. */
static void kill_ns_pids(const char *name)
{
	char path[300], link[128], want[128];
	struct stat st;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), NS_DIR "/%s", name);
	if (stat(path, &st) < 0)
		return;
	snprintf(want, sizeof(want), "net:[%lu]", (unsigned long)st.st_ino);
	d = opendir("/proc");
	if (!d)
		return;
	while ((de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!strcmp(link, want))
			kill((pid_t)atoi(de->d_name), SIGKILL);
	}
	closedir(d);
}

static void del_ns(const char *name)
{
	char err[TC_ERRLEN];

	kill_ns_pids(name);
	tc_cmdf(err, sizeof(err), "ip netns del %s", name);
}

int tc_netns_cleanup_stale(char *err, size_t errlen)
{
	DIR *d = opendir(NS_DIR);
	struct dirent *de;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : tc_errf(err, errlen, "%s: %s", NS_DIR, strerror(errno));
	while ((de = readdir(d))) {
		long pid;
		char *end;

		if (strncmp(de->d_name, NS_PREFIX, strlen(NS_PREFIX)))
			continue;
		pid = strtol(de->d_name + strlen(NS_PREFIX), &end, 10);
		if (end == de->d_name + strlen(NS_PREFIX) || *end != '-' || tc_owner_alive(pid))
			continue;
		del_ns(de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static void fill_target(struct tc_netns *e, struct tc_target *tg, int family)
{
	const struct tc_stack_info *si = tc_stack_info(e->stack);

	memset(tg, 0, sizeof(*tg));
	tg->family = family;
	tg->link = TC_LINK_ETH;
	tc_addr_parse(&tg->tester, family == 4 ? si->tester4 : si->tester6);
	tc_addr_parse(&tg->target, family == 4 ? si->target4 : si->target6);
	memcpy(tg->tester_mac, mac_tester, 6);
	memcpy(tg->target_mac, mac_target, 6);  /* a proxy's is learnt after setup */
	memcpy(tg->ports, agent_ports, sizeof(agent_ports));
	tg->have_agent = 1;
	tg->listen_per_case = tc_stack_info(e->stack)->proxy != NULL;
	tg->is_linux = e->stack == TC_STACK_LINUX || e->stack == TC_STACK_KERNEL;
	tg->sets_sysctls = tg->is_linux;
	tg->mode = "netns";
	tg->own_link = 1;
}

static void macstr(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* make_links - the veth pair, born inside the two namespaces (never in ours). */
static int make_links(struct tc_netns *e, char *err, size_t errlen)
{
	char mt[24], mu[24];

	macstr(mac_tester, mt, sizeof(mt));
	macstr(mac_target, mu, sizeof(mu));
	return tc_cmdf(err, errlen, "ip link add name %s netns %s address %s type veth peer name %s netns %s address %s",
		       e->if_tester, e->ns_tester, mt, e->if_target, e->ns_target, mu);
}

/* setup_target - inside the target namespace: addresses, neighbours, offloads, sysctls. */
static int setup_target(struct tc_netns *e, const struct tc_netns_cfg *cfg, char *err, size_t errlen)
{
	char mt[24];
	const char *i = e->if_target;
	int k;

	macstr(mac_tester, mt, sizeof(mt));
	if (enter_ns(e->ns_target, err, errlen) < 0 ||
	    tc_cmdf(err, errlen, "ip link set lo up") < 0 ||
	    tc_sysctl_write("net.ipv6.conf.default.accept_dad", "0", err, errlen) < 0 ||
	    tc_cmdf(err, errlen, "ip addr add 198.18.0.2/24 dev %s", i) < 0 ||
	    tc_cmdf(err, errlen, "ip -6 addr add 2001:db8:7463::2/64 dev %s nodad", i) < 0 ||
	    tc_cmdf(err, errlen, "ethtool -K %s tx off tso off gso off gro off", i) < 0 ||
	    tc_cmdf(err, errlen, "ip link set %s up", i) < 0 ||
	    tc_cmdf(err, errlen, "ip neigh replace 198.18.0.1 lladdr %s dev %s nud permanent", mt, i) < 0 ||
	    tc_cmdf(err, errlen, "ip -6 neigh replace 2001:db8:7463::1 lladdr %s dev %s nud permanent", mt, i) < 0)
		return -1;
	/* Cases share the target and one tester address: a stack that caches RTT and
	 * cwnd per destination would carry one case's measurements into the next (RTO
	 * cases would depend on their order). --sysctl may set it back. */
	if (tc_sysctl_write("net.ipv4.tcp_no_metrics_save", "1", err, errlen) < 0)
		return -1;
	for (k = 0; k < cfg->nsysctl; k++)
		if (tc_sysctl_write(cfg->sysctl_keys[k], cfg->sysctl_vals[k], err, errlen) < 0)
			return -1;
	return 0;
}

static void snap_add(struct tc_netns *e, size_t *cap, const char *key, const char *val)
{
	if ((size_t)e->nsc == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		e->sc_keys = tc_xrealloc(e->sc_keys, *cap * sizeof(char *));
		e->sc_vals = tc_xrealloc(e->sc_vals, *cap * sizeof(char *));
	}
	e->sc_keys[e->nsc] = tc_xstrdup(key);
	e->sc_vals[e->nsc++] = tc_xstrdup(val);
}

/* snapshot - the target's net.ipv4.tcp_* sysctls and every overridden key, read back
 * after the overrides (we are in its namespace). */
static void snapshot(struct tc_netns *e, const struct tc_netns_cfg *cfg)
{
	DIR *d = opendir("/proc/sys/net/ipv4");
	struct dirent *de;
	size_t cap = 0;
	char key[300], val[512];

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "tcp_", 4))
			continue;
		snprintf(key, sizeof(key), "net.ipv4.%s", de->d_name);
		if (tc_sysctl_read(key, val, sizeof(val)) == 0)
			snap_add(e, &cap, key, val);
	}
	closedir(d);
	for (int k = 0; k < cfg->nsysctl; k++) {
		int seen = 0;

		for (int j = 0; j < e->nsc && !seen; j++)
			seen = !strcmp(e->sc_keys[j], cfg->sysctl_keys[k]);
		if (!seen && tc_sysctl_read(cfg->sysctl_keys[k], val, sizeof(val)) == 0)
			snap_add(e, &cap, cfg->sysctl_keys[k], val);
	}
	/* sorted, so that reports compare line by line */
	for (int a = 1; a < e->nsc; a++)
		for (int b = a; b > 0 && strcmp(e->sc_keys[b - 1], e->sc_keys[b]) > 0; b--) {
			char *t = e->sc_keys[b]; e->sc_keys[b] = e->sc_keys[b - 1]; e->sc_keys[b - 1] = t;
			t = e->sc_vals[b]; e->sc_vals[b] = e->sc_vals[b - 1]; e->sc_vals[b - 1] = t;
		}
}

/* boot_vm - the kernel in its machine, the agent inside with @args (its listeners). */
static int boot_vm(struct tc_netns *e, char **args, int nargs, int verbose, char *err, size_t errlen)
{
	const struct tc_stack_info *si = tc_stack_info(e->stack);
	char a4[64], a6[64];
	struct tc_vm_cfg vc = { 0 };
	int ready = 0;

	snprintf(a4, sizeof(a4), "%s/24", si->target4);
	snprintf(a6, sizeof(a6), "%s/64", si->target6);
	vc.kernel = e->kernel;
	vc.agent_path = e->agent_path;
	vc.init_path = e->vminit_path;
	vc.tap_fd = e->tap_fd;
	vc.mac = mac_target;
	vc.addr[0] = a4;
	vc.addr[1] = a6;
	vc.agent_args = args;
	vc.nagent_args = nargs;
	vc.sysctl_keys = e->boot_keys;
	vc.sysctl_vals = e->boot_vals;
	vc.nsysctl = e->nboot;
	vc.verbose = verbose;
	vc.stopped = e->stopped;
	if (access(e->vminit_path, X_OK) < 0)
		return tc_errf(err, errlen, "%s: %s (make builds it)", e->vminit_path, strerror(errno));
	if (tc_vm_boot(&e->vm, &vc, &e->agent, &ready, err, errlen) < 0)
		return -1;
	e->agent_pid = e->vm.pid;       /* watched and stopped as any stack's process */
	e->vm.pid = 0;
	if (ready != 6)
		return tc_errf(err, errlen, "the agent opened %d listeners of 6", ready);
	return 0;
}

/* spawn_agent - start the stack's agent in the current (target) namespace, wait for
 * "ready". The stack agents get the TAP and the link's addresses; the Linux agent
 * behind a proxy is told so (the verbs that would reach only the proxy's host side
 * answer "unsupported"). */
static int spawn_agent(struct tc_netns *e, int verbose, char *err, size_t errlen)
{
	const struct tc_stack_info *si = tc_stack_info(e->stack);
	char ports[TC_PORT__COUNT][32], mac[24], mt[24], neigh[2][80], addr[2][64];
	char *argv[40];
	int sv[2], fds[2], n = 0, ready = 0;

	if (access(e->agent_path, X_OK) < 0)
		return tc_errf(err, errlen, "agent %s: %s (%s builds it)", e->agent_path, strerror(errno), si->build);
	argv[n++] = e->agent_path;
	argv[n++] = "--ctl-fd";
	argv[n++] = "3";
	snprintf(ports[0], sizeof(ports[0]), "echo:%u", agent_ports[TC_PORT_ECHO]);
	snprintf(ports[1], sizeof(ports[1]), "discard:%u", agent_ports[TC_PORT_DISCARD]);
	snprintf(ports[2], sizeof(ports[2]), "send:%u:%u", TC_SEND_PORT_BYTES, agent_ports[TC_PORT_SEND]);
	snprintf(ports[3], sizeof(ports[3]), "close:%u", agent_ports[TC_PORT_CLOSE]);
	snprintf(ports[4], sizeof(ports[4]), "abort:%u", agent_ports[TC_PORT_ABORT]);
	snprintf(ports[5], sizeof(ports[5]), "noread:%u", agent_ports[TC_PORT_NOREAD]);
	for (int i = 0; i < 6; i++) {
		argv[n++] = "--listen";
		argv[n++] = ports[i];
	}
	if (e->stack == TC_STACK_KERNEL)        /* its channel is the machine's serial port */
		return boot_vm(e, argv + 3, n - 3, verbose, err, errlen);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return tc_errf(err, errlen, "socketpair: %s", strerror(errno));
	if (e->tap_fd >= 0) {
		macstr(mac_target, mac, sizeof(mac));
		snprintf(addr[0], sizeof(addr[0]), "%s/24", si->target4);
		snprintf(addr[1], sizeof(addr[1]), "%s/64", si->target6);
		macstr(mac_tester, mt, sizeof(mt));
		snprintf(neigh[0], sizeof(neigh[0]), "%s=%s", si->tester4, mt);
		snprintf(neigh[1], sizeof(neigh[1]), "%s=%s", si->tester6, mt);
		argv[n++] = "--tap-fd";
		argv[n++] = "4";
		argv[n++] = "--mac";
		argv[n++] = mac;
		argv[n++] = "--addr";
		argv[n++] = addr[0];
		argv[n++] = "--addr";
		argv[n++] = addr[1];
		argv[n++] = "--neigh";
		argv[n++] = neigh[0];
		argv[n++] = "--neigh";
		argv[n++] = neigh[1];
	}
	if (si->proxy) {
		argv[n++] = "--proxy";
		argv[n++] = (char *)si->name;
	}
	argv[n] = NULL;
	fds[0] = sv[1];
	fds[1] = e->tap_fd;
	e->agent_pid = tc_spawn(argv, fds, e->tap_fd >= 0 ? 2 : 1, verbose, err, errlen);
	close(sv[1]);
	if (e->agent_pid < 0) {
		e->agent_pid = 0;
		close(sv[0]);
		return -1;
	}
	e->agent = tc_agent_link_new(sv[0]);
	if (tc_agent_link_wait_ready(e->agent, 5000, &ready, err, errlen) < 0)
		return -1;
	if (ready != 6)
		return tc_errf(err, errlen, "the agent opened %d listeners of 6", ready);
	return 0;
}

/* open_tap - attach to the TAP @name of the current namespace (persistent: it
 * outlives the stack's processes, and the capture on it with them). */
static int open_tap(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return tc_errf(err, errlen, "/dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return tc_errf(err, errlen, "attach to %s: %s", name, strerror(errno));
	}
	return fd;
}

/* exit_text - what a process's wait status says, for people. */
static void exit_text(const char *who, int st, char *buf, size_t len)
{
	if (WIFSIGNALED(st))
		snprintf(buf, len, "%s was killed by SIG%s%s", who, sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?",
			 WCOREDUMP(st) ? " (core dumped)" : "");
	else
		snprintf(buf, len, "%s exited with status %d", who, WEXITSTATUS(st));
}

/* start_proxy - slirp4netns or pasta in the current (sealed target) namespace; the
 * TAP it serves is in the tester's namespace. Waits until it is up. */
static int start_proxy(struct tc_netns *e, int verbose, char *err, size_t errlen)
{
	const struct tc_stack_info *si = tc_stack_info(e->stack);
	char path[128], why[128];
	int p[2] = { -1, -1 }, st;
	uint64_t end = tc_now_us(NULL) + 5000000;

	snprintf(path, sizeof(path), NS_DIR "/%s", e->ns_tester);
	if (e->stack == TC_STACK_SLIRP) {
		char *argv[] = { "slirp4netns", "--ready-fd", "3", "--disable-dns", "--cidr", "198.18.0.0/24",
				 "--enable-ipv6", "--netns-type=path", path, e->if_tester, NULL };

		if (pipe2(p, O_CLOEXEC) < 0)
			return tc_errf(err, errlen, "pipe: %s", strerror(errno));
		e->proxy_pid = tc_spawn(argv, &p[1], 1, verbose, err, errlen);
		close(p[1]);
	} else {
		char *argv[] = { "pasta", "-f", "-q", "--runas", "0:0", "-m", "1500", "--netns", path,
				 "-I", e->if_tester, "-i", "tcf-host", "-a", (char *)si->tester4, "-n", "24",
				 "-g", (char *)si->target4, "-a", (char *)si->tester6, "-g", (char *)si->target6,
				 "-t", "none", "-u", "none", "-T", "none", "-U", "none",
				 "--no-dhcp", "--no-dhcpv6", "--no-ra", NULL };

		e->proxy_pid = tc_spawn(argv, NULL, 0, verbose, err, errlen);
	}
	if (e->proxy_pid < 0) {
		e->proxy_pid = 0;
		if (p[0] >= 0)
			close(p[0]);
		return -1;
	}
	for (;;) {     /* slirp4netns writes to its ready fd; pasta's TAP appears */
		char c;
		struct pollfd pf = { .fd = p[0], .events = POLLIN };

		if (p[0] >= 0 ? poll(&pf, 1, 20) > 0 && read(p[0], &c, 1) == 1
			      : tc_cmdf(why, sizeof(why), "ip -n %s link show %s", e->ns_tester, e->if_tester) == 0)
			break;
		if (waitpid(e->proxy_pid, &st, WNOHANG) == e->proxy_pid) {
			e->proxy_pid = 0;
			exit_text(si->proxy, st, why, sizeof(why));
			if (p[0] >= 0)
				close(p[0]);
			return tc_errf(err, errlen, "%s before it was up", why);
		}
		if (tc_now_us(NULL) > end) {
			if (p[0] >= 0)
				close(p[0]);
			return tc_errf(err, errlen, "%s was not up after 5 s", si->proxy);
		}
		if (p[0] < 0)
			usleep(20000);
	}
	if (p[0] >= 0)
		close(p[0]);
	return 0;
}

/* start_stack - the stack's processes in the target namespace: the agent (with the
 * TAP for lwip and gvisor), then the proxy of slirp and passt. */
static int start_stack(struct tc_netns *e, int verbose, char *err, size_t errlen)
{
	if (enter_ns(e->ns_target, err, errlen) < 0 || spawn_agent(e, verbose, err, errlen) < 0)
		return -1;
	if (tc_stack_info(e->stack)->proxy && start_proxy(e, verbose, err, errlen) < 0)
		return -1;
	if (enter_ns(e->ns_tester, err, errlen) < 0)
		return -1;
	if (e->stack == TC_STACK_PASST)         /* pasta made the TAP: bring it up */
		return tc_cmdf(err, errlen, "ip link set %s up", e->if_tester);
	return 0;
}

/* setup_stack - a stack other than Linux: a sealed target namespace (loopback only),
 * a TAP in the tester's namespace, and the stack's processes. */
static int setup_stack(struct tc_netns *e, const struct tc_netns_cfg *cfg, char *err, size_t errlen)
{
	const struct tc_stack_info *si = tc_stack_info(e->stack);

	if (si->proxy && !tc_have_tool(si->proxy))
		return tc_errf(err, errlen, "%s is not installed (%s installs it)", si->proxy, si->build);
	/* the tester's kernel takes no IPv6 on the TAP: no address, no router solicitation */
	if (enter_ns(e->ns_tester, err, errlen) < 0 || tc_cmdf(err, errlen, "ip link set lo up") < 0 ||
	    tc_sysctl_write("net.ipv6.conf.all.disable_ipv6", "1", err, errlen) < 0 ||
	    tc_sysctl_write("net.ipv6.conf.default.disable_ipv6", "1", err, errlen) < 0)
		return -1;
	if (e->stack != TC_STACK_PASST &&       /* pasta wants to make its own */
	    (tc_cmdf(err, errlen, "ip tuntap add dev %s mode tap", e->if_tester) < 0 ||
	     tc_cmdf(err, errlen, "ip link set %s up", e->if_tester) < 0))
		return -1;
	if (!si->proxy && (e->tap_fd = open_tap(e->if_tester, err, errlen)) < 0)
		return -1;
	if (enter_ns(e->ns_target, err, errlen) < 0 || tc_cmdf(err, errlen, "ip link set lo up") < 0)
		return -1;
	/* a proxy's host side connects from ephemeral ports: keep them out of the tester's
	 * (20000-59999), on which the agent listens for each case ('listen PP') */
	if (si->proxy && tc_sysctl_write("net.ipv4.ip_local_port_range", "60000 65535", err, errlen) < 0)
		return -1;
	/* pasta copies its addresses from a host interface: one looped onto itself */
	if (e->stack == TC_STACK_PASST &&
	    (tc_cmdf(err, errlen, "ip link add tcf-host type veth peer name tcf-host2") < 0 ||
	     tc_cmdf(err, errlen, "ip addr add 198.18.0.3/24 dev tcf-host") < 0 ||
	     tc_cmdf(err, errlen, "ip -6 addr add 2001:db8:7463::3/64 dev tcf-host nodad") < 0 ||
	     tc_cmdf(err, errlen, "ip link set tcf-host up") < 0 || tc_cmdf(err, errlen, "ip link set tcf-host2 up") < 0))
		return -1;
	return start_stack(e, cfg->verbose, err, errlen);
}

/* boot_sysctls - what a kernel in a machine is given at boot: the run's --sysctl, and
 * what setup_target sets in a namespace. */
static int boot_sysctls(struct tc_netns *e, const struct tc_netns_cfg *cfg, char *err, size_t errlen)
{
	if (!cfg->kernel || !cfg->vminit_path)
		return tc_errf(err, errlen, "no kernel to boot");
	e->kernel = cfg->kernel;
	e->stopped = cfg->stopped;
	snprintf(e->vminit_path, sizeof(e->vminit_path), "%s", cfg->vminit_path);
	e->boot_keys = tc_xcalloc((size_t)cfg->nsysctl + 1, sizeof(char *));
	e->boot_vals = tc_xcalloc((size_t)cfg->nsysctl + 1, sizeof(char *));
	e->boot_keys[e->nboot] = tc_xstrdup("net.ipv4.tcp_no_metrics_save");
	e->boot_vals[e->nboot++] = tc_xstrdup("1");
	for (int k = 0; k < cfg->nsysctl; k++) {
		if (strchr(cfg->sysctl_vals[k], '"'))
			return tc_errf(err, errlen, "--sysctl %s: a value for a kernel in a virtual machine cannot hold "
				       "'\"' (the kernel's command line quotes with it)", cfg->sysctl_keys[k]);
		e->boot_keys[e->nboot] = tc_xstrdup(cfg->sysctl_keys[k]);
		e->boot_vals[e->nboot++] = tc_xstrdup(cfg->sysctl_vals[k]);
	}
	return 0;
}

/* vm_snapshot - the sysctls set at boot, read back through the guest's agent. */
static void vm_snapshot(struct tc_netns *e)
{
	size_t cap = 0;
	char val[512], err[TC_ERRLEN];

	for (int k = 0; k < e->nboot; k++)
		if (vm_sysctl(e, e->boot_keys[k], NULL, val, sizeof(val), err, sizeof(err)) == 0)
			snap_add(e, &cap, e->boot_keys[k], val);
}

int tc_netns_setup(struct tc_netns *e, const struct tc_netns_cfg *cfg, char *err, size_t errlen)
{
	static const char *const tools[] = { "ip", "ethtool" };
	size_t i;

	memset(e, 0, sizeof(*e));
	e->orig_ns = -1;
	e->tap_fd = -1;
	e->stack = cfg->stack;
	snprintf(e->agent_path, sizeof(e->agent_path), "%s", cfg->agent_path);
	if (e->stack == TC_STACK_KERNEL && boot_sysctls(e, cfg, err, errlen) < 0)
		return -1;
	for (i = 0; i < TC_ARRAY_LEN(tools); i++)
		if (!tc_have_tool(tools[i]))
			return tc_errf(err, errlen, "%s is not installed (make deps installs it)", tools[i]);
	if (tc_netns_cleanup_stale(err, errlen) < 0)
		return -1;
	tc_vm_cleanup_stale();
	snprintf(e->ns_tester, sizeof(e->ns_tester), NS_PREFIX "%d-tester", (int)getpid());
	snprintf(e->ns_target, sizeof(e->ns_target), NS_PREFIX "%d-target", (int)getpid());
	snprintf(e->if_tester, sizeof(e->if_tester), "tcf-tester");
	snprintf(e->if_target, sizeof(e->if_target), "tcf-target");
	fill_target(e, &e->tg[0], 4);
	fill_target(e, &e->tg[1], 6);
	e->orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (e->orig_ns < 0)
		return tc_errf(err, errlen, "open /proc/self/ns/net: %s", strerror(errno));
	e->made_tester = tc_cmdf(err, errlen, "ip netns add %s", e->ns_tester) == 0;
	if (!e->made_tester)
		goto fail;
	e->made_target = tc_cmdf(err, errlen, "ip netns add %s", e->ns_target) == 0;
	if (!e->made_target)
		goto fail;
	if (e->stack != TC_STACK_LINUX) {
		if (setup_stack(e, cfg, err, errlen) < 0)
			goto fail;
		if (e->stack == TC_STACK_KERNEL)
			vm_snapshot(e);
		tc_cmdf(err, errlen, "ethtool -K %s gro off tx off", e->if_tester);     /* a TAP may have none */
		err[0] = '\0';
		return 0;
	}
	if (make_links(e, err, errlen) < 0 || setup_target(e, cfg, err, errlen) < 0)
		goto fail;
	snapshot(e, cfg);
	if (spawn_agent(e, cfg->verbose, err, errlen) < 0)
		goto fail;
	if (enter_ns(e->ns_tester, err, errlen) < 0 ||
	    tc_cmdf(err, errlen, "ip link set lo up") < 0 ||
	    tc_sysctl_write("net.ipv6.conf.all.disable_ipv6", "1", err, errlen) < 0 ||
	    tc_cmdf(err, errlen, "ethtool -K %s gro off tx off", e->if_tester) < 0 ||
	    tc_cmdf(err, errlen, "ip link set %s up", e->if_tester) < 0)
		goto fail;
	return 0;
fail:
	tc_netns_teardown(e);
	return -1;
}

/* reap - has @pid exited? 1 with @why, 0 if it runs (or is none). */
static int reap_one(pid_t *pid, const char *who, char *why, size_t whylen)
{
	int st;

	if (*pid <= 0 || waitpid(*pid, &st, WNOHANG) != *pid)
		return 0;
	*pid = 0;
	exit_text(who, st, why, whylen);
	return 1;
}

int tc_netns_alive(struct tc_netns *e, char *why, size_t whylen)
{
	const struct tc_stack_info *si = tc_stack_info(e->stack);
	const char *agent = strrchr(e->agent_path, '/') ? strrchr(e->agent_path, '/') + 1 : e->agent_path;

	if (e->stack == TC_STACK_KERNEL)
		agent = "the virtual machine (qemu)";
	if (reap_one(&e->proxy_pid, si->proxy ? si->proxy : "the proxy", why, whylen) ||
	    reap_one(&e->agent_pid, agent, why, whylen)) {
		char tail[400];

		if (e->stack == TC_STACK_KERNEL && (tc_vm_console(&e->vm, tail, sizeof(tail)), tail[0]))
			snprintf(why + strlen(why), whylen - strlen(why), "; its console said last: %s", tail);
		return 0;
	}
	return 1;
}

/* stop_procs - kill the stack's processes and wait for them. */
static void stop_procs(struct tc_netns *e)
{
	pid_t *p[2] = { &e->proxy_pid, &e->agent_pid };
	int st;

	for (int i = 0; i < 2; i++) {
		if (*p[i] <= 0)
			continue;
		kill(*p[i], SIGKILL);
		while (waitpid(*p[i], &st, 0) < 0 && errno == EINTR)
			;
		*p[i] = 0;
	}
	tc_agent_link_free(e->agent);
	e->agent = NULL;
}

int tc_netns_restart(struct tc_netns *e, char *err, size_t errlen)
{
	stop_procs(e);
	return start_stack(e, 0, err, errlen);
}

void tc_netns_teardown(struct tc_netns *e)
{
	int i;

	stop_procs(e);
	tc_vm_stop(&e->vm);
	for (i = 0; i < e->nboot; i++) {
		free(e->boot_keys[i]);
		free(e->boot_vals[i]);
	}
	free(e->boot_keys);
	free(e->boot_vals);
	e->boot_keys = e->boot_vals = NULL;
	e->nboot = 0;
	if (e->tap_fd >= 0)
		close(e->tap_fd);
	e->tap_fd = -1;
	if (e->orig_ns >= 0) {
		if (setns(e->orig_ns, CLONE_NEWNET) < 0)
			fprintf(stderr, "tcpconform: cannot return to the original namespace: %s\n", strerror(errno));
		close(e->orig_ns);
		e->orig_ns = -1;
	}
	if (e->made_tester)
		del_ns(e->ns_tester);
	if (e->made_target)
		del_ns(e->ns_target);
	e->made_tester = e->made_target = 0;
	for (i = 0; i < e->nsc; i++) {
		free(e->sc_keys[i]);
		free(e->sc_vals[i]);
	}
	free(e->sc_keys);
	free(e->sc_vals);
	e->sc_keys = e->sc_vals = NULL;
	e->nsc = 0;
}
