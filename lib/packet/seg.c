/* packet: segment lifetime and option helpers. */
#include "packet/seg.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

uint32_t tc_seg_len(const struct tc_seg *s)
{
	return s->payload_len + !!(s->flags & TC_SYN) + !!(s->flags & TC_FIN);
}

void tc_seg_init(struct tc_seg *s)
{
	memset(s, 0, sizeof(*s));
	s->link = TC_LINK_ETH;
	s->family = 4;
	s->ttl = 64;
	s->ip_proto = 6;
	s->doff = 5;
}

void tc_seg_free(struct tc_seg *s)
{
	if (!s)
		return;
	free(s->raw);
	s->raw = NULL;
	s->raw_len = 0;
}

void tc_seg_copy(struct tc_seg *dst, const struct tc_seg *src)
{
	*dst = *src;
	if (src->raw) {
		dst->raw = tc_xmalloc(src->raw_len);
		memcpy(dst->raw, src->raw, src->raw_len);
	}
}

const uint8_t *tc_seg_payload(const struct tc_seg *s)
{
	if (!s->raw || !s->payload_len || s->payload_off + s->payload_len > s->raw_len)
		return NULL;
	return s->raw + s->payload_off;
}

void tc_opt_mss(struct tc_opt *o, uint16_t mss)
{
	memset(o, 0, sizeof(*o));
	o->kind = TC_OPT_MSS;
	o->len = 4;
	o->v.mss = mss;
}

void tc_opt_wscale(struct tc_opt *o, uint8_t shift)
{
	memset(o, 0, sizeof(*o));
	o->kind = TC_OPT_WSCALE;
	o->len = 3;
	o->v.wscale = shift;
}

void tc_opt_simple(struct tc_opt *o, uint8_t kind)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->len = kind == TC_OPT_EOL || kind == TC_OPT_NOP ? 1 : 2;
}

void tc_opt_ts(struct tc_opt *o, uint32_t val, uint32_t ecr)
{
	memset(o, 0, sizeof(*o));
	o->kind = TC_OPT_TS;
	o->len = 10;
	o->v.ts.val = val;
	o->v.ts.ecr = ecr;
}

const struct tc_opt *tc_opt_find(const struct tc_seg *s, uint8_t kind)
{
	int i;

	for (i = 0; i < s->nopts; i++)
		if (s->opts[i].kind == kind)
			return &s->opts[i];
	return NULL;
}

const char *tc_opt_name(uint8_t kind)
{
	switch (kind) {
	case TC_OPT_EOL: return "eol";
	case TC_OPT_NOP: return "nop";
	case TC_OPT_MSS: return "mss";
	case TC_OPT_WSCALE: return "wscale";
	case TC_OPT_SACKOK: return "sackOK";
	case TC_OPT_SACK: return "sack";
	case TC_OPT_TS: return "TS";
	case TC_OPT_MD5: return "md5";
	case TC_OPT_UTO: return "uto";
	case TC_OPT_AO: return "tcp-ao";
	case TC_OPT_MPTCP: return "mptcp";
	case TC_OPT_FASTOPEN: return "tfo";
	case TC_OPT_EXP1:
	case TC_OPT_EXP2: return "exp";
	default: return NULL;
	}
}
