/* env: the netns environment. */
#include "env/netns.h"
#include "env/cmd.h"
#include "io/agentc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	memset(tg, 0, sizeof(*tg));
	tg->family = family;
	tg->link = TC_LINK_ETH;
	tc_addr_parse(&tg->tester, family == 4 ? "198.18.0.1" : "2001:db8:7463::1");
	tc_addr_parse(&tg->target, family == 4 ? "198.18.0.2" : "2001:db8:7463::2");
	memcpy(tg->tester_mac, mac_tester, 6);
	memcpy(tg->target_mac, mac_target, 6);
	memcpy(tg->ports, agent_ports, sizeof(agent_ports));
	tg->have_agent = 1;
	tg->is_linux = 1;
	tg->mode = "netns";
	(void)e;
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

/* spawn_agent - start the agent in the current (target) namespace, wait for "ready". */
static int spawn_agent(struct tc_netns *e, const struct tc_netns_cfg *cfg, char *err, size_t errlen)
{
	char ports[TC_PORT__COUNT][32];
	char *argv[24];
	int sv[2], n = 0, ready = 0;
	pid_t parent = getpid();

	if (access(cfg->agent_path, X_OK) < 0)
		return tc_errf(err, errlen, "agent %s: %s (build it with make)", cfg->agent_path, strerror(errno));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return tc_errf(err, errlen, "socketpair: %s", strerror(errno));
	argv[n++] = (char *)cfg->agent_path;
	argv[n++] = "--ctl-fd";
	argv[n++] = "3";
	snprintf(ports[0], sizeof(ports[0]), "echo:%u", agent_ports[TC_PORT_ECHO]);
	snprintf(ports[1], sizeof(ports[1]), "discard:%u", agent_ports[TC_PORT_DISCARD]);
	snprintf(ports[2], sizeof(ports[2]), "send:2000:%u", agent_ports[TC_PORT_SEND]);
	snprintf(ports[3], sizeof(ports[3]), "close:%u", agent_ports[TC_PORT_CLOSE]);
	snprintf(ports[4], sizeof(ports[4]), "abort:%u", agent_ports[TC_PORT_ABORT]);
	snprintf(ports[5], sizeof(ports[5]), "noread:%u", agent_ports[TC_PORT_NOREAD]);
	for (int i = 0; i < 6; i++) {
		argv[n++] = "--listen";
		argv[n++] = ports[i];
	}
	argv[n] = NULL;
	e->agent_pid = fork();
	if (e->agent_pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return tc_errf(err, errlen, "fork: %s", strerror(errno));
	}
	if (e->agent_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		setpgid(0, 0);  /* Ctrl-C reaches us, and we stop the agent ourselves */
		dup2(sv[1], 3);
		execv(cfg->agent_path, argv);
		dprintf(2, "tcpconform: cannot run %s: %s\n", cfg->agent_path, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	e->agent = tc_agent_link_new(sv[0]);
	if (tc_agent_link_wait_ready(e->agent, 5000, &ready, err, errlen) < 0)
		return -1;
	if (ready != 6)
		return tc_errf(err, errlen, "the agent opened %d listeners of 6", ready);
	return 0;
}

int tc_netns_setup(struct tc_netns *e, const struct tc_netns_cfg *cfg, char *err, size_t errlen)
{
	static const char *const tools[] = { "ip", "ethtool" };
	size_t i;

	memset(e, 0, sizeof(*e));
	e->orig_ns = -1;
	for (i = 0; i < TC_ARRAY_LEN(tools); i++)
		if (!tc_have_tool(tools[i]))
			return tc_errf(err, errlen, "%s is not installed (make deps installs it)", tools[i]);
	if (tc_netns_cleanup_stale(err, errlen) < 0)
		return -1;
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
	if (!e->made_target || make_links(e, err, errlen) < 0 || setup_target(e, cfg, err, errlen) < 0)
		goto fail;
	snapshot(e, cfg);
	if (spawn_agent(e, cfg, err, errlen) < 0)
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

void tc_netns_teardown(struct tc_netns *e)
{
	int st, i;

	if (e->agent_pid > 0) {
		kill(e->agent_pid, SIGKILL);
		while (waitpid(e->agent_pid, &st, 0) < 0 && errno == EINTR)
			;
		e->agent_pid = 0;
	}
	tc_agent_link_free(e->agent);
	e->agent = NULL;
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
