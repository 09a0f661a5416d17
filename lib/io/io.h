/*
 * io: the boundary with the operating system, as two small tables of functions.
 * A segment back-end injects frames and hands over captured ones (live: libnet and
 * libpcap; offline: a scripted peer for tests). An agent back-end carries requests to
 * the target-side agent and its replies. The runner sees only these tables.
 */
#ifndef TC_IO_IO_H
#define TC_IO_IO_H

#include "packet/seg.h"

#include <stddef.h>
#include <stdint.h>

/* A captured frame: the link type is the back-end's. */
/* @len bytes of the frame as captured; @wire_len its length on the link (more when the
 * capture cut it: a frame longer than the link's MTU, segments merged on this host) */
typedef void (*tc_frame_cb)(void *arg, const uint8_t *frame, size_t len, size_t wire_len, uint64_t t_us);

struct tc_io_ops {
	const char *name;
	/* send - put the encoded frame s->raw on the wire (s->link says its layers). */
	int (*send)(void *ctx, const struct tc_seg *s, char *err, size_t errlen);
	/* fd - a descriptor to poll for input, or -1 when the back-end has none. */
	int (*fd)(void *ctx);
	/* drain - hand the frames available now to @cb; returns their count or -1. A
	 * back-end may stop early (a target that answers each frame the callback sends at
	 * once would keep it going for ever): then pending says so. */
	int (*drain)(void *ctx, tc_frame_cb cb, void *arg, char *err, size_t errlen);
	/* pending - the last drain stopped with frames still waiting (NULL: never). */
	int (*pending)(void *ctx);
	/* next_due - for a back-end on a fake clock: when its next frame is due (0: none). */
	uint64_t (*next_due)(void *ctx);
	/* drops - frames lost before we read them, since the start (NULL: none can be). */
	unsigned (*drops)(void *ctx);
};

struct tc_io {
	const struct tc_io_ops *ops;
	void *ctx;
};

/* An agent reply: @ok non-zero for "ok", @text is the rest of the line. */
typedef void (*tc_agent_cb)(void *arg, uint32_t id, int ok, const char *text);

struct tc_agent_ops {
	/* request - send "ID CMD" to the agent. */
	int (*request)(void *ctx, uint32_t id, const char *cmd, char *err, size_t errlen);
	int (*fd)(void *ctx);
	/* drain - hand every complete reply to @cb; returns their count, or -1 when the
	 * agent is gone (EOF) or the channel broke. */
	int (*drain)(void *ctx, tc_agent_cb cb, void *arg, char *err, size_t errlen);
};

struct tc_agentc {
	const struct tc_agent_ops *ops;
	void *ctx;
};

#endif
