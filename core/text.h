/* text.h: the one sanitizer every untrusted string passes before it reaches
 * a screen or stdout, and display-width helpers. Pure. */
#ifndef PAGETTY_TEXT_H
#define PAGETTY_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum {
	TEXT_KEEP_NEWLINES = 1 << 0, /* keep \n (multi-line panes); else shown as \n escape */
	TEXT_KEEP_TABS = 1 << 1,     /* expand \t to spaces; else shown as \t escape */
};

/* Sanitize n bytes of untrusted text into valid, printable UTF-8 (malloced):
 * C0 controls (incl. CR, BS, ESC) as "\r", "\b", "\e", "\x01" etc., DEL as
 * "\x7f", C1 (U+0080..U+009F) as "\u0085", bidi overrides/isolates
 * (U+202A..U+202E, U+2066..U+2069, U+200E/F, U+061C) as "\u202e", invalid
 * UTF-8 as U+FFFD. Output is capped at max_bytes (0 = no cap) and ends with
 * "…" when cut. */
char *text_sanitize(const char *s, size_t n, int flags, size_t max_bytes);
/* text_sanitize of a NUL-terminated string (NULL -> ""), no flags, no cap. */
char *text_clean(const char *s);

/* Display width (columns) of valid UTF-8 (after sanitizing), by wcwidth;
 * non-printable code points count as 1. */
size_t text_width(const char *s);

/* Byte length of the longest prefix of s that fits in cols columns. */
size_t text_fit(const char *s, size_t cols);

/* Copy of s truncated to cols columns with "…" (or "~" when !utf8) when cut,
 * padded with spaces to exactly cols when pad. Malloced. */
char *text_trunc(const char *s, size_t cols, bool pad, bool utf8);

/* Copy of s cut at the front to cols columns, starting with "…" (or "~")
 * when cut: for paths and URLs, whose end says most. Malloced. */
char *text_trunc_left(const char *s, size_t cols, bool utf8);

/* Word-wrap valid UTF-8 s to width cols. Returns the number of lines and sets
 * *lines to a malloced array of the lines, NULL after the last; the array
 * and the lines are one block (free it with text_lines_free, never a line
 * alone). Hard-breaks words longer than cols. Honors existing '\n'. */
size_t text_wrap(const char *s, size_t cols, char ***lines);
/* Free what text_wrap made (all of it; n is not needed). */
void text_lines_free(char **lines, size_t n);

/* Make s ASCII-only for a non-UTF-8 terminal: non-ASCII becomes '?'. In place. */
void text_asciify(char *s);

#endif
