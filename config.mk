# sf build configuration: edit here, or override on the make command line.
VERSION = 0.1.0

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
SHAREDIR = $(PREFIX)/share

CC = cc
PKG_CONFIG = pkg-config

# Warnings live in their own variable so overriding CFLAGS keeps them.
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
CFLAGS = -O2 -g
CPPFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
LDFLAGS =

DEPS_CFLAGS = $$($(PKG_CONFIG) --cflags libcurl sqlite3 jansson libmicrohttpd \
	libpq)
DEPS_LIBS = $$($(PKG_CONFIG) --libs libcurl sqlite3 jansson libmicrohttpd \
	libpq) -lcsv -lpthread -lm
