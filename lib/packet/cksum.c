/* packet: Internet checksums (RFC 1071) and addresses. */
#include "packet/seg.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

uint32_t tc_cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	/* Keep the partial sum from overflowing on long inputs. */
	while (sum >> 24)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t tc_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t tc_tcp_pseudo_sum(const struct tc_addr *src, const struct tc_addr *dst, uint32_t tcp_len)
{
	uint32_t sum = 0;

	if (src->family == 6) {
		sum = tc_cksum_add(sum, src->a, 16);
		sum = tc_cksum_add(sum, dst->a, 16);
		sum += tcp_len >> 16;
		sum += tcp_len & 0xffff;
	} else {
		sum = tc_cksum_add(sum, src->a, 4);
		sum = tc_cksum_add(sum, dst->a, 4);
		sum += tcp_len & 0xffff;
	}
	sum += 6;       /* protocol TCP */
	return sum;
}

int tc_addr_parse(struct tc_addr *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->a) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a->a) == 1) {
		a->family = 6;
		return 0;
	}
	return -1;
}

void tc_addr_format(const struct tc_addr *a, char *buf, size_t len)
{
	if (a->family == 4 || a->family == 6) {
		if (inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->a, buf, (socklen_t)len))
			return;
	}
	snprintf(buf, len, "?");
}

int tc_addr_eq(const struct tc_addr *a, const struct tc_addr *b)
{
	size_t n = a->family == 4 ? 4 : 16;

	return a->family == b->family && memcmp(a->a, b->a, n) == 0;
}
