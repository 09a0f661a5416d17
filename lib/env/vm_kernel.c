/* env: the kernels of run --kernel: Debian's cloud images, fetched into a cache with
 * the modules a guest needs, or an image of the user's. */
#include "env/vm.h"
#include "env/cmd.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PKG_HEAD "linux-image-"
#define PKG_TAIL "-cloud-amd64-unsigned"

/* the modules a guest needs, when they are not built in: the link, the agent's port,
 * and sock_diag for TCP (the agent's 'state'). The cache entry names them: an entry
 * made for another list is made again. */
static const char *const wanted[] = { "virtio_pci", "virtio_net", "virtio_console", "tcp_diag" };
#define WANTED "virtio_pci,virtio_net,virtio_console,tcp_diag"

const char *tc_vm_cache_dir(void)
{
	const char *c = getenv("TCPCONFORM_CACHE");

	return c && c[0] ? c : "/var/cache/tcpconform";
}

/* pkg_version - the Debian version inside a cloud image's package name, or NULL. */
static int pkg_version(const char *name, size_t len, char *out, size_t outlen)
{
	size_t h = strlen(PKG_HEAD), t = strlen(PKG_TAIL);

	if (len <= h + t || strncmp(name, PKG_HEAD, h) || strncmp(name + len - t, PKG_TAIL, t) ||
	    len - h - t >= outlen)
		return -1;
	memcpy(out, name + h, len - h - t);
	out[len - h - t] = '\0';
	return 0;
}

/* spec_fits - is Debian version @v ("6.1.0-57", "6.12.118+deb12") the kernel @spec
 * names: equal, or @spec followed by a separator ("6.1" is not "6.12")? */
static int spec_fits(const char *spec, const char *v)
{
	size_t n = strlen(spec);

	return !strncmp(v, spec, n) && (v[n] == '\0' || v[n] == '.' || v[n] == '-' || v[n] == '+');
}

void tc_vm_pick(const char *spec, const char *names, char *out, size_t outlen)
{
	char best[64] = "", v[64];
	const char *p = names;

	out[0] = '\0';
	while (*p) {
		size_t len = strcspn(p, "\n");

		if (pkg_version(p, len, v, sizeof(v)) == 0 && spec_fits(spec, v) &&
		    (!best[0] || strverscmp(v, best) > 0)) {
			snprintf(best, sizeof(best), "%s", v);
			snprintf(out, outlen, "%.*s", (int)len, p);
		}
		p += len + (p[len] == '\n');
	}
}

/* ---- the modules: found by name, their dependencies first ---- */

struct modset {
	char root[PATH_MAX];            /* lib/modules/RELEASE */
	char found[PATH_MAX];           /* the file of the module looked for */
	const char *look;               /* its name, '-' as '_' */
	char order[16][64];             /* names, dependencies first */
	int n;
};

static struct modset *walk_set;         /* nftw has no user pointer */

static void modname(const char *file, char *out, size_t len)
{
	const char *b = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	size_t n = strcspn(b, ".");

	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), b);
	for (char *c = out; *c; c++)
		if (*c == '-')
			*c = '_';
}

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char name[64];

	if (type != FTW_F || !strstr(path, ".ko"))
		return 0;
	modname(path, name, sizeof(name));
	if (strcmp(name, walk_set->look))
		return 0;
	snprintf(walk_set->found, sizeof(walk_set->found), "%s", path);
	return 1;
}

/* unpack_module - @src (.ko, .ko.xz) as @dst, a plain .ko. */
static int unpack_module(const char *src, const char *dst, char *err, size_t errlen)
{
	char *xz[] = { "sh", "-c", "xz -dc \"$1\" > \"$2\"", "sh", (char *)src, (char *)dst, NULL };
	char *cp[] = { "cp", (char *)src, (char *)dst, NULL };
	size_t n = strlen(src);

	if (n > 3 && !strcmp(src + n - 3, ".xz"))
		return tc_cmd(xz, err, errlen);
	if (n > 4 && !strcmp(src + n - 4, ".zst"))
		return tc_errf(err, errlen, "%s: zstd modules are not read here", src);
	return tc_cmd(cp, err, errlen);
}

/* depends - the "depends=" of a module's .modinfo, as found in its file. */
static int depends(const char *ko, char *out, size_t len)
{
	static const char key[] = "depends=";
	FILE *f = fopen(ko, "rb");
	char *buf, *p;
	long n;

	out[0] = '\0';
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = tc_xmalloc((size_t)n + 1);
	if (n < 0 || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	p = memmem(buf, (size_t)n, key, sizeof(key) - 1);
	if (p)
		snprintf(out, len, "%s", p + sizeof(key) - 1);
	free(buf);
	return 0;
}

/* add_module - @name and what it depends on (first) into @m->order, each unpacked
 * into @dir. A module the tree lacks is built in: nothing to add. */
static int add_module(struct modset *m, const char *name, const char *dir, int depth, char *err, size_t errlen)
{
	char dst[PATH_MAX + 80], dep[256], *save = NULL, *t;
	int i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->order[i], name))
			return 0;
	if (depth > 8 || m->n >= (int)TC_ARRAY_LEN(m->order))
		return tc_errf(err, errlen, "module %s: its dependencies go too deep", name);
	m->look = name;
	m->found[0] = '\0';
	walk_set = m;
	nftw(m->root, walk_one, 16, FTW_PHYS);
	if (!m->found[0])
		return 0;
	snprintf(dst, sizeof(dst), "%s/%s.ko", dir, name);
	if (unpack_module(m->found, dst, err, errlen) < 0 || depends(dst, dep, sizeof(dep)) < 0)
		return -1;
	for (t = strtok_r(dep, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char d[64];

		modname(t, d, sizeof(d));
		if (d[0] && add_module(m, d, dir, depth + 1, err, errlen) < 0)
			return -1;
	}
	snprintf(m->order[m->n++], sizeof(m->order[0]), "%s", name);
	return 0;
}

/* take_modules - the modules the guest needs from the tree @root into @dir, and
 * @dir/modules.list (their paths in the guest, in loading order). */
static int take_modules(const char *root, const char *dir, char *err, size_t errlen)
{
	struct modset *m = tc_xcalloc(1, sizeof(*m));
	char path[PATH_MAX + 16];
	FILE *f;
	int rc = 0;

	snprintf(m->root, sizeof(m->root), "%s", root);
	for (size_t i = 0; i < TC_ARRAY_LEN(wanted) && rc == 0; i++)
		rc = add_module(m, wanted[i], dir, 0, err, errlen);
	snprintf(path, sizeof(path), "%s/modules.list", dir);
	if (rc == 0 && !(f = fopen(path, "w")))
		rc = tc_errf(err, errlen, "%s: %s", path, strerror(errno));
	if (rc == 0) {
		for (int i = 0; i < m->n; i++)
			fprintf(f, "/lib/modules/%s.ko\n", m->order[i]);
		if (fclose(f) != 0)
			rc = tc_errf(err, errlen, "%s: %s", path, strerror(errno));
	}
	free(m);
	return rc;
}

/* ---- the kernel: a file of the user's, or Debian's, fetched into the cache ---- */

/* image_release - the version string a bzImage carries (its setup header's
 * kernel_version), up to the first blank: "6.1.0-57-cloud-amd64". */
static void image_release(const char *image, char *out, size_t len)
{
	unsigned char hdr[0x210];
	char s[128];
	FILE *f = fopen(image, "rb");
	unsigned off;

	out[0] = '\0';
	if (!f)
		return;
	if (fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr) && !memcmp(hdr + 0x202, "HdrS", 4)) {
		off = (unsigned)(hdr[0x20e] | hdr[0x20f] << 8) + 0x200;
		if (off > 0x200 && fseek(f, off, SEEK_SET) == 0 && fgets(s, sizeof(s), f))
			snprintf(out, len, "%.*s", (int)strcspn(s, " \n"), s);
	}
	fclose(f);
}

static int read_info(const char *dir, struct tc_vm_kernel *k)
{
	char path[PATH_MAX + 16], line[256];
	int same = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/info", dir);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "modules=" WANTED))
			same = 1;
		else if (!strncmp(line, "release=", 8))
			snprintf(k->release, sizeof(k->release), "%.95s", line + 8);
		else if (!strncmp(line, "version=", 8))
			snprintf(k->version, sizeof(k->version), "%.63s", line + 8);
	}
	fclose(f);
	if (!same)
		return -1;
	snprintf(k->image, sizeof(k->image), "%s/vmlinuz", dir);
	snprintf(k->moddir, sizeof(k->moddir), "%s", dir);
	return 0;
}

/* fetch - Debian's package @pkg into the cache entry @dir: its vmlinuz, the modules
 * the guest needs, and "info". Made in a temporary folder, renamed at the end: two
 * runs fetching at once do not meet half-made files. */
static int fetch(const char *pkg, const char *dir, char *err, size_t errlen)
{
	char tmp[PATH_MAX], x[PATH_MAX + 8], ent[PATH_MAX + 8], path[PATH_MAX + 300], release[96] = "";
	char version[64] = "", deb[PATH_MAX + 300] = "";
	struct dirent *de;
	DIR *d;
	int rc = -1;

	snprintf(tmp, sizeof(tmp), "%s/kernels/.fetch-%d-XXXXXX", tc_vm_cache_dir(), (int)getpid());
	snprintf(path, sizeof(path), "%s/kernels", tc_vm_cache_dir());
	if (tc_mkdir_p(path) < 0 || !mkdtemp(tmp))
		return tc_errf(err, errlen, "cannot make a folder in %s: %s", path, strerror(errno));
	snprintf(x, sizeof(x), "%s/x", tmp);
	snprintf(ent, sizeof(ent), "%s/k", tmp);
	{
		char *dl[] = { "sh", "-c", "cd \"$1\" && apt-get download -q \"$2\" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2; "
			       "ls \"$1\"/*.deb >/dev/null", "sh", tmp, (char *)pkg, NULL };

		if (tc_cmd(dl, err, errlen) < 0)
			goto out;
	}
	if (!(d = opendir(tmp)))
		goto out;
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".deb"))
			snprintf(deb, sizeof(deb), "%s/%s", tmp, de->d_name);
	closedir(d);
	{
		char *xa[] = { "dpkg-deb", "-x", deb, x, NULL };
		char *va[] = { "dpkg-deb", "-f", deb, "Version", NULL };

		if (tc_cmd(xa, err, errlen) < 0 || tc_cmd_output(va, NULL, version, sizeof(version), err, errlen) < 0)
			goto out;
		version[strcspn(version, "\n")] = '\0';
	}
	snprintf(path, sizeof(path), "%s/boot", x);
	if ((d = opendir(path))) {
		while ((de = readdir(d)))
			if (!strncmp(de->d_name, "vmlinuz-", 8))
				snprintf(release, sizeof(release), "%s", de->d_name + 8);
		closedir(d);
	}
	if (!release[0]) {
		tc_errf(err, errlen, "%s has no /boot/vmlinuz-*", pkg);
		goto out;
	}
	if (mkdir(ent, 0755) < 0) {
		tc_errf(err, errlen, "mkdir %s: %s", ent, strerror(errno));
		goto out;
	}
	{
		char src[PATH_MAX + 200], dst[PATH_MAX + 16];
		char *cp[] = { "cp", src, dst, NULL };
		FILE *f;

		snprintf(src, sizeof(src), "%s/boot/vmlinuz-%s", x, release);
		snprintf(dst, sizeof(dst), "%s/vmlinuz", ent);
		if (tc_cmd(cp, err, errlen) < 0)
			goto out;
		snprintf(src, sizeof(src), "%s/lib/modules/%s", x, release);
		if (take_modules(src, ent, err, errlen) < 0)
			goto out;
		snprintf(dst, sizeof(dst), "%s/info", ent);
		if (!(f = fopen(dst, "w")) || fprintf(f, "release=%s\nversion=%s\npackage=%s\nmodules=%s\n", release, version, pkg, WANTED) < 0 ||
		    fclose(f) != 0) {
			tc_errf(err, errlen, "cannot write %s", dst);
			goto out;
		}
	}
	if (access(dir, F_OK) == 0) {   /* an entry made for other modules */
		char old[PATH_MAX + 16];
		char *mv[] = { "mv", (char *)dir, old, NULL };

		snprintf(old, sizeof(old), "%s/old", tmp);
		if (tc_cmd(mv, err, errlen) < 0)
			goto out;
	}
	if (rename(ent, dir) < 0 && errno != ENOTEMPTY && errno != EEXIST) {
		tc_errf(err, errlen, "rename %s: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	{
		char *rm[] = { "rm", "-rf", tmp, NULL };
		char e2[64];

		tc_cmd(rm, e2, sizeof(e2));
	}
	return rc;
}

/* user_kernel - an image of the user's; its modules from the package tree it sits in
 * (DIR/boot/vmlinuz-R beside DIR/lib/modules/R), prepared once in the cache. */
static int user_kernel(const char *spec, struct tc_vm_kernel *k, char *err, size_t errlen)
{
	char tree[PATH_MAX], mods[PATH_MAX + 120], *slash;
	const char *base = strrchr(spec, '/') ? strrchr(spec, '/') + 1 : spec;
	struct stat st;

	if (!realpath(spec, k->image))
		return tc_errf(err, errlen, "--kernel %s: %s", spec, strerror(errno));
	image_release(k->image, k->release, sizeof(k->release));
	snprintf(k->name, sizeof(k->name), "%.63s", k->release[0] ? k->release : base);
	snprintf(tree, sizeof(tree), "%s", k->image);
	if ((slash = strrchr(tree, '/')))
		*slash = '\0';
	if ((slash = strrchr(tree, '/')))
		*slash = '\0';
	snprintf(mods, sizeof(mods), "%s/lib/modules/%s", tree, k->release);
	if (!k->release[0] || stat(mods, &st) < 0)
		return 0;               /* its drivers must be built in */
	snprintf(k->moddir, sizeof(k->moddir), "%s/kernels/own-%s", tc_vm_cache_dir(), k->release);
	{
		char list[PATH_MAX + 16];

		snprintf(list, sizeof(list), "%s/modules.list", k->moddir);
		if (access(list, R_OK) == 0)
			return 0;
	}
	if (tc_mkdir_p(k->moddir) < 0)
		return tc_errf(err, errlen, "mkdir %s: %s", k->moddir, strerror(errno));
	return take_modules(mods, k->moddir, err, errlen);
}

int tc_vm_kernel_find(const char *spec, struct tc_vm_kernel *k, int log, char *err, size_t errlen)
{
	char names[16384], dir[PATH_MAX + 200];
	char *argv[] = { "apt-cache", "pkgnames", PKG_HEAD, NULL };

	memset(k, 0, sizeof(*k));
	snprintf(k->spec, sizeof(k->spec), "%s", spec);
	if (strchr(spec, '/') || access(spec, F_OK) == 0)
		return user_kernel(spec, k, err, errlen);
	if (!spec[0] || strspn(spec, "0123456789.-+deb") != strlen(spec))
		return tc_errf(err, errlen, "--kernel takes a Debian kernel version (6.1, 6.12, 6.1.0-57), a kernel "
			       "image's path, or host (got '%s')", spec);
	if (tc_cmd_output(argv, NULL, names, sizeof(names), err, errlen) < 0)
		return -1;
	tc_vm_pick(spec, names, k->package, sizeof(k->package));
	if (!k->package[0])
		return tc_errf(err, errlen, "--kernel %s: no package " PKG_HEAD "%s*" PKG_TAIL " is known to apt "
			       "(apt-cache pkgnames " PKG_HEAD "; apt-get update may help)", spec, spec);
	pkg_version(k->package, strlen(k->package), k->name, sizeof(k->name));
	if (strstr(k->name, "+deb"))
		*strstr(k->name, "+deb") = '\0';
	snprintf(dir, sizeof(dir), "%s/kernels/%s", tc_vm_cache_dir(), k->package);
	if (read_info(dir, k) == 0)
		return 0;
	if (log) {
		printf("kernel: fetching %s into %s\n", k->package, dir);
		fflush(stdout);
	}
	if (fetch(k->package, dir, err, errlen) < 0 || read_info(dir, k) < 0)
		return k->release[0] || err[0] ? -1 : tc_errf(err, errlen, "%s: the cache entry %s is unreadable", spec, dir);
	return 0;
}
