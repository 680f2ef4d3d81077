/*
 * t_buf: sf_buf's growth, formatting, and the JSON and CSV escapes the
 * record writers rely on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf.h"

static void
test_growth(void)
{
	struct sf_buf b = SF_BUF_INIT;
	char big[10000], *s;
	size_t i;

	is_str(b.buf, "", "SF_BUF_INIT is the empty string");
	is_int(b.len, 0, "SF_BUF_INIT is empty");
	for (i = 0; i < 1000; i++)
		sf_buf_addc(&b, 'a' + i % 26);
	is_int(b.len, 1000, "1000 addc: length");
	ok(b.cap > 1000, "1000 addc: room for the NUL");
	is_int(b.buf[1000], '\0', "1000 addc: NUL-terminated");
	is_int(b.buf[0], 'a', "1000 addc: first byte");
	is_int(b.buf[999], 'a' + 999 % 26, "1000 addc: last byte");
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('0' + i % 10);
	sf_buf_add(&b, big, sizeof(big));
	is_int(b.len, 11000, "add 10000: length");
	ok(memcmp(b.buf + 1000, big, sizeof(big)) == 0, "add 10000: bytes");
	is_int(b.buf[11000], '\0', "add 10000: NUL-terminated");
	sf_buf_reset(&b);
	is_int(b.len, 0, "reset: length");
	is_str(b.buf, "", "reset: empty string");
	sf_buf_adds(&b, "abc");
	sf_buf_add(&b, "de\0f", 4);
	is_int(b.len, 7, "add keeps a NUL byte");
	ok(memcmp(b.buf, "abcde\0f", 8) == 0, "adds then add: bytes");
	s = sf_buf_detach(&b);
	ok(memcmp(s, "abcde\0f", 8) == 0, "detach hands over the bytes");
	free(s);
	is_int(b.len, 0, "detach leaves the buffer empty");
	is_str(b.buf, "", "detach leaves the empty string");
	s = sf_buf_detach(&b);
	is_str(s, "", "detach of an empty buffer gives a new \"\"");
	ok(s != sf_buf_empty, "detach of an empty buffer allocates");
	free(s);
	sf_buf_release(&b);
	sf_buf_release(&b);
	is_int(b.cap, 0, "release twice is harmless");
}

static void
test_addf(void)
{
	struct sf_buf b = SF_BUF_INIT;
	char big[301];
	size_t i, fill;

	sf_buf_addf(&b, "%d-%s", 42, "x");
	is_str(b.buf, "42-x", "addf into an empty buffer");
	is_int(b.len, 4, "addf length");
	sf_buf_addf(&b, "%s", "");
	is_str(b.buf, "42-x", "addf of nothing");
	is_int(b.len, 4, "addf of nothing: length");
	sf_buf_release(&b);
	/* Land the text on every offset around the first capacities. */
	for (fill = 50; fill < 140; fill++) {
		sf_buf_init(&b);
		for (i = 0; i < fill; i++)
			sf_buf_addc(&b, '.');
		sf_buf_addf(&b, "%s%d", "abcdefg", 8);
		if (b.len != fill + 8 || strlen(b.buf) != fill + 8 ||
		    strcmp(b.buf + fill - 1, ".abcdefg8") != 0)
			break;
		sf_buf_release(&b);
	}
	is_int(fill, 140, "addf after 50 to 139 bytes: length and text");
	sf_buf_reset(&b);
	for (i = 0; i < 300; i++)
		big[i] = (char)('a' + i % 26);
	big[300] = '\0';
	sf_buf_addf(&b, "<%s>", big);
	is_int(b.len, 302, "addf longer than the buffer: length");
	ok(b.buf[0] == '<' && memcmp(b.buf + 1, big, 300) == 0 &&
	    b.buf[301] == '>' && b.buf[302] == '\0',
	    "addf longer than the buffer: text");
	sf_buf_release(&b);
}

static void
json(const char *in, const char *want, const char *what)
{
	struct sf_buf b = SF_BUF_INIT;

	sf_buf_adds(&b, "x");
	sf_buf_add_json_str(&b, in);
	is_str(b.buf, want, what);
	sf_buf_release(&b);
}

static void
csv(const char *in, const char *want, const char *what)
{
	struct sf_buf b = SF_BUF_INIT;

	sf_buf_adds(&b, "x,");
	sf_buf_add_csv_field(&b, in);
	is_str(b.buf, want, what);
	sf_buf_release(&b);
}

static void
xml(const char *in, const char *want, const char *what)
{
	struct sf_buf b = SF_BUF_INIT;

	sf_buf_adds(&b, "x");
	sf_buf_add_xml(&b, in);
	is_str(b.buf, want, what);
	sf_buf_release(&b);
}

int
main(void)
{
	test_growth();
	test_addf();

	json("", "x\"\"", "json empty string");
	json("01646500", "x\"01646500\"", "json plain");
	json("say \"hi\"", "x\"say \\\"hi\\\"\"", "json quotes");
	json("a\\b", "x\"a\\\\b\"", "json backslash");
	json("a\nb\rc\td", "x\"a\\nb\\rc\\td\"", "json newline, CR, tab");
	json("\x01\x08\x0c\x1f", "x\"\\u0001\\u0008\\u000c\\u001f\"",
	    "json other control characters as \\u00XX");
	json("\x7f/", "x\"\x7f/\"", "json DEL and slash pass");
	json("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\x8a",
	    "x\"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\x8a\"",
	    "json UTF-8 passes through");

	csv("01646500", "x,01646500", "csv plain field unquoted");
	csv(" sp ", "x, sp ", "csv spaces alone unquoted");
	csv("a,b", "x,\"a,b\"", "csv comma quoted");
	csv("say \"hi\"", "x,\"say \"\"hi\"\"\"", "csv quote doubled");
	csv("\"", "x,\"\"\"\"", "csv lone quote");
	csv("a\rb", "x,\"a\rb\"", "csv CR quoted");
	csv("a\nb", "x,\"a\nb\"", "csv LF quoted");
	csv("\xc3\xa9", "x,\xc3\xa9", "csv UTF-8 unquoted");
	csv("", "x,", "csv empty string writes nothing");

	xml("", "x", "xml empty string");
	xml(NULL, "x", "xml NULL appends nothing");
	xml("Potomac R", "xPotomac R", "xml plain");
	xml("a<b>c", "xa&lt;b&gt;c", "xml angle brackets");
	xml("R&D \"x\"", "xR&amp;D &quot;x&quot;", "xml ampersand, quotes");
	xml("&amp;", "x&amp;amp;", "xml escapes an entity again");
	xml("it's", "xit's", "xml apostrophe passes");
	xml("a\tb\nc\rd", "xa\tb\nc\rd", "xml tab, newline, CR pass");
	xml("a\x01" "b\x1f\x08" "c", "xabc",
	    "xml other control characters dropped");
	xml("\xc3\xa9t\xc3\xa9", "x\xc3\xa9t\xc3\xa9", "xml UTF-8 passes");
	return tap_done();
}
