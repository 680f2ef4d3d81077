# sf: plain make, in the manner of sbase. See config.mk for the knobs.
#   make            build the programs into build/rel/bin
#   make test       run every test; the last line is "N passed, N failed"
#   make SAN=1 ...  the same with address and undefined sanitizers (build/san)
#   make WERROR=1   warnings are errors (CI)
#   make lint       mandoc -Tlint on every page
#   make bench      the benchmarks (not part of make test)
#   make test-citus the archive on a Citus cluster (needs Citus installed)
#   make demo       build, create a database, load a sample, show it
#   make fuzz       build the libFuzzer targets of tests/fuzz with clang
#                   (build/fuzz) and run each FUZZ_SECONDS from its seeds
include config.mk

ifeq ($(SAN),1)
O = build/san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
else
O = build/rel
SANFLAGS =
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

# The one version (config.mk's VERSION) reaches the code as SF_VERSION.
VERSION_DEF = -DSF_VERSION='"$(VERSION)"'
ALL_CFLAGS = $(CPPFLAGS) $(VERSION_DEF) $(WARN) $(CFLAGS) $(SANFLAGS) -Ilib \
	$(DEPS_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

LIB_SRC = $(sort $(wildcard lib/*.c)) $(O)/gen/sf_schema.c $(O)/gen/sf_hads.c
LIB_OBJ = $(patsubst %.c,$(O)/%.o,$(notdir $(LIB_SRC)))
LIB_HDR = $(wildcard lib/*.h)
LIB = $(O)/libsf.a

PROGS = $(patsubst cmd/%.c,%,$(sort $(wildcard cmd/sf-*.c)))
BINS = $(addprefix $(O)/bin/,$(PROGS))
UNIT = $(patsubst tests/unit/%.c,$(O)/tests/%,$(sort $(wildcard tests/unit/t_*.c)))
MAN1 = $(sort $(wildcard man/*.1))
MAN5 = $(sort $(wildcard man/*.5))
MAN7 = $(sort $(wildcard man/*.7))

all: $(BINS)

$(O)/gen/sf_schema.c: share/sf/schema.sql scripts/embed-sql
	@mkdir -p $(@D)
	sh scripts/embed-sql sf_schema_sql share/sf/schema.sql < share/sf/schema.sql > $@.tmp
	mv $@.tmp $@

$(O)/gen/sf_hads.c: share/sf/hads_id_mappings.csv scripts/embed-sql
	@mkdir -p $(@D)
	sh scripts/embed-sql sf_hads_csv share/sf/hads_id_mappings.csv < share/sf/hads_id_mappings.csv > $@.tmp
	mv $@.tmp $@

$(O)/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/sf_schema.o: $(O)/gen/sf_schema.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/sf_hads.o: $(O)/gen/sf_hads.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(O)/bin/%: cmd/%.c $(LIB) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(DEPS_LIBS)

$(O)/tests/%: tests/unit/%.c tests/unit/tap.h $(LIB) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(ALL_LDFLAGS) $(DEPS_LIBS)

# test and demo first install what is missing (scripts/install-deps), so
# they work on a fresh Debian machine as root.
test: deps
	@$(MAKE) --no-print-directory $(BINS) $(UNIT)
	@SF_BUILD=$(O) sh tests/run

lint:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN5) $(MAN7)

bench: all
	@SF_BUILD=$(O) sh scripts/bench

demo: deps
	@$(MAKE) --no-print-directory all
	@SF_BUILD=$(O) sh scripts/demo

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(SHAREDIR)/sf
	cp -f $(BINS) $(DESTDIR)$(BINDIR)/
	cp -f $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp -f $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	cp -f $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	cp -f share/sf/* $(DESTDIR)$(SHAREDIR)/sf/

uninstall:
	cd $(DESTDIR)$(BINDIR) && rm -f $(PROGS)
	cd $(DESTDIR)$(MANDIR) && rm -f $(subst man/,man1/,$(MAN1)) \
		$(subst man/,man5/,$(MAN5)) $(subst man/,man7/,$(MAN7))
	rm -rf $(DESTDIR)$(SHAREDIR)/sf

deps:
	@sh scripts/install-deps

clean:
	rm -rf build

# Fuzzing: libsf again, built by clang for libFuzzer with address and
# undefined sanitizers, in its own directory; one program per target.
FZ = build/fuzz
FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_JOBS = 1
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS = $(CPPFLAGS) $(VERSION_DEF) $(WARN) -g -O1 $(FUZZ_SAN) -Ilib $(DEPS_CFLAGS)
FUZZ_LIB_OBJ = $(patsubst %.c,$(FZ)/%.o,$(notdir $(LIB_SRC)))
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,%,\
	$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_HELPERS = fuzz fuzz_usgs
FUZZ_PROGS = $(addprefix $(FZ)/bin/,\
	$(filter-out $(FUZZ_HELPERS),$(FUZZ_TARGETS)))
FUZZ_HELPER_OBJ = $(addprefix $(FZ)/tests/,$(addsuffix .o,$(FUZZ_HELPERS)))

$(FZ)/gen/sf_schema.c: share/sf/schema.sql scripts/embed-sql
	@mkdir -p $(@D)
	sh scripts/embed-sql sf_schema_sql share/sf/schema.sql < share/sf/schema.sql > $@.tmp
	mv $@.tmp $@

$(FZ)/gen/sf_hads.c: share/sf/hads_id_mappings.csv scripts/embed-sql
	@mkdir -p $(@D)
	sh scripts/embed-sql sf_hads_csv share/sf/hads_id_mappings.csv < share/sf/hads_id_mappings.csv > $@.tmp
	mv $@.tmp $@

$(FZ)/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FZ)/sf_schema.o: $(FZ)/gen/sf_schema.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FZ)/sf_hads.o: $(FZ)/gen/sf_hads.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FZ)/libsf.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $(FUZZ_LIB_OBJ)

$(FZ)/tests/%.o: tests/fuzz/%.c tests/fuzz/*.h $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FZ)/bin/%: $(FZ)/tests/%.o $(FUZZ_HELPER_OBJ) $(FZ)/libsf.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_HELPER_OBJ) \
		$(FZ)/libsf.a $(DEPS_LIBS)

fuzz-deps:
	@sh scripts/install-deps --fuzz

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_PROGS)

# A crash, a leak or a broken invariant in any target fails make fuzz.
fuzz: fuzz-build
	@sh tests/fuzz/run $(FZ) $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_PROGS)

.PHONY: all test lint bench demo install uninstall deps clean
.PHONY: fuzz fuzz-build fuzz-deps
.PRECIOUS: $(FZ)/tests/%.o
.DELETE_ON_ERROR:

# PostgreSQL groundwork (issue 14): the schema compiled into libsf as
# sf_schema_pg_sql, and tests/pg/pgload, the helper the t09* tests drive.
$(O)/gen/sf_schema_pg.c: share/sf/schema-pg.sql scripts/embed-sql
	@mkdir -p $(@D)
	sh scripts/embed-sql sf_schema_pg_sql share/sf/schema-pg.sql < share/sf/schema-pg.sql > $@.tmp
	mv $@.tmp $@

$(O)/sf_schema_pg.o: $(O)/gen/sf_schema_pg.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

LIB_OBJ += $(O)/sf_schema_pg.o
$(LIB): $(O)/sf_schema_pg.o

$(O)/tests/pgload: tests/pg/pgload.c $(LIB) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(DEPS_LIBS)

# built by make test with the unit tests; tests/run runs only t_*
UNIT += $(O)/tests/pgload

# The archive on a Citus cluster (coordinator and two workers on loopback).
# Not part of make test: Citus is not packaged by Debian, and this fails
# when it is not installed (see scripts/README).
test-citus: deps
	@$(MAKE) --no-print-directory $(BINS) $(O)/tests/pgload
	@SF_BUILD=$(O) SF_SUITE=citus sh tests/run

bench-citus: all
	@SF_BUILD=$(O) sh scripts/bench-citus

bench-pg: all $(O)/tests/pgload
	@SF_BUILD=$(O) sh scripts/bench-pg

bench: bench-pg

.PHONY: bench-pg test-citus bench-citus
