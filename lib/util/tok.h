/* util: name tables, as tcpdump's struct tok: a value and its name, ended by { 0, NULL }. */
#ifndef TC_UTIL_TOK_H
#define TC_UTIL_TOK_H

#include <stddef.h>

struct tc_tok {
	int v;
	const char *s;
};

/* tc_tok_str - the name of @v in @t, or @dflt. */
const char *tc_tok_str(const struct tc_tok *t, int v, const char *dflt);
/* tc_tok_val - the value named @s in @t (case-sensitive), or -1. */
int tc_tok_val(const struct tc_tok *t, const char *s);
/* tc_tok_list - the names of @t, ", "-separated, into @buf (for messages). Returns @buf. */
char *tc_tok_list(const struct tc_tok *t, char *buf, size_t len);

#endif
