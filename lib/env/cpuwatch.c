/* env: the watched processes' wait for a CPU (see cpuwatch.h). */
#include "env/cpuwatch.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* thread_read - one thread's state and schedstat; 0, or -1 (it has just ended). */
static int thread_read(const char *proc, long pid, const char *tid, char *state, uint64_t *ran, uint64_t *wait,
		       uint64_t *runs)
{
	char path[160], buf[512], *p;
	unsigned long long a, b, c;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%ld/task/%.20s/schedstat", proc, pid, tid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fscanf(f, "%llu %llu %llu", &a, &b, &c) == 3;
	fclose(f);
	if (!n)
		return -1;
	*ran = a;
	*wait = b;
	*runs = c;
	/* the state follows the command's name in parentheses, which may hold anything */
	snprintf(path, sizeof(path), "%s/%ld/task/%.20s/stat", proc, pid, tid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	*state = p && p[1] == ' ' ? p[2] : '?';
	return 0;
}

uint64_t tc_cpuwatch_read(struct tc_cpuwatch *w, uint64_t now_us)
{
	const char *proc = w->proc ? w->proc : "/proc";
	struct tc_cpuwatch_thread th[TC_CPUWATCH_THREADS];
	uint64_t sum = 0, v;
	long self = w->proc ? 0 : (long)gettid();
	int nth = 0;

	for (int i = 0; i < TC_CPUWATCH_PIDS; i++) {
		char path[128];
		struct dirent *d;
		DIR *dir;

		if (w->pid[i] <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%ld/task", proc, w->pid[i]);
		if (!(dir = opendir(path)))
			continue;
		while ((d = readdir(dir)) && nth < TC_CPUWATCH_THREADS) {
			struct tc_cpuwatch_thread *t = &th[nth];
			uint64_t wait;

			if (d->d_name[0] == '.' ||
			    thread_read(proc, w->pid[i], d->d_name, &t->state, &t->ran_ns, &wait, &t->runs) < 0)
				continue;
			t->tid = atol(d->d_name);
			t->at_us = now_us;
			t->wait_us = wait / 1000;
			t->pending_us = 0;
			sum += t->wait_us;
			for (int j = 0; j < w->nth; j++) {
				const struct tc_cpuwatch_thread *o = &w->th[j];

				if (o->tid != t->tid)
					continue;
				/* (the thread reading is running, not waiting: its CPU time may not have
				 * moved since the last tick) */
				if (o->state == 'R' && t->state == 'R' && o->runs == t->runs && o->ran_ns == t->ran_ns &&
				    now_us > o->at_us && t->tid != self) {
					/* runnable when last seen and now, not run in between: waiting all along */
					w->stuck_us += now_us - o->at_us;
					t->pending_us = o->pending_us + now_us - o->at_us;
				} else if (o->runs != t->runs) {
					/* it ran: schedstat now has the wait sampling counted */
					uint64_t in = t->wait_us > o->wait_us ? t->wait_us - o->wait_us : 0;
					uint64_t take = in < o->pending_us ? in : o->pending_us;

					w->stuck_us -= take;
				} else {
					t->pending_us = o->pending_us;
				}
				break;
			}
			nth++;
		}
		closedir(dir);
	}
	memcpy(w->th, th, (size_t)nth * sizeof(*th));
	w->nth = nth;
	v = w->base + sum + w->stuck_us;
	if (v < w->last) {              /* a thread or a process ended: keep what it had */
		w->base += w->last - v;
		v = w->last;
	}
	w->last = v;
	return v;
}

int tc_cpuwatch_softirqd(struct tc_cpuwatch *w, int from)
{
	const char *proc = w->proc ? w->proc : "/proc";
	struct dirent *d;
	DIR *dir = opendir(proc);
	int n = 0;

	while (dir && from < TC_CPUWATCH_PIDS && (d = readdir(dir))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%.20s/comm", proc, d->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
		if (strncmp(comm, "ksoftirqd/", 10))
			continue;
		w->pid[from++] = atol(d->d_name);
		n++;
	}
	if (dir)
		closedir(dir);
	return n;
}
