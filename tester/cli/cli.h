/* cli: the tcpconform command. The only place that prints usage and exits. */
#ifndef TC_CLI_H
#define TC_CLI_H

#define TC_EXIT_OK 0            /* no MUST failure */
#define TC_EXIT_FAIL 1          /* a MUST failure */
#define TC_EXIT_USAGE 2         /* usage or environment error */
#define TC_EXIT_INTERRUPTED 130 /* stopped by SIGINT/SIGTERM: the report says incomplete */

int cli_run(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_cleanup(int argc, char **argv);
int cli_show(int argc, char **argv);
int cli_coverage(int argc, char **argv);
int cli_diff(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_import(int argc, char **argv);

/* cli_cases_dir - where the cases are: --cases, $TCPCONFORM_CASES, next to the
 * executable (../testcases), ./testcases, or the installed share directory. */
const char *cli_cases_dir(const char *given);

struct tc_caseset;

/* cli_load_cases - the cases of @dir (cli_cases_dir's choice when NULL), and the
 * generated matrix if @matrix. Each bad file is named once on stderr. With @tolerant,
 * bad files are skipped as long as some case loaded. 0 or TC_EXIT_USAGE. */
int cli_load_cases(struct tc_caseset *set, const char *dir, int matrix, int tolerant);

/* cli_usage_error - "tcpconform: MESSAGE" and a hint; returns TC_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
