/* case: the line scanner of the case-file parser. */
#include "case/lex.h"
#include "util/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tc_lx_init(struct tc_lx *lx, const char *file, int line, const char *s, size_t len,
		char *err, size_t errlen)
{
	size_t i;
	int inq = 0;

	memset(lx, 0, sizeof(*lx));
	lx->file = file;
	lx->line = line;
	lx->s = s;
	lx->err = err;
	lx->errlen = errlen;
	lx->end = len;
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && inq) {
			i++;
			continue;
		}
		if (s[i] == '"')
			inq = !inq;
		else if (s[i] == '#' && !inq) {
			lx->end = i;
			break;
		}
	}
	while (lx->end > 0 && isspace((unsigned char)s[lx->end - 1]))
		lx->end--;
}

int tc_lx_fail(struct tc_lx *lx, size_t pos, const char *fmt, ...)
{
	char msg[TC_ERRLEN];
	va_list ap;

	if (lx->failed)
		return -1;
	lx->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tc_errf(lx->err, lx->errlen, "%s:%d:%zu: %s", lx->file, lx->line, pos + 1, msg);
	return -1;
}

void tc_lx_ws(struct tc_lx *lx)
{
	while (lx->pos < lx->end && isspace((unsigned char)lx->s[lx->pos]))
		lx->pos++;
}

int tc_lx_eol(struct tc_lx *lx)
{
	tc_lx_ws(lx);
	return lx->pos >= lx->end;
}

int tc_lx_peek(struct tc_lx *lx)
{
	tc_lx_ws(lx);
	return lx->pos < lx->end ? (unsigned char)lx->s[lx->pos] : -1;
}

int tc_lx_accept(struct tc_lx *lx, char c)
{
	if (tc_lx_peek(lx) == (unsigned char)c) {
		lx->pos++;
		return 1;
	}
	return 0;
}

static int wordch(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-' || c == '+';
}

size_t tc_lx_word(struct tc_lx *lx, char *buf, size_t len)
{
	size_t start, n;

	tc_lx_ws(lx);
	start = lx->pos;
	while (lx->pos < lx->end && wordch((unsigned char)lx->s[lx->pos]))
		lx->pos++;
	n = lx->pos - start;
	if (len) {
		size_t c = n < len - 1 ? n : len - 1;

		memcpy(buf, lx->s + start, c);
		buf[c] = '\0';
	}
	return n;
}

int tc_lx_kw(struct tc_lx *lx, const char *kw)
{
	size_t n = strlen(kw), p;

	tc_lx_ws(lx);
	p = lx->pos;
	if (lx->end - p < n || memcmp(lx->s + p, kw, n) != 0)
		return 0;
	if (p + n < lx->end && wordch((unsigned char)lx->s[p + n]) && wordch((unsigned char)kw[n - 1]))
		return 0;
	lx->pos = p + n;
	return 1;
}

int tc_lx_num(struct tc_lx *lx, uint32_t *v, const char *what)
{
	size_t start;
	int neg = 0, base = 10, digits = 0;
	uint64_t acc = 0;

	tc_lx_ws(lx);
	start = lx->pos;
	if (lx->pos < lx->end && lx->s[lx->pos] == '-') {
		neg = 1;
		lx->pos++;
	}
	if (lx->end - lx->pos > 2 && lx->s[lx->pos] == '0' && (lx->s[lx->pos + 1] | 0x20) == 'x') {
		base = 16;
		lx->pos += 2;
	}
	while (lx->pos < lx->end) {
		int c = (unsigned char)lx->s[lx->pos], d;

		if (isdigit(c))
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		acc = acc * (uint64_t)base + (uint64_t)d;
		if (acc > 0xffffffffull)
			return tc_lx_fail(lx, start, "%s is larger than 2^32-1", what);
		digits++;
		lx->pos++;
	}
	if (!digits)
		return tc_lx_fail(lx, start, "expected %s (a number)", what);
	*v = neg ? (uint32_t)(0u - (uint32_t)acc) : (uint32_t)acc;
	return 0;
}

/* range_tail - "..HI" after a number makes it a range; after a value with TCB names
 * ("RCV.WND..65535"), a range whose low end is known only when the step runs (an
 * empty one then matches nothing). */
static int range_tail(struct tc_lx *lx, struct tc_val *v, const char *what)
{
	size_t at = lx->pos;

	if (lx->end - lx->pos < 2 || memcmp(lx->s + lx->pos, "..", 2))
		return 0;
	lx->pos += 2;
	if (tc_lx_num(lx, &v->hi, what) < 0)
		return -1;
	if (!v->nsym && v->hi < v->v)
		return tc_lx_fail(lx, at, "the range %u..%u is empty", v->v, v->hi);
	v->range = 1;
	return 0;
}

int tc_lx_val(struct tc_lx *lx, struct tc_val *v, const char *what)
{
	v->set = 1;
	if (tc_lx_accept(lx, '*')) {
		v->any = 1;
		return 0;
	}
	if (tc_lx_num(lx, &v->v, what) < 0)
		return -1;
	return range_tail(lx, v, what);
}

int tc_lx_dur(struct tc_lx *lx, uint64_t *us)
{
	uint32_t n;
	size_t start;

	tc_lx_ws(lx);
	start = lx->pos;
	if (tc_lx_num(lx, &n, "a duration") < 0)
		return -1;
	if (lx->end - lx->pos >= 2 && !memcmp(lx->s + lx->pos, "ms", 2)) {
		*us = (uint64_t)n * 1000;
		lx->pos += 2;
	} else if (lx->end - lx->pos >= 2 && !memcmp(lx->s + lx->pos, "us", 2)) {
		*us = n;
		lx->pos += 2;
	} else if (lx->pos < lx->end && lx->s[lx->pos] == 's') {
		*us = (uint64_t)n * 1000000;
		lx->pos += 1;
	} else {
		return tc_lx_fail(lx, start, "a duration needs a unit: us, ms or s");
	}
	if (lx->pos < lx->end && wordch((unsigned char)lx->s[lx->pos]) &&
	    !(lx->end - lx->pos >= 2 && !memcmp(lx->s + lx->pos, "..", 2)))      /* a range: "1s..2s" */
		return tc_lx_fail(lx, start, "a duration needs a unit: us, ms or s");
	return 0;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

int tc_lx_string(struct tc_lx *lx, uint8_t **out, uint32_t *len)
{
	size_t start, cap;
	uint8_t *b;
	uint32_t n = 0;

	tc_lx_ws(lx);
	start = lx->pos;
	if (!tc_lx_accept(lx, '"'))
		return tc_lx_fail(lx, start, "expected a quoted string");
	cap = lx->end - lx->pos + 1;
	b = tc_xmalloc(cap);
	while (lx->pos < lx->end && lx->s[lx->pos] != '"') {
		int c = (unsigned char)lx->s[lx->pos++];

		if (c == '\\') {
			if (lx->pos >= lx->end)
				break;
			c = (unsigned char)lx->s[lx->pos++];
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '0': c = 0; break;
			case '\\': case '"': break;
			case 'x':
				if (lx->end - lx->pos < 2 || !isxdigit((unsigned char)lx->s[lx->pos]) ||
				    !isxdigit((unsigned char)lx->s[lx->pos + 1])) {
					free(b);
					return tc_lx_fail(lx, lx->pos - 2, "\\x needs two hex digits");
				}
				c = hexval(lx->s[lx->pos]) << 4 | hexval(lx->s[lx->pos + 1]);
				lx->pos += 2;
				break;
			default:
				free(b);
				return tc_lx_fail(lx, lx->pos - 2, "unknown escape \\%c", c);
			}
		}
		b[n++] = (uint8_t)c;
	}
	if (lx->pos >= lx->end) {
		free(b);
		return tc_lx_fail(lx, start, "unterminated string");
	}
	lx->pos++;
	*out = b;
	*len = n;
	return 0;
}

int tc_lx_hex(struct tc_lx *lx, uint8_t *buf, size_t max, uint8_t *n)
{
	size_t start;
	size_t cnt = 0;

	tc_lx_ws(lx);
	start = lx->pos;
	if (lx->end - lx->pos < 2 || lx->s[lx->pos] != '0' || (lx->s[lx->pos + 1] | 0x20) != 'x')
		return tc_lx_fail(lx, start, "expected hex bytes like 0x0102");
	lx->pos += 2;
	while (lx->end - lx->pos >= 2 && isxdigit((unsigned char)lx->s[lx->pos]) &&
	       isxdigit((unsigned char)lx->s[lx->pos + 1])) {
		if (cnt >= max)
			return tc_lx_fail(lx, start, "more than %zu bytes of option data", max);
		buf[cnt++] = (uint8_t)(hexval(lx->s[lx->pos]) << 4 | hexval(lx->s[lx->pos + 1]));
		lx->pos += 2;
	}
	if (lx->pos < lx->end && isxdigit((unsigned char)lx->s[lx->pos]))
		return tc_lx_fail(lx, start, "hex bytes need an even number of digits");
	*n = (uint8_t)cnt;
	return 0;
}

static const char *const sym_names[] = {
	[TC_SYM_RCV_NXT] = "RCV.NXT", [TC_SYM_RCV_WND] = "RCV.WND", [TC_SYM_SND_NXT] = "SND.NXT",
	[TC_SYM_SND_UNA] = "SND.UNA", [TC_SYM_SND_WND] = "SND.WND", [TC_SYM_ISS] = "ISS",
	[TC_SYM_IRS] = "IRS",
};

const char *tc_sym_name(enum tc_sym s)
{
	return s >= TC_SYM_RCV_NXT && s <= TC_SYM_IRS ? sym_names[s] : "?";
}

int tc_sym_is_seq(enum tc_sym s)
{
	return s != TC_SYM_RCV_WND && s != TC_SYM_SND_WND;
}

/* sym_term - a TCB name at the cursor (upper-case letters and dots): its code, or 0. */
static int sym_term(struct tc_lx *lx)
{
	size_t start = lx->pos, n;
	int i;

	while (lx->pos < lx->end && ((lx->s[lx->pos] >= 'A' && lx->s[lx->pos] <= 'Z') ||
				     (lx->s[lx->pos] == '.' && !(lx->pos + 1 < lx->end && lx->s[lx->pos + 1] == '.'))))
		lx->pos++;      /* "RCV.WND..65535": the name ends before a range's ".." */
	n = lx->pos - start;
	for (i = TC_SYM_RCV_NXT; i <= TC_SYM_IRS; i++)
		if (n == strlen(sym_names[i]) && !memcmp(lx->s + start, sym_names[i], n))
			return i;
	lx->pos = start;
	return 0;
}

int tc_lx_cap(struct tc_lx *lx, int bytes)
{
	size_t start = lx->pos, n;
	struct tc_caps *c;
	int i;

	if (lx->pos >= lx->end || lx->s[lx->pos] != '$')
		return -2;
	lx->pos++;
	while (lx->pos < lx->end && (lx->s[lx->pos] == '_' || (lx->s[lx->pos] >= 'a' && lx->s[lx->pos] <= 'z') ||
				     (lx->s[lx->pos] >= 'A' && lx->s[lx->pos] <= 'Z') ||
				     (lx->pos > start + 1 && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9')))
		lx->pos++;
	n = lx->pos - start - 1;
	if (!n)
		return tc_lx_fail(lx, start, "'$' needs a name: a letter or '_', then letters, digits or '_'");
	if (n >= sizeof(c->name[0]))
		return tc_lx_fail(lx, start, "a name is at most %zu characters", sizeof(c->name[0]) - 1);
	if (!lx->caps)
		return tc_lx_fail(lx, start, "a name ($%.*s) cannot be used here", (int)n, lx->s + start + 1);
	if (!*lx->caps)
		*lx->caps = tc_xcalloc(1, sizeof(**lx->caps));
	c = *lx->caps;
	for (i = 0; i < c->n; i++)
		if (strlen(c->name[i]) == n && !memcmp(c->name[i], lx->s + start + 1, n))
			break;
	if (i == c->n) {
		if (c->n == TC_MAX_CAPS)
			return tc_lx_fail(lx, start, "at most %d names in a case", TC_MAX_CAPS);
		memcpy(c->name[i], lx->s + start + 1, n);
		c->name[i][n] = '\0';
		c->bytes[i] = (uint8_t)bytes;
		c->n++;
	}
	if (c->bytes[i] != bytes)
		return tc_lx_fail(lx, start, "$%s holds %s, not %s", c->name[i], c->bytes[i] ? "an option's bytes" : "a number",
				  bytes ? "an option's bytes" : "a number");
	return i;
}

int tc_lx_expr(struct tc_lx *lx, struct tc_val *v, const char *what)
{
	int sign = 1, first = 1;
	uint32_t n;

	tc_lx_ws(lx);
	if (tc_lx_peek(lx) == '*')
		return tc_lx_val(lx, v, what);
	v->set = 1;
	v->v = 0;
	if (lx->pos < lx->end && lx->s[lx->pos] == '-') {
		sign = -1;
		lx->pos++;
	}
	for (;;) {
		size_t at = lx->pos;
		int s = sym_term(lx), cap = s ? -2 : tc_lx_cap(lx, 0);

		if (cap == -1)
			return -1;
		if (cap >= 0)
			s = TC_SYM_CAP + cap;
		if (s) {
			if (v->nsym >= TC_VAL_TERMS)
				return tc_lx_fail(lx, at, "at most %d names in one value", TC_VAL_TERMS);
			v->sym[v->nsym].sign = (int8_t)sign;
			v->sym[v->nsym].sym = (uint8_t)s;
			v->sym[v->nsym].div = 1;
			if (lx->pos < lx->end && lx->s[lx->pos] == '/') {
				lx->pos++;
				if (tc_lx_num(lx, &v->sym[v->nsym].div, "a divisor") < 0)
					return -1;
				if (!v->sym[v->nsym].div)
					return tc_lx_fail(lx, at, "division by zero");
			}
			v->nsym++;
		} else if (lx->pos < lx->end && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9') {
			if (tc_lx_num(lx, &n, what) < 0)
				return -1;
			v->v += sign > 0 ? n : 0u - n;
		} else {
			return tc_lx_fail(lx, at, first ? "expected %s: a number or RCV.NXT, RCV.WND, SND.NXT, "
					  "SND.UNA, SND.WND, ISS, IRS, or a $name" : "expected a number or a name after '+' or '-' in %s",
					  what);
		}
		first = 0;
		if (lx->pos < lx->end && (lx->s[lx->pos] == '+' || lx->s[lx->pos] == '-')) {
			sign = lx->s[lx->pos] == '+' ? 1 : -1;
			lx->pos++;
			continue;
		}
		return !v->nsym && sign < 0 ? 0 : range_tail(lx, v, what);
	}
}
