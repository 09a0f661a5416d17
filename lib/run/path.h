/*
 * run: the path between the tester and the target. Middleboxes rewrite segments on
 * the way (they clamp MSS, overwrite options with NOPs, answer for the host with
 * their own RSTs); the traces of a whole run show it where a single case cannot:
 * TTLs that differ between the target's SYN-ACKs and its RSTs, an MSS below what the
 * link allows, NOP runs where an option was, options that the SYN-ACK lacks but the
 * later segments carry, a TSecr that does not echo. Pure: results in, findings out.
 */
#ifndef TC_RUN_PATH_H
#define TC_RUN_PATH_H

#include "run/result.h"

#define TC_PATH_MAX_FINDINGS 16
#define TC_PATH_MAX_VALUES 8

struct tc_path_finding {
	const char *what;               /* "ttl", "mss", "options", "timestamps" */
	int family;                     /* 4 or 6 */
	char message[320];
	const char *case_id;            /* a case that shows it */
};

/* What the target's segments showed, per family. */
struct tc_path_family {
	int family;                     /* 0: no segment of this family */
	uint16_t ttl_synack[TC_PATH_MAX_VALUES], ttl_rst[TC_PATH_MAX_VALUES], ttl_other[TC_PATH_MAX_VALUES];
	int n_synack, n_rst, n_other;
	uint16_t mss[TC_PATH_MAX_VALUES];       /* MSS values of the target's SYN-ACKs */
	int n_mss;
};

struct tc_path_report {
	struct tc_path_family fam[2];   /* IPv4, IPv6 */
	struct tc_path_finding f[TC_PATH_MAX_FINDINGS];
	int n;
};

/* tc_path_analyze - look at the target's segments in @n results. @link_mtu is the MTU
 * of the tester's link (0: unknown). */
void tc_path_analyze(const struct tc_result *res, int n, int link_mtu, struct tc_path_report *out);

#endif
