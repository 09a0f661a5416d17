/* libFuzzer target: the case-file parser on arbitrary text. It must give a case or a
 * "file:line:col: message", never crash or leak. */
#include "case/case.h"
#include "util/util.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[TC_ERRLEN] = "";
	struct tc_case *c = tc_case_parse("f.tcp", (const char *)data, size, err, sizeof(err));

	if (!c && strncmp(err, "f.tcp:", 6) != 0)
		__builtin_trap();       /* every failure names the file and position */
	tc_case_free(c);
	c = tc_trace_parse("f.trace", (const char *)data, size, err, sizeof(err));
	tc_case_free(c);
	return 0;
}
