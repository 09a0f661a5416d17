/* cli: "run --targets FILE", the remote suite against many hosts at once. Each host runs
 * in a child process of its own (a run directory each, as with --target), at most
 * FLEET_AT_ONCE at a time, and the --rate budget is shared among those that run at
 * once; then fleet.json and a table: each host's counts, and the deviations with the
 * hosts that show them. */
#include "cli.h"
#include "cli_run.h"
#include "env/remote.h"
#include "report/report.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FLEET_AT_ONCE 4         /* the remote mode has 8 blocks of tester ports */
#define FLEET_MAX 256

static volatile sig_atomic_t fleet_sig;

static void on_fleet_signal(int sig)
{
	fleet_sig = sig;
}

struct host {
	char addr[64], service[16], name[96];
	uint16_t port, closed_port;
	int line;
	pid_t pid;
	int status;             /* the run's exit status (-1: not run) */
};

/* service_of - the --service of an nmap service name. */
static const char *service_of(const char *nmap)
{
	return !strcmp(nmap, "echo") ? "echo" : !strcmp(nmap, "discard") ? "discard" :
	       !strncmp(nmap, "http", 4) ? "http" :
	       !strcmp(nmap, "ssh") || !strcmp(nmap, "smtp") || !strcmp(nmap, "ftp") ? "banner" : "listen";
}

/* parse_grepable - an nmap -oG line ("Host: ADDR (NAME)\tPorts: 80/open/tcp//http///,
 * ..."): the first open TCP port, the first closed one. 1 if it gave a host, 0 if the
 * line has none (a status line, no open port). */
static int parse_grepable(const char *line, struct host *h)
{
	const char *p = strstr(line, "Ports: ");
	char buf[2048], *tok, *save;

	if (sscanf(line, "Host: %63s", h->addr) != 1 || !p)
		return 0;
	snprintf(buf, sizeof(buf), "%s", p + 7);
	buf[strcspn(buf, "\t")] = '\0';
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char state[32] = "", proto[16] = "", svc[64] = "";
		unsigned port = 0;

		while (*tok == ' ')
			tok++;
		/* PORT/STATE/PROTO/OWNER/SERVICE/RPC/VERSION/ */
		if (sscanf(tok, "%u/%31[^/]/%15[^/]//%63[^/]", &port, state, proto, svc) < 3 || strcmp(proto, "tcp") ||
		    !port || port > 65535)
			continue;
		if (!strcmp(state, "open") && !h->port) {
			h->port = (uint16_t)port;
			snprintf(h->service, sizeof(h->service), "%s", service_of(svc));
		} else if (!strcmp(state, "closed") && !h->closed_port) {
			h->closed_port = (uint16_t)port;
		}
	}
	return h->port != 0;
}

/* parse_line - "ADDR PORT [CLOSED-PORT] [SERVICE]". 0, or -1 with @err (file:line:col). */
static int parse_line(const char *file, int ln, char *s, struct host *h, char *err, size_t errlen)
{
	char *f[5], *save;
	int n = 0, i;
	unsigned long v;
	char *end;

	for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == 4)
			return tc_errf(err, errlen, "%s:%d:%d: more than ADDR PORT [CLOSED-PORT] [SERVICE]", file, ln,
				       (int)(t - s) + 1);
		f[n++] = t;
	}
	if (n < 2)
		return tc_errf(err, errlen, "%s:%d:1: expected ADDR PORT [CLOSED-PORT] [SERVICE]", file, ln);
	snprintf(h->addr, sizeof(h->addr), "%s", f[0]);
	for (i = 1; i < n; i++) {
		if (i == n - 1 && i >= 2 && !isdigit((unsigned char)f[i][0])) {
			if (!tc_remote_service_known(f[i]))
				return tc_errf(err, errlen, "%s:%d:%d: the service is " TC_SERVICES ", not '%s'",
					       file, ln, (int)(f[i] - s) + 1, f[i]);
			snprintf(h->service, sizeof(h->service), "%s", f[i]);
			continue;
		}
		errno = 0;
		v = strtoul(f[i], &end, 10);
		if (errno || *end || !v || v > 65535 || i > 2)
			return tc_errf(err, errlen, "%s:%d:%d: %s is a port from 1 to 65535, not '%s'", file, ln,
				       (int)(f[i] - s) + 1, i == 1 ? "PORT" : "CLOSED-PORT", f[i]);
		if (i == 1)
			h->port = (uint16_t)v;
		else
			h->closed_port = (uint16_t)v;
	}
	return 0;
}

/* load - the hosts of @file; their number, or -1 (printed). */
static int load(const char *file, struct host *h, int max)
{
	FILE *f = fopen(file, "r");
	char line[4096], err[TC_ERRLEN];
	int n = 0, ln = 0;

	if (!f) {
		fprintf(stderr, "tcpconform: --targets %s: %s\n", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line;
		struct tc_addr a;

		ln++;
		s[strcspn(s, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (n == max) {
			fprintf(stderr, "tcpconform: %s:%d:1: more than %d hosts\n", file, ln, max);
			fclose(f);
			return -1;
		}
		memset(&h[n], 0, sizeof(h[n]));
		if (!strncmp(s, "Host: ", 6)) {
			if (!parse_grepable(s, &h[n]))
				continue;       /* "Status: Up", or no open TCP port */
		} else if (parse_line(file, ln, s, &h[n], err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: %s\n", err);
			fclose(f);
			return -1;
		}
		if (!h[n].service[0])           /* as --target guesses it */
			snprintf(h[n].service, sizeof(h[n].service), "%s",
				 tc_remote_service_guess(h[n].port) ? tc_remote_service_guess(h[n].port) : "listen");
		if (tc_remote_check_target(h[n].addr, &a, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: %s:%d:1: %s\n", file, ln, err);
			fclose(f);
			return -1;
		}
		h[n].line = ln;
		h[n].status = -1;
		snprintf(h[n].name, sizeof(h[n].name), "%s_%u", h[n].addr, h[n].port);
		for (int i = 0; i < n; i++)
			if (!strcmp(h[i].name, h[n].name)) {
				fprintf(stderr, "tcpconform: %s:%d:1: %s port %u is already on line %d\n", file, ln,
					h[n].addr, h[n].port, h[i].line);
				fclose(f);
				return -1;
			}
		n++;
	}
	fclose(f);
	if (!n)
		fprintf(stderr, "tcpconform: %s names no host (ADDR PORT [CLOSED-PORT] [SERVICE] a line, or "
			"nmap -oG output)\n", file);
	return n ? n : -1;
}

/* start - the run of @h in a child, its output into DIR/NAME.out. */
static pid_t start(const struct run_opts *o, const struct host *h, const char *dir, int rate)
{
	char out[PATH_MAX + 128];
	pid_t pid;

	snprintf(out, sizeof(out), "%s/%s.out", dir, h->name);
	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;
	{
		struct run_opts one = *o;
		struct tc_addr a;
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		one.targets = NULL;
		one.target = h->addr;
		one.port = h->port;
		one.closed_port = h->closed_port;
		one.service = h->service;
		one.rate = rate;
		one.rate_set = 1;
		one.color = 0;
		one.outdir = dir;
		one.run_name = h->name;
		tc_addr_parse(&a, h->addr);
		one.fam[0] = a.family == 4;
		one.fam[1] = a.family == 6;
		{
			int rc = cli_run_one(&one);

			fflush(NULL);   /* _exit() flushes nothing: the run's last lines would be lost */
			_exit(rc);
		}
	}
}

/* host_json - the host's line of fleet.json, from its report.json. */
static cJSON *host_json(const struct host *h, const char *dir, cJSON *devs)
{
	char path[PATH_MAX + 128], *text;
	cJSON *j = cJSON_CreateObject(), *rep = NULL;

	cJSON_AddStringToObject(j, "name", h->name);
	cJSON_AddStringToObject(j, "address", h->addr);
	cJSON_AddNumberToObject(j, "port", h->port);
	if (h->closed_port)
		cJSON_AddNumberToObject(j, "closed_port", h->closed_port);
	else
		cJSON_AddNullToObject(j, "closed_port");
	cJSON_AddStringToObject(j, "service", h->service);
	cJSON_AddNumberToObject(j, "exit_status", h->status);
	snprintf(path, sizeof(path), "%s/report.json", h->name);
	cJSON_AddStringToObject(j, "report", path);
	snprintf(path, sizeof(path), "%s/%s/report.json", dir, h->name);
	text = tc_read_file(path, NULL);
	if (text)
		rep = cJSON_Parse(text);
	free(text);
	if (!rep) {
		cJSON_AddNullToObject(j, "summary");
		cJSON_AddItemToObject(j, "deviations", cJSON_CreateArray());
		return j;
	}
	cJSON_AddItemToObject(j, "complete", cJSON_Duplicate(cJSON_GetObjectItem(rep, "complete"), 1));
	cJSON_AddItemToObject(j, "summary", cJSON_Duplicate(cJSON_GetObjectItem(rep, "summary"), 1));
	{
		const cJSON *d;
		cJSON *mine = cJSON_CreateArray();

		cJSON_ArrayForEach(d, cJSON_GetObjectItem(rep, "deviations")) {
			const char *sum = cJSON_GetStringValue(cJSON_GetObjectItem(d, "summary"));
			const char *lvl = cJSON_GetStringValue(cJSON_GetObjectItem(d, "level"));
			const char *rfc = cJSON_GetStringValue(cJSON_GetObjectItem(d, "rfc"));
			cJSON *one = cJSON_CreateObject(), *all, *hosts;

			if (!sum)
				continue;
			cJSON_AddStringToObject(one, "summary", sum);
			cJSON_AddStringToObject(one, "level", lvl ? lvl : "");
			cJSON_AddStringToObject(one, "rfc", rfc ? rfc : "");
			cJSON_AddItemToObject(one, "count", cJSON_Duplicate(cJSON_GetObjectItem(d, "count"), 1));
			cJSON_AddItemToArray(mine, one);
			/* the fleet's list: one entry a deviation, with the hosts that show it */
			cJSON_ArrayForEach(all, devs)
				if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(all, "summary")), sum))
					break;
			if (!all) {
				all = cJSON_CreateObject();
				cJSON_AddStringToObject(all, "summary", sum);
				cJSON_AddStringToObject(all, "level", lvl ? lvl : "");
				cJSON_AddStringToObject(all, "rfc", rfc ? rfc : "");
				cJSON_AddItemToObject(all, "hosts", cJSON_CreateArray());
				cJSON_AddItemToArray(devs, all);
			}
			hosts = cJSON_GetObjectItem(all, "hosts");
			cJSON_AddItemToArray(hosts, cJSON_CreateString(h->name));
		}
		cJSON_AddItemToObject(j, "deviations", mine);
	}
	cJSON_Delete(rep);
	return j;
}

static int num(const cJSON *o, const char *k)
{
	return (int)cJSON_GetNumberValue(cJSON_GetObjectItem(o, k));
}

/* table - the fleet on the terminal: a line a host, then the deviations. */
static void table(FILE *f, const cJSON *root)
{
	const cJSON *h, *d;
	int w = 4;

	cJSON_ArrayForEach(h, cJSON_GetObjectItem(root, "hosts"))
		if ((int)strlen(cJSON_GetStringValue(cJSON_GetObjectItem(h, "name"))) > w)
			w = (int)strlen(cJSON_GetStringValue(cJSON_GetObjectItem(h, "name")));
	fprintf(f, "%-*s  %-7s  %5s %5s %5s %5s %5s %5s  %s\n", w, "host", "service", "pass", "fail", "xfail", "skip",
		"incon", "error", "deviations");
	cJSON_ArrayForEach(h, cJSON_GetObjectItem(root, "hosts")) {
		const cJSON *s = cJSON_GetObjectItem(h, "summary");

		fprintf(f, "%-*s  %-7s  ", w, cJSON_GetStringValue(cJSON_GetObjectItem(h, "name")),
			cJSON_GetStringValue(cJSON_GetObjectItem(h, "service")));
		if (cJSON_IsObject(s))
			fprintf(f, "%5d %5d %5d %5d %5d %5d  %d\n", num(s, "pass"), num(s, "fail"), num(s, "xfail"),
				num(s, "skip"), num(s, "inconclusive"), num(s, "error"),
				cJSON_GetArraySize(cJSON_GetObjectItem(h, "deviations")));
		else
			fprintf(f, "no report (exit status %d)\n", num(h, "exit_status"));
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItem(root, "deviations")))
		fprintf(f, "\ndeviations, with the hosts that show them:\n");
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(root, "deviations")) {
		const cJSON *n;
		int first = 1;

		fprintf(f, "  %-6s %s (%s)\n         ", cJSON_GetStringValue(cJSON_GetObjectItem(d, "level")),
			cJSON_GetStringValue(cJSON_GetObjectItem(d, "summary")),
			cJSON_GetStringValue(cJSON_GetObjectItem(d, "rfc")));
		cJSON_ArrayForEach(n, cJSON_GetObjectItem(d, "hosts")) {
			fprintf(f, "%s%s", first ? "" : ", ", cJSON_GetStringValue(n));
			first = 0;
		}
		fprintf(f, "\n");
	}
}

int cli_fleet(const struct run_opts *o)
{
	struct host *h = tc_xcalloc(FLEET_MAX, sizeof(*h));
	char dir[PATH_MAX], stamp[32], path[PATH_MAX + 32], err[TC_ERRLEN];
	int n = load(o->targets, h, FLEET_MAX), at_once, rate, next = 0, running = 0, rc = TC_EXIT_OK, i;
	int budget = o->rate_set ? o->rate : 200;      /* the remote mode's default */
	time_t now = time(NULL);
	struct tm tm;
	cJSON *root, *hosts, *devs;

	if (n < 0) {
		free(h);
		return TC_EXIT_USAGE;
	}
	if (geteuid() != 0 && !o->dry_run) {
		free(h);
		return cli_usage_error("run needs root: it sends raw packets and installs an nftables table "
				       "(or try --dry-run, which needs none)");
	}
	at_once = n < FLEET_AT_ONCE ? n : FLEET_AT_ONCE;
	rate = budget / at_once > 0 ? budget / at_once : 1;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(dir, sizeof(dir), "%s/%s-%d", o->outdir, stamp, (int)getpid());
	if (tc_mkdir_p(dir) < 0) {
		fprintf(stderr, "tcpconform: cannot make %s: %s\n", dir, strerror(errno));
		free(h);
		return TC_EXIT_USAGE;
	}
	printf("fleet: %d host%s, %d at once, %d packets a second each (--rate %d in all)\n", n, n == 1 ? "" : "s",
	       at_once, rate, budget);
	fflush(stdout);
	/* SIGINT, SIGTERM and SIGHUP go on to the children (a terminal's Ctrl-C reaches them
	 * anyway): each stops, cleans up and marks its report incomplete; no host starts
	 * after that, and the fleet waits for those that run */
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fleet_signal;        /* no SA_RESTART: wait() returns */
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	while ((next < n && !fleet_sig) || running) {
		int st, sig;
		pid_t pid;

		while (next < n && running < at_once && !fleet_sig) {
			h[next].pid = start(o, &h[next], dir, rate);
			if (h[next].pid < 0) {
				fprintf(stderr, "tcpconform: cannot start the run of %s: %s\n", h[next].name, strerror(errno));
				h[next].status = TC_EXIT_USAGE;
			} else {
				running++;
			}
			next++;
		}
		pid = wait(&st);
		if (pid < 0 && errno == EINTR) {
			sig = fleet_sig;
			for (i = 0; i < next; i++)
				if (h[i].pid > 0 && h[i].status < 0)
					kill(h[i].pid, sig);
			continue;
		}
		if (pid < 0)
			break;
		for (i = 0; i < n; i++)
			if (h[i].pid == pid) {
				h[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				running--;
				printf("%-40s exit %d (%s/%s.out)\n", h[i].name, h[i].status, dir, h[i].name);
				fflush(stdout);
			}
	}
	if (fleet_sig)
		printf("fleet: stopped by %s; %d host%s not run\n", fleet_sig == SIGINT ? "SIGINT" : fleet_sig == SIGTERM ?
		       "SIGTERM" : "SIGHUP", n - next, n - next == 1 ? "" : "s");
	root = cJSON_CreateObject();
	cJSON_AddBoolToObject(root, "complete", !fleet_sig);
	cJSON_AddStringToObject(root, "targets", o->targets);
	cJSON_AddNumberToObject(root, "rate", budget);
	cJSON_AddNumberToObject(root, "rate_each", rate);
	cJSON_AddNumberToObject(root, "at_once", at_once);
	hosts = cJSON_AddArrayToObject(root, "hosts");
	devs = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cJSON_AddItemToArray(hosts, host_json(&h[i], dir, devs));
		if (h[i].status < 0 && fleet_sig)
			continue;       /* not run: the fleet was stopped */
		rc = cli_worse(rc, h[i].status < 0 || h[i].status > TC_EXIT_INTERRUPTED ? TC_EXIT_USAGE : h[i].status);
	}
	cJSON_AddItemToObject(root, "deviations", devs);
	{
		char *json = cJSON_Print(root);

		snprintf(path, sizeof(path), "%s/fleet.json", dir);
		if (!json || tc_write_file_atomic(path, json, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: %s\n", json ? err : "out of memory");
			rc = cli_worse(rc, TC_EXIT_USAGE);
		}
		free(json);
	}
	printf("\n");
	table(stdout, root);
	printf("fleet: %s/fleet.json\n", dir);
	cli_point_latest_at(o->outdir, dir);
	cJSON_Delete(root);
	free(h);
	return fleet_sig ? TC_EXIT_INTERRUPTED : rc;
}
