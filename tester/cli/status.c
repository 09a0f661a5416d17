/* cli: the live status line of "tcpconform run" on a terminal: cases done of total,
 * the verdicts so far, how many run now, and the one that has waited longest with
 * how long its steps may take ("waiting for tcp.timer.syn_r2_3min: 96 of ~181 s").
 * Never in a pipe or a file, nor with --no-color or -q. */
#include "cli_run.h"

#include <stdio.h>
#include <string.h>

/* steps_us - how long @n steps may take at the most: their waits, silences and
 * timeouts (an expectation without its own: @dflt); of alternatives, the longest. */
static uint64_t steps_us(const struct tc_step *st, int n, uint64_t dflt)
{
	uint64_t t = 0;

	for (int i = 0; i < n; i++) {
		uint64_t b = 0;

		for (int k = 0; k < st[i].nbr; k++) {
			uint64_t x = steps_us(st[i].br[k].steps, st[i].br[k].nsteps, dflt);

			b = x > b ? x : b;
		}
		t += b;
		if (st[i].kind == TC_STEP_WAIT || st[i].kind == TC_STEP_NOTHING)
			t += st[i].dur_us;
		else if (st[i].kind == TC_STEP_EXPECT)
			t += st[i].dur_us ? st[i].dur_us : dflt;
	}
	return t;
}

void status_clear(struct run *R)
{
	if (R->status_shown) {
		fputs("\r\033[K", stdout);
		R->status_shown = 0;
	}
}

void status_progress(void *arg, struct tc_result *const *running, int n, int ndone, int total)
{
	struct run *R = arg;
	uint64_t now = tc_now_us(NULL), oldest = 0;
	const struct tc_result *w = NULL;
	char line[300];
	int off;

	if (!R->status_on || now - R->status_at < 200000)
		return;
	R->status_at = now;
	for (int i = 0; i < n; i++)
		if (!w || running[i]->start_us < oldest) {
			w = running[i];
			oldest = running[i]->start_us;
		}
	off = snprintf(line, sizeof(line), "[%d/%d, %d pass, %d fail]", ndone, total, R->npass, R->nfail);
	if (w && now > oldest + 2000000 && off < (int)sizeof(line)) {
		uint64_t est = steps_us(w->c->steps, w->c->nsteps, w->c->timeout_us) * (uint64_t)(w->c->samples ? w->c->samples : 1);

		off += snprintf(line + off, sizeof(line) - (size_t)off, " waiting for %s%s: %llu", w->c->id,
				w->family == 6 ? " [ipv6]" : "", (unsigned long long)((now - oldest) / 1000000));
		if (est > now - oldest && off < (int)sizeof(line))
			off += snprintf(line + off, sizeof(line) - (size_t)off, " of ~%llu s",
					(unsigned long long)(est / 1000000));
		else if (off < (int)sizeof(line))
			off += snprintf(line + off, sizeof(line) - (size_t)off, " s");
	}
	if (off < (int)sizeof(line))
		snprintf(line + off, sizeof(line) - (size_t)off, " (%d running)", n);
	printf("\r\033[K%.*s", R->status_cols > 10 ? R->status_cols - 1 : 79, line);
	fflush(stdout);
	R->status_shown = 1;
}
