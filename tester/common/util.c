/*
 * tester/common/util.c: small helpers of the C agents: clock, errno names, byte
 * queues, number and listener-mode parsing, messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"

void agent_perror(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, strerror(errno));
}

/* Monotonic time in milliseconds. */
int64_t agent_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;	/* cannot happen with CLOCK_MONOTONIC */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The symbolic name of an errno value ("ECONNRESET"); "none" for 0. */
const char *agent_errname(int err)
{
	const char *s;

	if (err == 0)
		return "none";
	s = strerrorname_np(err);
	return s ? s : "EUNKNOWN";
}

/*
 * Make room for @more bytes after b->len, compacting or growing the buffer.
 * Returns 0, or -1 with errno ENOMEM (the buffer is unchanged).
 */
int agent_buf_reserve(struct agent_buf *b, size_t more)
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
int agent_buf_append(struct agent_buf *b, const char *p, size_t n)
{
	if (agent_buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* Release the queue's memory; the queue is empty and reusable after. */
void agent_buf_free(struct agent_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
}

/*
 * Parse a decimal number made only of digits, at most @max.
 * Returns 0 and sets *out, or -1.
 */
int agent_parse_u64(const char *s, uint64_t max, uint64_t *out)
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
int agent_parse_port(const char *s, uint16_t *out)
{
	uint64_t v;

	if (agent_parse_u64(s, 65535, &v) != 0 || v == 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int agent_parse_mode(const char *s, size_t len, enum agent_mode *mode, uint64_t *send_n)
{
	static const char *const names[] = {
		[AGENT_ECHO] = "echo", [AGENT_DISCARD] = "discard",
		[AGENT_CLOSE] = "close", [AGENT_ABORT] = "abort",
		[AGENT_NOREAD] = "noread",
	};
	char num[24];
	size_t i;

	if (len > 5 && strncmp(s, "send:", 5) == 0 && len - 5 < sizeof(num)) {
		memcpy(num, s + 5, len - 5);
		num[len - 5] = '\0';
		*mode = AGENT_SEND;
		return agent_parse_u64(num, AGENT_SEND_MAX, send_n);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i] && strlen(names[i]) == len &&
		    strncmp(s, names[i], len) == 0) {
			*mode = (enum agent_mode)i;
			*send_n = 0;
			return 0;
		}
	}
	return -1;
}
