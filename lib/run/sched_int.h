/*
 * run: the scheduler's state, shared by its parts: sched.c (starting, reaping, waiting,
 * the target's watch) and alone.c (the cases that run alone: their sysctls, and the
 * waiting cases a serial case may start beside). Not for use outside lib/run.
 */
#ifndef TC_RUN_SCHED_INT_H
#define TC_RUN_SCHED_INT_H

#include "run/adapt.h"
#include "run/sched.h"

#define MAX_ENVS 4

struct sched {
	struct tc_run_env *env;         /* the first: its io, agent and clock serve all */
	struct tc_run_env *envs[MAX_ENVS];      /* every environment: their targets */
	int nenv;
	const struct tc_sched_opts *o;
	struct tc_sched_stats *stats;
	struct tc_conn **act;
	struct tc_result **ares;
	unsigned *adrop;                /* frames the capture lost while each case ran */
	unsigned drops;                 /* the capture's lost frames so far */
	int pending;                    /* the last drain left frames waiting: no poll, no tick */
	int jobs;                       /* cases allowed at once now */
	struct tc_adapt adapt;          /* how jobs moves (o->jobs_max) */
	int adapting;
	int nact;
	int serial;                     /* a serial case is running */
	/* a serial case that started beside cases in a long wait (see beside_waits): the
	 * end of the first of those waits and whose it is, and a case that ended since */
	struct tc_result *bs_res;
	uint64_t bs_until;
	char bs_who[TC_ERRLEN / 4], bs_gone[TC_ERRLEN / 4];
	char err[TC_ERRLEN];
	int broken;
	char dead[TC_ERRLEN];           /* the target died and could not be revived: why */
	/* the liveness probe of a watched target (opts.health): a case that failed on
	 * silence or a reset is held until a SYN to the listening port shows the target
	 * answers */
	struct tc_case *probe_case;
	struct tc_conn *probe;
	struct tc_result probe_res;
	struct tc_result **held;
	int *hitem;                     /* the item of each held result */
	int nheld;
	/* a watched target may die of a case's last segment a moment after the case ended:
	 * a finished case is reported only after GRACE_US in which the target lived */
	struct tc_result **grace;
	int *gitem;
	uint64_t *gdue;
	int ngrace;
	struct tc_rng *rng;
	/* after the target stopped: the cases in flight run again, one at a time, so that
	 * the one that stops it is found and each other gets its own verdict */
	const struct tc_sched_item *items;
	int *aitem;                     /* the item of each running case */
	int *retry, nretry;             /* items to run again, alone */
	int retrying;                   /* the item running again alone (-1: none) */
	int ndone, total;
	/* the @sysctl values of the case running (alone) now (sc_res->c), and what they
	 * were before */
	struct tc_result *sc_res;
	int sc_n;
	char sc_old[TC_MAX_SYSCTL][256];
};

/* rs_done - @r's verdict is final: reported (opts.on_done), its trace packed. */
void rs_done(struct sched *S, struct tc_result *r);

/* alone.c */
/* rs_set_sysctls - the @sysctl values of @it's case, in the target's namespace: 0, or -1
 * when one cannot be set (then none is, and the case ends as an error that says why). */
int rs_set_sysctls(struct sched *S, const struct tc_sched_item *it);
/* rs_restore_sysctls - give back what the case that set them changed. */
void rs_restore_sysctls(struct sched *S);
/* rs_beside_waits - a serial case @c may start now beside the running cases: 1 or 0. */
int rs_beside_waits(struct sched *S, const struct tc_case *c);
/* rs_beside_check - the serial case @r that started beside waiting cases ended. */
void rs_beside_check(struct sched *S, struct tc_result *r);

#endif
