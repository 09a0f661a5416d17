/*
 * io: the live back-end. Injection with libnet at the link layer (libnet builds the
 * IP and Ethernet headers around our TCP bytes), capture with libpcap in immediate
 * mode on the same interface, the filter armed before the first injection. It also
 * answers ARP for the tester's address, which no kernel owns. Needs root.
 */
#ifndef TC_IO_LIVE_H
#define TC_IO_LIVE_H

#include "io/io.h"
#include "util/util.h"

struct tc_live;

struct tc_live_cfg {
	const char *iface;
	struct tc_addr tester[2], target[2];    /* per family; family 0 = unused */
	uint8_t tester_mac[6];
	const struct tc_clock *clock;
	int raw;                        /* send bare IP packets through the kernel's route */
	int rate;                       /* packets per second at most (0: no limit) */
	int only_targets;               /* refuse a packet to any other address than target[],
					 * or from any other than tester[] (a host on a real network) */
	int answer_arp;                 /* answer the target's ARP requests and neighbour
					 * solicitations for tester[]'s addresses (the namespaces:
					 * no kernel owns them there) */
};

/* tc_live_open - open capture and injection on cfg->iface. NULL with @err on failure. */
struct tc_live *tc_live_open(const struct tc_live_cfg *cfg, char *err, size_t errlen);

/* tc_live_mtu - the MTU of interface @ifname in the current namespace (0: unknown). */
int tc_live_mtu(const char *ifname);
void tc_live_close(struct tc_live *lv);

/* tc_live_io - the io table over @lv. */
struct tc_io tc_live_io(struct tc_live *lv);

/* tc_live_resolve - the link-layer address of @ip on the link: ARP (IPv4) or neighbour
 * discovery (IPv6), sent and awaited by the tester itself, up to @ms. 0 or -1. */
int tc_live_resolve(struct tc_live *lv, const struct tc_addr *ip, uint8_t *mac, int ms, char *err, size_t errlen);

/* tc_live_stats - frames the kernel dropped before we read them (pcap_stats). */
unsigned tc_live_drops(struct tc_live *lv);

/*
 * tc_libnet_frame - build @s's frame the way the live back-end does (libnet's IPv4 or
 * IPv6 and Ethernet builders around the TCP bytes), without sending it: for tests
 * comparing libnet's bytes with the encoder's. @iface is any interface ("lo").
 * Needs root. On success *out is malloc'd.
 */
int tc_libnet_frame(const char *iface, const struct tc_seg *s, uint8_t **out, size_t *len,
		    char *err, size_t errlen);

#endif
