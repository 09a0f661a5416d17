/*
 * tester/agent/main.c: tcpconform-agent's entry point: command line, listeners,
 * and the poll() loop. See agent.h for the pieces, and the usage text below.
 *
 *   tcpconform-agent [--backlog N] [--proxy NAME] (--ctl-fd FD | --ctl-stdio)
 *                    --listen MODE:PORT [--listen MODE:PORT ...]
 *
 * Exit status: 0 on control-channel EOF or `quit`, 1 on a setup or runtime
 * failure (bind, listen, memory), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"

static const char usage_text[] =
	"usage: tcpconform-agent [--backlog N] [--proxy NAME] (--ctl-fd FD | --ctl-stdio)\n"
	"                        --listen MODE:PORT [--listen MODE:PORT ...]\n"
	"  MODE: echo, discard, send:N, close, abort, noread; PORT: 1-65535\n"
	"  --proxy NAME: the tested stack is proxy NAME's, whose host side our sockets\n"
	"  are: verbs that would reach only that side answer 'err unsupported'\n";

/* What the command line asks for. */
struct agent_opts {
	int backlog;
	int ctl_fd;		/* -1: not given */
	bool stdio;
};
/* Print "tcpconform-agent: @msg @arg" and the usage text. Returns 2. */
static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "tcpconform-agent: %s%s%s\n%s", msg, arg ? " " : "",
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
	struct agent_listener l = { .fd = -1 };
	struct agent_listener *p;

	if (!colon || agent_parse_mode(arg, (size_t)(colon - arg), &l.mode, &l.send_n) != 0 ||
	    agent_parse_port(colon + 1, &l.port) != 0)
		return usage("--listen expects MODE:PORT, got", arg);
	p = realloc(a->lis, (a->nlis + 1) * sizeof(*p));
	if (!p) {
		perror("tcpconform-agent");
		return 1;
	}
	a->lis = p;
	a->lis[a->nlis++] = l;
	return -1;
}

/*
 * Parse the command line into @o and @a's listener list. Returns -1 to go
 * on, else the status to exit with (0 after --help, 2 bad usage, 1 memory).
 */
static int parse_args(int argc, char **argv, struct agent *a,
		      struct agent_opts *o)
{
	static const struct option longopts[] = {
		{ "backlog", required_argument, NULL, 'b' },
		{ "ctl-fd", required_argument, NULL, 'f' },
		{ "ctl-stdio", no_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "proxy", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
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
			o->backlog = (int)v;
			break;
		case 'f':
			if (agent_parse_u64(optarg, 1u << 30, &v) ||
			    fcntl((int)v, F_GETFD) < 0)
				return usage("--ctl-fd expects an open file "
					     "descriptor, got", optarg);
			o->ctl_fd = (int)v;
			break;
		case 's':
			o->stdio = true;
			break;
		case 'l':
			rc = add_listen_arg(a, optarg);
			break;
		case 'p':
			a->proxy = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
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
	if (a->nlis == 0)
		return usage("expects at least one --listen MODE:PORT", NULL);
	return -1;
}

/*
 * Open one listener on [::]:PORT, dual-stack (0.0.0.0 when the kernel has no
 * IPv6). Returns 0, or -1 with a message naming the port on stderr.
 */
int agent_listener_open(struct agent_listener *l, int backlog)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(l->port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in s4 = { .sin_family = AF_INET,
				  .sin_port = htons(l->port) };
	int on = 1, off = 0, v6 = 1;
	const char *what = "socket";

	l->fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 && errno == EAFNOSUPPORT) {
		v6 = 0;
		l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
			       SOCK_CLOEXEC, 0);
	}
	if (l->fd < 0)
		goto fail;
	what = "setsockopt";
	if ((v6 && setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
			      sizeof(off))) ||
	    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)))
		goto fail;
	what = "bind";
	if (v6 ? bind(l->fd, (struct sockaddr *)&s6, sizeof(s6)) :
		 bind(l->fd, (struct sockaddr *)&s4, sizeof(s4)))
		goto fail;
	what = "listen";
	if (listen(l->fd, backlog) != 0)
		goto fail;
	/* a Fast Open queue: the server side of TFO answers only on a listener that has one
	 * (the sysctl's 0x400 bit gives one at listen(), before a case's @sysctl is set). It
	 * stays unused while net.ipv4.tcp_fastopen lacks the server bit (0x2), the default;
	 * a kernel without it refuses the option, and nothing changes */
	{
		int qlen = 16;

		(void)setsockopt(l->fd, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof(qlen));
	}
	return 0;
fail:
	fprintf(stderr, "tcpconform-agent: %s port %u: %s\n", what, l->port,
		strerror(errno));
	return -1;
}

/* Close every listener and free the list. */
static void listeners_close(struct agent *a)
{
	size_t i;

	for (i = 0; i < a->nlis; i++)
		if (a->lis[i].fd >= 0 && close(a->lis[i].fd) != 0)
			perror("tcpconform-agent: close");
	free(a->lis);
	a->lis = NULL;
	a->nlis = 0;
}

/*
 * Process-level setup: die with the parent, ignore SIGPIPE, raise the fd
 * limit. Returns 0, or -1 with a message on stderr.
 */
static int process_setup(const struct agent_opts *o)
{
	struct rlimit rl;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
		perror("tcpconform-agent: prctl(PR_SET_PDEATHSIG)");
		return -1;
	}
	/* a parent gone before the prctl: we were handed to init (pid 1), unless init
	 * is our parent (in a virtual machine, tcpconform-vminit says so) */
	if (!o->stdio && getppid() == 1 && !getenv("TCPCONFORM_INIT_PARENT")) {
		fprintf(stderr, "tcpconform-agent: parent already gone\n");
		return -1;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		perror("tcpconform-agent: signal");
		return -1;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			perror("tcpconform-agent: setrlimit (ignored)");
	}
	return 0;
}

/* Free everything @a owns and restore the control channel. */
static void agent_fini(struct agent *a, bool ctl_open)
{
	agent_pending_free(a);
	agent_conn_free_all(a);
	listeners_close(a);
	if (ctl_open)
		agent_ctl_fini(a);
	free(a->byport);
	free(a->iobuf);
}

int main(int argc, char **argv)
{
	struct agent a = { .backlog = 4096 };
	struct agent_opts o = { .backlog = 4096, .ctl_fd = -1 };
	bool ctl_open = false;
	size_t i;
	int rc;

	rc = parse_args(argc, argv, &a, &o);
	if (rc >= 0)
		goto out;
	rc = 1;
	a.backlog = o.backlog;
	a.stdio = o.stdio;
	if (process_setup(&o) != 0)
		goto out;
	a.byport = calloc(AGENT_NPORTS, sizeof(*a.byport));
	a.iobuf = malloc(AGENT_IOBUF);
	if (!a.byport || !a.iobuf) {
		perror("tcpconform-agent");
		goto out;
	}
	for (i = 0; i < a.nlis; i++)
		if (agent_listener_open(&a.lis[i], a.backlog) != 0)
			goto out;
	if (agent_ctl_init(&a, o.stdio ? 0 : o.ctl_fd,
			   o.stdio ? 1 : o.ctl_fd) != 0)
		goto out;
	ctl_open = true;
	agent_reply(&a, "ready", "%zu", a.nlis);
	rc = agent_loop(&a);
out:
	agent_fini(&a, ctl_open);
	return rc;
}
