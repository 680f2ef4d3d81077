/*
 * sf_confop: the commands of sf-config as operations a program or a
 * server can run: each does one command on a database through sf_config
 * and says what it did, and what failed, through an sf_note_fn (the
 * messages name the configuration: "configuration 'NAME': added, next
 * run ...").
 *
 * Unless said otherwise they return 0, or -1 when something failed (said
 * through note at SF_NOTE_ERROR).
 */
#ifndef SF_CONFOP_H
#define SF_CONFOP_H

#include <stdint.h>
#include <stdio.h>

#include "sf_config.h"
#include "sf_db.h"
#include "sf_note.h"
#include "sf_rec.h"
#include "sf_report.h"

/* What sf_confop_each does to each name. */
enum sf_confop_what { SF_CONFOP_RM, SF_CONFOP_ENABLE, SF_CONFOP_DISABLE };

/*
 * NULL when ch has what "add" needs (type, agency, start, schedule, and a
 * source exactly when the type is forecast), else what is wrong, as in
 * "--type is required" (static).
 */
const char *sf_confop_add_check(const struct sf_config_change *ch);

/* Adds name with ch (sf_config_add). */
int sf_confop_add(struct sf_db *db, const char *name,
    const struct sf_config_change *ch, int64_t now, sf_note_fn *note,
    void *arg);

/* Changes name by ch (sf_config_set); -2 for a change that makes no sense. */
int sf_confop_set(struct sf_db *db, const char *name,
    const struct sf_config_change *ch, int64_t now, sf_note_fn *note,
    void *arg);

/*
 * Writes the configuration name, or every one (name NULL), to out as a
 * report of format fmt (sf_config_cols).
 */
int sf_confop_show(struct sf_db *db, const char *name, FILE *out,
    enum sf_report_format fmt, sf_note_fn *note, void *arg);

/*
 * Removes, enables or disables each of the n names, going on after one
 * that is not defined, stopping at a database error.
 */
int sf_confop_each(struct sf_db *db, enum sf_confop_what what,
    char *const *names, int n, int64_t now, sf_note_fn *note, void *arg);

/*
 * "stations NAME add|rm|list ...": args[0] is the configuration, args[1]
 * the verb, the rest its stations ("-" for station records read from in,
 * once, for add). list writes station records of format fmt to out.
 */
int sf_confop_stations(struct sf_db *db, char *const *args, int n,
    FILE *in, FILE *out, enum sf_format fmt, int64_t now, sf_note_fn *note,
    void *arg);

#endif
