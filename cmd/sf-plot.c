/*
 * sf-plot: hydrographs of obs and forecast records, as SVG.
 *
 * Reads records from the files named, or stdin, into sf_plot and writes
 * one SVG per station: to stdout when there is one (or -s chose it), else
 * into a directory, one file per station.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_cli.h"
#include "sf_err.h"
#include "sf_log.h"
#include "sf_plot.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-plot [-qv] [--log] [-o DIR] [-s STATION] [--size WxH] "
    "[file ...]\n";

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "log", no_argument, NULL, 'l' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "size", required_argument, NULL, 'z' },
	{ "station", required_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int
write_cb(void *arg, const char *s, size_t n)
{
	return fwrite(s, 1, n, arg) == n ? 0 : -1;
}

/* Reads one input into p; returns 0, or 1 when it had bad records. */
static int
read_input(struct sf_plot *p, const char *name)
{
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	FILE *fp;
	int rc, r = 0;

	if ((fp = sf_cli_open(name)) == NULL)
		return 1;
	rd = sf_reader_new(fp, name);
	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc < 0) {
			sf_error("%s", err.msg);
			r = 1;
			if (rc == -2)
				break;
			continue;
		}
		if (sf_plot_add(p, &rec, &err) == -1) {
			sf_error("%s:%ld: %s", strcmp(name, "-") == 0 ?
			    "stdin" : name, sf_reader_line(rd), err.msg);
			r = 1;
		}
	}
	sf_reader_free(rd);
	sf_cli_close(fp);
	return r;
}

/* Whether id can name a file: letters, digits, '-' and '_' only. */
static int
safe_name(const char *id)
{
	if (*id == '\0')
		return 0;
	for (; *id != '\0'; id++) {
		if (!((*id >= '0' && *id <= '9') || (*id >= 'A' && *id <= 'Z') ||
		    (*id >= 'a' && *id <= 'z') || *id == '-' || *id == '_'))
			return 0;
	}
	return 1;
}

static int
write_file(struct sf_plot *p, size_t i, const char *dir)
{
	struct sf_buf path = SF_BUF_INIT;
	struct sf_err err;
	const char *id = sf_plot_station(p, i);
	FILE *fp;
	int r = 0;

	if (!safe_name(id)) {
		sf_error("station '%s': not a name for a file", id);
		return 1;
	}
	sf_buf_addf(&path, "%s/%s.svg", dir, id);
	if ((fp = fopen(path.buf, "w")) == NULL) {
		sf_error("cannot create '%s': %s", path.buf, strerror(errno));
		sf_buf_release(&path);
		return 1;
	}
	if (sf_plot_svg(p, i, write_cb, fp, &err) == -1) {
		sf_error("'%s': %s", path.buf, err.msg);
		r = 1;
	}
	if (fclose(fp) != 0 && r == 0) {
		sf_error("'%s': %s", path.buf, strerror(errno));
		r = 1;
	}
	if (r == 0)
		sf_info("wrote %s", path.buf);
	sf_buf_release(&path);
	return r;
}

int
main(int argc, char *argv[])
{
	struct sf_plot_opts o = { 0 };
	struct sf_plot *p;
	struct sf_err err;
	const char *dir = NULL;
	long long w, h;
	char *x;
	size_t i, n;
	int c, rval = 0;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	while ((c = getopt_long(argc, argv, "ho:qs:vV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'l':
			o.log = 1;
			break;
		case 'o':
			dir = optarg;
			break;
		case 's':
			o.station = optarg;
			break;
		case 'z':
			if ((x = strchr(optarg, 'x')) == NULL) {
				sf_error("--size '%s': not WIDTHxHEIGHT",
				    optarg);
				sf_usage_die();
			}
			*x = '\0';
			if (sf_str_toll(optarg, 300, 4000, &w, &err) == -1 ||
			    sf_str_toll(x + 1, 200, 4000, &h, &err) == -1) {
				sf_error("--size: %s", err.msg);
				sf_usage_die();
			}
			o.width = (int)w;
			o.height = (int)h;
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	argc -= optind;
	argv += optind;
	if (sf_time_now(&o.now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	o.has_now = 1;

	p = sf_plot_new(&o);
	for (i = 0; i < (size_t)argc || (i == 0 && argc == 0); i++) {
		if (read_input(p, argc ? argv[i] : "-"))
			rval = SF_EXIT_FAIL;
	}
	n = sf_plot_count(p);
	if (n == 0) {
		if (o.station != NULL)
			sf_error("station '%s': no points in the input",
			    o.station);
		else
			sf_error("no obs or forecast points in the input");
		rval = SF_EXIT_FAIL;
	} else if (dir != NULL) {
		for (i = 0; i < n; i++) {
			if (write_file(p, i, dir))
				rval = SF_EXIT_FAIL;
		}
	} else if (n > 1) {
		sf_error("the input holds %zu stations: choose one with -s, "
		    "or give -o DIR", n);
		rval = SF_EXIT_FAIL;
	} else if (sf_plot_svg(p, 0, write_cb, stdout, &err) == -1) {
		sf_error("%s", err.msg);
		rval = SF_EXIT_FAIL;
	}
	sf_plot_free(p);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
