/*
 * env: a Linux kernel in a virtual machine (run --kernel). The kernel is one of
 * Debian's cloud kernels, fetched with apt-get download into a cache and never
 * installed, or a kernel image of the user's. The machine boots an initramfs made
 * here (tcpconform-vminit as /init, the agent linked statically, the virtio modules
 * the kernel needs), meets the tester on a TAP of the tester's namespace, and speaks
 * the agent protocol over a virtio-serial port. KVM when a test boot works there,
 * QEMU's software emulation (TCG) otherwise.
 */
#ifndef TC_ENV_VM_H
#define TC_ENV_VM_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tc_agent_link;

/* A kernel, found (tc_vm_kernel_find) and ready to boot. */
struct tc_vm_kernel {
	char spec[128];                 /* as the user gave it: "6.1", "6.1.0-57", a path */
	char name[64];                  /* short, for columns and run directories: "6.1.0-57" */
	char release[96];               /* its uname -r: "6.1.0-57-cloud-amd64" ("" unknown) */
	char package[128];              /* the Debian package ("" for an image of the user's) */
	char version[64];               /* the package's version */
	char image[PATH_MAX];           /* the bzImage */
	char moddir[PATH_MAX];          /* modules.list and the .ko files ("": none needed) */
};

/*
 * tc_vm_kernel_find - resolve @spec: a path to a kernel image (its virtio drivers
 * built in, or its modules under the lib/modules of the package tree it sits in), or
 * a Debian version: "6.1" (the newest 6.1.0-N), "6.12" (the newest 6.12.N),
 * "6.1.0-57" or "6.12.118" (exactly). Debian's kernel is fetched into the cache
 * (tc_vm_cache_dir) on first use; @log says so when not NULL. 0, or -1 with @err.
 */
int tc_vm_kernel_find(const char *spec, struct tc_vm_kernel *k, int log, char *err, size_t errlen);

/* tc_vm_cache_dir - $TCPCONFORM_CACHE, or /var/cache/tcpconform. */
const char *tc_vm_cache_dir(void);

/* tc_vm_pick - the newest package of @names (one a line) that is the cloud image of
 * Debian version @spec, into @out ("" when none). Pure: for tests. */
void tc_vm_pick(const char *spec, const char *names, char *out, size_t outlen);

struct tc_vm_cfg {
	const struct tc_vm_kernel *kernel;
	const char *agent_path;         /* the agent, linked statically */
	const char *init_path;          /* tcpconform-vminit */
	int tap_fd;                     /* the TAP the machine's link is (IFF_TAP | IFF_NO_PI) */
	const uint8_t *mac;             /* the target's MAC */
	const char *addr[2];            /* "ADDR/LEN": IPv4, IPv6 */
	char *const *agent_args;        /* after the agent's --ctl-fd: --listen ... */
	int nagent_args;
	char **sysctl_keys, **sysctl_vals;      /* set at boot, before the agent listens */
	int nsysctl;
	int verbose;
	int (*stopped)(void);           /* non-zero: the user stopped the run (Ctrl-C): stop waiting */
};

struct tc_vm {
	pid_t pid;                      /* qemu (0: none) */
	char dir[PATH_MAX];             /* ours: the initramfs, the console's log */
	char accel[8];                  /* "kvm" or "tcg" */
	char accel_why[160];            /* why TCG: "no /dev/kvm", "a KVM boot failed: ..." */
	double boot_s;                  /* from qemu's start to the agent's "ready" */
	int kvm_failed;                 /* a KVM boot failed once: TCG from then on */
};

/*
 * tc_vm_boot - make the initramfs, start qemu and wait until the agent in the guest
 * says ready; *@link is then its channel, and @ready the number of its listeners.
 * On failure, what the console said last is in @err, and nothing is left running.
 */
int tc_vm_boot(struct tc_vm *vm, const struct tc_vm_cfg *cfg, struct tc_agent_link **link, int *ready,
	       char *err, size_t errlen);

/* tc_vm_console - the last lines the guest printed on its console, joined by " | ". */
void tc_vm_console(const struct tc_vm *vm, char *out, size_t len);

/* tc_vm_stop - stop qemu (if running) and remove what tc_vm_boot made. Safe twice. */
void tc_vm_stop(struct tc_vm *vm);

/* tc_vm_cleanup_stale - the folders of machines whose tcpconform is gone (killed
 * with SIGKILL: their qemu died with it), and half-made cache entries. How many. */
int tc_vm_cleanup_stale(void);

/* tc_vm_cpio - a newc archive of @n entries into @path: a directory (src NULL, mode
 * with S_IFDIR), a device (src NULL, S_IFCHR, rdev), or a copy of the file @src.
 * 0, or -1 with @err. */
struct tc_cpio_entry {
	const char *name;               /* in the archive: "lib/modules/virtio_net.ko" */
	const char *src;
	unsigned mode;
	unsigned rmaj, rmin;
};
int tc_vm_cpio(const char *path, const struct tc_cpio_entry *e, int n, char *err, size_t errlen);

#endif
