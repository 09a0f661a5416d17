/* case: the generated state x event matrix. */
#include "case/matrix.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct mstate {
	const char *name, *id, *port, *rfc, *prelude;
} states[TC_MATRIX_STATES] = {
	{ "LISTEN", "listen", "listen", "RFC9293 3.10.7.2", "" },
	{ "SYN-SENT", "syn_sent", "active", "RFC9293 3.10.7.3",
	  "agent connect\n< S 0:0(0) <mss *, ...>                 => SYN-SENT\n" },
	{ "SYN-RECEIVED", "syn_received", "listen", "RFC9293 3.10.7.4",
	  "> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>          => SYN-RECEIVED\n" },
	{ "ESTABLISHED", "established", "listen", "RFC9293 3.10.7.4",
	  "#E\n" },
	{ "FIN-WAIT-1", "fin_wait_1", "discard", "RFC9293 3.10.7.4",
	  "#E\nagent shutdown wr\n< F. 1:1(0) ack 1                        => FIN-WAIT-1\n" },
	{ "FIN-WAIT-2", "fin_wait_2", "discard", "RFC9293 3.10.7.4",
	  "#E\nagent shutdown wr\n< F. 1:1(0) ack 1\n> . 1:1(0) ack 2                        => FIN-WAIT-2\n" },
	{ "CLOSE-WAIT", "close_wait", "discard", "RFC9293 3.10.7.4",
	  "#E\n> F. 1:1(0) ack 1\n< . 1:1(0) ack 2                        => CLOSE-WAIT\n" },
	{ "CLOSING", "closing", "discard", "RFC9293 3.10.7.4",
	  /* the target acknowledges the tester's FIN with an ACK, or on a retransmission of
	   * its own FIN (3.10.7.4, eighth step, only says "send an acknowledgment") */
	  "#E\nagent shutdown wr\n< F. 1:1(0) ack 1\n> F. 1:1(0) ack 1\nalt ack\n"
	  "< . 2:2(0) ack 2                        => CLOSING\nalt fin_again\n"
	  "< F. 1:1(0) ack 2                       => CLOSING\nend\n" },
	{ "LAST-ACK", "last_ack", "discard", "RFC9293 3.10.7.4",
	  "#E\n> F. 1:1(0) ack 1\n< . 1:1(0) ack 2\nagent close\n< F. 1:1(0) ack 2                        => LAST-ACK\n" },
	{ "TIME-WAIT", "time_wait", "discard", "RFC9293 3.10.7.4",
	  "#E\nagent shutdown wr\n< F. 1:1(0) ack 1\n> . 1:1(0) ack 2\n> F. 1:1(0) ack 2\n"
	  "< . 2:2(0) ack 2                        => TIME-WAIT\n" },
};

static const char *const establish =
	"> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>\n"
	"> . 1:1(0) ack 1                        => ESTABLISHED\n";

static const struct mclass {
	const char *id, *flags, *what, *rfc;
	int len, ack;
} classes[TC_MATRIX_CLASSES] = {
	{ "syn", "S", "a SYN", "RFC5961 4", 0, 0 },
	{ "syn_ack", "S.", "a SYN+ACK", "RFC5961 4", 0, 1 },
	{ "syn_fin", "SF", "a SYN+FIN", "RFC9293 3.1", 0, 0 },
	{ "ack", ".", "an ACK", "RFC5961 5", 0, 1 },
	{ "fin", "F", "a FIN without ACK", "RFC9293 3.10.7.4 (fifth)", 0, 0 },
	{ "fin_ack", "F.", "a FIN+ACK", "RFC9293 3.10.7.4 (eighth)", 0, 1 },
	{ "rst", "R", "a RST", "RFC5961 3", 0, 0 },
	{ "rst_ack", "R.", "a RST+ACK", "RFC5961 3", 0, 1 },
	{ "data", "P.", "10 bytes of data", "RFC9293 3.10.7.4 (seventh)", 10, 1 },
};

static const struct mpos {
	const char *id, *what, *sync, *unsync;
} positions[TC_MATRIX_POSITIONS] = {
	{ "below", "below the window", "RCV.NXT-1000", "-1000" },
	{ "left", "at the left edge (RCV.NXT)", "RCV.NXT", "0" },
	{ "inside", "inside the window", "RCV.NXT+RCV.WND/2", "1000" },
	{ "right", "at the right edge", "RCV.NXT+RCV.WND-1", "2000" },
	{ "beyond", "beyond the window", "RCV.NXT+RCV.WND+1000", "100000" },
};

int tc_matrix_count(void)
{
	return TC_MATRIX_STATES * TC_MATRIX_CLASSES * TC_MATRIX_POSITIONS;
}

char *tc_matrix_text(int i, char *id, size_t idlen)
{
	const struct mstate *s = &states[i / (TC_MATRIX_CLASSES * TC_MATRIX_POSITIONS)];
	const struct mclass *c = &classes[i / TC_MATRIX_POSITIONS % TC_MATRIX_CLASSES];
	const struct mpos *p = &positions[i % TC_MATRIX_POSITIONS];
	/* LISTEN and SYN-SENT have no receive window yet: plain numbers stand for the
	 * positions (the RFC ignores the sequence number there). */
	int sync = s->prelude[0] && strcmp(s->id, "syn_sent");
	const char *seq = sync ? p->sync : p->unsync;
	const char *ack = !c->ack ? "" : sync ? " ack SND.NXT" : !strcmp(s->id, "syn_sent") ? " ack SND.NXT" : " ack 1000";
	char *text;
	/* An unacceptable segment (outside the window of a synchronized connection) is
	 * judged by the first step of 3.10.7.4: "an acknowledgment should be sent in reply
	 * (unless the RST bit is set, if so drop the segment and return)", a lower-case
	 * should, and RFC 5961 3.2's "TCP stacks SHOULD implement" for resets: SHOULD. */
	const char *level = sync && (!strcmp(p->id, "below") || !strcmp(p->id, "beyond")) ? "SHOULD" : "MUST";

	snprintf(id, idlen, "tcp.matrix.%s.%s.%s", s->id, c->id, p->id);
	if (asprintf(&text,
		     "@id      %s\n"
		     "@title   %s: %s, %s%s%s\n"
		     "@rfc     %s; %s\n"
		     "@level   %s\n"
		     "@port    %s\n"
		     "@tags    matrix\n"
		     "%s"
		     "> %s %s:%s+%d(%d) win 65535%s%s\n"
		     "< model\n",
		     id, s->name, c->what, sync ? "" : "seq ", sync ? p->what : p->unsync, sync ? "" : " (no window yet)", s->rfc, c->rfc,
		     level, s->port,
		     s->prelude,
		     c->flags, seq, seq, c->len, c->len, ack,
		     c->flags[0] == 'S' ? " <mss 1460>" : "") < 0)
		abort();
	if (!strncmp(s->prelude, "#E\n", 3)) {
		char *rest, *joined;

		rest = strstr(text, "#E\n");
		if (rest) {
			*rest = '\0';
			if (asprintf(&joined, "%s%s%s", text, establish, rest + 3) < 0)
				abort();
			free(text);
			text = joined;
		}
	}
	return text;
}

int tc_matrix_add(struct tc_caseset *set, char *err, size_t errlen)
{
	int i, n = tc_matrix_count();

	for (i = 0; i < n; i++) {
		char id[96], file[128], *text = tc_matrix_text(i, id, sizeof(id));
		struct tc_case *c;

		snprintf(file, sizeof(file), "matrix/%s", id + strlen("tcp.matrix."));
		c = tc_case_parse(file, text, strlen(text), err, errlen);
		free(text);
		if (!c)
			return -1;
		if (tc_caseset_add(set, c, err, errlen) < 0) {
			tc_case_free(c);
			return -1;
		}
	}
	return 0;
}
