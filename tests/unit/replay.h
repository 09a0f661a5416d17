/* Running cases offline: the scheduler and runner against the scripted peer
 * (tests/unit/fake.c) on a fake clock, with a fake agent. */
#ifndef TC_T_REPLAY_H
#define TC_T_REPLAY_H

#include "case/case.h"
#include "fake.h"
#include "run/sched.h"
#include "t.h"

struct replay {
	struct tc_case *c, *trace;
	struct tc_result res;
	/* the trace once the run is over, decoded again from its frames (the scheduler
	 * packs a finished case's trace: every replay checks that nothing is lost) */
	struct tc_trace_ent *tr;
	struct tc_target tg;
	struct tc_clock clock;
	struct tc_fake *peer;
	struct tc_fake_agent *agent;
	struct tc_sched_stats stats;
	char err[256];
};

/* replay_run - run the case in file @case_path (or the text @case_text if not NULL,
 * named "r.tcp") against the trace @trace_text. The agent fails commands starting
 * with @agent_fail (NULL: none). 0, or -1 with r->err. */
int replay_run(struct replay *r, const char *case_path, const char *case_text, const char *trace_text,
	       const char *agent_fail);
void replay_free(struct replay *r);

/* replay_check - replay_run, and a test failure at @line when it cannot run (the
 * replay is then freed). 0 or -1. RUN() gives the caller's file and line. */
int replay_check(struct t_ctx *t, struct replay *r, const char *path, const char *text, const char *trace,
		 const char *agent_fail, const char *file, int line);
#define RUN(r, path, text, trace, fail) replay_check(t, r, path, text, trace, fail, __FILE__, __LINE__)

/* replay_wrong_port - the next replay_run's peer sends the reply of trace line @line
 * from port @port (once). */
void replay_wrong_port(int line, uint16_t port);

/* replay_watched - in the next replay_run, the target is watched as a remote host is:
 * a failure on silence or a reset waits for the probe (a SYN to the listening port). */
void replay_watched(void);

/* replay_cut - in the next replay_run, the frame of trace line @line reaches the tester
 * cut by the capture (a frame longer than the link carries: merged on this host). */
void replay_cut(int line);

/* replay_early - in the next replay_run, the @frame-th frame the peer sends (from 0)
 * carries a capture time @us earlier than the moment it is handed over: a reply the
 * capture saw before the tester's last send, read after it. */
void replay_early(int frame, uint64_t us);

/* replay_service - in the next replay_run, the target has no agent: a service (as with
 * --service) plays the application of the case's port. */
void replay_service(void);

/* replay_banner, replay_http - the same, the service a banner service (--service
 * banner) or a web server (--service http: the tester's data is a request). */
void replay_banner(void);
void replay_http(void);
/* the request of the send port over the replay's web server (20 bytes) */
#define REPLAY_REQUEST "GET /pp HTTP/1.1\r\n\r\n"
/* its request for an answer of 300 bytes ('agent send 300', 19 bytes); it has none of 10 */
#define REPLAY_SIZED "GET /s HTTP/1.1\r\n\r\n"
#define REPLAY_NO_10 "needs the application to send 10 bytes, which the http service does not give: too few"


/* replay_mtu - in the next replay_run, the tester's link has MTU @mtu: larger segments
 * to send go in pieces. */
void replay_mtu(int mtu);

/* replay_agent_info - in the next replay_run, the agent's ok text to "info PP". */
void replay_agent_info(const char *text);

/* replay_agent_reply - in the next replay_run, the text of the agent's "err" replies to
 * the commands that fail (default: "no connection from port 20000"). */
void replay_agent_reply(const char *text);

#endif
