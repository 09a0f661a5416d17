/*
 * tester/lwip/lwip_util.c: small helpers of tcpconform-lwip: clock, errno names,
 * lwIP errors as errno values, byte queues, parsing of numbers and MACs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip_agent.h"

/* Monotonic time in milliseconds. */
int64_t la_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;	/* cannot happen with CLOCK_MONOTONIC */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The symbolic name of an errno value ("ECONNRESET"); "none" for 0. */
const char *la_errname(int err)
{
	const char *s;

	if (err == 0)
		return "none";
	s = strerrorname_np(err);
	return s ? s : "EUNKNOWN";
}

/*
 * The errno value closest to lwIP's error @err (as lwIP's own sockets layer
 * maps them); 0 for ERR_OK.
 */
int la_errno_of(err_t err)
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

/*
 * Make room for @more bytes after b->len, compacting or growing the buffer.
 * Returns 0, or -1 with errno ENOMEM (the buffer is unchanged).
 */
int la_buf_reserve(struct la_buf *b, size_t more)
{
	size_t used = b->len - b->off;
	size_t cap;
	char *p;

	if (b->off > 0 && (b->off == b->len || b->cap - b->len < more)) {
		memmove(b->data, b->data + b->off, used);
		b->off = 0;
		b->len = used;
	}
	if (b->cap - b->len >= more)
		return 0;
	if (more > SIZE_MAX / 2 - used) {
		errno = ENOMEM;
		return -1;
	}
	cap = b->cap ? b->cap : 4096;
	while (cap - used < more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Append @n bytes to the queue. Returns 0, or -1 (ENOMEM). */
int la_buf_append(struct la_buf *b, const char *p, size_t n)
{
	if (la_buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* Release the queue's memory; the queue is empty and reusable after. */
void la_buf_free(struct la_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
}

/* Parse a decimal number made only of digits, at most @max. 0 or -1. */
int la_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9' || d > max)
			return -1;
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Parse a port number 1..65535. Returns 0 and sets *out, or -1. */
int la_parse_port(const char *s, uint16_t *out)
{
	uint64_t v;

	if (la_parse_u64(s, 65535, &v) != 0 || v == 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* Parse a MAC address "02:74:63:00:00:02". Returns 0, or -1. */
int la_parse_mac(const char *s, uint8_t mac[6])
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
