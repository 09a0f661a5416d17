/*
 * tester/vminit/init.c: tcpconform-vminit, the first process of a kernel that
 * tcpconform boots in a virtual machine (run --kernel). Linked statically, it is
 * the initramfs's /init: it mounts /proc, /sys and /dev, loads the modules listed
 * in /modules.list (in that order: the host resolved their dependencies), sets the
 * sysctls it is given, brings the link up with its addresses and every offload off,
 * then runs the agent with the virtio-serial port named "tcpconform" as its control
 * channel. When the agent exits, the machine powers off (qemu then exits).
 *
 * The kernel passes what follows "--" on its command line as arguments:
 *
 *   init [--addr ADDR/LEN]... [--sysctl KEY=VALUE]... --agent PATH ARGUMENTS...
 *
 * (not a second "--": the kernel ends init's arguments there)
 *
 * Anything that goes wrong is printed on the console (the host keeps its last lines
 * for its error message), and the machine powers off.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PORT_NAME "tcpconform"
#define LINK "eth0"
#define MAX_ARGS 64

/* an IPv6 address for SIOCSIFADDR (linux/ipv6.h's struct in6_ifreq) */
struct in6_ifreq_ {
	struct in6_addr addr;
	unsigned int prefixlen;
	int ifindex;
};

static void vsay(const char *fmt, va_list ap)
{
	fputs("tcpconform-vminit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* halt - the end of the machine: qemu runs with -no-reboot, so a restart ends it. */
static void halt(void)
{
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	halt();
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* write_file - @text into @path (a /proc/sys file). 0 or -1. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* load_modules - every module of /modules.list, in order. */
static void load_modules(void)
{
	char line[256];
	FILE *f = fopen("/modules.list", "r");

	if (!f)
		return;         /* a kernel with its drivers built in */
	while (fgets(line, sizeof(line), f)) {
		int fd;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail("%s: %s", line, strerror(errno));
		if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
			fail("load %s: %s", line, strerror(errno));
		close(fd);
	}
	fclose(f);
}

/* sysctl - KEY=VALUE (dots in KEY) into /proc/sys. */
static void sysctl(const char *kv)
{
	char path[256];
	const char *eq = strchr(kv, '=');
	size_t i, n;

	if (!eq || eq == kv || (size_t)(eq - kv) > 200)
		fail("--sysctl takes KEY=VALUE (got '%s')", kv);
	n = (size_t)snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - kv), kv);
	for (i = 10; i < n; i++)
		if (path[i] == '.')
			path[i] = '/';
	if (write_file(path, eq + 1) < 0)
		fail("sysctl %.*s = %s: %s", (int)(eq - kv), kv, eq + 1, strerror(errno));
}

static void ifreq_of(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
}

static void link_up(int s, const char *name)
{
	struct ifreq ifr;

	ifreq_of(&ifr, name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		fail("%s: %s", name, strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		fail("%s up: %s", name, strerror(errno));
}

/* offloads_off - GRO, GSO and TSO off: the tester sees each segment the stack made,
 * and the stack sees each segment the tester sent. */
static void offloads_off(int s)
{
	static const unsigned cmds[] = { ETHTOOL_SGRO, ETHTOOL_SGSO, ETHTOOL_STSO };
	struct ifreq ifr;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct ethtool_value ev = { .cmd = cmds[i], .data = 0 };

		ifreq_of(&ifr, LINK);
		ifr.ifr_data = (char *)&ev;
		if (ioctl(s, SIOCETHTOOL, &ifr) < 0 && errno != EOPNOTSUPP)
			fail("ethtool %s: %s", LINK, strerror(errno));
	}
}

/* add_addr - ADDR/LEN on the link, IPv4 or IPv6. */
static void add_addr(int s4, int s6, const char *spec)
{
	char a[64];
	const char *slash = strchr(spec, '/');
	int len = slash ? atoi(slash + 1) : -1;
	struct ifreq ifr;

	snprintf(a, sizeof(a), "%.*s", slash ? (int)(slash - spec) : 0, spec);
	if (strchr(a, ':')) {
		struct in6_ifreq_ r = { .prefixlen = (unsigned)len, .ifindex = (int)if_nametoindex(LINK) };

		if (len < 0 || len > 128 || inet_pton(AF_INET6, a, &r.addr) != 1)
			fail("--addr takes ADDR/LEN (got '%s')", spec);
		if (ioctl(s6, SIOCSIFADDR, &r) < 0)
			fail("address %s: %s", spec, strerror(errno));
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

		ifreq_of(&ifr, LINK);
		sin->sin_family = AF_INET;
		if (len < 0 || len > 32 || inet_pton(AF_INET, a, &sin->sin_addr) != 1)
			fail("--addr takes ADDR/LEN (got '%s')", spec);
		if (ioctl(s4, SIOCSIFADDR, &ifr) < 0)
			fail("address %s: %s", spec, strerror(errno));
		sin->sin_addr.s_addr = len ? htonl(0xffffffffu << (32 - len)) : 0;
		if (ioctl(s4, SIOCSIFNETMASK, &ifr) < 0)
			fail("netmask %s: %s", spec, strerror(errno));
	}
}

/* wait_link - the virtio-net device appears once its module probed it. */
static void wait_link(void)
{
	for (int i = 0; i < 500; i++) {
		if (if_nametoindex(LINK))
			return;
		sleep_ms(10);
	}
	fail("no network device %s after 5 s (is virtio_net loaded?)", LINK);
}

/* open_port - the virtio-serial port named PORT_NAME, as /dev/vportNpM. */
static int open_port(void)
{
	for (int i = 0; i < 500; i++) {
		DIR *d = opendir("/sys/class/virtio-ports");
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char path[300], name[64] = "";
			FILE *f;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", de->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (!fgets(name, sizeof(name), f))
				name[0] = '\0';
			fclose(f);
			name[strcspn(name, "\n")] = '\0';
			if (!strcmp(name, PORT_NAME)) {
				int fd;

				snprintf(path, sizeof(path), "/dev/%s", de->d_name);
				fd = open(path, O_RDWR);
				closedir(d);
				if (fd < 0)
					fail("%s: %s", path, strerror(errno));
				return fd;
			}
		}
		if (d)
			closedir(d);
		sleep_ms(10);
	}
	fail("no virtio-serial port named " PORT_NAME " after 5 s (is virtio_console loaded?)");
	return -1;
}

/* run_agent - the agent on the port; init stays to reap, and ends the machine with it. */
static void run_agent(int port, char **argv)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(port, 3) < 0 || setenv("TCPCONFORM_INIT_PARENT", "1", 1) < 0)
			_exit(127);
		execv(argv[0], argv);
		say("%s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		pid_t w = wait(&st);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
	}
	if (WIFSIGNALED(st))
		say("the agent was killed by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st))
		say("the agent exited with status %d", WEXITSTATUS(st));
	halt();
}

int main(int argc, char **argv)
{
	char *agent[MAX_ARGS + 4];
	int s4, s6, i, n = 0, port;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0 && errno != EBUSY)
		fail("mount /dev: %s", strerror(errno));
	/* before the link exists (its module makes it): no duplicate address detection,
	 * whose second of a tentative address would drop the first segments */
	write_file("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	write_file("/proc/sys/net/ipv6/conf/all/accept_dad", "0");
	write_file("/proc/sys/net/ipv6/conf/default/router_solicitations", "0");
	load_modules();
	for (i = 1; i < argc && strcmp(argv[i], "--agent"); i++)
		if (!strcmp(argv[i], "--sysctl") && i + 1 < argc)
			sysctl(argv[++i]);
	wait_link();
	write_file("/proc/sys/net/ipv6/conf/" LINK "/accept_dad", "0");
	s4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s4 < 0 || s6 < 0)
		fail("socket: %s", strerror(errno));
	link_up(s4, "lo");
	offloads_off(s4);
	link_up(s4, LINK);
	for (i = 1; i < argc && strcmp(argv[i], "--agent"); i++) {
		if (!strcmp(argv[i], "--addr") && i + 1 < argc)
			add_addr(s4, s6, argv[++i]);
		else if (!strcmp(argv[i], "--sysctl") && i + 1 < argc)
			i++;
		else
			fail("unknown argument '%s'", argv[i]);
	}
	close(s4);
	close(s6);
	if (i >= argc - 1)
		fail("no agent: its command line follows '--agent'");
	port = open_port();
	for (i++; i < argc && n < MAX_ARGS; i++)
		agent[n++] = argv[i];
	agent[n] = NULL;
	run_agent(port, agent);
	return 0;
}
