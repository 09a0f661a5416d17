/* tcpconform: a raw-socket TCP conformance tester. */
#include "cli.h"
#include "case/case.h"
#include "case/matrix.h"
#include "util/util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: tcpconform run [options] [CASE-ID or glob ...]\n"
	"       tcpconform run --target ADDR --port P [--closed-port Q] [options] [CASE-ID ...]\n"
	"       tcpconform run --targets FILE [options] [CASE-ID ...]\n"
	"       tcpconform list [--cases DIR] [--matrix | --no-matrix] [glob ...]\n"
	"       tcpconform show [--cases DIR] CASE-ID\n"
	"       tcpconform coverage [--cases DIR] [-v] [--check]\n"
	"       tcpconform diff [--json] A B\n"
	"       tcpconform merge [-o DIR] SHARD-RUN-DIR...\n"
	"       tcpconform report RUN-DIR\n"
	"       tcpconform import FILE.pkt|DIR ... (-o DIR | --run) [-- run options]\n"
	"       tcpconform cleanup\n"
	"       tcpconform --help | --version\n"
	"\n"
	"tcpconform plays the peer of a TCP stack: it sends crafted segments, captures the\n"
	"replies and judges them against the RFCs (RFC 9293 and its companions).\n"
	"\n"
	"commands:\n"
	"  run       run the cases (all, or those whose id matches a glob) against Linux in a\n"
	"            throw-away pair of network namespaces (needs root), against another\n"
	"            stack the tool starts (--stack), or against --target\n"
	"  list      list the cases: id, level, title (the generated tcp.matrix.* too)\n"
	"  show      print a case's source (a matrix case's generated text)\n"
	"  coverage  for each requirement id of RFC 9293 Appendix B, the cases that check it\n"
	"            (--check: exit 1 if one that the wire shows has none)\n"
	"  diff      what changed between two runs (run directories or report.json files):\n"
	"            the cases whose verdict, alternative or segments from the target differ;\n"
	"            exit 1 when B fails a case A did not (a regression), 0 otherwise\n"
	"  merge     the run directories of a run's shards (--shard I/N) as one run\n"
	"            directory: report.json, junit.xml, pcap/\n"
	"  report    report.html again from a run's report.json\n"
	"  import    packetdrill scripts into case files (@level LINUX), each whole or not at\n"
	"            all: OUT/IMPORT.txt lists what kept the others out; --run runs them\n"
	"  cleanup   remove what a killed run left behind (namespaces, processes, nftables\n"
	"            tables, reserved ports, virtual machine folders)\n"
	"\n"
	"run options:\n"
	"  --stack NAME        the stack to test: linux (default), lwip, gvisor, slirp, passt,\n"
	"                      a comma list, or all (one run each, and matrix.json)\n"
	"  --kernel VERSION    another Linux kernel in a virtual machine: a Debian version (6.1,\n"
	"                      6.12, 6.1.0-57), host, a kernel image's path, or a comma list;\n"
	"                      repeatable (one run each, matrix.json, the verdicts that differ)\n"
	"  --tag T, --exclude-tag T   only the cases with tag T / none with tag T (repeatable)\n"
	"  --quick             --exclude-tag slow: all but the cases that wait for long timers\n"	"  --shard I/N         share I of N of the selected cases, by a hash of their ids (CI\n"
	"                      matrices; CI_NODE_INDEX/CI_NODE_TOTAL are read when set)\n"
	"  -j, --jobs N        cases at once, each on its own port (default: from 16, raised up\n"
	"                      to 64 while the tester keeps up, halved when it falls behind)\n"
	"  -4, -6              IPv4 only, IPv6 only (default: both)\n"
	"  --cases DIR         the case files (default: the testcases directory)\n"
	"  --matrix            include the generated state x event matrix with --cases DIR\n"
	"  --no-matrix         leave it out (it comes with the shipped cases: 450 per family)\n"
	"  -o, --output DIR    where run directories go (default: reports)\n"
	"  --sysctl KEY=VALUE  set a sysctl of the target's namespace first (repeatable)\n"
	"  --seed N            seed of the tester's ISNs (default: from the clock)\n"
	"  --waivers FILE      known deviations of the stack: their failures are xfail\n"
	"                      (repeatable; default: CASES/waivers/STACK.waivers;\n"
	"                      none for --target, whose stack is not known)\n"
	"  --no-waivers        show the raw verdicts\n"
	"  --strict            SHOULD and MAY failures also make the exit status 1\n"
	"  --agent PATH        the target-side agent (default: next to tcpconform)\n"
	"  -v, --verbose       print each case's trace\n"
	"  -q, --quiet         print failures and the summary only\n"
	"  --no-color          no colours on the terminal\n"
	"  --format tap        TAP on standard output, headed \"TAP version 13\" (Debian's prove\n"
	"                      refuses 14); tap14: the same points headed \"TAP version 14\"\n"
	"\n"
	"a host you do not control (no agent; cases that need one, a closed port or Linux\n"
	"are skipped, with the reason):\n"
	"  --target ADDR       the host: IPv4 or IPv6; never multicast, broadcast, unspecified\n"
	"                      or an address of this machine\n"
	"  --port P            a port that listens on it (needed)\n"
	"  --closed-port Q     a port where nothing listens\n"
	"  --service KIND      what the application behind --port does: listen (accepts;\n"
	"                      the default, but http for ports 80 and 8080, banner for 21, 22\n"
	"                      and 25), discard (reads, says nothing: RFC 863), echo (sends back\n"
	"                      what it reads: RFC 862), http (a web server: the tester's data is\n"
	"                      a request that never ends) or banner (greets first: SSH, SMTP,\n"
	"                      FTP); the cases that service can serve run\n"
	"  --http-path PATH    http: the page whose first 2000 bytes of answer (a Range\n"
	"                      request) play the send port's data (default /)\n"
	"  --targets FILE      many hosts at once (one run directory each, fleet.json and a\n"
	"                      table): a line a host, ADDR PORT [CLOSED-PORT] [SERVICE], or\n"
	"                      nmap -oG output; --rate is the budget of them all\n"
	"  --iface IF, --source ADDR   the interface and address to send from (default: the route's)\n"
	"  --rate N            packets per second at most (default 200)\n"
	"  --trace-path        after the cases, send the SYN again with TTL 1, 2, ... and read\n"
	"                      the routers' quotes: which hop received it changed, and how\n"
	"  --dry-run           write what would be sent to dry-run.pcap; send nothing\n"
	"\n"
	"exit status: 0 no unwaived MUST failure, 1 one (any failure with --strict), 2 usage or\n"
	"environment error, 130 interrupted (the report says \"complete\": false).\n"
	"Reports: OUTPUT/<run-id>/report.json, junit.xml, pcap/<case>.pcap; OUTPUT/latest.\n";

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tcpconform: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tcpconform --help'.\n");
	return TC_EXIT_USAGE;
}

static void print_load_error(void *count, const char *msg)
{
	fprintf(stderr, "%s\n", msg);          /* file:line:col: message, as compilers say it */
	++*(int *)count;
}

int cli_load_cases(struct tc_caseset *set, const char *dir, int matrix, int tolerant)
{
	char err[TC_ERRLEN];
	int reported = 0;

	if (tc_caseset_load_dir(set, cli_cases_dir(dir), print_load_error, &reported, err, sizeof(err)) < 0) {
		if (!reported)
			fprintf(stderr, "tcpconform: %s\n", err);
		if (!tolerant || !set->n)
			return TC_EXIT_USAGE;
	}
	if (matrix && tc_matrix_add(set, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpconform: the generated matrix does not parse: %s\n", err);
		return TC_EXIT_USAGE;
	}
	return 0;
}

const char *cli_cases_dir(const char *given)
{
	static char buf[PATH_MAX + 32];
	const char *env = getenv("TCPCONFORM_CASES");
	char exe[PATH_MAX];
	ssize_t n;

	if (given)
		return given;
	if (env && *env)
		return env;
	if (access("testcases", R_OK) == 0)
		return "testcases";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, sizeof(buf), "%s/../testcases", exe);
			if (access(buf, R_OK) == 0)
				return buf;
			snprintf(buf, sizeof(buf), "%s/../share/tcpconform/testcases", exe);
			if (access(buf, R_OK) == 0)
				return buf;
		}
	}
	return "testcases";
}

/* The commands, each a function of its own arguments (argv[0] is its name). */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cli_run }, { "list", cli_list }, { "show", cli_show }, { "coverage", cli_coverage },
	{ "diff", cli_diff }, { "merge", cli_merge }, { "report", cli_report }, { "cleanup", cli_cleanup },
	{ "import", cli_import },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("a command is needed: run, list, show, coverage, diff, merge, report, import or cleanup");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return TC_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tcpconform %s\n", TC_VERSION);
		return TC_EXIT_OK;
	}
	for (int i = 2; i < argc; i++)           /* tcpconform run --help, list -h ... */
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return TC_EXIT_OK;
		}
	for (size_t i = 0; i < TC_ARRAY_LEN(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	return cli_usage_error("unknown command '%s' (expected run, list, show, coverage, diff, merge, report, import, cleanup, --help or --version)",
			       argv[1]);
}
