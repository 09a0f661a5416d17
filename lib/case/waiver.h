/*
 * case: waivers. A waiver file lists the known deviations of one stack from the RFCs,
 * each with its reason and reference; a failure it names becomes "xfail". Format
 * (testcases/waivers/README.md):
 *
 *     # comment
 *     [tcp.timewait.duration]          case ids or globs of ids, blank-separated
 *     reason = Linux keeps TIME-WAIT 60 s, not 2*MSL
 *     ref = include/net/tcp.h TCP_TIMEWAIT_LEN; RFC 9293 MUST-13
 *     match = expected < . 2:2(0)      optional: the failure's reason must contain it
 *     family = 6                       optional: only over that family
 *     service = http                   optional: only where that service is the application
 *     kernels = 6.1 6.12 (or 6.5+)     optional: only on those Linux versions (or later)
 *     varies = yes                     optional: the stack's answer varies, a pass is not stale
 */
#ifndef TC_CASE_WAIVER_H
#define TC_CASE_WAIVER_H

#include <stddef.h>

struct tc_waiver {
	char *glob;             /* case ids it covers */
	char *reason, *ref, *match;
	int family;             /* 0: both */
	char *service;          /* only where --service names it (NULL: whatever the application) */
	char *kernels;          /* only on these Linux versions, blank-separated (NULL: any) */
	int varies;             /* the stack's answer varies from run to run: a pass is not stale */
	char *file;             /* where it was written, for messages */
	int line;
	int used;               /* it turned a fail into xfail */
};

struct tc_waivers {
	struct tc_waiver *v;
	size_t n, cap;
	const char *service;    /* the run's --service (NULL: the agent, or none): a waiver
				 * with a service applies only where it is the same */
	const char *kernel;     /* the target's Linux release (NULL: not known): a waiver with
				 * kernels applies only where it is one of them */
};

/*
 * tc_waivers_load - add the waivers of @path to @w. Returns 0, or -1 with @err as
 * "file:line:col: message" (a missing reason, an unknown key, a line outside a section).
 */
int tc_waivers_load(struct tc_waivers *w, const char *path, char *err, size_t errlen);

/* tc_waivers_free - everything @w owns. */
void tc_waivers_free(struct tc_waivers *w);

/* tc_waiver_find - the first waiver for case @id over @family, with @service as the
 * application (NULL: the agent's or none), whose "match" (if any) occurs in @reason (@reason may be NULL: a pass, to find waivers that were not
 * needed). NULL if none. */
struct tc_waiver *tc_waiver_find(struct tc_waivers *w, const char *id, int family, const char *service,
				 const char *reason);

/* tc_kernel_fits - is Linux @release ("6.1.0-57-cloud-amd64", may be NULL) one of
 * the blank-separated @versions ("6.1 6.18": "6.1" is not "6.12"; "6.5+": 6.5 or
 * later, by major and minor number)? */
int tc_kernel_fits(const char *versions, const char *release);

#endif
