/*
 * tester/lwip/lwip_util.c: helpers of tcpconform-lwip of its own (the others are
 * tester/common/util.c): lwIP's errors as errno values, MAC addresses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"

/*
 * The errno value closest to lwIP's error @err (as lwIP's own sockets layer
 * maps them); 0 for ERR_OK.
 */
int agent_errno_of(err_t err)
{
	switch (err) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
		return ENOMEM;
	case ERR_BUF:
		return ENOBUFS;
	case ERR_TIMEOUT:
		return ETIMEDOUT;
	case ERR_RTE:
		return EHOSTUNREACH;
	case ERR_INPROGRESS:
		return EINPROGRESS;
	case ERR_WOULDBLOCK:
		return EWOULDBLOCK;
	case ERR_USE:
		return EADDRINUSE;
	case ERR_ALREADY:
		return EALREADY;
	case ERR_ISCONN:
		return EISCONN;
	case ERR_CONN:
		return ENOTCONN;
	case ERR_IF:
		return ENETDOWN;
	case ERR_ABRT:
		return ECONNABORTED;
	case ERR_RST:
		return ECONNRESET;
	case ERR_CLSD:
		return ENOTCONN;
	default:
		return EINVAL;	/* ERR_VAL, ERR_ARG */
	}
}

/* Parse a MAC address "02:74:63:00:00:02". Returns 0, or -1. */
int agent_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}
