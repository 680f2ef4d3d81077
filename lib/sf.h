/*
 * sf.h: what every program and libsf module includes, last: the version
 * and the banned functions. Each file includes the modules it uses
 * itself, so the include graph (t0020) is the dependency graph.
 */
#ifndef SF_H
#define SF_H

/* The build passes SF_VERSION, config.mk's VERSION: one place. */
#ifndef SF_VERSION
#error "SF_VERSION is not defined: build with make (config.mk VERSION)"
#endif

#include "sf_banned.h"

#endif
