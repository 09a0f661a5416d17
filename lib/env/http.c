/*
 * env: a web server as the application of the send port. A request with a Range
 * header draws an answer whose size the tester sets: the header block's length is the
 * same from one answer to the next (a Date is always 29 characters, the rest names the
 * same range of the same page), so a few requests over the host's own TCP find the
 * range that makes the whole answer (status line, headers, body) the send port's 2000
 * bytes. The case then sends that request once the connection is up.
 */
#include "env/http.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* The longest answer header block read; a server's is a few hundred bytes. */
#define HEAD_MAX 8192

/* fetch - send @req to the target over the host's TCP, read the answer's header block
 * and body (Content-Length) into @buf; its length, or -1 with @err. */
static long fetch(const struct tc_addr *a, uint16_t port, const char *req, char *buf, size_t cap, char *err,
		  size_t el)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct timeval tv = { 3, 0 };
	size_t got = 0;
	long need = -1;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (a->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->a, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->a, 16);
		sl = sizeof(*s6);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tc_errf(err, el, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));   /* connect() too */
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 || write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		tc_errf(err, el, "cannot send it a request: %s", strerror(errno));
		close(fd);
		return -1;
	}
	while (got < cap - 1 && (need < 0 || (long)got < need)) {
		ssize_t n = read(fd, buf + got, cap - 1 - got);
		char *end, *cl;

		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (need < 0 && end) {
			cl = strcasestr(buf, "\r\nContent-Length:");
			need = (long)(end + 4 - buf) + (cl && cl < end ? strtol(cl + 17, NULL, 10) : 0);
		}
	}
	close(fd);
	buf[got] = '\0';
	if (need < 0 || (long)got < need)
		return tc_errf(err, el, "its answer ended early (%zu bytes, no whole header block and body)", got);
	return need;
}

int tc_http_sized_request(const struct tc_addr *target, uint16_t port, const char *path, uint32_t want,
			  char **req, char *err, size_t el)
{
	char host[64], text[600], *buf = tc_xmalloc(want + HEAD_MAX);
	long last = 0, end = want > 400 ? (long)want - 400 : 0;        /* the range's last byte, at first */
	int i;

	*req = NULL;
	err[0] = '\0';
	tc_addr_format(target, host, sizeof(host));
	for (i = 0; i < 5; i++) {
		long total, head, body;
		char *hend;

		snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\nHost: %s%s%s\r\nRange: bytes=0-%ld\r\n"
			 "User-Agent: tcpconform\r\n\r\n", path, target->family == 6 ? "[" : "", host,
			 target->family == 6 ? "]" : "", end);
		total = fetch(target, port, text, buf, want + HEAD_MAX, err, el);
		if (total < 0)
			break;
		if (strncmp(buf, "HTTP/1.1 206 ", 13)) {
			tc_errf(err, el, "it answers a Range request for %s with '%.*s', not 206 Partial Content",
				path, (int)strcspn(buf, "\r\n"), buf);
			break;
		}
		hend = strstr(buf, "\r\n\r\n");
		head = (long)(hend + 4 - buf);
		body = total - head;
		if (body != end + 1) {
			tc_errf(err, el, "%s has %ld bytes: too few for an answer of %u (--http-path names a larger page)",
				path, body, want);
			break;
		}
		if (total == (long)want) {
			*req = tc_xstrdup(text);
			free(buf);
			return 0;
		}
		if (!end && total > (long)want) {
			tc_errf(err, el, "its smallest answer (a range of 1 byte of %s) is %ld bytes: its header block "
				"alone is more", path, total);
			break;
		}
		last = total;
		end = end + (long)want - total < 0 ? 0 : end + (long)want - total;
	}
	if (!err[0])
		tc_errf(err, el, "its answers to Range requests for %s did not come to %u bytes (the last: %ld)", path,
			want, last);
	free(buf);
	return -1;
}
