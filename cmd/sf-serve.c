/*
 * sf-serve: the archive over HTTP, read-only.
 *
 * Checks that the archive opens read-only, starts sf_http_server on the
 * address asked and waits for SIGTERM or SIGINT, which stop it cleanly.
 * One line per request on stderr, in common log format.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_http_server.h"
#include "sf_log.h"
#include "sf_plan.h"
#include "sf_str.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-serve [-qv] [--db PATH] [-j N] [--listen ADDR:PORT] "
    "[--port-file FILE]\n";

static const struct option longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "listen", required_argument, NULL, 'l' },
	{ "port-file", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
log_cb(void *arg, int level, const char *line)
{
	(void)arg;
	if (level == 0 && sf_log_level() < 0)
		return;
	if (level > 0 && sf_log_level() < 1)
		return;
	if (level > 0)
		sf_warn("%s", line);
	else
		fprintf(stderr, "%s\n", line);
}

/*
 * Splits "ADDR:PORT" or "[ADDR6]:PORT" into addr and *port; an empty
 * address is 127.0.0.1. Returns 0 or -1.
 */
static int
parse_listen(const char *s, char *addr, size_t size, unsigned *port)
{
	const char *colon, *a = s, *end;
	struct sf_err err;
	long long p;
	size_t n;

	if ((colon = strrchr(s, ':')) == NULL)
		return -1;
	end = colon;
	if (*s == '[') {
		a = s + 1;
		if (colon == s || colon[-1] != ']')
			return -1;
		end = colon - 1;
	}
	n = (size_t)(end - a);
	if (n >= size)
		return -1;
	memcpy(addr, a, n);
	addr[n] = '\0';
	if (n == 0)
		snprintf(addr, size, "127.0.0.1");
	if (sf_str_toll(colon + 1, 0, 65535, &p, &err) == -1)
		return -1;
	*port = (unsigned)p;
	return 0;
}

static int
write_port(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *fp;

	/* written whole, then renamed, so a reader never sees half */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	if ((fp = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(fp, "%u\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sf_http_server_opts o;
	struct sf_http_server *s;
	struct sf_buf path = SF_BUF_INIT, name = SF_BUF_INIT;
	struct sf_db *db;
	struct sf_err err;
	const char *dbopt = NULL, *port_file = NULL, *listen = NULL;
	char addr[64] = "127.0.0.1";
	long long jobs = 2;
	sigset_t set;
	int c, sig, isdef;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	memset(&o, 0, sizeof(o));
	o.port = 8080;
	while ((c = getopt_long(argc, argv, "hj:qvV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			dbopt = optarg;
			break;
		case 'j':
			if (sf_str_toll(optarg, 1, 64, &jobs, &err) == -1) {
				sf_error("-j: %s", err.msg);
				sf_usage_die();
			}
			break;
		case 'l':
			listen = optarg;
			if (parse_listen(optarg, addr, sizeof(addr),
			    &o.port) == -1) {
				sf_error("--listen '%s': not ADDR:PORT",
				    optarg);
				sf_usage_die();
			}
			break;
		case 'p':
			port_file = optarg;
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	if (optind < argc) {
		sf_error("unexpected argument '%s'", argv[optind]);
		sf_usage_die();
	}
	(void)listen;

	/* the archive must be there: a server never creates it */
	if (sf_db_path(dbopt, &path, &isdef, &err) == -1)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if ((db = sf_db_open(path.buf, SF_DB_READONLY | SF_DB_PG, &err)) ==
	    NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	/* the name to log: a PostgreSQL URI without its password */
	sf_buf_adds(&name, sf_db_path_of(db));
	sf_db_close(db);

	/* signals are taken by sigwait below, not by any thread */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	o.db = path.buf;
	o.addr = addr;
	o.threads = (int)jobs;
	o.max_failures = SF_PLAN_MAX_FAILURES;
	o.log = log_cb;
	o.no_access_log = sf_log_level() < 0;	/* -q: log_cb drops them */
	if ((s = sf_http_server_start(&o, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	sf_info("serving '%s' on http://%s%s%s:%u/", name.buf,
	    strchr(addr, ':') ? "[" : "", addr, strchr(addr, ':') ? "]" : "",
	    sf_http_server_port(s));
	if (port_file != NULL && write_port(port_file,
	    sf_http_server_port(s)) == -1) {
		sf_error("cannot write '%s': %s", port_file, strerror(errno));
		sf_http_server_stop(s);
		sf_buf_release(&path);
		sf_buf_release(&name);
		return SF_EXIT_FAIL;
	}
	while (sigwait(&set, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
		;
	sf_info("signal %d: stopping", sig);
	sf_http_server_stop(s);
	sf_buf_release(&path);
	sf_buf_release(&name);
	return SF_EXIT_OK;
}
