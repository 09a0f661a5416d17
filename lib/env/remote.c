/* env: the remote environment (a host the user names). */
#include "env/remote.h"
#include "env/cmd.h"
#include "env/http.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_DIR "/run/tcpconform"
#define TABLE_PREFIX "tcpconform_"
#define RESERVED "net.ipv4.ip_local_reserved_ports"

/* own_address - is @a an address of one of this host's interfaces? */
static int own_address(const struct tc_addr *a)
{
	char *argv[] = { "ip", "-o", "addr", "show", NULL }, out[16384], err[TC_ERRLEN];
	char *line, *save = NULL;

	if (tc_cmd_output(argv, NULL, out, sizeof(out), err, sizeof(err)) < 0)
		return 0;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, " inet6 "), buf[64];
		struct tc_addr x;

		if (!p)
			p = strstr(line, " inet ");
		if (!p)
			continue;
		p = strchr(p + 1, ' ') + 1;
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(p, "/ "), p);
		if (tc_addr_parse(&x, buf) == 0 && tc_addr_eq(&x, a))
			return 1;
	}
	return 0;
}

int tc_remote_check_target(const char *text, struct tc_addr *a, char *err, size_t errlen)
{
	static const uint8_t zero[16] = { 0 };
	static const uint8_t bcast[4] = { 255, 255, 255, 255 };

	if (tc_addr_parse(a, text) < 0)
		return tc_errf(err, errlen, "--target needs an IPv4 or IPv6 address, not '%s'", text);
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	static const uint8_t loop6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	/* ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; not :: and ::1) */
	if (a->family == 6 && (!memcmp(a->a, mapped, 12) ||
			       (!memcmp(a->a, zero, 12) && memcmp(a->a, zero, 16) && memcmp(a->a, loop6, 16))))
		return tc_errf(err, errlen, "%s is an IPv4 address written as IPv6: give the IPv4 address itself", text);
	if (a->family == 4 && (a->a[0] & 0xf0) == 0xe0)
		return tc_errf(err, errlen, "%s is a multicast address: a target is one host", text);
	if (a->family == 6 && a->a[0] == 0xff)
		return tc_errf(err, errlen, "%s is a multicast address: a target is one host", text);
	if (a->family == 4 && !memcmp(a->a, bcast, 4))
		return tc_errf(err, errlen, "%s is the broadcast address: a target is one host", text);
	if (!memcmp(a->a, zero, a->family == 4 ? 4 : 16))
		return tc_errf(err, errlen, "%s is the unspecified address: it names no host", text);
	if ((a->family == 4 && a->a[0] == 127) || own_address(a))
		return tc_errf(err, errlen, "%s is an address of this host: tcpconform would be testing itself "
			       "(to test this machine's stack, run without --target)", text);
	return 0;
}

/* route - the interface, source and next hop toward @a (ip route get). */
static int route(struct tc_remote *r, const struct tc_addr *a, const char *source, char *err, size_t errlen)
{
	char addr[64], out[1024], *tok, *save = NULL, *prev = NULL;
	char *argv[] = { "ip", r->tg.family == 6 ? "-6" : "-4", "-o", "route", "get", addr,
			 source ? "from" : NULL, (char *)source, NULL };
	int via = 0;

	tc_addr_format(a, addr, sizeof(addr));
	if (tc_cmd_output(argv, NULL, out, sizeof(out), err, errlen) < 0)
		return tc_errf(err, errlen, "no route to %s: %s", addr, out);
	if (!strncmp(out, "local ", 6) || !strncmp(out, "broadcast ", 10) || !strncmp(out, "multicast ", 10))
		return tc_errf(err, errlen, "%s is a %.*s address here: refused", addr, (int)strcspn(out, " "), out);
	r->next_hop = *a;
	for (tok = strtok_r(out, " \n\\", &save); tok; prev = tok, tok = strtok_r(NULL, " \n\\", &save)) {
		if (!prev)
			continue;
		if (!strcmp(prev, "via") && tc_addr_parse(&r->next_hop, tok) == 0)
			via = 1;
		else if (!strcmp(prev, "dev") && !r->iface[0])
			snprintf(r->iface, sizeof(r->iface), "%s", tok);
		else if (!strcmp(prev, "src") && !r->tg.tester.family)
			tc_addr_parse(&r->tg.tester, tok);
	}
	if (!r->iface[0] || !r->tg.tester.family)
		return tc_errf(err, errlen, "cannot tell the interface and source address toward %s", addr);
	r->same_link = !via;
	return 0;
}

static int read_mac(const char *iface, uint8_t *mac)
{
	char path[96];
	unsigned m[6];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", iface);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
	fclose(f);
	if (n != 6)
		return -1;
	for (n = 0; n < 6; n++)
		mac[n] = (uint8_t)m[n];
	return 0;
}

/* The reserved ports as a bitmap: the kernel prints ranges its own way (it merges
 * neighbours: 20000-23999,24000-27999 reads back as 20000-27999), so they are edited
 * as numbers, not as text. */
static int ports_read(uint8_t *map, char *err, size_t errlen)
{
	char cur[8192], *tok, *save = NULL;

	memset(map, 0, 8192);
	if (tc_sysctl_read(RESERVED, cur, sizeof(cur)) < 0)
		return tc_errf(err, errlen, "cannot read %s", RESERVED);
	for (tok = strtok_r(cur, ", \n", &save); tok; tok = strtok_r(NULL, ", \n", &save)) {
		unsigned long a = strtoul(tok, NULL, 10), b = a;
		const char *dash = strchr(tok, '-');

		if (dash)
			b = strtoul(dash + 1, NULL, 10);
		for (; a <= b && a < 65536; a++)
			map[a / 8] |= (uint8_t)(1u << (a % 8));
	}
	return 0;
}

static int ports_write(const uint8_t *map, char *err, size_t errlen)
{
	static char next[65536 * 12 / 2];
	size_t off = 0;
	unsigned p = 0;

	next[0] = '\0';
	while (p < 65536) {
		unsigned q;

		if (!(map[p / 8] & (1u << (p % 8)))) {
			p++;
			continue;
		}
		for (q = p; q + 1 < 65536 && (map[(q + 1) / 8] & (1u << ((q + 1) % 8))); q++)
			;
		off += (size_t)snprintf(next + off, sizeof(next) - off, q > p ? "%s%u-%u" : "%s%u", off ? "," : "", p, q);
		p = q + 1;
	}
	return tc_sysctl_write(RESERVED, next[0] ? next : "\n", err, errlen);
}

static void state_dir(char *buf, size_t len);

/* ns_lock - this namespace's runs one at a time through what they share: the reserved
 * ports (a read, then a write: two runs at once would lose one's edit) and the choice
 * of a block. The descriptor to ns_unlock, or -1 (then unlocked, as before). */
static int ns_lock(void)
{
	char path[200];
	int fd;

	state_dir(path, sizeof(path) - 8);
	strcat(path, "/lock");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void ns_unlock(int fd)
{
	if (fd >= 0)
		close(fd);      /* the lock goes with it */
}

/* ports_edit - add (@add) or remove the range lo-hi in ip_local_reserved_ports; the
 * caller holds ns_lock (ports_edit_locked takes it). */
static int ports_edit(uint16_t lo, uint16_t hi, int add, char *err, size_t errlen)
{
	uint8_t map[8192];
	unsigned p;

	if (ports_read(map, err, errlen) < 0)
		return -1;
	for (p = lo; p <= hi; p++)
		if (add)
			map[p / 8] |= (uint8_t)(1u << (p % 8));
		else
			map[p / 8] &= (uint8_t)~(1u << (p % 8));
	return ports_write(map, err, errlen);
}

static int ports_edit_locked(uint16_t lo, uint16_t hi, int add, char *err, size_t errlen)
{
	int fd = ns_lock(), rc = ports_edit(lo, hi, add, err, errlen);

	ns_unlock(fd);
	return rc;
}

/* hex_addr - an address as /proc/net/tcp{,6} prints it: 32-bit words in host order,
 * each as 8 hex digits. The number of bytes, or 0. */
static size_t hex_addr(const char *h, uint8_t *out)
{
	size_t n = strlen(h), w;

	if (n != 8 && n != 32)
		return 0;
	for (w = 0; w < n / 8; w++) {
		char word[9];
		uint32_t v;

		memcpy(word, h + 8 * w, 8);
		word[8] = '\0';
		v = (uint32_t)strtoul(word, NULL, 16);
		memcpy(out + 4 * w, &v, 4);
	}
	return n / 2;
}

int tc_remote_ports_used(const struct tc_addr *peer, uint16_t lo, uint16_t hi)
{
	static const char *const files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char line[512], la[40], ra[40];
	unsigned lport, rport;
	uint8_t a[16];
	size_t i, n;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f = fopen(files[i], "r");
		int used = 0;

		if (!f)
			continue;
		/* "  sl  local_address rem_address   st ...", addresses as HEX:PORT */
		while (!used && fgets(line, sizeof(line), f)) {
			if (sscanf(line, " %*s %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x", la, &lport, ra, &rport) != 4 ||
			    lport < lo || lport > hi || !(n = hex_addr(ra, a)))
				continue;
			if (peer->family == 4)
				used = (n == 4 && !memcmp(a, peer->a, 4)) ||
				       (n == 16 && !memcmp(a, mapped, 12) && !memcmp(a + 12, peer->a, 4));
			else
				used = n == 16 && !memcmp(a, peer->a, 16);
		}
		fclose(f);
		if (used)
			return 1;
	}
	return 0;
}

/* ports_free - no port of [lo, hi] is reserved yet (so that ours can be undone whole),
 * and no socket of this host talks to @target from one (its segments from the target
 * would be dropped). */
static int ports_free(const struct tc_addr *target, uint16_t lo, uint16_t hi)
{
	uint8_t map[8192];
	char err[TC_ERRLEN];
	unsigned p;

	if (ports_read(map, err, sizeof(err)) < 0)
		return 0;
	for (p = lo; p <= hi; p++)
		if (map[p / 8] & (1u << (p % 8)))
			return 0;
	return !tc_remote_ports_used(target, lo, hi);
}

static int nft_table(struct tc_remote *r, char *err, size_t errlen)
{
	char rules[1024], addr[64], out[512];
	char *argv[] = { "nft", "-f", "-", NULL };

	tc_addr_format(&r->tg.target, addr, sizeof(addr));
	snprintf(rules, sizeof(rules),
		 "table inet %s {\n"
		 "  chain pre {\n"
		 "    type filter hook prerouting priority -300; policy accept;\n"
		 "    %s saddr %s tcp dport %u-%u drop\n"
		 "  }\n"
		 "}\n", r->table, r->tg.family == 6 ? "ip6" : "ip", addr, r->port_lo, r->port_hi);
	if (tc_cmd_output(argv, rules, out, sizeof(out), err, errlen) < 0)
		return -1;
	r->nft_made = 1;
	return 0;
}

/* state_dir - STATE_DIR/net-INODE: the state of this network namespace's runs. The
 * drop tables and the reserved ports belong to a namespace: a run, a clean-up or
 * "tcpconform cleanup" in one namespace must never touch another's. */
static void state_dir(char *buf, size_t len)
{
	struct stat st;

	mkdir(STATE_DIR, 0755);
	if (stat("/proc/self/ns/net", &st) < 0)
		st.st_ino = 0;
	snprintf(buf, len, STATE_DIR "/net-%lu", (unsigned long)st.st_ino);
	mkdir(buf, 0755);
}

int tc_remote_next_block(int nblocks, const struct tc_addr *target)
{
	char path[200];
	FILE *f;
	int b = -1, k;

	state_dir(path, sizeof(path) - 16);
	strcat(path, "/next-block");
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &b) != 1)
			b = -1;
		fclose(f);
	}
	if (b < 0 || b >= nblocks)
		b = (int)(getpid() % nblocks);
	for (k = 0; k < nblocks; k++)           /* a block nobody reserved any port of */
		if (ports_free(target, (uint16_t)(TC_REMOTE_PORT_BASE + ((b + k) % nblocks) * TC_REMOTE_BLOCK),
			       (uint16_t)(TC_REMOTE_PORT_BASE + ((b + k) % nblocks + 1) * TC_REMOTE_BLOCK - 1)))
			break;
	if (k == nblocks)
		return -1;
	b = (b + k) % nblocks;
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%d\n", (b + 1) % nblocks);
		fclose(f);
	}
	return b;
}

static void state_write(struct tc_remote *r)
{
	FILE *f;

	char dir[100];

	state_dir(dir, sizeof(dir));
	snprintf(r->state_path, sizeof(r->state_path), "%s/remote-%d", dir, (int)getpid());
	f = fopen(r->state_path, "w");
	if (!f)
		return;
	fprintf(f, "table %s\nports %u %u\n", r->table, r->port_lo, r->port_hi);
	fclose(f);
}

int tc_remote_service_known(const char *name)
{
	static const char *const kinds[] = { "listen", "discard", "echo", "http", "banner" };
	size_t i;

	for (i = 0; i < TC_ARRAY_LEN(kinds); i++)
		if (!strcmp(name, kinds[i]))
			return 1;
	return 0;
}

const char *tc_remote_service_guess(uint16_t port)
{
	return port == 80 || port == 8080 ? "http" : port == 21 || port == 22 || port == 25 ? "banner" : NULL;
}

/* http_send_port - the send port over a web server: a request whose whole answer is
 * the send port's bytes (a Range of --http-path), or why there is none. */
static void http_send_port(struct tc_remote *r, const struct tc_remote_cfg *cfg)
{
	const char *path = cfg->http_path ? cfg->http_path : "/";
	char err[TC_ERRLEN];

	if (cfg->dry_run) {             /* nothing is sent: a request of the form, unsized */
		r->request = tc_xstrdup("GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1599\r\n\r\n");
	} else if (tc_http_sized_request(&r->tg.target, cfg->port, path, TC_SEND_PORT_BYTES, &r->request, err,
					 sizeof(err)) < 0) {
		snprintf(r->send_why, sizeof(r->send_why), "needs the send port's %u bytes, which the http service "
			 "does not give: %s", TC_SEND_PORT_BYTES, err);
		r->tg.send_why = r->send_why;
		return;
	}
	r->tg.ports[TC_PORT_SEND] = cfg->port;
	r->tg.request = r->request;
}

/* http_sized - 'agent send N' over a web server: for each N, a request whose whole
 * answer is N bytes (a Range of --http-path), or why there is none. */
static void http_sized(struct tc_remote *r, const struct tc_remote_cfg *cfg)
{
	const char *path = cfg->http_path ? cfg->http_path : "/";
	char err[TC_ERRLEN], *req;
	int i;

	for (i = 0; i < cfg->nsizes && i < TC_REMOTE_SIZES; i++) {
		struct tc_sized *z = &r->sized[i];

		z->bytes = cfg->sizes[i];
		z->why = r->sized_why[i];
		if (cfg->dry_run) {
			z->req = tc_xstrdup("GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=0-99\r\n\r\n");
			continue;
		}
		if (tc_http_sized_request(&r->tg.target, cfg->port, path, z->bytes, &req, err, sizeof(err)) < 0) {
			snprintf(r->sized_why[i], sizeof(r->sized_why[i]), "needs the application to send %u bytes, "
				 "which the http service does not give: %s", z->bytes, err);
			continue;
		}
		z->req = req;
	}
	r->tg.sized = r->sized;
	r->tg.nsized = i;
}

int tc_remote_setup(struct tc_remote *r, const struct tc_remote_cfg *cfg, char *err, size_t errlen)
{
	int lock, k;

	memset(r, 0, sizeof(*r));
	if (tc_remote_check_target(cfg->target, &r->tg.target, err, errlen) < 0)
		return -1;
	r->tg.family = r->tg.target.family;
	r->tg.mode = "remote";
	if (cfg->iface)
		snprintf(r->iface, sizeof(r->iface), "%s", cfg->iface);
	if (cfg->source && tc_addr_parse(&r->tg.tester, cfg->source) < 0)
		return tc_errf(err, errlen, "--source needs an address, not '%s'", cfg->source);
	if (cfg->source && r->tg.tester.family != r->tg.family)
		return tc_errf(err, errlen, "--source %s is not of the target's address family", cfg->source);
	if (route(r, &r->tg.target, cfg->source, err, errlen) < 0)
		return -1;
	if (read_mac(r->iface, r->tg.tester_mac) < 0 && r->same_link)
		return tc_errf(err, errlen, "%s has no Ethernet address: cannot send on its link", r->iface);
	r->tg.link = r->same_link ? TC_LINK_ETH : TC_LINK_RAW;
	r->tg.ports[TC_PORT_LISTEN] = cfg->port;
	if (cfg->service && !strcmp(cfg->service, "discard"))
		r->tg.ports[TC_PORT_DISCARD] = cfg->port;
	if (cfg->service && !strcmp(cfg->service, "http")) {
		/* the tester's data is a request that never ends: the server reads it and
		 * waits for the rest, a discard service until its header limits or timeout */
		r->tg.ports[TC_PORT_DISCARD] = cfg->port;
		r->tg.fill = TC_FILL_HTTP;
	}
	if (cfg->service && !strcmp(cfg->service, "banner")) {
		/* it greets, then reads a line of its protocol: the tester's fill has no line
		 * end, so it reads and waits, a discard service up to its line limit */
		r->tg.banner = 1;
		r->tg.ports[TC_PORT_DISCARD] = cfg->port;
	}
	if (cfg->service && !strcmp(cfg->service, "echo")) {
		r->tg.ports[TC_PORT_ECHO] = cfg->port;
		r->tg.answers = "echo";
	}
	r->tg.ports[TC_PORT_CLOSED] = cfg->closed_port;
	if (r->tg.fill == TC_FILL_HTTP) {
		http_send_port(r, cfg);
		http_sized(r, cfg);
	}
	r->port_lo = cfg->port_lo;
	r->port_hi = cfg->port_hi;
	snprintf(r->table, sizeof(r->table), TABLE_PREFIX "%d", (int)getpid());
	if (cfg->dry_run)
		return 0;
	if (!tc_have_tool("nft"))
		return tc_errf(err, errlen, "nft is not installed (make deps installs nftables)");
	if (tc_remote_cleanup_stale(err, errlen) < 0)
		return -1;
	/* under the lock, from the block's check to its reservation: a run that started
	 * meanwhile and took the block the caller chose leaves this run the next free one */
	lock = ns_lock();
	for (k = 0; k < 8 && !ports_free(&r->tg.target, r->port_lo, r->port_hi); k++) {
		int b = ((r->port_lo - TC_REMOTE_PORT_BASE) / TC_REMOTE_BLOCK + 1) % 8;

		r->port_lo = (uint16_t)(TC_REMOTE_PORT_BASE + b * TC_REMOTE_BLOCK);
		r->port_hi = (uint16_t)(r->port_lo + TC_REMOTE_BLOCK - 1);
	}
	if (k == 8) {
		ns_unlock(lock);
		return tc_errf(err, errlen, "every block of tester ports (%d-%d) has reserved ports or ports of this "
			       "host's connections to the target", TC_REMOTE_PORT_BASE,
			       TC_REMOTE_PORT_BASE + 8 * TC_REMOTE_BLOCK - 1);
	}
	state_write(r);
	if (nft_table(r, err, errlen) < 0 || ports_edit(r->port_lo, r->port_hi, 1, err, errlen) < 0) {
		ns_unlock(lock);
		tc_remote_teardown(r);
		return -1;
	}
	r->ports_reserved = 1;
	ns_unlock(lock);
	return 0;
}

void tc_remote_teardown(struct tc_remote *r)
{
	char err[TC_ERRLEN];
	int i;

	if (r->nft_made)
		tc_cmdf(err, sizeof(err), "nft delete table inet %s", r->table);
	if (r->ports_reserved)
		ports_edit_locked(r->port_lo, r->port_hi, 0, err, sizeof(err));
	r->nft_made = r->ports_reserved = 0;
	free(r->request);
	r->request = NULL;
	r->tg.request = NULL;
	for (i = 0; i < r->tg.nsized; i++) {
		free((char *)r->sized[i].req);
		r->sized[i].req = NULL;
	}
	r->tg.nsized = 0;
	if (r->state_path[0])
		unlink(r->state_path);
	r->state_path[0] = '\0';
}

/* ns_alive - does a process or a name in /run/netns hold the network namespace @ino? */
static int ns_alive(unsigned long ino)
{
	static const char *const dirs[] = { "/proc", "/run/netns" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		int found = 0;

		while (d && !found && (de = readdir(d))) {
			char path[300];
			struct stat st;

			if (de->d_name[0] == '.' || (i == 0 && (de->d_name[0] < '0' || de->d_name[0] > '9')))
				continue;
			snprintf(path, sizeof(path), i == 0 ? "%s/%s/ns/net" : "%s/%s", dirs[i], de->d_name);
			found = stat(path, &st) == 0 && (unsigned long)st.st_ino == ino;
		}
		if (d)
			closedir(d);
		if (found)
			return 1;
	}
	return 0;
}

/* forget_dead_namespaces - the state folders of network namespaces that are gone: what
 * they recorded (tables, reserved ports) went with their namespace. */
static void forget_dead_namespaces(void)
{
	DIR *d = opendir(STATE_DIR);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[300], file[600];
		DIR *in;
		struct dirent *e;

		if (strncmp(de->d_name, "net-", 4) || ns_alive(strtoul(de->d_name + 4, NULL, 10)))
			continue;
		snprintf(path, sizeof(path), STATE_DIR "/%s", de->d_name);
		in = opendir(path);
		while (in && (e = readdir(in)))
			if (e->d_name[0] != '.') {
				snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
				unlink(file);
			}
		if (in)
			closedir(in);
		rmdir(path);
	}
	if (d)
		closedir(d);
}

int tc_remote_cleanup_stale(char *err, size_t errlen)
{
	char *argv[] = { "nft", "list", "tables", NULL }, out[8192], *line, *save = NULL, e2[TC_ERRLEN];
	DIR *d;
	struct dirent *de;
	int n = 0;

	char dir[100];

	/* ports first: the state files (of this namespace's runs) say which ranges were whose */
	state_dir(dir, sizeof(dir));
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char path[400], table[64];
		unsigned lo, hi;
		long pid;
		FILE *f;

		if (strncmp(de->d_name, "remote-", 7) || (pid = atol(de->d_name + 7)) <= 0 || tc_owner_alive(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "table %63s ports %u %u", table, &lo, &hi) == 3)
			ports_edit_locked((uint16_t)lo, (uint16_t)hi, 0, e2, sizeof(e2));
		if (f)
			fclose(f);
		unlink(path);
	}
	if (d)
		closedir(d);
	forget_dead_namespaces();
	if (!tc_have_tool("nft") || tc_cmd_output(argv, NULL, out, sizeof(out), err, errlen) < 0)
		return 0;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t = strstr(line, TABLE_PREFIX);

		if (!t || strncmp(line, "table inet ", 11) || tc_owner_alive(atol(t + strlen(TABLE_PREFIX))))
			continue;
		if (tc_cmdf(e2, sizeof(e2), "nft delete table inet %s", t) == 0)
			n++;
	}
	return n;
}
