/* case: a small character-level scanner over one line of a case file, with columns. */
#ifndef TC_CASE_LEX_H
#define TC_CASE_LEX_H

#include "case/case.h"

#include <stddef.h>
#include <stdint.h>

struct tc_lx {
	const char *file;
	int line;
	const char *s;          /* the line (not terminated) */
	size_t pos, end;        /* end excludes a trailing comment */
	char *err;
	size_t errlen;
	int failed;
	struct tc_caps **caps;  /* where $NAME goes (NULL: no captures here) */
};

/* tc_lx_init - scan @len bytes of line @line at @s; '#' outside quotes starts a comment. */
void tc_lx_init(struct tc_lx *lx, const char *file, int line, const char *s, size_t len,
		char *err, size_t errlen);
/* tc_lx_fail - report "file:line:col: message" at column of byte @pos; returns -1.
 * Only the first failure is kept. */
int tc_lx_fail(struct tc_lx *lx, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tc_lx_ws(struct tc_lx *lx);
int tc_lx_eol(struct tc_lx *lx);                /* only blanks left */
int tc_lx_peek(struct tc_lx *lx);               /* next char or -1 */
int tc_lx_accept(struct tc_lx *lx, char c);     /* consume @c if next (after blanks) */
/* tc_lx_word - a run of [A-Za-z0-9_.+-] (after blanks) into @buf; 0 if none. */
size_t tc_lx_word(struct tc_lx *lx, char *buf, size_t len);
/* tc_lx_kw - consume the word @kw if it is next (whole word); non-zero if it was. */
int tc_lx_kw(struct tc_lx *lx, const char *kw);
/* tc_lx_num - a number: decimal, 0x hex, optional leading '-' (taken modulo 2^32). */
int tc_lx_num(struct tc_lx *lx, uint32_t *v, const char *what);
/* tc_lx_val - a number or '*'. */
int tc_lx_val(struct tc_lx *lx, struct tc_val *v, const char *what);
/* tc_lx_expr - '*', or terms joined by + and -: numbers and TCB names (RCV.NXT,
 * RCV.WND, SND.NXT, SND.UNA, SND.WND, ISS, IRS), a name optionally divided by a number. */
int tc_lx_expr(struct tc_lx *lx, struct tc_val *v, const char *what);
/* tc_lx_dur - a duration "500ms", "2s", "300us" in microseconds. */
int tc_lx_dur(struct tc_lx *lx, uint64_t *us);
/* tc_lx_cap - "$NAME" next: its slot in the case's captures (added if new), which hold
 * a number (@bytes 0) or an option's bytes (@bytes 1); -1 with the error, or -2 when no
 * '$' is next. */
int tc_lx_cap(struct tc_lx *lx, int bytes);
/* tc_lx_string - a C-style quoted string (escapes \n \r \t \0 \\ \" \xHH) into an owned buffer. */
int tc_lx_string(struct tc_lx *lx, uint8_t **out, uint32_t *len);
/* tc_lx_hex - "0x0102ff" bytes into @buf (at most @max); count in *n. */
int tc_lx_hex(struct tc_lx *lx, uint8_t *buf, size_t max, uint8_t *n);

/* tc_parse_segpat - the segment part of a "<" or ">" line (flags, seq, fields). */
int tc_parse_segpat(struct tc_lx *lx, struct tc_segpat *p, int is_send, uint64_t *within,
		    uint8_t *ratelimited);

/* tc_parse_agent - the rest of an "agent VERB [ARGS]" line. */
int tc_parse_agent(struct tc_lx *lx, struct tc_step *st);

#endif
