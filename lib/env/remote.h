/*
 * env: the remote environment. A host the user names and does not control: no agent,
 * no namespace. The tester sends from an address of its own host, so its own kernel
 * would answer the target's segments with resets: an nftables table of tcpconform's
 * own drops them before the local TCP sees them (capture still does), and the tester's
 * port range is reserved (ip_local_reserved_ports) so that no local socket takes one.
 * Both are undone at exit, on errors and signals; a killed run's are found and undone
 * by the next start or by "tcpconform cleanup".
 */
#ifndef TC_ENV_REMOTE_H
#define TC_ENV_REMOTE_H

#include "io/target.h"

#define TC_REMOTE_SIZES 24       /* the sizes of 'agent send' a web server plays, at most */

struct tc_remote_cfg {
	const char *target;             /* an IPv4 or IPv6 literal */
	uint16_t port, closed_port;     /* closed_port 0: none given */
	const char *service;            /* what listens on port: "listen" (or NULL), "discard", "echo", "http" */
	const char *http_path;          /* http: the page whose first bytes the send port's answer is */
	const char *iface, *source;     /* NULL: from the route */
	uint16_t port_lo, port_hi;      /* the tester's ports */
	int dry_run;                    /* nothing is installed */
	const uint32_t *sizes;          /* http: the N of the cases' 'agent send N' (each once) */
	int nsizes;
};

struct tc_remote {
	struct tc_target tg;
	char iface[32];
	int same_link;                  /* link layer (next hop resolved by us); else raw IP */
	struct tc_addr next_hop;        /* the target itself, or the gateway */
	char table[48];
	uint16_t port_lo, port_hi;
	int nft_made, ports_reserved;
	char state_path[160];
	char *request;                  /* http: the request the send port's cases send */
	char send_why[TC_ERRLEN + 96];  /* http: why the send port cannot be had */
	struct tc_sized sized[TC_REMOTE_SIZES];        /* http: 'agent send N', each N */
	char sized_why[TC_REMOTE_SIZES][TC_ERRLEN + 96];
};

/*
 * tc_remote_check_target - parse @text and refuse what must never be a target:
 * multicast, broadcast, unspecified, and this host's own addresses (loopback
 * included). 0 with *a filled, or -1 with @err (a sentence for the user).
 */
/* The services --service names (what the application behind --port does), as one
 * comma-separated phrase for messages ("listen, discard, echo, http or banner"). */
#define TC_SERVICES "listen, discard, echo, http or banner"
/* tc_remote_service_known - is @name one of them? */
int tc_remote_service_known(const char *name);
/* tc_remote_service_guess - the service a well-known port is taken for: http for 80
 * and 8080, banner for 21, 22 and 25 (FTP, SSH, SMTP greet first); NULL for the rest. */
const char *tc_remote_service_guess(uint16_t port);

int tc_remote_check_target(const char *text, struct tc_addr *a, char *err, size_t errlen);

#define TC_REMOTE_PORT_BASE 20000        /* tester ports: blocks of 4000 from here */
#define TC_REMOTE_BLOCK 4000

/* tc_remote_next_block - which of @nblocks blocks of tester ports this run takes: the
 * one after the last run's, so that a run does not meet the connections an earlier
 * run left on the target (in TIME-WAIT, or half open) on the same 4-tuples; and one
 * none of whose ports is reserved already (by another run, or by the host's owner),
 * nor used by a connection of this host to @target. -1 if there is none. */
int tc_remote_next_block(int nblocks, const struct tc_addr *target);

/* tc_remote_ports_used - does a TCP socket of this host (any state, IPv4, IPv6 or
 * IPv4-mapped) talk to @peer from a local port in [lo, hi]? A block with one is passed
 * over: the drop table would cut that socket's traffic from the target. */
int tc_remote_ports_used(const struct tc_addr *peer, uint16_t lo, uint16_t hi);

/* tc_remote_setup - route, source, interface; the drop table and the reserved ports.
 * On failure everything made is undone. */
int tc_remote_setup(struct tc_remote *r, const struct tc_remote_cfg *cfg, char *err, size_t errlen);

/* tc_remote_teardown - delete the table, release the ports. Safe twice. */
void tc_remote_teardown(struct tc_remote *r);

/* tc_remote_cleanup_stale - undo what remote runs killed without their teardown left
 * (tables named tcpconform_<pid>, their reserved ports). Returns how many, or -1. */
int tc_remote_cleanup_stale(char *err, size_t errlen);

#endif
