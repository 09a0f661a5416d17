/* run: what a case needs of its target that this target cannot give (tc_case_unmet). */
#include "run/runner.h"

#include <stddef.h>

/* sized_unmet - why an 'agent send N' of @st cannot be played by the target's web
 * server (no request whose answer is N bytes), or NULL. */
static const char *sized_unmet(const struct tc_step *st, int n, const struct tc_target *tg)
{
	const char *why;
	int i, j;

	if (tg->fill != TC_FILL_HTTP)
		return "needs the target-side agent";
	for (i = 0; i < n; i++) {
		for (j = 0; st[i].kind == TC_STEP_ALT && j < st[i].nbr; j++)
			if ((why = sized_unmet(st[i].br[j].steps, st[i].br[j].nsteps, tg)))
				return why;
		if (st[i].kind != TC_STEP_AGENT || st[i].verb != TC_AG_SEND)
			continue;
		for (j = 0; j < tg->nsized && tg->sized[j].bytes != st[i].arg; j++)
			;
		if (j == tg->nsized)
			return "needs the target-side agent, or a web server's answer of the bytes the application sends";
		if (!tg->sized[j].req)
			return tg->sized[j].why;
	}
	return NULL;
}

const char *tc_case_unmet(const struct tc_case *c, const struct tc_target *tg)
{
	const char *why;

	if (c->family && c->family != tg->family)
		return c->family == 4 ? "an IPv4 case (@family 4)" : "an IPv6 case (@family 6)";
	if (c->port == TC_PORT_ACTIVE && !tg->have_agent)
		return "needs the target-side agent (the target opens the connection)";
	if (c->port == TC_PORT_NOREAD && tg->listen_per_case)
		return "needs an application whose not reading closes the tested stack's window: behind a proxy "
		       "the proxy reads into a buffer of its own, whatever the application does";
	if (c->port != TC_PORT_ACTIVE && !tg->ports[c->port])
		return c->port == TC_PORT_CLOSED ? "needs a closed port (none given)" :
		       c->port == TC_PORT_LISTEN ? "needs an open port (none given)" :
		       c->port == TC_PORT_ECHO ? "needs an echo service (--service echo) or the agent" :
		       c->port == TC_PORT_DISCARD ? "needs a discard service (--service discard) or the agent" :
		       c->port == TC_PORT_SEND && tg->send_why ? tg->send_why :
		       c->port == TC_PORT_SEND ? "needs the agent, or a web server (--service http) whose page has "
						  "the send port's bytes (" TC_STR(TC_SEND_PORT_BYTES) " or more, --http-path)" :
		       "needs a port with an agent behind it";
	if ((c->needs & TC_NEED_AGENT) && !tg->have_agent)
		return "needs the target-side agent";
	/* (what must never go to a host on a real network is the first reason to give) */
	if ((c->needs & TC_NEED_NETNS) && !tg->own_link)
		return "sends what only the namespaces' own link may carry (another source or destination "
		       "address, a damaged IP header, the namespaces' addresses): not to a host on a real network";
	if (((c->needs & TC_NEED_LINUX) || ((c->needs & TC_NEED_LINUX_AGENT) && tg->have_agent)) && !tg->is_linux)
		return "judges facts only a Linux target shows";
	/* (a LINUX case's sysctls set Linux up as the script's kernel was: another stack runs
	 * it without them, which is the comparison it is there for) */
	if (c->nsysctl && !tg->sets_sysctls && c->level != TC_LEVEL_LINUX)
		return "sets the target's sysctls (@sysctl): only Linux in namespaces the tool made lets the "
		       "tester (the namespace mode)";
	if ((c->needs & TC_NEED_SILENT) && tg->answers)
		return "sends data to a listener that must not answer it: the echo service would";
	if ((c->needs & TC_NEED_OWN_BYTES) && tg->fill == TC_FILL_HTTP)
		return "sends bytes of its own, which the http service would read as a request that is not "
		       "one (400 Bad Request and a close): the tester's data to it is a request that never ends";
	if ((c->needs & TC_NEED_OWN_BYTES) && tg->banner)
		return "sends bytes of its own, which a banner service would read as a line of its protocol "
		       "and answer: the tester's data to it is a line that never ends";
	if ((c->needs & TC_NEED_SEND) && !tg->have_agent && (why = sized_unmet(c->steps, c->nsteps, tg)))
		return why;
	if ((c->needs & TC_NEED_CLOSE) && !tg->have_agent && tg->fill != TC_FILL_HTTP && !tg->banner)
		return "needs the target-side agent, or a web server or a banner service (--service http, banner) "
		       "that a request makes close";
	if ((c->needs & TC_NEED_HOLD) && !tg->have_agent)
		return "judges what follows its FIN: needs an application that keeps its side open after "
		       "the peer's FIN (the agent does; a service may close, and its FIN would read as the "
		       "stack's answer)";
	return NULL;
}
