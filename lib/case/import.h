/*
 * case: packetdrill scripts translated into case files (tcpconform import). The script
 * plays the target's side (its system calls) and the peer's (its "<" packets); a case
 * plays the peer and asks the agent for the calls, so "<" becomes ">" and the calls
 * become agent steps. What has no counterpart is listed, and the script is not written
 * at all: a case that says less than its script would claim what it does not check.
 */
#ifndef TC_CASE_IMPORT_H
#define TC_CASE_IMPORT_H

#include "util/util.h"

/* One thing a script does that the translation cannot: its line and why, and the kind
 * of reason, for counting them over many scripts ("a Python assertion", ...). */
struct tc_import_why {
	int line;
	char kind[48];
	char text[200];
};

struct tc_import {
	struct tc_sbuf out;             /* the case file, when whole */
	struct tc_import_why *why;      /* what could not be translated */
	int nwhy;
	size_t cap;
};

/* tc_import_pkt - translate the script @text, read from @path (a file it names with a
 * relative path, like its defaults.sh, is read next to it through @read_rel, which may be
 * NULL), into a case with id @id. 0 when it is whole (in im->out), 1 when something could
 * not be translated (im->why), -1 when the script itself cannot be read as one. */
int tc_import_pkt(struct tc_import *im, const char *path, const char *id, const char *text,
		  char *(*read_rel)(const char *script, const char *rel));
void tc_import_free(struct tc_import *im);

/* tc_import_id - the case id of a script's file name, under "tcp.import." (lower case,
 * letters, digits and '_'): tcp_close_no_rst.pkt is tcp.import.tcp_close_no_rst. */
void tc_import_id(const char *path, char *id, size_t len);

#endif
