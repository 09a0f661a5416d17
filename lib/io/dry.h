/*
 * io: the dry-run back-end. What would be sent is written to a pcap file; nothing is
 * sent, nothing is captured. Used by "tcpconform run --dry-run".
 */
#ifndef TC_IO_DRY_H
#define TC_IO_DRY_H

#include "io/io.h"

struct tc_dry;

/* tc_dry_open - a back-end writing to @path, frames of link type @link. */
struct tc_dry *tc_dry_open(const char *path, enum tc_link link, char *err, size_t errlen);
void tc_dry_close(struct tc_dry *d);
struct tc_io tc_dry_io(struct tc_dry *d);
/* tc_dry_count - frames written so far. */
unsigned tc_dry_count(const struct tc_dry *d);

#endif
