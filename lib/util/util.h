/* util: errors, logging, allocation, clock. The lowest layer: includes nothing of ours. */
#ifndef TC_UTIL_H
#define TC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Size of the caller-owned error buffers that library functions fill. */
#define TC_ERRLEN 256

/*
 * tc_errf - format a message into the caller's error buffer @err (size @len).
 * @err may be NULL. Always returns -1 so that "return tc_errf(...)" reads well.
 */
int tc_errf(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* tc_xmalloc/tc_xcalloc/tc_xrealloc/tc_xstrdup - allocate or abort with a message:
 * an allocation failure of a few bytes is not an error the tester can report. */
void *tc_xmalloc(size_t n);
void *tc_xcalloc(size_t n, size_t size);
void *tc_xrealloc(void *p, size_t n);
char *tc_xstrdup(const char *s);
char *tc_xstrndup(const char *s, size_t n);

/*
 * tc_grow - make room for one more element in a dynamic array.
 * @arr points to the array pointer, @n is the count in use, @cap the capacity (updated).
 */
void tc_grow(void *arr, size_t elem, size_t n, size_t *cap);

/* tc_sbuf - a growing string; tc_sbuf_put appends printf-style (it aborts only when
 * memory runs out, as tc_xrealloc does). Start it as { NULL, 0, 0 } or with a buffer. */
struct tc_sbuf {
	char *s;
	size_t len, cap;
};

void tc_sbuf_put(struct tc_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clock: monotonic microseconds, real or fake (tests advance a fake one by hand). */
struct tc_clock {
	int fake;           /* non-zero: now_us is returned as is */
	uint64_t now_us;    /* the fake time */
};

/* tc_now_us - the current time of @c in microseconds (CLOCK_MONOTONIC when real). */
uint64_t tc_now_us(const struct tc_clock *c);

/* tc_wall_iso - the current UTC wall-clock time as ISO 8601 ("2026-11-25T12:14:11.123Z")
 * into @buf (at least 32 bytes). With a fake clock @c it prints a fixed epoch plus now_us. */
void tc_wall_iso(const struct tc_clock *c, char *buf, size_t len);

/* Logging to stderr, filtered by a level that the caller owns. */
enum tc_log_level { TC_LOG_ERROR, TC_LOG_WARN, TC_LOG_INFO, TC_LOG_DEBUG };
void tc_log(int threshold, enum tc_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* tc_strlcpy - bounded copy that always terminates; returns strlen(src). */
size_t tc_strlcpy(char *dst, const char *src, size_t len);

/* tc_trim - @s without its leading blanks, its trailing ones cut off in place. */
char *tc_trim(char *s);

/* tc_read_file - the whole file @path, NUL-terminated, malloc'd, its length in *len;
 * NULL with errno set. */
char *tc_read_file(const char *path, size_t *len);

/* tc_parse_u64 - parse a whole decimal (or 0x hex, never octal) string into *out, at most @max.
 * Returns 0, or -1 if the string is empty, has trailing junk or is too large. */
int tc_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* A small PRNG (xorshift64*): reproducible from a seed, never for secrets. */
struct tc_rng { uint64_t s; };
void tc_rng_seed(struct tc_rng *r, uint64_t seed);
uint32_t tc_rng_u32(struct tc_rng *r);

/* TC_STR - a macro's value as a string literal (TC_STR(2000) is "2000"). */
#define TC_STR_(x) #x
#define TC_STR(x) TC_STR_(x)
#define TC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define TC_MAX(a, b) ((a) > (b) ? (a) : (b))

/* tc_mkdir_p - mkdir -p @path (mode 0755). 0 or -1 (errno). */
int tc_mkdir_p(const char *path);

#endif
