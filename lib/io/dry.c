/* io: the dry-run back-end (a pcap file instead of the wire). */
#include "io/dry.h"
#include "util/util.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tc_dry {
	pcap_t *p;
	pcap_dumper_t *d;
	unsigned n;
};

static int dry_send(void *ctx, const struct tc_seg *s, char *err, size_t errlen)
{
	struct tc_dry *d = ctx;
	struct pcap_pkthdr h;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = ts.tv_sec;
	h.ts.tv_usec = (suseconds_t)(ts.tv_nsec / 1000);
	h.caplen = h.len = (bpf_u_int32)s->raw_len;
	pcap_dump((u_char *)d->d, &h, s->raw);
	d->n++;
	return 0;
}

static int dry_fd(void *ctx)
{
	return -1;
}

static int dry_drain(void *ctx, tc_frame_cb cb, void *arg, char *err, size_t errlen)
{
	return 0;
}

struct tc_io tc_dry_io(struct tc_dry *d)
{
	static const struct tc_io_ops ops = { .name = "dry-run", .send = dry_send, .fd = dry_fd, .drain = dry_drain };

	return (struct tc_io){ .ops = &ops, .ctx = d };
}

struct tc_dry *tc_dry_open(const char *path, enum tc_link link, char *err, size_t errlen)
{
	struct tc_dry *d = tc_xcalloc(1, sizeof(*d));

	d->p = pcap_open_dead(link == TC_LINK_RAW ? DLT_RAW : DLT_EN10MB, 65535);
	if (d->p)
		d->d = pcap_dump_open(d->p, path);
	if (!d->d) {
		tc_errf(err, errlen, "%s: %s", path, d->p ? pcap_geterr(d->p) : "pcap_open_dead failed");
		tc_dry_close(d);
		return NULL;
	}
	return d;
}

void tc_dry_close(struct tc_dry *d)
{
	if (!d)
		return;
	if (d->d)
		pcap_dump_close(d->d);
	if (d->p)
		pcap_close(d->p);
	free(d);
}

unsigned tc_dry_count(const struct tc_dry *d)
{
	return d->n;
}
