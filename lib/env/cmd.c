/* env: commands and sysctls. */
#include "env/cmd.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int tc_have_tool(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, buf[512];
	int found = 0;

	copy = tc_xstrdup(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/%s", dir, name);
		found = access(buf, X_OK) == 0;
	}
	free(copy);
	return found;
}

static void join_argv(char *const argv[], char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; argv[i] && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", argv[i]);
}

int tc_cmd(char *const argv[], char *err, size_t errlen)
{
	char out[512];

	return tc_cmd_output(argv, NULL, out, sizeof(out), err, errlen);
}

int tc_cmd_output(char *const argv[], const char *input, char *out, size_t outlen, char *err, size_t errlen)
{
	int pfd[2], ifd[2] = { -1, -1 }, status;
	pid_t pid;
	char line[256];
	ssize_t n;
	size_t got = 0;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return tc_errf(err, errlen, "pipe: %s", strerror(errno));
	if (input && pipe2(ifd, O_CLOEXEC) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return tc_errf(err, errlen, "pipe: %s", strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return tc_errf(err, errlen, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(input ? ifd[0] : devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	if (input) {
		close(ifd[0]);
		if (write(ifd[1], input, strlen(input)) < 0)
			got = 0;
		close(ifd[1]);
	}
	while ((n = read(pfd[0], out + got, outlen - 1 - got)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			got += (size_t)n;
	out[got] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (input && !got)
		snprintf(out, outlen, "%s", "failed");
	while (got && (out[got - 1] == '\n' || out[got - 1] == ' '))
		out[--got] = '\0';
	join_argv(argv, line, sizeof(line));
	return tc_errf(err, errlen, "%s: %s", line, got ? out : "failed");
}

int tc_cmdf(char *err, size_t errlen, const char *fmt, ...)
{
	char buf[512], *argv[40], *save = NULL, *tok;
	va_list ap;
	int n = 0;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (tok = strtok_r(buf, " ", &save); tok && n < 39; tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	return tc_cmd(argv, err, errlen);
}

static void sysctl_path(const char *key, char *path, size_t len)
{
	size_t off = (size_t)snprintf(path, len, "/proc/sys/");
	const char *k;

	for (k = key; *k && off + 1 < len; k++)
		path[off++] = *k == '.' ? '/' : *k;
	path[off] = '\0';
}

int tc_sysctl_write(const char *key, const char *val, char *err, size_t errlen)
{
	char path[256];
	int fd;
	ssize_t n;

	if (strstr(key, "..") || strchr(key, '/'))
		return tc_errf(err, errlen, "sysctl %s: not a sysctl name", key);
	sysctl_path(key, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return tc_errf(err, errlen, "sysctl %s: %s", key, strerror(errno));
	n = write(fd, val, strlen(val));
	close(fd);
	if (n < 0)
		return tc_errf(err, errlen, "sysctl %s=%s: %s", key, val, strerror(errno));
	return 0;
}

int tc_sysctl_read(const char *key, char *buf, size_t len)
{
	char path[256];
	int fd;
	ssize_t n;

	sysctl_path(key, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return 0;
}

int tc_owner_alive(long pid)
{
	char path[64], comm[64] = "";
	FILE *f;

	if (pid == (long)getpid())
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "tcpconform", 10);
}

/* tc_spawn - fork and exec @argv (looked up in PATH) in the current namespace, in a
 * process group of its own (Ctrl-C reaches us, and we stop it ourselves), killed when
 * we die; @fds[i] becomes descriptor 3 + i; its output goes to /dev/null unless
 * @verbose. The pid, or -1 with @err. */
pid_t tc_spawn(char *const argv[], const int *fds, int nfds, int verbose, char *err, size_t errlen)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		return tc_errf(err, errlen, "fork: %s", strerror(errno));
	if (pid == 0) {
		int hi[4], i, null = open("/dev/null", O_RDWR);
		sigset_t none;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);       /* as a shell would start it (pasta checks) */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (i = 0; i < nfds && i < 4; i++)     /* out of the way of 3.. first */
			hi[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD, 64) : -1;
		for (i = 0; i < nfds && i < 4; i++)
			if (hi[i] >= 0)
				dup2(hi[i], 3 + i);
		if (null >= 0 && !verbose) {
			dup2(null, 1);
			if (!strchr(argv[0], '/'))       /* a proxy's chatter; our agents speak up */
				dup2(null, 2);
		}
		execvp(argv[0], argv);
		dprintf(2, "tcpconform: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}
