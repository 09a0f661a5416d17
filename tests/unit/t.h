/* A tiny unit-test harness: each test is a function; failures print file:line and
 * what differed; main.c lists the tests and prints "ok - name" / "not ok - name". */
#ifndef TC_T_H
#define TC_T_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct t_ctx {
	int failed;
	const char *name;
	const char *skipped;    /* set by a test that cannot run here, with the reason */
};

void t_fail(struct t_ctx *t, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define T_OK(t, cond) do { if (!(cond)) t_fail(t, __FILE__, __LINE__, "%s", #cond); } while (0)
#define T_EQ_U(t, a, b) do { unsigned long long _a = (a), _b = (b); \
	if (_a != _b) t_fail(t, __FILE__, __LINE__, "%s is %llu, expected %llu", #a, _a, _b); } while (0)
#define T_EQ_S(t, a, b) do { const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b)) t_fail(t, __FILE__, __LINE__, "%s is\n#   \"%s\"\n# expected\n#   \"%s\"", #a, _a ? _a : "(null)", _b ? _b : "(null)"); } while (0)

/* t_path - a path below the source tree (tests run from the top directory). */
const char *t_path(const char *rel);
/* t_read - a whole file into a malloc'd buffer (NUL-terminated); NULL on error. */
char *t_read(const char *path, size_t *len);
/* t_golden - compare @got with the file @rel; TC_GOLDEN_UPDATE=1 rewrites it. */
void t_golden(struct t_ctx *t, const char *rel, const char *got, const char *file, int line);
#define T_GOLDEN(t, rel, got) t_golden(t, rel, got, __FILE__, __LINE__)

/* The list of tests, in the order they run. */
#define TESTS(X) \
	X(decode_vectors) X(decode_bounds) X(decode_options) X(format_vectors) \
	X(encode_vectors) X(encode_roundtrip) X(encode_damage) X(checksum_partial) X(encode_icmp_ipopts) \
	X(parse_good) X(parse_bad) X(parse_sysctl) X(parse_repo_cases) X(parse_roundtrip_options) X(needs_service) X(agent_tables_agree) X(fill_http) X(fill_close) X(grammar_summary) \
	X(match_fields) X(match_options) \
	X(track_paths) X(track_late_answers) X(track_ts_echo) X(model_tables) X(model_window_edge) X(model_syn_data) X(model_half_duplex) X(model_listen_syn) X(model_acceptable) X(model_ts_echo) X(model_paws) X(isn_statistics) X(ts_clock) \
	X(replay_pass) X(replay_fail) X(replay_alternatives) X(replay_alt_within) X(replay_nothing) \
	X(replay_ratelimited) X(replay_ports) X(replay_samples) X(replay_agent) X(replay_states) X(replay_malformed) X(replay_features) X(replay_pieces) X(replay_len_names) X(replay_name_range) X(replay_agent_info) X(replay_late_answer) X(replay_expect_pieces) X(replay_captures) X(replay_stale_ack) X(replay_call_results) X(replay_silence_timer) X(import_server) X(import_reasons) X(import_client) \
	X(ecn_field_only) X(cases_tos_scope) X(replay_early_reply) X(replay_agent_unsupported) X(service_silence) X(service_banner) X(service_http_answer) X(service_http_send) X(service_http_window_update) X(service_http_close) X(service_http_fin_acks) X(service_http_sized) X(service_banner_close) X(merged_frame) X(listener_gone) X(deviation_groups) \
	X(path_findings) X(trace_quotes) X(report_golden) X(junit_golden) X(result_pack) X(report_write) X(waiver_parse) X(waiver_apply) X(libnet_frames) \
	X(remote_targets) X(remote_ports_used) X(sched_target_stops) X(sched_stop_while_pending) X(sched_sysctl) X(sched_serial_beside) X(adapt_jobs) X(sched_cpu_wait) X(judge_resend) X(cpuwatch_sampling) X(cpuwatch_softirqd) X(vm_pick) X(vm_cpio) X(waiver_kernels)

#define T_DECL(n) void test_##n(struct t_ctx *t);
TESTS(T_DECL)

#endif
