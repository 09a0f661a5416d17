/*
 * tester/lwip/lwip_netif.c: lwIP's link for tcpconform-lwip: one Ethernet
 * interface whose frames go through the inherited TAP file descriptor, its
 * addresses (IPv4, IPv6 set PREFERRED by hand: no DAD, no autoconfiguration),
 * static neighbours, and the platform functions lwIP asks of a NO_SYS port.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/sys.h"
#include "netif/ethernet.h"

#include "agent.h"

#define AGENT_TAP_BURST 64		/* frames read per loop turn */

/* lwIP's clock (NO_SYS): milliseconds from CLOCK_MONOTONIC, wrapping at 2^32. */
u32_t sys_now(void)
{
	return (u32_t)agent_now_ms();
}

/* LWIP_RAND() of arch/cc.h. */
unsigned int tcl_lwip_rand(void)
{
	unsigned int v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v))
		v = (unsigned int)agent_now_ms() * 2654435761u;
	return v;
}

/* LWIP_PLATFORM_DIAG() of arch/cc.h: to stderr. */
void tcl_lwip_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* netif->linkoutput: one whole frame to the TAP. A full TAP queue drops it. */
static err_t tap_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct agent *a = netif->state;
	char frame[AGENT_FRAME_MAX];
	u16_t len;
	ssize_t n;

	if (p->tot_len > sizeof(frame))
		return ERR_BUF;
	len = pbuf_copy_partial(p, frame, p->tot_len, 0);
	do {
		n = write(a->tap_fd, frame, len);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return ERR_OK;
	if (!a->tap_warned) {
		a->tap_warned = true;
		fprintf(stderr, "tcpconform-lwip: TAP write: %s (frames dropped)\n",
			n < 0 ? strerror(errno) : "short write");
	}
	return ERR_IF;
}

/*
 * netif->output_ip6: to a static neighbour (--neigh) straight to its MAC;
 * otherwise through lwIP's neighbour discovery.
 */
static err_t tap_output_ip6(struct netif *netif, struct pbuf *p,
			    const ip6_addr_t *nexthop)
{
	struct agent *a = netif->state;
	size_t i;

	for (i = 0; i < a->nneigh; i++) {
		const ip_addr_t *n = &a->neigh[i].addr;

		if (IP_IS_V6(n) && ip6_addr_cmp_zoneless(ip_2_ip6(n), nexthop))
			return ethernet_output(netif, p,
					       (const struct eth_addr *)netif->hwaddr,
					       (const struct eth_addr *)a->neigh[i].mac,
					       ETHTYPE_IPV6);
	}
	return ethip6_output(netif, p, nexthop);
}

/* netif_add()'s init function: an Ethernet interface, MTU 1500. */
static err_t tap_netif_init(struct netif *netif)
{
	struct agent *a = netif->state;

	netif->name[0] = 't';
	netif->name[1] = 'p';
	netif->mtu = 1500;
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, a->mac, 6);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET;
	netif->output = etharp_output;
	netif->output_ip6 = tap_output_ip6;
	netif->linkoutput = tap_linkoutput;
	return ERR_OK;
}

/* Parse "ADDR/PREFIX" into @ip and @prefix. Returns 0, or -1. */
static int parse_cidr(const char *s, ip_addr_t *ip, unsigned *prefix)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	uint64_t v;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (!ipaddr_aton(buf, ip))
		return -1;
	if (agent_parse_u64(slash + 1, IP_IS_V6(ip) ? 128 : 32, &v) != 0)
		return -1;
	*prefix = (unsigned)v;
	return 0;
}

/* Add the IPv6 address @ip6 to the interface, PREFERRED at once. 0 or -1. */
static int add_ip6(struct netif *netif, const ip6_addr_t *ip6, const char *arg)
{
	s8_t idx;

	if (netif_add_ip6_address(netif, ip6, &idx) != ERR_OK) {
		fprintf(stderr, "tcpconform-lwip: --addr %s: no room (at most %d "
			"IPv6 addresses with the link-local one)\n", arg,
			LWIP_IPV6_NUM_ADDRESSES);
		return -1;
	}
	netif_ip6_addr_set_state(netif, idx, IP6_ADDR_PREFERRED);
	return 0;
}

/*
 * Start lwIP and bring the TAP interface up with the addresses @addrs
 * ("ADDR/PREFIX", IPv4 or IPv6) and the static neighbours in @a. The TAP fd
 * becomes non-blocking (agent_tap_restore() puts its flags back). 0, or -1 with
 * a message on stderr.
 */
int agent_netif_setup(struct agent *a, const char *const *addrs, size_t naddrs)
{
	ip4_addr_t ip4 = { 0 }, mask = { 0 }, gw = { 0 };
	bool have4 = false;
	unsigned prefix;
	ip_addr_t ip;
	size_t i;
	int fl;

	fl = fcntl(a->tap_fd, F_GETFL);
	if (fl < 0 || fcntl(a->tap_fd, F_SETFL, fl | O_NONBLOCK) != 0) {
		perror("tcpconform-lwip: --tap-fd");
		return -1;
	}
	a->tap_flags = fl;
	lwip_init();
	for (i = 0; i < naddrs; i++) {
		if (parse_cidr(addrs[i], &ip, &prefix) != 0 || !IP_IS_V4(&ip))
			continue;
		if (have4) {
			fprintf(stderr, "tcpconform-lwip: --addr %s: only one IPv4 "
				"address\n", addrs[i]);
			return -1;
		}
		have4 = true;
		ip4_addr_copy(ip4, *ip_2_ip4(&ip));
		ip4_addr_set_u32(&mask, prefix ? lwip_htonl(0xffffffffu << (32 - prefix)) : 0);
	}
	if (!netif_add(&a->netif, &ip4, &mask, &gw, a, tap_netif_init,
		       ethernet_input)) {
		fprintf(stderr, "tcpconform-lwip: netif_add failed\n");
		return -1;
	}
	netif_create_ip6_linklocal_address(&a->netif, 1);
	netif_ip6_addr_set_state(&a->netif, 0, IP6_ADDR_PREFERRED);
	for (i = 0; i < naddrs; i++) {
		if (parse_cidr(addrs[i], &ip, &prefix) != 0) {
			fprintf(stderr, "tcpconform-lwip: --addr expects ADDR/PREFIX, "
				"got %s\n", addrs[i]);
			return -1;
		}
		if (IP_IS_V6(&ip)) {
			if (prefix != 64)
				fprintf(stderr, "tcpconform-lwip: --addr %s: lwIP takes "
					"the /64 around a static address as on-link\n",
					addrs[i]);
			if (add_ip6(&a->netif, ip_2_ip6(&ip), addrs[i]) != 0)
				return -1;
		}
	}
	netif_set_default(&a->netif);
	netif_set_link_up(&a->netif);
	netif_set_up(&a->netif);
	for (i = 0; i < a->nneigh; i++) {
		if (IP_IS_V4(&a->neigh[i].addr) &&
		    etharp_add_static_entry(ip_2_ip4(&a->neigh[i].addr),
					    (struct eth_addr *)a->neigh[i].mac) != ERR_OK) {
			fprintf(stderr, "tcpconform-lwip: --neigh %s: not on the "
				"interface's IPv4 network\n",
				ipaddr_ntoa(&a->neigh[i].addr));
			return -1;
		}
	}
	return 0;
}

/* Put the TAP fd's flags back (at exit). */
void agent_tap_restore(struct agent *a)
{
	if (a->tap_flags >= 0 && fcntl(a->tap_fd, F_SETFL, a->tap_flags) != 0)
		perror("tcpconform-lwip: fcntl");
}

/*
 * Hand lwIP the frames waiting on the TAP (a bounded burst). Returns 0, or -1
 * when the TAP failed or was closed.
 */
int agent_tap_input(struct agent *a)
{
	int i;

	for (i = 0; i < AGENT_TAP_BURST; i++) {
		ssize_t n = read(a->tap_fd, a->iobuf, AGENT_IOBUF);
		struct pbuf *p;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			perror("tcpconform-lwip: TAP read");
			return -1;
		}
		if (n == 0) {
			fprintf(stderr, "tcpconform-lwip: TAP closed\n");
			return -1;
		}
		if (n > 0xffff)
			continue;
		p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
		if (!p)
			continue;	/* out of memory: the frame is lost */
		pbuf_take(p, a->iobuf, (u16_t)n);
		if (a->netif.input(p, &a->netif) != ERR_OK)
			pbuf_free(p);
	}
	return 0;
}
