/* The unit tests: one explicit list, run in order. */
#include "t.h"

#include <stdarg.h>
#include <stdlib.h>

#define ENTRY(n) { #n, test_##n },
static const struct { const char *name; void (*fn)(struct t_ctx *); } tests[] = { TESTS(ENTRY) };

void t_fail(struct t_ctx *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t->failed++;
	printf("#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

const char *t_path(const char *rel)
{
	return rel;
}

char *t_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = '\0';
		if (len)
			*len = (size_t)n;
	}
	return b;
}

void t_golden(struct t_ctx *t, const char *rel, const char *got, const char *file, int line)
{
	char *want;

	if (getenv("TC_GOLDEN_UPDATE")) {
		FILE *f = fopen(rel, "wb");

		if (!f || fputs(got, f) < 0)
			t_fail(t, file, line, "cannot write %s", rel);
		if (f)
			fclose(f);
		return;
	}
	want = t_read(rel, NULL);
	if (!want) {
		t_fail(t, file, line, "golden file %s is missing (make golden writes it)", rel);
		return;
	}
	if (strcmp(want, got)) {
		size_t i = 0, l = 1;

		while (want[i] && want[i] == got[i]) {
			if (want[i] == '\n')
				l++;
			i++;
		}
		t_fail(t, file, line, "output differs from %s at line %zu:\n#   got:  %.80s\n#   want: %.80s",
		       rel, l, got + i - (i && got[i - 1] != '\n' ? 0 : 0), want + i);
	}
	free(want);
}

int main(int argc, char **argv)
{
	size_t i;
	int failed = 0, run = 0;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		struct t_ctx t = { 0, tests[i].name, NULL };

		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		tests[i].fn(&t);
		run++;
		if (t.skipped && !t.failed) {
			printf("skip - unit: %s (%s)\n", tests[i].name, t.skipped);
			continue;
		}
		printf("%s - unit: %s\n", t.failed ? "not ok" : "ok", tests[i].name);
		failed += !!t.failed;
	}
	printf("# unit: %d run, %d failed\n", run, failed);
	printf("1..%d\n", run);        /* the plan, at the end (TAP) */
	return failed ? 1 : 0;
}
