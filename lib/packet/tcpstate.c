/* packet: TCP state names (tcpstate.h). */
#include "packet/tcpstate.h"

const struct tc_tok tc_state_toks[] = {
	{ TC_ST_CLOSED, "CLOSED" }, { TC_ST_LISTEN, "LISTEN" }, { TC_ST_SYN_SENT, "SYN-SENT" },
	{ TC_ST_SYN_RECEIVED, "SYN-RECEIVED" }, { TC_ST_ESTABLISHED, "ESTABLISHED" },
	{ TC_ST_FIN_WAIT_1, "FIN-WAIT-1" }, { TC_ST_FIN_WAIT_2, "FIN-WAIT-2" },
	{ TC_ST_CLOSE_WAIT, "CLOSE-WAIT" }, { TC_ST_CLOSING, "CLOSING" }, { TC_ST_LAST_ACK, "LAST-ACK" },
	{ TC_ST_TIME_WAIT, "TIME-WAIT" }, { 0, NULL },
};

const char *tc_state_name(enum tc_state s)
{
	return tc_tok_str(tc_state_toks, (int)s, "?");
}

int tc_state_from_name(const char *s)
{
	return tc_tok_val(tc_state_toks, s);
}
