/* tui.h: the terminal, described without curses types so that views/ stays
 * curses-free. Screen setup and restore, keys mapped to tui key codes,
 * roles instead of colours, clipped UTF-8 output, and small widgets: a line
 * editor, a scroll list and a text pane for runbook segments. Only the .c files
 * in tui/ include curses. */
#ifndef PAGETTY_TUI_H
#define PAGETTY_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/runbook.h"
#include "../core/util.h"
#include "../loop/loop.h"

/* What a piece of text is, not how it looks: tui maps roles to colours
 * (or to bold/reverse/dim when colours are off, NO_COLOR). */
enum tui_role {
	TUI_NORMAL = 0,
	TUI_HEADER,     /* the header bar */
	TUI_TITLE,      /* view titles, headings */
	TUI_SELECTED,   /* the selected row */
	TUI_DIM,        /* secondary text, silenced alerts */
	TUI_CRITICAL,
	TUI_ERROR,
	TUI_WARNING,
	TUI_INFO,
	TUI_OK,
	TUI_STALE,      /* a source whose data is old */
	TUI_BADGE,      /* [reversible], group counts */
	TUI_DEMO,       /* DEMO / DRILL marker: reverse video */
	TUI_CODE,       /* code blocks, inline code */
	TUI_BOLD,
	TUI_STATUS,     /* the status line */
	TUI_ROLE_COUNT
};

/* Key codes: Unicode code points for printable keys (and 1..26 for Ctrl
 * letters other than those named below), and these above the Unicode range. */
enum tui_key {
	TUI_KEY_NONE = 0,
	TUI_KEY_CTRL_C = 3,
	TUI_KEY_CTRL_U = 21,
	TUI_KEY_CTRL_W = 23,
	TUI_KEY_CTRL_Z = 26,
	TUI_KEY_BASE = 0x200000,
	TUI_KEY_UP, TUI_KEY_DOWN, TUI_KEY_LEFT, TUI_KEY_RIGHT,
	TUI_KEY_PGUP, TUI_KEY_PGDN, TUI_KEY_HOME, TUI_KEY_END,
	TUI_KEY_ENTER, TUI_KEY_ESC, TUI_KEY_BACKSPACE, TUI_KEY_DELETE,
	TUI_KEY_TAB, TUI_KEY_BTAB, TUI_KEY_RESIZE,
};

/* Key name for help and messages ("j", "Enter", "PgDn", "^U"); static or into buf. */
const char *tui_key_name(int key, char *buf, size_t n);

/* Callbacks from the screen to its owner (the console). */
struct tui_handler {
	void (*key)(int key, void *data);   /* one key */
	void (*redraw)(void *data);         /* size changed or resumed: redraw everything */
	void (*quit)(int signo, void *data);/* SIGTERM / SIGHUP: restore has happened */
	void *data;                         /* borrowed */
};

/* Start the screen: locale, terminal checks (TERM unset/dumb/without cursor
 * addressing -> -1 with err, nothing drawn), raw keys, colours unless
 * NO_COLOR, UTF-8 detection, stdin and signals (SIGWINCH, SIGTSTP, SIGCONT,
 * SIGTERM, SIGHUP) in the loop. The terminal is restored by tui_restore(),
 * which also runs at exit and on fatal signals. */
int tui_init(struct loop *l, const struct tui_handler *h, char err[ERR_MAX]);
/* Restore the terminal; safe to call twice and from atexit. */
void tui_restore(void);
/* Ctrl-Z: restore the terminal, stop, and come back redrawn. */
void tui_suspend(void);

int tui_rows(void);
int tui_cols(void);
bool tui_utf8(void);
bool tui_color(void);

/* A frame: begin erases the virtual screen, end sends only the difference. */
void tui_begin(void);
void tui_end(void);
/* Next frame repaints the whole terminal (after resize/resume). */
void tui_force_repaint(void);

/* Write already-sanitized UTF-8 at (y, x), at most maxcols columns (< 0:
 * to the right edge), clipped to the screen. Returns columns written. On a
 * non-UTF-8 terminal non-ASCII is shown as '?'. */
int tui_put(int y, int x, enum tui_role role, const char *text, int maxcols);
/* printf-style tui_put: only for text pagetty formats itself. */
int tui_putf(int y, int x, enum tui_role role, int maxcols, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* tui_put / tui_putf, but text that does not fit is cut one column early
 * and ends in tui_ellipsis(), so a cut never passes for the whole text. */
int tui_put_cut(int y, int x, enum tui_role role, const char *text, int maxcols);
int tui_putf_cut(int y, int x, enum tui_role role, int maxcols, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Fill w columns (< 0: to the edge) of row y from x with spaces in role. */
void tui_fill(int y, int x, int w, enum tui_role role);
/* A horizontal rule (Unicode or '-'). */
void tui_hline(int y, int x, int w, enum tui_role role);
/* A box with a title, its inside cleared; for overlays. */
void tui_box(int y, int x, int h, int w, enum tui_role role, const char *title);
/* Show the cursor at (y, x) this frame (prompts); hidden otherwise. */
void tui_cursor(int y, int x);
/* "…" or "~" */
const char *tui_ellipsis(void);
/* Unicode or ASCII glyphs for markers: "▶"/">", "▌"/"|", "·"/"-". */
const char *tui_glyph_arrow(void);
const char *tui_glyph_bar(void);
const char *tui_glyph_dot(void);

/* Line editor for prompts (pure; draw with tui_edit_draw). Text is capped
 * at TUI_EDIT_MAX bytes. */
#define TUI_EDIT_MAX 4096
struct tui_edit {
	char *buf;      /* owned, NUL-terminated UTF-8, or NULL when empty */
	size_t len;     /* bytes */
	size_t cap;
	size_t cur;     /* cursor, byte offset at a code point boundary */
};
enum { TUI_EDIT_IGNORED = 0, TUI_EDIT_MOVED, TUI_EDIT_CHANGED };
/* Insert printable code points, Backspace, Delete, Left/Right, Home/End,
 * Ctrl-A/Ctrl-E, Ctrl-U (kill to start), Ctrl-W (kill word). Returns one of
 * TUI_EDIT_*; Enter, Esc, Tab and others are IGNORED (the prompt's). */
int tui_edit_key(struct tui_edit *e, int key);
void tui_edit_set(struct tui_edit *e, const char *s);
const char *tui_edit_text(const struct tui_edit *e); /* borrowed, never NULL */
void tui_edit_free(struct tui_edit *e);
/* Draw the text in w columns at (y, x), scrolled so the cursor shows;
 * places the cursor when focus. */
void tui_edit_draw(const struct tui_edit *e, int y, int x, int w, enum tui_role role, bool focus);

/* A scroll list model (pure): n rows, a selection and the first row shown. */
struct tui_list {
	size_t n;
	size_t sel;
	size_t top;
};
/* Handle j/k, arrows, g/G, Home/End, PgUp/PgDn for a list showing `height`
 * rows. Returns true when the key was a movement key. */
bool tui_list_key(struct tui_list *l, int key, size_t height);
/* Move the selection by delta rows (clamped). */
void tui_list_move(struct tui_list *l, long delta);
/* Clamp sel to n and scroll so that sel is visible in height rows. */
void tui_list_fit(struct tui_list *l, size_t height);

/* Text pane: draw one line of runbook segments from column x, at most w
 * columns; base is the role of plain text. Returns columns written. */
int tui_put_rb_text(int y, int x, int w, const struct rb_text *t, enum tui_role base);

/* Line charts (DESIGN.md §7). tui/chart_model.c holds the pure math
 * (scaling, plotting into dot cells, glyphs, labels; unit-tested, no
 * curses); tui/chart.c draws. */
enum tui_chart_unit {
	TUI_UNIT_NONE,     /* 1.2k, 3.4M */
	TUI_UNIT_SECONDS,  /* 250ms, 2.8s */
	TUI_UNIT_RATIO,    /* 0..1 shown as 6.2% */
	TUI_UNIT_RATE,     /* per second: 142/s */
};
enum tui_chart_mode {
	TUI_CHART_BRAILLE, /* 2x4 dots per cell, Unicode braille */
	TUI_CHART_BLOCK,   /* 1x2 per cell, half blocks */
	TUI_CHART_ASCII,   /* 1x3 per cell: ` - . | : */
};
/* Several series on one chart, each its own colour (and, in ASCII or
 * without colours, its own glyph), named in a legend line. */
#define TUI_CHART_SERIES_MAX 4
struct tui_chart_series {
	const double *t, *v;       /* borrowed arrays of n */
	size_t n;
	const char *label;         /* sanitized or NULL: its name in the legend */
};
struct tui_chart {
	const double *t, *v;       /* borrowed arrays of n: unix seconds, values (NaN = gap); */
	size_t n;                  /* the one series when `series` is NULL */
	const struct tui_chart_series *series; /* borrowed array of n_series, or NULL */
	size_t n_series;           /* at most TUI_CHART_SERIES_MAX are drawn */
	size_t n_more;             /* series left out: the legend says "+N more" */
	double t0, t1;             /* time span shown */
	bool has_threshold;
	double threshold;
	enum tui_chart_unit unit;
	const char *title;         /* sanitized or NULL */
	enum tui_role role;        /* the line's role */
	const char *note;          /* sanitized or NULL: shown after the values (STALE ...) */
	enum tui_role note_role;
};
/* The series drawn (at least 1, at most TUI_CHART_SERIES_MAX) and series i
 * (t, v, n and no label when `series` is NULL). */
size_t tui_chart_nseries(const struct tui_chart *c);
struct tui_chart_series tui_chart_series_at(const struct tui_chart *c, size_t i);
/* Series i's last finite value in the span (cur) and its min/max; NaN when
 * it has none. */
void tui_chart_stats(const struct tui_chart *c, size_t i, double *cur, double *mn, double *mx);
/* Whether v is over the chart's threshold (then it is shown red). */
bool tui_chart_over(const struct tui_chart *c, double v);
/* Series i's role: c->role for the first, then a palette skipping it. */
enum tui_role tui_chart_series_role(const struct tui_chart *c, size_t i);
/* Value range to plot: finite min/max of every series and the threshold,
 * widened when flat, starting at 0 for non-negative data near 0. Returns
 * false (0..1) when there is no finite value. */
bool tui_chart_range(const struct tui_chart *c, double *lo, double *hi);
/* Dot cells per mode, and the mode for the terminal (PAGETTY_CHART=block
 * or ascii overrides). */
void tui_chart_dots(enum tui_chart_mode m, int *dx, int *dy);
enum tui_chart_mode tui_chart_mode_for(bool utf8);
/* Plot c into cells[rows * cols] (bit sub_y * dx + sub_x set per dot, y
 * from the top) over [lo, hi]; consecutive points are joined. Returns the
 * number of samples that fell in the span. */
size_t tui_chart_plot(const struct tui_chart *c, double lo, double hi, int cols, int rows,
                      int dx, int dy, unsigned char *cells);
/* The same for series i (tui_chart_plot is series 0). */
size_t tui_chart_plot_series(const struct tui_chart *c, size_t i, double lo, double hi, int cols,
                             int rows, int dx, int dy, unsigned char *cells);
/* The text row (0 = top of rows) a value falls on, or -1 outside. */
int tui_chart_row(double v, double lo, double hi, int rows);
/* The glyph of a cell's dots (UTF-8), into buf[8]. */
const char *tui_chart_glyph(enum tui_chart_mode m, unsigned mask, char buf[8]);
/* The glyph of series i's cell: the first series' dots as above; the others
 * the same when colours tell them apart, else (ASCII, or plain: no colours)
 * a mark of their own ('*', '+', 'o'). */
const char *tui_chart_series_glyph(enum tui_chart_mode m, size_t i, bool plain, unsigned mask,
                                   char buf[8]);
/* Series i's mark in the legend. */
const char *tui_chart_series_mark(enum tui_chart_mode m, size_t i, bool plain, char buf[8]);
/* A series' label in at most cols columns for the legend: whole when it
 * fits, else its values without the label names ("code=500,pod=a" ->
 * "500,a": what tells series apart), cut with an ellipsis if still too
 * long. Malloced. tui_chart_label_want: the columns that would take (the
 * whole label's when it fits in cols, else the values'). */
char *tui_chart_label_fit(const char *label, size_t cols, bool utf8);
int tui_chart_label_want(const char *label, size_t cols);
/* The label's values alone: "code=500,pod=a" -> "500,a"; a part that is
 * not name=value stays as it is. Malloced. */
char *tui_chart_label_values(const char *label);
/* Share total columns among n items that want want[i] each: each gets its
 * want or min, whichever is less, then what is left is spread evenly, none
 * past its want. got[i] out. False when even that first share does not fit
 * (got[] holds it). */
bool tui_chart_share(int total, size_t n, const int *want, int min, int *got);
/* A value in its unit ("2.8s", "6.20%", "1.4k/s"; "-" when not finite). */
void tui_chart_fmt(double v, enum tui_chart_unit u, char *out, size_t n);
/* Time before now for the axis: "now", "-45s", "-15m", "-1h30m", "-2d". */
void tui_chart_fmt_ago(double seconds, char *out, size_t n);
/* Draw the chart in the box (title and values on the first row, the
 * legend on the second when there are several series and 6 rows or more,
 * else after the title; y-axis labels, time axis on the last row); at 3
 * rows it leaves out the time axis, below that (or under 24 columns) it is
 * one summary line. Nothing on the first rows is cut mid-word: what does
 * not fit is left out whole or ends in an ellipsis. */
void tui_chart_draw(int y, int x, int h, int w, const struct tui_chart *c);

#endif
