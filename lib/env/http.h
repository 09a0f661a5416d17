/* env: a web server's answer of a set size (the send port over --service http). */
#ifndef TC_ENV_HTTP_H
#define TC_ENV_HTTP_H

#include "packet/seg.h"

#include <stdint.h>

/*
 * tc_http_sized_request - a GET of @path (from its first byte, with Range) whose whole
 * answer, header block and body, is @want bytes, found by asking the server at @target,
 * @port over this host's TCP. 0 with *@req (malloc'd text), or -1 with @err: the server
 * does not answer Range requests with 206, the page is too small, or it cannot be reached.
 */
int tc_http_sized_request(const struct tc_addr *target, uint16_t port, const char *path, uint32_t want,
			  char **req, char *err, size_t el);

#endif
