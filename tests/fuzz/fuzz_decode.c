/* libFuzzer target: the decoder and both formatters on arbitrary frames, Ethernet and
 * raw IP. Nothing may crash or read past the bytes (ASan), whatever the lengths say. */
#include "packet/format.h"
#include "packet/seg.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_seg s;
	char buf[2048];
	int link;

	for (link = TC_LINK_ETH; link <= TC_LINK_RAW; link++) {
		tc_seg_decode(&s, data, size, (enum tc_link)link);
		tc_seg_format_tcpdump(&s, 1, buf, sizeof(buf));
		tc_seg_format_case(&s, 1, 2, buf, sizeof(buf));
		(void)tc_seg_payload(&s);
		tc_seg_free(&s);
	}
	return 0;
}
