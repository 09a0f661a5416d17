/*
 * case: the segment part of "<" and ">" lines:
 *   FLAGS SEQ:END(LEN) [ack N] [win N] [urg N] [<options>] ["payload"] [fields...]
 * The notation is packetdrill's and old tcpdump's; testcases/README.md has the grammar.
 */
#include "case/lex.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

enum { SEEN_CKSUM = 1, SEEN_IPCKSUM = 2, SEEN_WITHIN = 4, SEEN_AFTER = 8, SEEN_PIECES = 16 };

static int parse_flags(struct tc_lx *lx, struct tc_segpat *p)
{
	static const char letters[] = "FSRP.UEWe";
	static const uint16_t bits[] = { TC_FIN, TC_SYN, TC_RST, TC_PSH, TC_ACK, TC_URG,
					 TC_ECE, TC_CWR, TC_AE };
	size_t start;

	tc_lx_ws(lx);
	start = lx->pos;
	if (tc_lx_accept(lx, '*')) {
		p->flags_any = 1;
		return 0;
	}
	if (tc_lx_accept(lx, '-'))     /* no flag at all */
		return 0;
	while (lx->pos < lx->end && lx->s[lx->pos] != ' ' && lx->s[lx->pos] != '\t') {
		const char *l = strchr(letters, lx->s[lx->pos]);
		uint16_t bit;

		if (!l || !*l)
			return tc_lx_fail(lx, lx->pos, "unknown flag '%c' (flags are F S R P . U E W e, "
					  "'?' after one makes it optional, '-' is none, '*' any)",
					  lx->s[lx->pos]);
		bit = bits[l - letters];
		if ((p->flags | p->flags_opt) & bit)
			return tc_lx_fail(lx, lx->pos, "flag '%c' given twice", *l);
		lx->pos++;
		if (lx->pos < lx->end && lx->s[lx->pos] == '?') {
			p->flags_opt |= bit;
			lx->pos++;
		} else {
			p->flags |= bit;
		}
	}
	if (lx->pos == start)
		return tc_lx_fail(lx, start, "expected flags");
	return 0;
}

/* parse_seq - "A:B(L)" or "*"; each part a number or '*'. */
static int parse_seq(struct tc_lx *lx, struct tc_segpat *p, int is_send)
{
	size_t start;

	tc_lx_ws(lx);
	start = lx->pos;
	if (tc_lx_accept(lx, '*') && tc_lx_peek(lx) != ':') {
		p->seq.set = p->end.set = p->len.set = 1;
		p->seq.any = p->end.any = p->len.any = 1;
	} else {
		lx->pos = start;
		if (tc_lx_expr(lx, &p->seq, "a sequence number") < 0)
			return -1;
		if (lx->pos >= lx->end || lx->s[lx->pos] != ':')
			return tc_lx_fail(lx, lx->pos, "expected ':' as in 1:2(1)");
		lx->pos++;
		if (tc_lx_expr(lx, &p->end, "the end sequence number") < 0)
			return -1;
		if (lx->pos >= lx->end || lx->s[lx->pos] != '(')
			return tc_lx_fail(lx, lx->pos, "expected '(' as in 1:2(1)");
		lx->pos++;
		if (tc_lx_expr(lx, &p->len, "a length") < 0)       /* RCV.WND, SND.NXT-SND.UNA ... */
			return -1;
		if (lx->pos >= lx->end || lx->s[lx->pos] != ')')
			return tc_lx_fail(lx, lx->pos, "expected ')' as in 1:2(1)");
		lx->pos++;
	}
	if (is_send && (p->seq.any || p->end.any || p->len.any))
		return tc_lx_fail(lx, start, "a segment to send needs a sequence number and length, not '*'");
	if (is_send && (p->seq.range || p->end.range || p->len.range))
		return tc_lx_fail(lx, start, "a segment to send needs a sequence number and length, not a range");
	if (!p->seq.any && !p->end.any && !p->len.any && !p->seq.nsym && !p->end.nsym && !p->len.nsym &&
	    !p->seq.range && !p->end.range && !p->len.range &&
	    p->end.v - p->seq.v != p->len.v)
		return tc_lx_fail(lx, start, "%u:%u is %u bytes, not (%u)", p->seq.v, p->end.v,
				  p->end.v - p->seq.v, p->len.v);
	if (is_send && !p->len.nsym && p->len.v > 65000)
		return tc_lx_fail(lx, start, "length %u is too large", p->len.v);
	return 0;
}

static int parse_sack(struct tc_lx *lx, struct tc_optpat *o)
{
	uint32_t n;
	size_t start = lx->pos;

	if (tc_lx_num(lx, &n, "the number of SACK blocks") < 0)
		return -1;
	if (n < 1 || n > TC_SACK_MAX)
		return tc_lx_fail(lx, start, "SACK holds 1 to %d blocks", TC_SACK_MAX);
	o->nsack = (uint8_t)n;
	for (n = 0; n < o->nsack; n++) {
		if (!tc_lx_accept(lx, '{'))
			return tc_lx_fail(lx, lx->pos, "expected '{' of a SACK block {left:right}");
		if (tc_lx_val(lx, &o->sack_l[n], "a SACK left edge") < 0)
			return -1;
		if (!tc_lx_accept(lx, ':'))
			return tc_lx_fail(lx, lx->pos, "expected ':' in a SACK block");
		if (tc_lx_val(lx, &o->sack_r[n], "a SACK right edge") < 0)
			return -1;
		if (!tc_lx_accept(lx, '}'))
			return tc_lx_fail(lx, lx->pos, "expected '}' closing a SACK block");
	}
	return 0;
}

/* hex_next - non-zero if "0x" comes next (option data, not a value). */
static int hex_next(struct tc_lx *lx)
{
	return tc_lx_peek(lx) == '0' && lx->end - lx->pos >= 2 && (lx->s[lx->pos + 1] | 0x20) == 'x';
}

static int kind_of(const char *w)
{
	static const struct { const char *n; int k; } names[] = {
		{ "mss", TC_OPT_MSS }, { "wscale", TC_OPT_WSCALE }, { "sackOK", TC_OPT_SACKOK },
		{ "sack", TC_OPT_SACK }, { "TS", TC_OPT_TS }, { "nop", TC_OPT_NOP },
		{ "eol", TC_OPT_EOL }, { "md5", TC_OPT_MD5 }, { "uto", TC_OPT_UTO },
		{ "tcp-ao", TC_OPT_AO }, { "mptcp", TC_OPT_MPTCP }, { "tfo", TC_OPT_FASTOPEN },
		{ "exp", TC_OPT_EXP2 },
	};
	size_t i;
	uint64_t k;

	for (i = 0; i < TC_ARRAY_LEN(names); i++)
		if (!strcmp(w, names[i].n))
			return names[i].k;
	if (!strncmp(w, "unknown-", 8) && !tc_parse_u64(w + 8, 255, &k))
		return (int)k;
	return -1;
}

/* parse_opt_tail - "len N" and "0xHEX" after an option name: raw bytes as given. */
static int parse_opt_tail(struct tc_lx *lx, struct tc_optpat *o)
{
	uint32_t v;

	if (tc_lx_kw(lx, "len")) {
		size_t at = lx->pos;

		if (tc_lx_num(lx, &v, "an option length") < 0)
			return -1;
		if (v > 255)
			return tc_lx_fail(lx, at, "an option length is one byte");
		o->len_set = 1;
		o->len = (uint8_t)v;
		o->raw = 1;
	}
	if (hex_next(lx)) {
		if (tc_lx_hex(lx, o->data, TC_OPT_DATA, &o->dlen) < 0)
			return -1;
		o->raw = 1;
	} else if (tc_lx_peek(lx) == '$') {     /* its data: captured, or to capture */
		int slot = tc_lx_cap(lx, 1);

		if (slot < 0)
			return -1;
		o->cap = (uint8_t)(slot + 1);
		o->raw = 1;
	}
	return 0;
}

static int parse_opt(struct tc_lx *lx, struct tc_optpat *o)
{
	char w[32];
	size_t start;
	int k;

	tc_lx_ws(lx);
	start = lx->pos;
	if (!tc_lx_word(lx, w, sizeof(w)))
		return tc_lx_fail(lx, start, "expected an option (mss, wscale, sackOK, sack, TS, nop, eol, unknown-N, ...)");
	k = kind_of(w);
	if (k < 0)
		return tc_lx_fail(lx, start, "unknown option '%s'", w);
	o->kind = (uint8_t)k;
	if ((k == TC_OPT_MSS || k == TC_OPT_WSCALE) && !tc_lx_kw(lx, "len") && !hex_next(lx))
		return tc_lx_val(lx, &o->a, w);
	if (k == TC_OPT_MSS || k == TC_OPT_WSCALE) {
		lx->pos = start + strlen(w);
		return parse_opt_tail(lx, o);
	}
	if (k == TC_OPT_TS && tc_lx_kw(lx, "val")) {
		if (tc_lx_expr(lx, &o->a, "TS val") < 0)
			return -1;
		if (!tc_lx_kw(lx, "ecr"))
			return tc_lx_fail(lx, lx->pos, "expected 'ecr' after TS val");
		return tc_lx_expr(lx, &o->b, "TS ecr");
	}
	if (tc_lx_accept(lx, '*')) {
		o->any_value = 1;
		return 0;
	}
	if (k == TC_OPT_SACK && tc_lx_peek(lx) != 'l' && !hex_next(lx))
		return parse_sack(lx, o);
	return parse_opt_tail(lx, o);
}

/* check_send_opt - an option to send has values, each within its field. */
static int check_send_opt(struct tc_lx *lx, const struct tc_optpat *o, size_t at)
{
	const char *n = tc_opt_name(o->kind) ? tc_opt_name(o->kind) : "option";
	int i;

	if (o->raw)
		return 0;
	if (o->any_value || (o->kind != TC_OPT_TS && (o->a.any || o->b.any)))
		return tc_lx_fail(lx, at, "option %s to send needs a value, not '*' (only TS takes '*')", n);
	for (i = 0; i < o->nsack; i++)
		if (o->sack_l[i].any || o->sack_r[i].any)
			return tc_lx_fail(lx, at, "SACK blocks to send need values, not '*'");
	if (o->a.range || o->b.range)
		return tc_lx_fail(lx, at, "option %s to send needs a value, not a range", n);
	for (i = 0; i < o->nsack; i++)
		if (o->sack_l[i].range || o->sack_r[i].range)
			return tc_lx_fail(lx, at, "SACK blocks to send need values, not ranges");
	if ((o->kind == TC_OPT_MSS && o->a.v > 65535) || (o->kind == TC_OPT_WSCALE && o->a.v > 255))
		return tc_lx_fail(lx, at, "%s %u does not fit its option", n, o->a.v);
	return 0;
}

static int parse_opts(struct tc_lx *lx, struct tc_segpat *p, int is_send)
{
	p->opts_given = 1;
	if (tc_lx_accept(lx, '>'))
		return 0;
	for (;;) {
		if (tc_lx_peek(lx) == '.' && lx->end - lx->pos >= 3 && !memcmp(lx->s + lx->pos, "...", 3)) {
			if (is_send)
				return tc_lx_fail(lx, lx->pos, "'...' only makes sense in an expected segment");
			lx->pos += 3;
			p->opts_more = 1;
		} else {
			size_t at = lx->pos;

			if (p->opts_more)
				return tc_lx_fail(lx, lx->pos, "'...' must come last in an option list");
			if (p->nopts >= TC_MAX_OPTS)
				return tc_lx_fail(lx, lx->pos, "too many options");
			p->opts = tc_xrealloc(p->opts, (size_t)(p->nopts + 1) * sizeof(*p->opts));
			memset(&p->opts[p->nopts], 0, sizeof(*p->opts));
			if (parse_opt(lx, &p->opts[p->nopts++]) < 0)
				return -1;
			if (is_send && check_send_opt(lx, &p->opts[p->nopts - 1], at) < 0)
				return -1;
		}
		if (tc_lx_accept(lx, '>'))
			return 0;
		if (!tc_lx_accept(lx, ','))
			return tc_lx_fail(lx, lx->pos, "expected ',' or '>' in the option list");
	}
}

static int parse_ck(struct tc_lx *lx, enum tc_ck_req *req, uint16_t *value, int allow_value)
{
	uint32_t v;
	size_t at;

	tc_lx_ws(lx);
	at = lx->pos;
	if (tc_lx_kw(lx, "bad"))
		*req = TC_CKREQ_BAD;
	else if (tc_lx_kw(lx, "ok"))
		*req = TC_CKREQ_AUTO;
	else if (tc_lx_accept(lx, '*'))
		*req = TC_CKREQ_ANY;
	else if (allow_value && hex_next(lx) && tc_lx_num(lx, &v, "a checksum") == 0 && v <= 0xffff) {
		*req = TC_CKREQ_VALUE;
		*value = (uint16_t)v;
	} else
		return tc_lx_fail(lx, at, allow_value ? "expected ok, bad, * or a 0x value" : "expected ok, bad or *");
	return 0;
}

/* addr_token - an address (digits, hex letters, ':' and '.') into @buf. */
static size_t addr_token(struct tc_lx *lx, char *buf, size_t len)
{
	size_t start, n;

	tc_lx_ws(lx);
	start = lx->pos;
	while (lx->pos < lx->end && strchr("0123456789abcdefABCDEF:.", lx->s[lx->pos]))
		lx->pos++;
	n = lx->pos - start;
	snprintf(buf, len, "%.*s", (int)n, lx->s + start);
	return n;
}

/* parse_ip_field - ipsrc ADDR, ipdst ADDR, ethdst MAC|broadcast, ipopts 0xHEX: 1 if one
 * was read, 0 if none is next. */
static int parse_ip_field(struct tc_lx *lx, struct tc_segpat *p, size_t at)
{
	char buf[64];
	unsigned m[6];
	size_t vat;

	if (tc_lx_kw(lx, "ipsrc") || tc_lx_kw(lx, "ipdst")) {
		int src = lx->s[at + 2] == 's';
		struct tc_addr *a = src ? &p->ipsrc : &p->ipdst;

		if (src ? p->ipsrc_set : p->ipdst_set)
			return tc_lx_fail(lx, at, "'%s' given twice", src ? "ipsrc" : "ipdst");
		tc_lx_ws(lx);
		vat = lx->pos;
		if (!addr_token(lx, buf, sizeof(buf)) || tc_addr_parse(a, buf) < 0)
			return tc_lx_fail(lx, vat, "expected an IPv4 or IPv6 address");
		if (src)
			p->ipsrc_set = 1;
		else
			p->ipdst_set = 1;
		return 1;
	}
	if (tc_lx_kw(lx, "ethdst")) {
		if (p->ethdst_set)
			return tc_lx_fail(lx, at, "'ethdst' given twice");
		tc_lx_ws(lx);
		vat = lx->pos;
		p->ethdst_set = 1;
		if (tc_lx_kw(lx, "broadcast")) {
			memset(p->ethdst, 0xff, 6);
			return 1;
		}
		addr_token(lx, buf, sizeof(buf));
		if (sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 ||
		    strlen(buf) != 17)
			return tc_lx_fail(lx, vat, "expected a MAC address (aa:bb:cc:dd:ee:ff) or broadcast");
		for (int i = 0; i < 6; i++)
			p->ethdst[i] = (uint8_t)m[i];
		return 1;
	}
	if (tc_lx_kw(lx, "ipopts")) {
		if (p->ipoptlen)
			return tc_lx_fail(lx, at, "'ipopts' given twice");
		if (tc_lx_hex(lx, p->ipopts, sizeof(p->ipopts), &p->ipoptlen) < 0)
			return -1;
		return 1;
	}
	return 0;
}

/* parse_field - one of the optional fields; 1 if one was read, 0 if none is next. */
static int parse_field(struct tc_lx *lx, struct tc_segpat *p, int is_send, uint64_t *within,
		       uint8_t *ratelimited)
{
	static const struct { const char *kw; size_t off; int send_only; uint32_t max; } nums[] = {
		{ "ack", offsetof(struct tc_segpat, ack), 0, 0xffffffffu },
		{ "win", offsetof(struct tc_segpat, win), 0, 65535 },
		{ "urg", offsetof(struct tc_segpat, urp), 0, 65535 },
		{ "doff", offsetof(struct tc_segpat, doff), 1, 15 },
		{ "ttl", offsetof(struct tc_segpat, ttl), 0, 255 },
		{ "tos", offsetof(struct tc_segpat, tos), 0, 255 },
		{ "iplen", offsetof(struct tc_segpat, iplen), 1, 65535 },
		{ "rsvd", offsetof(struct tc_segpat, rsvd), 0, 7 },
	};
	struct tc_val *v;
	size_t i, at, vat;

	tc_lx_ws(lx);
	at = lx->pos;
	if (tc_lx_kw(lx, "ecn")) {              /* ecn not-ect|ect1|ect0|ce|0..3|* */
		static const char *const names[] = { "not-ect", "ect1", "ect0", "ce" };

		if (p->ecn.set)
			return tc_lx_fail(lx, at, "'ecn' given twice");
		tc_lx_ws(lx);
		vat = lx->pos;
		for (i = 0; i < TC_ARRAY_LEN(names); i++)
			if (tc_lx_kw(lx, names[i])) {
				p->ecn.set = 1;
				p->ecn.v = (uint32_t)i;
				return 1;
			}
		if (tc_lx_val(lx, &p->ecn, "ecn") < 0)
			return -1;
		if (is_send && (p->ecn.any || p->ecn.range))
			return tc_lx_fail(lx, vat, "a segment to send needs one value for ecn");
		if (!p->ecn.any && (p->ecn.range ? p->ecn.hi : p->ecn.v) > 3)
			return tc_lx_fail(lx, vat, "ecn is not-ect, ect1, ect0, ce or 0 to 3, not %u",
					  p->ecn.range ? p->ecn.hi : p->ecn.v);
		return 1;
	}
	for (i = 0; i < TC_ARRAY_LEN(nums); i++) {
		if (!tc_lx_kw(lx, nums[i].kw))
			continue;
		if (nums[i].send_only && !is_send)
			return tc_lx_fail(lx, at, "'%s' can only be set on a segment to send", nums[i].kw);
		v = (struct tc_val *)((char *)p + nums[i].off);
		if (v->set)
			return tc_lx_fail(lx, at, "'%s' given twice", nums[i].kw);
		tc_lx_ws(lx);
		vat = lx->pos;
		if ((i <= 1 ? tc_lx_expr(lx, v, nums[i].kw) : tc_lx_val(lx, v, nums[i].kw)) < 0)
			return -1;
		if (is_send && v->any)
			return tc_lx_fail(lx, vat, "a segment to send needs a value, not '*', for %s", nums[i].kw);
		if (is_send && v->range)
			return tc_lx_fail(lx, vat, "a segment to send needs one value for %s, not a range", nums[i].kw);
		if (!v->any && !v->nsym && (v->range ? v->hi : v->v) > nums[i].max)
			return tc_lx_fail(lx, vat, "%s %u does not fit (at most %u)", nums[i].kw,
					  v->range ? v->hi : v->v, nums[i].max);
		return 1;
	}
	if (tc_lx_accept(lx, '<'))
		return p->opts_given ? tc_lx_fail(lx, at, "two option lists") : parse_opts(lx, p, is_send) < 0 ? -1 : 1;
	if (tc_lx_peek(lx) == '"') {
		if (p->payload_given)
			return tc_lx_fail(lx, at, "two payloads");
		p->payload_given = 1;
		return tc_lx_string(lx, &p->payload, &p->payload_len) < 0 ? -1 : 1;
	}
	if (tc_lx_kw(lx, "cksum")) {
		if (p->seen & SEEN_CKSUM)
			return tc_lx_fail(lx, at, "'cksum' given twice");
		p->seen |= SEEN_CKSUM;
		return parse_ck(lx, &p->cksum, &p->cksum_value, is_send) < 0 ? -1 : 1;
	}
	if (tc_lx_kw(lx, "ipcksum")) {
		if (!is_send)
			return tc_lx_fail(lx, at, "'ipcksum' can only be set on a segment to send");
		if (p->seen & SEEN_IPCKSUM)
			return tc_lx_fail(lx, at, "'ipcksum' given twice");
		p->seen |= SEEN_IPCKSUM;
		return parse_ck(lx, &p->ipcksum, &p->cksum_value, 0) < 0 ? -1 : 1;
	}
	if (!is_send && tc_lx_kw(lx, "within")) {
		if (p->seen & SEEN_WITHIN)
			return tc_lx_fail(lx, at, "'within' given twice");
		p->seen |= SEEN_WITHIN;
		return tc_lx_dur(lx, within) < 0 ? -1 : 1;
	}
	if (!is_send && tc_lx_kw(lx, "after")) {
		if (p->seen & SEEN_AFTER)
			return tc_lx_fail(lx, at, "'after' given twice");
		p->seen |= SEEN_AFTER;
		return tc_lx_dur(lx, &p->after_us) < 0 ? -1 : 1;
	}
	if (!is_send && tc_lx_kw(lx, "pieces")) {
		if (p->seen & SEEN_PIECES)
			return tc_lx_fail(lx, at, "'pieces' given twice");
		p->seen |= SEEN_PIECES;
		p->pieces = 1;
		p->pieces_col = (uint32_t)at;
		return 1;
	}
	if (!is_send && tc_lx_kw(lx, "ratelimited")) {
		*ratelimited = 1;
		return 1;
	}
	if (is_send)
		return parse_ip_field(lx, p, at);
	return 0;
}

int tc_parse_segpat(struct tc_lx *lx, struct tc_segpat *p, int is_send, uint64_t *within,
		    uint8_t *ratelimited)
{
	size_t at, start;
	int r;

	tc_lx_ws(lx);
	start = lx->pos;
	if (parse_flags(lx, p) < 0 || parse_seq(lx, p, is_send) < 0)
		return -1;
	if (is_send && (p->flags_any || p->flags_opt))
		return tc_lx_fail(lx, start, "a segment to send needs exact flags (no '*' or '?')");
	while ((r = parse_field(lx, p, is_send, within, ratelimited)) == 1)
		;
	if (r < 0)
		return -1;
	at = lx->pos;
	if (p->payload_given && p->len.nsym)
		return tc_lx_fail(lx, at, "a length from the TCB's names comes with no payload: the tester fills it");
	if (p->payload_given && !p->len.any && p->payload_len != p->len.v)
		return tc_lx_fail(lx, at, "the payload has %u bytes but the length says (%u)",
				  p->payload_len, p->len.v);
	if (p->pieces && (p->flags_any || (p->flags & TC_SYN)))
		return tc_lx_fail(lx, p->pieces_col, "'pieces' is for a range of data, not a SYN or any flags");
	if (p->pieces && (p->seq.any || p->len.any || p->seq.range || p->len.range || p->end.range))
		return tc_lx_fail(lx, p->pieces_col, "'pieces' needs the range's SEQ and LEN, not '*' or a range");
	if (p->pieces && !p->len.nsym && !p->len.v)
		return tc_lx_fail(lx, p->pieces_col, "'pieces' needs a range of data: the length is (0)");
	return 0;
}
