/* report: one pcap file per case, with every frame of its trace (both directions). */
#include "report/report.h"
#include "util/util.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

int tc_pcap_write(const char *path, const struct tc_result *r, int64_t wall_offset_us,
		  char *err, size_t errlen)
{
	pcap_t *p;
	pcap_dumper_t *d;
	int i, link = DLT_EN10MB;
	struct tc_trace_ent *e = tc_result_entries(r);

	if (r->ntrace && e[0].seg.link == TC_LINK_RAW)
		link = DLT_RAW;
	p = pcap_open_dead(link, 65535);
	if (!p) {
		tc_result_entries_free(e, r->ntrace);
		return tc_errf(err, errlen, "pcap_open_dead failed");
	}
	d = pcap_dump_open(p, path);
	if (!d) {
		tc_errf(err, errlen, "%s: %s", path, pcap_geterr(p));
		pcap_close(p);
		tc_result_entries_free(e, r->ntrace);
		return -1;
	}
	for (i = 0; i < r->ntrace; i++) {
		const struct tc_seg *s = &e[i].seg;
		struct pcap_pkthdr h;
		uint64_t t = (uint64_t)((int64_t)s->t_us + wall_offset_us);

		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(t / 1000000u);
		h.ts.tv_usec = (suseconds_t)(t % 1000000u);
		h.caplen = h.len = (bpf_u_int32)s->raw_len;
		pcap_dump((u_char *)d, &h, s->raw);
	}
	pcap_dump_close(d);
	pcap_close(p);
	tc_result_entries_free(e, r->ntrace);
	return 0;
}
