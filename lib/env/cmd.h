/* env: running the system's network tools (ip, ethtool) and reading/writing sysctls. */
#ifndef TC_ENV_CMD_H
#define TC_ENV_CMD_H

#include <stddef.h>
#include <sys/types.h>

/*
 * tc_cmd - run @argv (argv[0] looked up in PATH) and wait for it. Its output is
 * captured; on failure @err gets "ip link add ...: <its stderr>". Returns 0 when it
 * exited with 0, -1 otherwise.
 */
int tc_cmd(char *const argv[], char *err, size_t errlen);

/* tc_cmd_output - as tc_cmd, with @input (may be NULL) on its standard input and its
 * output (stdout and stderr) in @out. */
int tc_cmd_output(char *const argv[], const char *input, char *out, size_t outlen, char *err, size_t errlen);

/* tc_cmdf - tc_cmd on a command line split at blanks (no quoting: our arguments have
 * no blanks). printf-style. */
int tc_cmdf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* tc_have_tool - non-zero if @name is an executable in PATH. */
int tc_have_tool(const char *name);

/* tc_sysctl_write - set "net.ipv4.tcp_sack" = @val in the current network namespace. */
int tc_sysctl_write(const char *key, const char *val, char *err, size_t errlen);

/* tc_sysctl_read - its value (trimmed) into @buf; 0 or -1. */
int tc_sysctl_read(const char *key, char *buf, size_t len);

/* tc_owner_alive - is @pid this process or another running tcpconform? (What a stale
 * namespace, table or state file names as its owner.) */
int tc_owner_alive(long pid);

/* tc_spawn - fork and exec @argv (looked up in PATH) in the current namespace, in a
 * process group of its own, killed when we die; @fds[i] (up to 4) becomes descriptor
 * 3 + i; its output goes to /dev/null unless @verbose (a program named by its path
 * keeps its standard error). The pid, or -1 with @err. */
pid_t tc_spawn(char *const argv[], const int *fds, int nfds, int verbose, char *err, size_t errlen);

#endif
