/* env: the target stacks: names, programs, addresses, versions. */
#include "env/stack.h"
#include "env/cmd.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static const struct tc_stack_info stacks[TC_STACK__COUNT] = {
	[TC_STACK_LINUX] = { "linux", "Linux (this machine's kernel)", "tcpconform-agent", NULL, NULL,
			     "198.18.0.1", "198.18.0.2", "2001:db8:7463::1", "2001:db8:7463::2", "make" },
	[TC_STACK_LWIP] = { "lwip", "lwIP (raw API)", "tcpconform-lwip", NULL, "liblwip-dev",
			    "198.18.0.1", "198.18.0.2", "2001:db8:7463::1", "2001:db8:7463::2", "make stack-lwip" },
	[TC_STACK_GVISOR] = { "gvisor", "gVisor netstack", "tcpconform-gvisor", NULL, "golang-gvisor-gvisor-dev",
			      "198.18.0.1", "198.18.0.2", "2001:db8:7463::1", "2001:db8:7463::2",
			      "make stack-gvisor" },
	/* slirp4netns: the gateway (.2) is the sealed namespace's loopback; IPv6 is fd00::/64 */
	[TC_STACK_SLIRP] = { "slirp", "libslirp (slirp4netns)", "tcpconform-agent", "slirp4netns", "libslirp0",
			     "198.18.0.100", "198.18.0.2", "fd00::100", "fd00::2", "make stacks" },
	/* pasta: the tester takes the address pasta assigns, the target is its gateway */
	[TC_STACK_PASST] = { "passt", "passt (pasta)", "tcpconform-agent", "pasta", "passt",
			     "198.18.0.1", "198.18.0.2", "2001:db8:7463::1", "2001:db8:7463::2", "make stacks" },
	/* a kernel in a virtual machine: run --kernel names it (never --stack) */
	[TC_STACK_KERNEL] = { "kernel", "Linux in a virtual machine", "tcpconform-agent-static", NULL, NULL,
			      "198.18.0.1", "198.18.0.2", "2001:db8:7463::1", "2001:db8:7463::2", "make" },
};

const struct tc_stack_info *tc_stack_info(enum tc_stack s)
{
	return &stacks[s < TC_STACK__COUNT ? s : TC_STACK_LINUX];
}

int tc_stack_parse(const char *name, enum tc_stack *out)
{
	for (int i = 0; i < TC_STACK__COUNT; i++)
		if (i != TC_STACK_KERNEL && !strcmp(name, stacks[i].name)) {
			*out = (enum tc_stack)i;
			return 0;
		}
	return -1;
}

const char *tc_stack_names(void)
{
	return "linux, lwip, gvisor, slirp, passt";
}

void tc_stack_version(enum tc_stack s, const char *agent, char *buf, size_t len)
{
	const struct tc_stack_info *si = tc_stack_info(s);
	char out[128], err[64], *nl;
	char *argv[] = { "dpkg-query", "-W", "-f=${Version}", (char *)si->package, NULL };
	char *ask[] = { (char *)agent, "--version", NULL };
	struct utsname u;

	if (s == TC_STACK_LINUX) {
		snprintf(buf, len, "Linux %s", uname(&u) == 0 ? u.release : "(unknown release)");
		return;
	}
	/* lwIP is compiled in from Debian's source package: its agent knows the release */
	if (s == TC_STACK_LWIP && agent && tc_cmd_output(ask, NULL, out, sizeof(out), err, sizeof(err)) == 0 && out[0]) {
		if ((nl = strchr(out, '\n')))
			*nl = '\0';
		snprintf(buf, len, "%s (Debian's source package lwip)", out);
		return;
	}
	if (tc_cmd_output(argv, NULL, out, sizeof(out), err, sizeof(err)) < 0 || !out[0])
		snprintf(out, sizeof(out), "unknown version");
	snprintf(buf, len, "%s %s (Debian package %s)", si->title, out, si->package);
}
