/* packet: the TCP states of RFC 9293 3.3.2 and their names, for the case language and
 * the model alike. */
#ifndef TC_PACKET_TCPSTATE_H
#define TC_PACKET_TCPSTATE_H

#include "util/tok.h"

enum tc_state {
	TC_ST_CLOSED = 0, TC_ST_LISTEN, TC_ST_SYN_SENT, TC_ST_SYN_RECEIVED, TC_ST_ESTABLISHED,
	TC_ST_FIN_WAIT_1, TC_ST_FIN_WAIT_2, TC_ST_CLOSE_WAIT, TC_ST_CLOSING, TC_ST_LAST_ACK,
	TC_ST_TIME_WAIT, TC_ST__COUNT
};

/* The names, in the RFC's spelling ("SYN-RECEIVED"). */
extern const struct tc_tok tc_state_toks[];

const char *tc_state_name(enum tc_state s);     /* "?" if out of range */
int tc_state_from_name(const char *s);          /* -1 if unknown */

#endif
