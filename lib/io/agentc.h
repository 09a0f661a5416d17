/* io: the client side of the agent's control channel (a stream socket). */
#ifndef TC_IO_AGENTC_H
#define TC_IO_AGENTC_H

#include "io/io.h"

struct tc_agent_link;

/* tc_agent_link_new - a client over the connected stream @fd (owned from now on). */
struct tc_agent_link *tc_agent_link_new(int fd);
void tc_agent_link_free(struct tc_agent_link *a);

/* tc_agent_link_wait_ready - block up to @ms for the agent's "ready N" line;
 * 0 (N in *n) or -1 with @err (the agent's exit, a timeout...). */
int tc_agent_link_wait_ready(struct tc_agent_link *a, int ms, int *n, char *err, size_t errlen);

/* tc_agent_link_call - a blocking request: send, wait up to @ms for its reply.
 * Returns 1 for ok, 0 for err (text in @reply), -1 if the channel failed. */
int tc_agent_link_call(struct tc_agent_link *a, const char *cmd, int ms, char *reply, size_t rlen);

/* tc_agent_link_ops - the agent table over @a. */
struct tc_agentc tc_agent_link_ops(struct tc_agent_link *a);

#endif
