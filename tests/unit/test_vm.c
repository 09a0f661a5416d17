/* run --kernel: which Debian package a version names, and the initramfs's format. */
#include "t.h"
#include "env/vm.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char names[] =
	"linux-image-6.1.0-9-cloud-amd64-unsigned\n"
	"linux-image-6.1.0-57-cloud-amd64-unsigned\n"
	"linux-image-6.1.0-57-cloud-amd64\n"              /* signed: not ours */
	"linux-image-6.1.0-57-amd64-unsigned\n"           /* not the cloud flavour */
	"linux-image-6.12.9+deb12-cloud-amd64-unsigned\n"
	"linux-image-6.12.118+deb12-cloud-amd64-unsigned\n"
	"linux-image-6.12.107+deb12-cloud-amd64-unsigned\n"
	"linux-image-cloud-amd64\n";

void test_vm_pick(struct t_ctx *t)
{
	static const struct { const char *spec, *want; } v[] = {
		{ "6.1", "linux-image-6.1.0-57-cloud-amd64-unsigned" },         /* the newest 6.1, not 6.12 */
		{ "6.12", "linux-image-6.12.118+deb12-cloud-amd64-unsigned" }, /* 118 > 107 > 9 */
		{ "6.1.0-9", "linux-image-6.1.0-9-cloud-amd64-unsigned" },     /* exact: not 6.1.0-9x */
		{ "6.1.0-5", "" },                                               /* 6.1.0-57 is another */
		{ "6.12.107", "linux-image-6.12.107+deb12-cloud-amd64-unsigned" },
		{ "6", "linux-image-6.12.118+deb12-cloud-amd64-unsigned" },
		{ "5.10", "" },
	};
	char out[128];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_vm_pick(v[i].spec, names, out, sizeof(out));
		if (strcmp(out, v[i].want))
			t_fail(t, __FILE__, __LINE__, "%s picks \"%s\", expected \"%s\"", v[i].spec, out, v[i].want);
	}
}

/* hexfield - field @i (0: ino ... 11: namesize) of the newc header at @h. */
static unsigned long hexfield(const char *h, int i)
{
	char f[9];

	memcpy(f, h + 6 + 8 * i, 8);
	f[8] = '\0';
	return strtoul(f, NULL, 16);
}

void test_vm_cpio(struct t_ctx *t)
{
	char dir[] = "/tmp/tc-cpio-XXXXXX", src[64], arc[64], err[256] = "";
	const char *want[] = { "dev", "dev/console", "init", "TRAILER!!!" };
	struct tc_cpio_entry e[3] = {
		{ "dev", NULL, S_IFDIR | 0755, 0, 0 },
		{ "dev/console", NULL, S_IFCHR | 0600, 5, 1 },
		{ "init", src, S_IFREG | 0755, 0, 0 },
	};
	size_t len, off = 0;
	char *a;
	FILE *f;
	int n = 0;

	T_OK(t, mkdtemp(dir) != NULL);
	snprintf(src, sizeof(src), "%s/init", dir);
	snprintf(arc, sizeof(arc), "%s/initrd", dir);
	f = fopen(src, "w");
	T_OK(t, f != NULL);
	if (!f)
		return;
	fputs("hello", f);                      /* 5 bytes: padded to 8 */
	fclose(f);
	T_EQ_U(t, tc_vm_cpio(arc, e, 3, err, sizeof(err)), 0);
	a = t_read(arc, &len);
	T_OK(t, a != NULL);
	while (a && off + 110 <= len && n < 4) {
		const char *h = a + off, *name = h + 110;
		unsigned long size = hexfield(h, 6), nsz = hexfield(h, 11);

		if (memcmp(h, "070701", 6)) {
			t_fail(t, __FILE__, __LINE__, "entry %d: magic %.6s", n, h);
			break;
		}
		T_EQ_U(t, nsz, strlen(want[n]) + 1);
		T_EQ_S(t, name, want[n]);
		if (n == 1) {                   /* the console: a character device 5:1 */
			T_EQ_U(t, hexfield(h, 1), S_IFCHR | 0600);
			T_EQ_U(t, hexfield(h, 9), 5);
			T_EQ_U(t, hexfield(h, 10), 1);
		}
		off += (110 + nsz + 3) & ~3ul;  /* header and name, to a multiple of 4 */
		if (n == 2) {
			T_EQ_U(t, size, 5);
			T_OK(t, !memcmp(a + off, "hello", 5));
		}
		off += (size + 3) & ~3ul;
		n++;
	}
	T_EQ_U(t, n, 4);
	T_EQ_U(t, off, len);                    /* the trailer ends it */
	/* a file that cannot be read is named */
	e[2].src = "/nonexistent/init";
	T_OK(t, tc_vm_cpio(arc, e, 3, err, sizeof(err)) < 0);
	T_OK(t, strstr(err, "/nonexistent/init") != NULL);
	free(a);
	unlink(src);
	unlink(arc);
	rmdir(dir);
}
