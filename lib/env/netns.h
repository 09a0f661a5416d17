/*
 * env: the netns environment. A tester namespace and a target namespace joined by a
 * veth pair; the tester uses addresses its kernel does not own (it answers ARP itself,
 * and the target has static neighbour entries), offloads are off, the agent runs in
 * the target namespace. Named "tcpconform-<pid>-tester" and "-target", so that a run
 * killed without its teardown is found and removed by the next one.
 */
#ifndef TC_ENV_NETNS_H
#define TC_ENV_NETNS_H

#include "env/stack.h"
#include "env/vm.h"
#include "io/target.h"

#include <sys/types.h>

struct tc_agent_link;

struct tc_netns_cfg {
	enum tc_stack stack;            /* the target stack (linux: the kernel, on a veth) */
	const char *agent_path;         /* the stack's agent program (see env/stack.h) */
	char **sysctl_keys, **sysctl_vals;      /* set in the target namespace first */
	int nsysctl;
	int verbose;
	const struct tc_vm_kernel *kernel;      /* stack kernel: the one to boot */
	const char *vminit_path;                /* stack kernel: the guest's /init */
	int (*stopped)(void);                   /* stack kernel: Ctrl-C ends the wait for a boot */
};

struct tc_netns {
	char ns_tester[48], ns_target[48];
	char if_tester[16], if_target[16];
	int orig_ns;                    /* our namespace before setns (-1: not saved) */
	int made_tester, made_target;
	enum tc_stack stack;
	pid_t agent_pid;
	pid_t proxy_pid;                /* slirp4netns, pasta (0: none) */
	int tap_fd;                     /* our hold on the TAP of lwip and gvisor (-1: none) */
	char agent_path[4096];
	struct tc_agent_link *agent;
	struct tc_vm vm;                /* stack kernel: the machine (its qemu is agent_pid) */
	const struct tc_vm_kernel *kernel;
	char vminit_path[4096];
	char **boot_keys, **boot_vals;  /* stack kernel: the sysctls set at boot */
	int (*stopped)(void);
	int nboot;
	struct tc_target tg[2];         /* [0] IPv4, [1] IPv6 */
	/* The target's net.ipv4.tcp_* sysctls, read after the overrides. */
	char **sc_keys, **sc_vals;
	int nsc;
};

/*
 * tc_netns_setup - build the environment and enter the tester namespace (the caller's
 * capture and injection then open there). On failure everything made so far is
 * removed and @err says what failed.
 */
int tc_netns_setup(struct tc_netns *e, const struct tc_netns_cfg *cfg, char *err, size_t errlen);

/* tc_netns_sysctl - in the target's namespace, read @key into @old (when not NULL) and
 * set it to @val; the tester stays in its own. 0, or -1 with @err ("Operation not
 * permitted": a setting the namespace cannot have of its own). */
int tc_netns_sysctl(struct tc_netns *e, const char *key, const char *val, char *old, size_t oldlen,
		    char *err, size_t errlen);

/* tc_netns_alive - are the stack's processes (its agent, its proxy) still running?
 * 1, or 0 with @why ("pasta exited: killed by SIGFPE"); reaps what exited. */
int tc_netns_alive(struct tc_netns *e, char *why, size_t whylen);

/* tc_netns_restart - stop the stack's processes and start them again on the same
 * link (a stack that died or hangs); the agent channel is new. 0 or -1 with @err. */
int tc_netns_restart(struct tc_netns *e, char *err, size_t errlen);

/* tc_netns_teardown - stop the agent, remove both namespaces, return to the original
 * namespace. Safe to call twice, and on a half-built environment. Async-signal-safe
 * it is not: call it from the main flow (signals only set a flag). */
void tc_netns_teardown(struct tc_netns *e);

/*
 * tc_netns_cleanup_stale - remove the namespaces of tcpconform runs whose process is
 * gone (killed with SIGKILL, say), with every process still inside them. Returns the
 * number of namespaces removed, or -1 with @err.
 */
int tc_netns_cleanup_stale(char *err, size_t errlen);

#endif
