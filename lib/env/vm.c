/* env: a Linux kernel in a virtual machine: the initramfs, qemu, the agent's channel
 * (the kernels themselves: vm_kernel.c). */
#include "env/vm.h"
#include "env/cmd.h"
#include "io/agentc.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BOOT_LIMIT_S 90         /* TCG on a busy machine: a boot has taken 5 s idle */
#define KVM_LIMIT_S 30

/* ---- the initramfs ---- */

static int cpio_head(FILE *f, const char *name, unsigned mode, unsigned long size, unsigned rmaj, unsigned rmin,
		     unsigned ino)
{
	static const char pad[4] = { 0 };
	size_t nlen = strlen(name) + 1;

	if (fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08zX%08X", ino, mode, 0u, 0u,
		    S_ISDIR(mode) ? 2u : 1u, 0u, size, 0u, 0u, rmaj, rmin, nlen, 0u) < 0 ||
	    fwrite(name, 1, nlen, f) != nlen)
		return -1;
	return fwrite(pad, 1, (4 - (110 + nlen) % 4) % 4, f) == (4 - (110 + nlen) % 4) % 4 ? 0 : -1;
}

int tc_vm_cpio(const char *path, const struct tc_cpio_entry *e, int n, char *err, size_t errlen)
{
	static const char pad[4] = { 0 };
	FILE *f = fopen(path, "wb");
	int i, rc = 0;

	if (!f)
		return tc_errf(err, errlen, "%s: %s", path, strerror(errno));
	for (i = 0; i < n && rc == 0; i++) {
		FILE *in = NULL;
		char buf[65536];
		long size = 0;
		size_t r;

		if (e[i].src) {
			if (!(in = fopen(e[i].src, "rb"))) {
				rc = tc_errf(err, errlen, "%s: %s", e[i].src, strerror(errno));
				break;
			}
			fseek(in, 0, SEEK_END);
			size = ftell(in);
			rewind(in);
		}
		if (cpio_head(f, e[i].name, e[i].mode, (unsigned long)size, e[i].rmaj, e[i].rmin, (unsigned)i + 1) < 0)
			rc = tc_errf(err, errlen, "%s: write failed", path);
		while (in && rc == 0 && (r = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, r, f) != r)
				rc = tc_errf(err, errlen, "%s: write failed", path);
		if (in)
			fclose(in);
		if (rc == 0 && fwrite(pad, 1, (size_t)((4 - size % 4) % 4), f) != (size_t)((4 - size % 4) % 4))
			rc = tc_errf(err, errlen, "%s: write failed", path);
	}
	if (rc == 0 && cpio_head(f, "TRAILER!!!", 0, 0, 0, 0, 0) < 0)
		rc = tc_errf(err, errlen, "%s: write failed", path);
	if (fclose(f) != 0 && rc == 0)
		rc = tc_errf(err, errlen, "%s: %s", path, strerror(errno));
	return rc;
}

/* initramfs - @vm->dir/initrd: /init, /agent, the modules and their list. */
static int initramfs(struct tc_vm *vm, const struct tc_vm_cfg *cfg, char *err, size_t errlen)
{
	struct tc_cpio_entry e[32];
	char path[PATH_MAX + 16], list[PATH_MAX + 16], line[128], names[16][80], srcs[16][PATH_MAX + 80];
	int n = 0, nm = 0;
	FILE *f;

	e[n++] = (struct tc_cpio_entry){ "dev", NULL, S_IFDIR | 0755, 0, 0 };
	e[n++] = (struct tc_cpio_entry){ "dev/console", NULL, S_IFCHR | 0600, 5, 1 };
	e[n++] = (struct tc_cpio_entry){ "proc", NULL, S_IFDIR | 0755, 0, 0 };
	e[n++] = (struct tc_cpio_entry){ "sys", NULL, S_IFDIR | 0755, 0, 0 };
	e[n++] = (struct tc_cpio_entry){ "init", cfg->init_path, S_IFREG | 0755, 0, 0 };
	e[n++] = (struct tc_cpio_entry){ "agent", cfg->agent_path, S_IFREG | 0755, 0, 0 };
	snprintf(list, sizeof(list), "%s/modules.list", cfg->kernel->moddir);
	if (cfg->kernel->moddir[0] && (f = fopen(list, "r"))) {
		e[n++] = (struct tc_cpio_entry){ "lib", NULL, S_IFDIR | 0755, 0, 0 };
		e[n++] = (struct tc_cpio_entry){ "lib/modules", NULL, S_IFDIR | 0755, 0, 0 };
		e[n++] = (struct tc_cpio_entry){ "modules.list", list, S_IFREG | 0644, 0, 0 };
		while (nm < 16 && fgets(line, sizeof(line), f)) {
			const char *b;

			line[strcspn(line, "\n")] = '\0';
			if (!(b = strrchr(line, '/')))
				continue;
			snprintf(names[nm], sizeof(names[nm]), "%.79s", line + 1);
			snprintf(srcs[nm], sizeof(srcs[nm]), "%s/%s", cfg->kernel->moddir, b + 1);
			e[n++] = (struct tc_cpio_entry){ names[nm], srcs[nm], S_IFREG | 0644, 0, 0 };
			nm++;
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/initrd", vm->dir);
	return tc_vm_cpio(path, e, n, err, errlen);
}

/* ---- the machine ---- */

void tc_vm_console(const struct tc_vm *vm, char *out, size_t len)
{
	char path[PATH_MAX + 16], buf[1024], *lines[8], *p, *save = NULL;
	int fd, n = 0;
	ssize_t r;
	off_t end;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/console", vm->dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	end = lseek(fd, 0, SEEK_END);
	lseek(fd, end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0, SEEK_SET);
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[r > 0 ? r : 0] = '\0';
	for (p = strtok_r(buf, "\r\n", &save); p; p = strtok_r(NULL, "\r\n", &save)) {
		if (n == 8)
			memmove(lines, lines + 1, sizeof(lines[0]) * --n);
		lines[n++] = p;
	}
	for (int i = n > 4 ? n - 4 : 0; i < n; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? " | " : "", lines[i]);
}

static void kill_qemu(struct tc_vm *vm)
{
	int st;

	if (vm->pid <= 0)
		return;
	kill(vm->pid, SIGKILL);
	while (waitpid(vm->pid, &st, 0) < 0 && errno == EINTR)
		;
	vm->pid = 0;
}

/* start - qemu with @accel; *@fd our side of the agent's port. */
static int start(struct tc_vm *vm, const struct tc_vm_cfg *cfg, const char *accel, int *fd, char *err, size_t errlen)
{
	char cmdline[2048], kern[PATH_MAX + 8], initrd[PATH_MAX + 16], con[PATH_MAX + 40], nic[512], *argv[48];
	int sv[2], fds[2], n = 0, i;
	size_t off;

	off = (size_t)snprintf(cmdline, sizeof(cmdline), "console=ttyS0 quiet panic=-1 -- --addr %s --addr %s",
			       cfg->addr[0], cfg->addr[1]);
	for (i = 0; i < cfg->nsysctl && off < sizeof(cmdline); i++)
		/* quoted: the kernel hands init "k=4096 131072 6291456" as one argument */
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " --sysctl \"%s=%s\"", cfg->sysctl_keys[i],
					cfg->sysctl_vals[i]);
	if (off < sizeof(cmdline))
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " --agent /agent --ctl-fd 3");
	for (i = 0; i < cfg->nagent_args && off < sizeof(cmdline); i++)
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " %s", cfg->agent_args[i]);
	if (off >= sizeof(cmdline))
		return tc_errf(err, errlen, "the guest's command line is over %zu bytes (too many sysctls?)",
			       sizeof(cmdline) - 1);
	snprintf(kern, sizeof(kern), "%s", cfg->kernel->image);
	snprintf(initrd, sizeof(initrd), "%s/initrd", vm->dir);
	snprintf(con, sizeof(con), "file,id=con,path=%s/console", vm->dir);
	snprintf(nic, sizeof(nic), "virtio-net-pci,netdev=n0,mac=%02x:%02x:%02x:%02x:%02x:%02x,csum=off,gso=off,"
		 "guest_csum=off,guest_tso4=off,guest_tso6=off,guest_ecn=off,guest_ufo=off,host_tso4=off,"
		 "host_tso6=off,host_ecn=off,host_ufo=off,mrg_rxbuf=off", cfg->mac[0], cfg->mac[1], cfg->mac[2],
		 cfg->mac[3], cfg->mac[4], cfg->mac[5]);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return tc_errf(err, errlen, "socketpair: %s", strerror(errno));
	argv[n++] = "qemu-system-x86_64";
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-no-reboot";
	argv[n++] = "-accel";
	argv[n++] = !strcmp(accel, "kvm") ? "kvm" : "tcg,thread=multi";
	argv[n++] = "-cpu";
	argv[n++] = !strcmp(accel, "kvm") ? "host" : "max";
	argv[n++] = "-smp";
	argv[n++] = "1";
	argv[n++] = "-m";
	argv[n++] = "256";
	argv[n++] = "-kernel";
	argv[n++] = kern;
	argv[n++] = "-initrd";
	argv[n++] = initrd;
	argv[n++] = "-append";
	argv[n++] = cmdline;
	argv[n++] = "-chardev";
	argv[n++] = con;
	argv[n++] = "-serial";
	argv[n++] = "chardev:con";
	argv[n++] = "-netdev";
	argv[n++] = "tap,id=n0,fd=3";
	argv[n++] = "-device";
	argv[n++] = nic;
	argv[n++] = "-chardev";
	argv[n++] = "socket,id=ag,fd=4";
	argv[n++] = "-device";
	argv[n++] = "virtio-serial-pci";
	argv[n++] = "-device";
	argv[n++] = "virtserialport,chardev=ag,name=tcpconform";
	argv[n] = NULL;
	fds[0] = cfg->tap_fd;
	fds[1] = sv[1];
	vm->pid = tc_spawn(argv, fds, 2, cfg->verbose, err, errlen);
	close(sv[1]);
	if (vm->pid < 0) {
		vm->pid = 0;
		close(sv[0]);
		return -1;
	}
	*fd = sv[0];
	return 0;
}

/* await - the agent's "ready", while qemu runs, for up to @limit_s. */
static int await(struct tc_vm *vm, const struct tc_vm_cfg *cfg, struct tc_agent_link *link, int limit_s, int *ready,
		 char *err, size_t errlen)
{
	uint64_t end = tc_now_us(NULL) + (uint64_t)limit_s * 1000000u;
	char tail[600];
	int st;

	for (;;) {
		if (tc_agent_link_wait_ready(link, 100, ready, err, errlen) == 0)
			return 0;
		if (!strstr(err, "did not get ready"))
			break;          /* the channel closed, or said something else */
		if (cfg->stopped && cfg->stopped())
			return tc_errf(err, errlen, "stopped while the machine booted");
		if (waitpid(vm->pid, &st, WNOHANG) == vm->pid) {
			vm->pid = 0;
			break;
		}
		if (tc_now_us(NULL) > end) {
			tc_vm_console(vm, tail, sizeof(tail));
			return tc_errf(err, errlen, "the guest's agent was not ready after %d s%s%s", limit_s,
				       tail[0] ? "; its console said last: " : " (its console said nothing)", tail);
		}
	}
	usleep(200000);                 /* the console's last words */
	tc_vm_console(vm, tail, sizeof(tail));
	return tc_errf(err, errlen, "the machine stopped before its agent was ready%s%s",
		       tail[0] ? "; its console said last: " : " (its console said nothing)", tail);
}

int tc_vm_boot(struct tc_vm *vm, const struct tc_vm_cfg *cfg, struct tc_agent_link **link, int *ready,
	       char *err, size_t errlen)
{
	int kvm = 0, fd = -1;
	uint64_t t0;

	*link = NULL;
	if (!tc_have_tool("qemu-system-x86_64"))
		return tc_errf(err, errlen, "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86; "
			       "make stacks installs it)");
	if (!vm->dir[0]) {
		snprintf(vm->dir, sizeof(vm->dir), "/tmp/tcpconform-vm-%d-XXXXXX", (int)getpid());
		if (!mkdtemp(vm->dir)) {
			vm->dir[0] = '\0';
			return tc_errf(err, errlen, "mkdtemp: %s", strerror(errno));
		}
	}
	if (initramfs(vm, cfg, err, errlen) < 0)
		return -1;
	if (vm->kvm_failed)
		;
	else if (access("/dev/kvm", R_OK | W_OK) < 0)
		snprintf(vm->accel_why, sizeof(vm->accel_why), "no usable /dev/kvm (%s)", strerror(errno));
	else
		kvm = 1;
	for (;;) {
		snprintf(vm->accel, sizeof(vm->accel), "%s", kvm ? "kvm" : "tcg");
		t0 = tc_now_us(NULL);
		if (start(vm, cfg, vm->accel, &fd, err, errlen) < 0)
			return -1;
		*link = tc_agent_link_new(fd);
		if (await(vm, cfg, *link, kvm ? KVM_LIMIT_S : BOOT_LIMIT_S, ready, err, errlen) == 0)
			break;
		if (cfg->stopped && cfg->stopped()) {   /* no TCG after a KVM boot the user stopped */
			tc_agent_link_free(*link);
			*link = NULL;
			kill_qemu(vm);
			return -1;
		}
		tc_agent_link_free(*link);
		*link = NULL;
		kill_qemu(vm);
		if (!kvm)
			return -1;
		kvm = 0;                /* a test boot under KVM failed: TCG, saying why */
		vm->kvm_failed = 1;
		snprintf(vm->accel_why, sizeof(vm->accel_why), "a KVM boot failed: %.140s", err);
	}
	vm->boot_s = (double)(tc_now_us(NULL) - t0) / 1e6;
	return 0;
}

/* stale_in - remove the entries of @dir named @prefix-PID-... whose PID is no live
 * tcpconform. */
static int stale_in(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t pl = strlen(prefix);
	int n = 0;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX + 300], e[64], *end;
		char *rm[] = { "rm", "-rf", path, NULL };
		long pid;

		if (strncmp(de->d_name, prefix, pl))
			continue;
		pid = strtol(de->d_name + pl, &end, 10);
		if (end == de->d_name + pl || *end != '-' || tc_owner_alive(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (tc_cmd(rm, e, sizeof(e)) == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

int tc_vm_cleanup_stale(void)
{
	char kernels[PATH_MAX];

	snprintf(kernels, sizeof(kernels), "%s/kernels", tc_vm_cache_dir());
	return stale_in("/tmp", "tcpconform-vm-") + stale_in(kernels, ".fetch-");
}

void tc_vm_stop(struct tc_vm *vm)
{
	static const char *const files[] = { "initrd", "console" };
	char path[PATH_MAX + 16];

	kill_qemu(vm);
	if (!vm->dir[0])
		return;
	for (size_t i = 0; i < TC_ARRAY_LEN(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", vm->dir, files[i]);
		unlink(path);
	}
	rmdir(vm->dir);
	vm->dir[0] = '\0';
}
