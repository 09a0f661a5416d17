/*
 * env: the target stacks. Linux is this machine's kernel in the target namespace, on
 * a veth (netns.c). The others run in a sealed target namespace (loopback only, no
 * route anywhere) and meet the tester on a TAP in the tester's namespace:
 *   lwip, gvisor   the agent program is the stack itself (lwIP's raw API, netstack):
 *                  it reads and writes the TAP's frames through a descriptor it inherits;
 *   slirp, passt   a proxy (slirp4netns, pasta) owns the TAP and carries each
 *                  connection to a socket of the sealed namespace, where the Linux
 *                  agent listens: the tested stack is the proxy's;
 *   kernel         another Linux kernel, booted by qemu on that TAP, with the Linux
 *                  agent inside (run --kernel; env/vm.h).
 */
#ifndef TC_ENV_STACK_H
#define TC_ENV_STACK_H

#include <stddef.h>

enum tc_stack {
	TC_STACK_LINUX,
	TC_STACK_LWIP,
	TC_STACK_GVISOR,
	TC_STACK_SLIRP,
	TC_STACK_PASST,
	TC_STACK_KERNEL,                /* a Linux kernel in a virtual machine (--kernel): vm.h */
	TC_STACK__COUNT
};

struct tc_stack_info {
	const char *name;               /* as --stack spells it */
	const char *title;              /* for people: "lwIP (raw API)" */
	const char *program;            /* the agent: next to tcpconform */
	const char *proxy;              /* the proxy beside the Linux agent, or NULL */
	const char *package;            /* the Debian package that gives its version */
	const char *tester4, *target4;  /* addresses on the link */
	const char *tester6, *target6;
	const char *build;              /* how to get the program when it is missing */
};

/* tc_stack_info - the facts of @s (never NULL for a valid @s). */
const struct tc_stack_info *tc_stack_info(enum tc_stack s);

/* tc_stack_parse - @name ("lwip") into *out; 0, or -1 for a name no stack has. */
int tc_stack_parse(const char *name, enum tc_stack *out);

/* tc_stack_names - "linux, lwip, gvisor, slirp, passt" (for messages). */
const char *tc_stack_names(void);

/* tc_stack_version - the stack's version into @buf: the kernel release for linux,
 * lwIP's release as its agent @agent says, the Debian package's version for the
 * others. */
void tc_stack_version(enum tc_stack s, const char *agent, char *buf, size_t len);

#endif
