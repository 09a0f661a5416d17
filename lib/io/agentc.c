/* io: the agent's control channel, client side. Lines: "ID VERB ARGS" out,
 * "ID ok TEXT" / "ID err TEXT" back, in any order. */
#include "io/agentc.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tc_agent_link {
	int fd;
	char buf[8192];
	size_t len;
	uint32_t next_id;       /* for blocking calls: high ids, apart from the runner's */
};

struct tc_agent_link *tc_agent_link_new(int fd)
{
	struct tc_agent_link *a = tc_xcalloc(1, sizeof(*a));

	a->fd = fd;
	a->next_id = 0x40000000u;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return a;
}

void tc_agent_link_free(struct tc_agent_link *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a);
}

/* fill - read what is there; 0, or -1 on EOF or error. */
static int fill(struct tc_agent_link *a, char *err, size_t errlen)
{
	for (;;) {
		ssize_t n;

		if (a->len >= sizeof(a->buf) - 1)
			return tc_errf(err, errlen, "agent: reply line too long");
		n = read(a->fd, a->buf + a->len, sizeof(a->buf) - 1 - a->len);
		if (n > 0) {
			a->len += (size_t)n;
			continue;
		}
		if (n == 0)
			return tc_errf(err, errlen, "the agent exited");
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno != EINTR)
			return tc_errf(err, errlen, "agent channel: %s", strerror(errno));
	}
}

/* next_line - take one complete line out of the buffer into @line. */
static int next_line(struct tc_agent_link *a, char *line, size_t len)
{
	char *nl = memchr(a->buf, '\n', a->len);
	size_t n;

	if (!nl)
		return 0;
	n = (size_t)(nl - a->buf);
	snprintf(line, len, "%.*s", (int)n, a->buf);
	memmove(a->buf, nl + 1, a->len - n - 1);
	a->len -= n + 1;
	return 1;
}

/* parse_reply - "ID ok TEXT": 1 if well formed. */
static int parse_reply(const char *line, uint32_t *id, int *ok, const char **text)
{
	char *end;
	unsigned long v = strtoul(line, &end, 10);

	if (end == line || *end != ' ')
		return 0;
	*id = (uint32_t)v;
	if (!strncmp(end + 1, "ok", 2) && (end[3] == ' ' || end[3] == '\0')) {
		*ok = 1;
		*text = end[3] ? end + 4 : "";
	} else if (!strncmp(end + 1, "err", 3) && (end[4] == ' ' || end[4] == '\0')) {
		*ok = 0;
		*text = end[4] ? end + 5 : "";
	} else {
		return 0;
	}
	return 1;
}

static int wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	return r;
}

int tc_agent_link_wait_ready(struct tc_agent_link *a, int ms, int *n, char *err, size_t errlen)
{
	char line[512];
	uint64_t end = tc_now_us(NULL) + (uint64_t)ms * 1000;

	for (;;) {
		uint64_t t = tc_now_us(NULL);

		if (next_line(a, line, sizeof(line))) {
			if (sscanf(line, "ready %d", n) == 1)
				return 0;
			return tc_errf(err, errlen, "agent: unexpected first line \"%s\"", line);
		}
		if (t >= end)
			return tc_errf(err, errlen, "the agent did not get ready within %d ms", ms);
		if (wait_in(a->fd, (int)((end - t) / 1000) + 1) > 0 && fill(a, err, errlen) < 0)
			return -1;
	}
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			poll(&p, 1, 1000);
			continue;
		}
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int link_request(void *ctx, uint32_t id, const char *cmd, char *err, size_t errlen)
{
	struct tc_agent_link *a = ctx;
	char line[300];
	int n = snprintf(line, sizeof(line), "%u %s\n", id, cmd);

	if (n < 0 || (size_t)n >= sizeof(line))
		return tc_errf(err, errlen, "agent request too long");
	if (write_all(a->fd, line, (size_t)n) < 0)
		return tc_errf(err, errlen, "agent channel: %s", strerror(errno));
	return 0;
}

static int link_fd(void *ctx)
{
	return ((struct tc_agent_link *)ctx)->fd;
}

static int link_drain(void *ctx, tc_agent_cb cb, void *arg, char *err, size_t errlen)
{
	struct tc_agent_link *a = ctx;
	char line[1024];        /* the agent's longest reply: info, with TCP_INFO */
	const char *text;
	uint32_t id;
	int ok, n = 0, rc = fill(a, err, errlen);

	while (next_line(a, line, sizeof(line))) {
		if (!parse_reply(line, &id, &ok, &text))
			continue;       /* not a reply: the agent's own notes */
		cb(arg, id, ok, text);
		n++;
	}
	return rc < 0 ? -1 : n;
}

struct tc_agentc tc_agent_link_ops(struct tc_agent_link *a)
{
	static const struct tc_agent_ops ops = { .request = link_request, .fd = link_fd, .drain = link_drain };

	return (struct tc_agentc){ .ops = &ops, .ctx = a };
}

int tc_agent_link_call(struct tc_agent_link *a, const char *cmd, int ms, char *reply, size_t rlen)
{
	char line[1024], err[TC_ERRLEN];
	uint32_t want = a->next_id++, id;
	uint64_t end = tc_now_us(NULL) + (uint64_t)ms * 1000;
	const char *text;
	int ok;

	if (link_request(a, want, cmd, err, sizeof(err)) < 0) {
		snprintf(reply, rlen, "%s", err);
		return -1;
	}
	for (;;) {
		uint64_t t = tc_now_us(NULL);

		while (next_line(a, line, sizeof(line)))
			if (parse_reply(line, &id, &ok, &text) && id == want) {
				snprintf(reply, rlen, "%s", text);
				return ok;
			}
		if (t >= end) {
			snprintf(reply, rlen, "no reply within %d ms", ms);
			return -1;
		}
		if (wait_in(a->fd, (int)((end - t) / 1000) + 1) > 0 && fill(a, err, sizeof(err)) < 0) {
			snprintf(reply, rlen, "%s", err);
			return -1;
		}
	}
}
