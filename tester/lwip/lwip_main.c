/*
 * tester/lwip/lwip_main.c: tcpconform-lwip's entry point: command line, lwIP
 * and its interface, listeners, and the poll() loop. See agent.h.
 *
 *   tcpconform-lwip [--backlog N] (--ctl-fd FD | --ctl-stdio)
 *                   --tap-fd FD --mac MAC --addr ADDR/PREFIX [--addr ...]
 *                   [--neigh ADDR=MAC ...] --listen MODE:PORT [--listen ...]
 *
 * Exit status: 0 on control-channel EOF or `quit`, 1 on a setup or run-time
 * failure, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>

#include "lwip/init.h"
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lwip/timeouts.h"

#include "agent.h"

#define AGENT_MAX_ADDRS 8

static const char usage_text[] =
	"usage: tcpconform-lwip [--backlog N] (--ctl-fd FD | --ctl-stdio)\n"
	"                       --tap-fd FD --mac MAC --addr ADDR/PREFIX [--addr ADDR/PREFIX]\n"
	"                       [--neigh ADDR=MAC ...] --listen MODE:PORT [--listen MODE:PORT ...]\n"
	"  MODE: echo, discard, send:N, close, abort, noread; PORT: 1-65535\n"
	"  lwIP 2.1.3 runs in this process on the TAP (IFF_TAP|IFF_NO_PI) given as\n"
	"  --tap-fd; the control lines are those of tester/PROTOCOL.md.\n";

/* What the command line asks for, beyond what goes into struct agent. */
struct agent_opts {
	int ctl_fd;		/* -1: not given */
	bool stdio;
	bool have_mac;
	const char *addrs[AGENT_MAX_ADDRS];
	size_t naddrs;
};

/* Print "tcpconform-lwip: @msg @arg" and the usage text. Returns 2. */
static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "tcpconform-lwip: %s%s%s\n%s", msg, arg ? " " : "",
		arg ? arg : "", usage_text);
	return 2;
}

/*
 * Add the listener described by "MODE:PORT" to @a (not yet opened).
 * Returns -1 when done, else the exit status: 2 bad usage, 1 out of memory.
 */
static int add_listen_arg(struct agent *a, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	struct agent_listener l = { .pcb = NULL };
	struct agent_listener *p;
	size_t i;

	if (!colon || agent_parse_mode(arg, (size_t)(colon - arg), &l.mode, &l.send_n) != 0 ||
	    agent_parse_port(colon + 1, &l.port) != 0)
		return usage("--listen expects MODE:PORT, got", arg);
	for (i = 0; i < a->nlis; i++)
		if (a->lis[i].port == l.port)
			return usage("--listen: port given twice:", arg);
	p = realloc(a->lis, (a->nlis + 1) * sizeof(*p));
	if (!p) {
		perror("tcpconform-lwip");
		return 1;
	}
	a->lis = p;
	a->lis[a->nlis++] = l;
	return -1;
}

/* Add the static neighbour "ADDR=MAC" to @a. Returns -1, or 2 (bad usage). */
static int add_neigh_arg(struct agent *a, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char addr[64];

	if (a->nneigh == AGENT_MAX_NEIGH)
		return usage("--neigh: too many, at most 16:", arg);
	if (!eq || (size_t)(eq - arg) >= sizeof(addr))
		return usage("--neigh expects ADDR=MAC, got", arg);
	memcpy(addr, arg, (size_t)(eq - arg));
	addr[eq - arg] = '\0';
	if (!ipaddr_aton(addr, &a->neigh[a->nneigh].addr) ||
	    agent_parse_mac(eq + 1, a->neigh[a->nneigh].mac) != 0)
		return usage("--neigh expects ADDR=MAC, got", arg);
	a->nneigh++;
	return -1;
}

/* An inherited file descriptor named by @s, or -1. */
static int parse_fd(const char *s)
{
	uint64_t v;

	if (agent_parse_u64(s, INT_MAX, &v) != 0 || fcntl((int)v, F_GETFD) < 0)
		return -1;
	return (int)v;
}

/*
 * Parse the command line into @o and @a. Returns -1 to go on, else the status
 * to exit with (0 after --help, 2 bad usage, 1 memory).
 */
static int parse_args(int argc, char **argv, struct agent *a,
		      struct agent_opts *o)
{
	static const struct option longopts[] = {
		{ "backlog", required_argument, NULL, 'b' },
		{ "ctl-fd", required_argument, NULL, 'f' },
		{ "ctl-stdio", no_argument, NULL, 's' },
		{ "tap-fd", required_argument, NULL, 't' },
		{ "mac", required_argument, NULL, 'm' },
		{ "addr", required_argument, NULL, 'a' },
		{ "neigh", required_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, rc = -1;

	while (rc < 0 &&
	       (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (agent_parse_u64(optarg, 1u << 30, &v) || v == 0)
				return usage("--backlog expects a number 1 to "
					     "1073741824, got", optarg);
			a->backlog = (int)v;
			break;
		case 'f':
			o->ctl_fd = parse_fd(optarg);
			if (o->ctl_fd < 0)
				return usage("--ctl-fd expects an open file "
					     "descriptor, got", optarg);
			break;
		case 's':
			o->stdio = true;
			break;
		case 't':
			a->tap_fd = parse_fd(optarg);
			if (a->tap_fd < 0)
				return usage("--tap-fd expects an open file "
					     "descriptor, got", optarg);
			break;
		case 'm':
			if (agent_parse_mac(optarg, a->mac) != 0)
				return usage("--mac expects xx:xx:xx:xx:xx:xx, got",
					     optarg);
			o->have_mac = true;
			break;
		case 'a':
			if (o->naddrs == AGENT_MAX_ADDRS)
				return usage("--addr: too many, got", optarg);
			o->addrs[o->naddrs++] = optarg;
			break;
		case 'n':
			rc = add_neigh_arg(a, optarg);
			break;
		case 'l':
			rc = add_listen_arg(a, optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("lwIP %s\n", LWIP_VERSION_STRING);
			return 0;
		default:
			return usage("bad option", NULL);
		}
	}
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return usage("unexpected argument", argv[optind]);
	if ((o->ctl_fd >= 0) == o->stdio)
		return usage("expects exactly one of --ctl-fd FD and "
			     "--ctl-stdio", NULL);
	if (a->tap_fd < 0 || !o->have_mac || o->naddrs == 0)
		return usage("expects --tap-fd FD, --mac MAC and --addr "
			     "ADDR/PREFIX", NULL);
	if (a->nlis == 0)
		return usage("expects at least one --listen MODE:PORT", NULL);
	return -1;
}

/*
 * Process-level setup: die with the parent, ignore SIGPIPE. Returns 0, or -1
 * with a message on stderr.
 */
static int process_setup(const struct agent_opts *o)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
		perror("tcpconform-lwip: prctl(PR_SET_PDEATHSIG)");
		return -1;
	}
	if (!o->stdio && getppid() == 1) {
		fprintf(stderr, "tcpconform-lwip: parent already gone\n");
		return -1;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		perror("tcpconform-lwip: signal");
		return -1;
	}
	return 0;
}

/* The poll() timeout: lwIP's next timer or the nearest pending deadline. */
static int loop_timeout(const struct agent *a)
{
	u32_t lw = sys_timeouts_sleeptime();
	int pend = agent_pending_timeout(a);
	int t = lw > INT_MAX ? -1 : (int)lw;

	if (pend >= 0 && (t < 0 || pend < t))
		t = pend;
	return t;
}

/*
 * Run until `quit`, EOF on the control channel, or its reader going away.
 * Each turn: frames from the TAP into lwIP, lwIP's timers, the connections,
 * the waiting requests, new requests, replies. Returns the exit status.
 */
static int loop(struct agent *a)
{
	int rc = 0;

	while (!a->quit && !a->ctl.eof) {
		bool out_pending, same = a->ctl.in == a->ctl.out;
		struct pollfd p[3];

		if (agent_ctl_flush(a) != 0)
			break;
		out_pending = a->ctl.obuf.off < a->ctl.obuf.len;
		p[0] = (struct pollfd){ .fd = a->tap_fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = a->ctl.in, .events = (short)(POLLIN |
					(same && out_pending ? POLLOUT : 0)) };
		p[2] = (struct pollfd){ .fd = same || !out_pending ? -1 : a->ctl.out,
					.events = POLLOUT };
		if (poll(p, 3, loop_timeout(a)) < 0) {
			if (errno == EINTR)
				continue;
			perror("tcpconform-lwip: poll");
			rc = 1;
			break;
		}
		if ((p[0].revents & (POLLIN | POLLERR | POLLHUP)) &&
		    agent_tap_input(a) != 0) {
			rc = 1;
			break;
		}
		sys_check_timeouts();
		agent_conn_service(a);
		agent_pending_run(a);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			agent_ctl_read(a);
		agent_conn_service(a);
		agent_pending_run(a);
	}
	agent_ctl_drain(a, 1000);
	return rc;
}

int main(int argc, char **argv)
{
	struct agent a = { .backlog = 255, .tap_fd = -1, .tap_flags = -1 };
	struct agent_opts o = { .ctl_fd = -1 };
	bool ctl_open = false, lwip_up = false;
	size_t i;
	int rc;

	agent_self = &a;
	rc = parse_args(argc, argv, &a, &o);
	if (rc >= 0)
		goto out;
	rc = 1;
	if (process_setup(&o) != 0)
		goto out;
	a.byport = calloc(AGENT_NPORTS, sizeof(*a.byport));
	a.iobuf = malloc(AGENT_IOBUF);
	if (!a.byport || !a.iobuf) {
		perror("tcpconform-lwip");
		goto out;
	}
	if (agent_netif_setup(&a, o.addrs, o.naddrs) != 0)
		goto out;
	lwip_up = true;
	if (agent_conn_init(&a) != 0)
		goto out;
	for (i = 0; i < a.nlis; i++)
		if (agent_listener_open(&a, &a.lis[i]) != 0)
			goto out;
	if (agent_ctl_init(&a, o.stdio ? 0 : o.ctl_fd, o.stdio ? 1 : o.ctl_fd) != 0)
		goto out;
	ctl_open = true;
	agent_reply(&a, "ready", "%zu", a.nlis);
	rc = loop(&a);
out:
	agent_pending_free(&a);
	if (lwip_up) {
		agent_conn_free_all(&a);
		agent_listeners_close(&a);
	}
	agent_tap_restore(&a);
	free(a.lis);
	if (ctl_open)
		agent_ctl_fini(&a);
	free(a.byport);
	free(a.iobuf);
	return rc;
}
