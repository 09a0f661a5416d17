/* case: what a case needs of its target, derived from its port and its steps. */
#include "case/case.h"
#include "util/util.h"

#include <string.h>

static int sends_data(const struct tc_step *st, int n);

/* fin_then_judged - does a step after a FIN the tester sends (in @st or in a branch)
 * judge the target's answers? A FIN counts when a connection can have reached the
 * application: a SYN went before it, and an ACK before it or with it. *seen holds what
 * went before @st: bit 0 a SYN, bit 1 an ACK after it, bit 2 a FIN that counts. */
static int fin_then_judged(const struct tc_step *st, int n, int *seen)
{
	int i, b, s0, s;

	for (i = 0; i < n; i++) {
		switch (st[i].kind) {
		case TC_STEP_SEND:
			if (st[i].seg.flags & TC_SYN)
				*seen |= 1;
			else if ((*seen & 1) && (st[i].seg.flags & TC_ACK))
				*seen |= 2;
			if ((st[i].seg.flags & TC_FIN) && (*seen & 3) == 3)
				*seen |= 4;
			break;
		case TC_STEP_EXPECT: case TC_STEP_NOTHING: case TC_STEP_MODEL:
			if (*seen & 4)
				return 1;
			break;
		case TC_STEP_ALT:
			for (s0 = *seen, b = 0; b < st[i].nbr; b++) {
				s = s0;
				if (fin_then_judged(st[i].br[b].steps, st[i].br[b].nsteps, &s))
					return 1;
				*seen |= s;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

/* fin_taken - may the target's application see the tester's FIN? With @states, when a
 * path enters a state that only a FIN taken leads to; without, always. */
static int fin_taken(const struct tc_case *c)
{
	static const char *const after_fin[] = { "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT" };
	int p, i;
	size_t k;

	if (!c->npaths)
		return 1;
	for (p = 0; p < c->npaths; p++)
		for (i = 0; i < c->npathlen[p]; i++)
			for (k = 0; k < TC_ARRAY_LEN(after_fin); k++)
				if (!strcmp(c->paths[p][i], after_fin[k]))
					return 1;
	return 0;
}

/* half_closed_reads - after a shutdown of the application's sending side, does a
 * literal expectation judge what follows the tester's data? It may count on the
 * application still reading (a full close resets instead); the model's expectations
 * know which close it was. */
static int half_closed_reads(const struct tc_step *st, int n)
{
	int i, b, shut = 0, data = 0;

	for (i = 0; i < n; i++) {
		if (st[i].kind == TC_STEP_AGENT && st[i].verb == TC_AG_SHUTDOWN)
			shut = 1;
		if (shut && st[i].kind == TC_STEP_SEND && sends_data(&st[i], 1))
			data = 1;
		if (data && (st[i].kind == TC_STEP_EXPECT || st[i].kind == TC_STEP_NOTHING))
			return 1;
		for (b = 0; st[i].kind == TC_STEP_ALT && b < st[i].nbr; b++)
			if (data || half_closed_reads(st[i].br[b].steps, st[i].br[b].nsteps))
				return 1;
	}
	return 0;
}

/* app_closes - does the case's application close its sending side? Once it has, what it
 * would do after the tester's FIN no longer matters; and a service that closes on the
 * peer's FIN plays a close that comes after it. */
static int app_closes(const struct tc_step *st, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (tc_step_closes(&st[i]))
			return 1;
	return 0;
}

/* sends_data - does a step (or a branch) send data? */
static int sends_data(const struct tc_step *st, int n)
{
	int i, b;

	for (i = 0; i < n; i++) {
		if (st[i].kind == TC_STEP_SEND &&
		    (st[i].seg.payload_len || (st[i].seg.len.set && (st[i].seg.len.v || st[i].seg.len.nsym))))
			return 1;
		for (b = 0; st[i].kind == TC_STEP_ALT && b < st[i].nbr; b++)
			if (sends_data(st[i].br[b].steps, st[i].br[b].nsteps))
				return 1;
	}
	return 0;
}

/* own_bytes - does a step (or a branch) send a payload written out in the case? */
static int own_bytes(const struct tc_step *st, int n)
{
	int i, b;

	for (i = 0; i < n; i++) {
		if (st[i].kind == TC_STEP_SEND && st[i].seg.payload_given)
			return 1;
		for (b = 0; st[i].kind == TC_STEP_ALT && b < st[i].nbr; b++)
			if (own_bytes(st[i].br[b].steps, st[i].br[b].nsteps))
				return 1;
	}
	return 0;
}

void tc_case_derive_needs(struct tc_case *c)
{
	int fin = 0;

	if (!c->port)
		c->port = c->needs & TC_NEED_CLOSED_PORT ? TC_PORT_CLOSED : TC_PORT_LISTEN;
	if (c->port == TC_PORT_CLOSED)
		c->needs |= TC_NEED_CLOSED_PORT;
	else if (c->port != TC_PORT_ACTIVE)
		c->needs |= TC_NEED_OPEN_PORT;
	/* an echo, a discard or a send port may be a real service (--service; a web server's
	 * answer plays the send port); the others need the agent to make the application act */
	if (c->port != TC_PORT_LISTEN && c->port != TC_PORT_CLOSED && c->port != TC_PORT_ECHO &&
	    c->port != TC_PORT_DISCARD && c->port != TC_PORT_SEND)
		c->needs |= TC_NEED_AGENT;
	if (c->port != TC_PORT_CLOSED && fin_taken(c) && fin_then_judged(c->steps, c->nsteps, &fin) &&
	    !app_closes(c->steps, c->nsteps))
		c->needs |= TC_NEED_HOLD;
	if ((c->needs & TC_NEED_CLOSE) && half_closed_reads(c->steps, c->nsteps))
		c->needs |= TC_NEED_AGENT;
	if (c->port == TC_PORT_LISTEN && sends_data(c->steps, c->nsteps))
		c->needs |= TC_NEED_SILENT;
	if (own_bytes(c->steps, c->nsteps))
		c->needs |= TC_NEED_OWN_BYTES;
}
