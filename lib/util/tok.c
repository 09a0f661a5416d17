/* util: name tables (tok.h). */
#include "util/tok.h"

#include <stdio.h>
#include <string.h>

const char *tc_tok_str(const struct tc_tok *t, int v, const char *dflt)
{
	for (; t->s; t++)
		if (t->v == v)
			return t->s;
	return dflt;
}

int tc_tok_val(const struct tc_tok *t, const char *s)
{
	for (; t->s; t++)
		if (!strcmp(t->s, s))
			return t->v;
	return -1;
}

char *tc_tok_list(const struct tc_tok *t, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (; t->s && off < len; t++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", t->s);
	return buf;
}
