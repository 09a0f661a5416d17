/*
 * tester/common/ctl.c: the control channel of the C agents: non-blocking line
 * input, buffered reply output.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

/* Add O_NONBLOCK to @fd; store the old flags in *old. Returns 0 or -1. */
static int set_nonblock(int fd, int *old)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	*old = fl;
	if (fl & O_NONBLOCK)
		return 0;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * Take @in and @out (may be equal) as the control channel and make them
 * non-blocking; agent_ctl_fini() restores their flags. Returns 0, or -1 with
 * a message on stderr.
 */
int agent_ctl_init(struct agent *a, int in, int out)
{
	struct agent_ctl *ctl = &a->ctl;

	ctl->in = in;
	ctl->out = out;
	if (set_nonblock(in, &ctl->in_flags) != 0 ||
	    set_nonblock(out, &ctl->out_flags) != 0) {
		agent_perror("control channel");
		return -1;
	}
	if (in == out)
		ctl->out_flags = ctl->in_flags;
	return 0;
}

/* Restore the control fds' flags and free the reply buffer. */
void agent_ctl_fini(struct agent *a)
{
	struct agent_ctl *ctl = &a->ctl;

	if (fcntl(ctl->out, F_SETFL, ctl->out_flags) != 0)
		agent_perror("fcntl");
	if (ctl->in != ctl->out && fcntl(ctl->in, F_SETFL, ctl->in_flags) != 0)
		agent_perror("fcntl");
	agent_buf_free(&ctl->obuf);
}

/*
 * Queue the reply line "ID <formatted>\n". A reply that cannot be queued
 * (out of memory) is reported on stderr and lost.
 */
void agent_reply(struct agent *a, const char *id, const char *fmt, ...)
{
	char line[AGENT_LINE_MAX * 4];	/* info's TCP_INFO: about 500 bytes */
	va_list ap;
	int n, m;

	n = snprintf(line, sizeof(line), "%s ", id);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	if ((size_t)m >= sizeof(line) - (size_t)n - 1)
		m = (int)(sizeof(line) - (size_t)n - 2);	/* truncated */
	line[n + m] = '\n';
	if (agent_buf_append(&a->ctl.obuf, line, (size_t)(n + m + 1)) != 0)
		fprintf(stderr, "%s: reply lost: %s\n", program_invocation_short_name, line);
}

/*
 * Write queued replies until the channel would block. Returns 0, or -1 when
 * the reader is gone or the write failed (the caller then exits).
 */
int agent_ctl_flush(struct agent *a)
{
	struct agent_buf *b = &a->ctl.obuf;

	while (b->off < b->len) {
		ssize_t n = write(a->ctl.out, b->data + b->off,
				  b->len - b->off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno != EPIPE)
				agent_perror("control write");
			return -1;
		}
		b->off += (size_t)n;
	}
	b->off = b->len = 0;
	return 0;
}

/* Before exiting: try for up to @ms to write the queued replies. */
void agent_ctl_drain(struct agent *a, int ms)
{
	int64_t end = agent_now_ms() + ms;
	struct pollfd p = { .fd = a->ctl.out, .events = POLLOUT };

	while (a->ctl.obuf.off < a->ctl.obuf.len) {
		int64_t left = end - agent_now_ms();

		if (left <= 0 || agent_ctl_flush(a) != 0)
			return;
		if (a->ctl.obuf.off == a->ctl.obuf.len)
			return;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return;
	}
}

/*
 * Hand every complete line of the input buffer to the dispatcher and keep
 * the rest. A line longer than AGENT_LINE_MAX is answered "0 err" and
 * skipped up to its newline.
 */
static void ctl_lines(struct agent *a)
{
	struct agent_ctl *ctl = &a->ctl;
	char *start = ctl->ibuf, *nl;
	size_t left = ctl->ilen;

	while (!a->quit && (nl = memchr(start, '\n', left))) {
		size_t len = (size_t)(nl - start);

		*nl = '\0';
		if (!ctl->skipping)
			agent_req_dispatch(a, start);
		ctl->skipping = false;
		start = nl + 1;
		left -= len + 1;
	}
	if (left > AGENT_LINE_MAX) {
		if (!ctl->skipping)
			agent_reply(a, "0", "err bad request: line longer "
				    "than %d bytes", AGENT_LINE_MAX);
		ctl->skipping = true;
		left = 0;
	}
	memmove(ctl->ibuf, start, left);
	ctl->ilen = left;
}

/*
 * Read and dispatch what the control channel has (a bounded number of reads,
 * stopping at `quit`); note EOF or a read error in a->ctl.eof.
 */
void agent_ctl_read(struct agent *a)
{
	struct agent_ctl *ctl = &a->ctl;
	int i;

	for (i = 0; i < 64 && !ctl->eof && !a->quit; i++) {
		ssize_t n = read(ctl->in, ctl->ibuf + ctl->ilen,
				 sizeof(ctl->ibuf) - ctl->ilen);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			agent_perror("control channel read");
			ctl->eof = true;
			return;
		}
		if (n == 0) {
			ctl->eof = true;
			return;
		}
		ctl->ilen += (size_t)n;
		ctl_lines(a);
	}
}
