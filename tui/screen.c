/* screen.c: the only file that talks to ncurses. Screen setup and the
 * always-safe restore, keys from stdin through the loop, terminal signals
 * (resize, suspend, terminate) through the loop's self-pipe, roles mapped to
 * colours or attributes, clipped UTF-8 output, and drawing for widgets. */
#include <curses.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "../core/text.h"
#include "tui.h"

/* last: term.h defines macros (lines, columns) that clash with names above */
#include <term.h>

/* One terminal per process, so the screen's state is file-static. */
static struct {
	bool up;                 /* curses active (between init and restore) */
	bool utf8, color;
	SCREEN *scr;             /* owned */
	FILE *in, *out;          /* owned when opened on /dev/tty, else stdin/stdout */
	bool own_files;
	int in_fd;
	struct loop *loop;       /* borrowed */
	struct tui_handler h;
	int cur_y, cur_x;        /* cursor wanted this frame, -1 none */
	bool saved_tio;
	struct termios tio;      /* terminal modes before init */
	char fatal_seq[128];     /* bytes that undo the screen, written on a fatal signal */
	size_t fatal_len;
	bool atexit_done;
} scr = { .in_fd = -1, .cur_y = -1, .cur_x = -1 };

static attr_t role_attr[TUI_ROLE_COUNT];

int tui_rows(void) { return scr.up ? LINES : 0; }
int tui_cols(void) { return scr.up ? COLS : 0; }
bool tui_utf8(void) { return scr.utf8; }
bool tui_color(void) { return scr.color; }
const char *tui_ellipsis(void) { return scr.utf8 ? "\u2026" : "~"; }
const char *tui_glyph_arrow(void) { return scr.utf8 ? "\u25b6" : ">"; }
const char *tui_glyph_bar(void) { return scr.utf8 ? "\u258c" : "|"; }
const char *tui_glyph_dot(void) { return scr.utf8 ? "\u00b7" : "-"; }

void tui_restore(void)
{
	if (!scr.up)
		return;
	scr.up = false;
	if (scr.loop && scr.in_fd >= 0)
		loop_del_fd(scr.loop, scr.in_fd);
	curs_set(1);
	endwin();
	if (scr.scr)
		delscreen(scr.scr);
	scr.scr = NULL;
	if (scr.own_files) {
		fclose(scr.in);
		fclose(scr.out);
	}
	scr.in = scr.out = NULL;
	scr.own_files = false;
	if (scr.saved_tio)
		tcsetattr(scr.in_fd, TCSANOW, &scr.tio);
	scr.in_fd = -1;
}

/* SIGSEGV/SIGABRT/SIGBUS/SIGFPE: only async-signal-safe calls; leave the
 * alternate screen, show the cursor, restore modes, then die as intended. */
static void tui_fatal(int signo)
{
	ssize_t r;

	if (scr.up && scr.fatal_len) {
		r = write(fileno(scr.out), scr.fatal_seq, scr.fatal_len);
		(void)r;
	}
	if (scr.saved_tio && scr.in_fd >= 0)
		tcsetattr(scr.in_fd, TCSANOW, &scr.tio);
	signal(signo, SIG_DFL);
	raise(signo);
}

static void tui_fatal_seq_add(const char *cap)
{
	char *s = tigetstr((char *)cap);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (scr.fatal_len + n >= sizeof scr.fatal_seq)
		return;
	memcpy(scr.fatal_seq + scr.fatal_len, s, n);
	scr.fatal_len += n;
}

static void tui_roles(void)
{
	static const struct { enum tui_role r; short fg; attr_t color_attr, mono_attr; } map[] = {
		{ TUI_HEADER, -1, A_BOLD, A_BOLD },
		{ TUI_TITLE, COLOR_CYAN, A_BOLD, A_BOLD | A_UNDERLINE },
		{ TUI_SELECTED, -1, A_REVERSE, A_REVERSE },
		{ TUI_DIM, -1, A_DIM, A_DIM },
		{ TUI_CRITICAL, COLOR_RED, A_BOLD, A_BOLD },
		{ TUI_ERROR, COLOR_RED, 0, A_BOLD },
		{ TUI_WARNING, COLOR_YELLOW, 0, A_UNDERLINE },
		{ TUI_INFO, COLOR_CYAN, 0, 0 },
		{ TUI_OK, COLOR_GREEN, 0, 0 },
		{ TUI_STALE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
		{ TUI_BADGE, COLOR_MAGENTA, A_BOLD, A_BOLD },
		{ TUI_DEMO, -1, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD },
		{ TUI_CODE, COLOR_GREEN, 0, 0 },
		{ TUI_BOLD, -1, A_BOLD, A_BOLD },
		{ TUI_STATUS, -1, 0, 0 },
	};
	size_t i;

	memset(role_attr, 0, sizeof role_attr);
	for (i = 0; i < ARRAY_LEN(map); i++) {
		attr_t a = scr.color ? map[i].color_attr : map[i].mono_attr;

		if (scr.color && map[i].fg >= 0) {
			short pair = (short)(i + 1);
			init_pair(pair, map[i].fg, -1);
			a |= COLOR_PAIR(pair);
		}
		role_attr[map[i].r] = a;
	}
}

static int tui_map_key(int r, wint_t wc)
{
	if (r == KEY_CODE_YES) {
		switch (wc) {
		case KEY_UP: return TUI_KEY_UP;
		case KEY_DOWN: return TUI_KEY_DOWN;
		case KEY_LEFT: return TUI_KEY_LEFT;
		case KEY_RIGHT: return TUI_KEY_RIGHT;
		case KEY_PPAGE: return TUI_KEY_PGUP;
		case KEY_NPAGE: return TUI_KEY_PGDN;
		case KEY_HOME: case KEY_A1: return TUI_KEY_HOME;
		case KEY_END: case KEY_C1: return TUI_KEY_END;
		case KEY_ENTER: return TUI_KEY_ENTER;
		case KEY_BACKSPACE: return TUI_KEY_BACKSPACE;
		case KEY_DC: return TUI_KEY_DELETE;
		case KEY_BTAB: return TUI_KEY_BTAB;
		case KEY_RESIZE: return TUI_KEY_RESIZE;
		default: return TUI_KEY_NONE;
		}
	}
	switch (wc) {
	case '\r': case '\n': return TUI_KEY_ENTER;
	case 27: return TUI_KEY_ESC;
	case '\t': return TUI_KEY_TAB;
	case 127: case 8: return TUI_KEY_BACKSPACE;
	default:
		if (wc > 0x10ffff)
			return TUI_KEY_NONE;
		return (int)wc;
	}
}

static void tui_on_stdin(struct loop *l, int fd, int events, void *data)
{
	wint_t wc;
	int r, key, n = 0;

	(void)l; (void)fd; (void)events; (void)data;
	/* nodelay: read until nothing is left; a cap so a flood of pasted
	 * input still lets the loop breathe (the rest stays readable). */
	while (scr.up && n++ < 4096) {
		r = wget_wch(stdscr, &wc);
		if (r == ERR)
			break;
		key = tui_map_key(r, wc);
		if (key == TUI_KEY_RESIZE) {
			tui_force_repaint();
			if (scr.h.redraw)
				scr.h.redraw(scr.h.data);
			continue;
		}
		if (key != TUI_KEY_NONE && scr.h.key)
			scr.h.key(key, scr.h.data);
	}
	if (!scr.up)
		return;
	/* stdin closed (SSH gone): treat like a hangup rather than spin */
	if (n == 1 && (events & LOOP_READ)) {
		struct pollfd p = { .fd = scr.in_fd, .events = POLLIN };

		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
			tui_restore();
			if (scr.h.quit)
				scr.h.quit(SIGHUP, scr.h.data);
		}
	}
}

static void tui_resize_now(void)
{
	struct winsize ws;

	if (!scr.up)
		return;
	if (ioctl(fileno(scr.out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	else {
		endwin();
		refresh();
	}
	tui_force_repaint();
}

static void tui_on_signal(struct loop *l, int signo, void *data)
{
	(void)l; (void)data;
	switch (signo) {
	case SIGWINCH:
		tui_resize_now();
		if (scr.h.redraw)
			scr.h.redraw(scr.h.data);
		break;
	case SIGTSTP:
		tui_suspend();
		break;
	case SIGCONT:
		if (scr.up) {
			reset_prog_mode();
			tui_resize_now();
			if (scr.h.redraw)
				scr.h.redraw(scr.h.data);
		}
		break;
	case SIGTERM:
	case SIGHUP:
	case SIGINT:
		tui_restore();
		if (scr.h.quit)
			scr.h.quit(signo, scr.h.data);
		break;
	}
}

void tui_suspend(void)
{
	if (!scr.up)
		return;
	def_prog_mode();
	endwin();
	fflush(scr.out);
	raise(SIGSTOP); /* SIGTSTP is routed to us; SIGSTOP always stops */
	/* continued */
	reset_prog_mode();
	tui_resize_now();
	if (scr.h.redraw)
		scr.h.redraw(scr.h.data);
}

/* Is the terminal usable for a full-screen program? */
static int tui_check_term(char err[ERR_MAX])
{
	const char *term = getenv("TERM");

	if (!term || !*term)
		return errf(err, "TERM is not set; pagetty needs a terminal (try TERM=xterm-256color)");
	if (!strcmp(term, "dumb"))
		return errf(err, "TERM=dumb cannot run a full-screen console; use a terminal such as xterm, screen or tmux, or the one-shot 'pagetty alerts'");
	return 0;
}

int tui_init(struct loop *l, const struct tui_handler *h, char err[ERR_MAX])
{
	static const int sigs[] = { SIGWINCH, SIGTSTP, SIGCONT, SIGTERM, SIGHUP, SIGINT };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };
	const char *cs;
	size_t i;

	if (scr.up)
		return errf(err, "screen already started");
	setlocale(LC_ALL, "");
	if (tui_check_term(err) < 0)
		return -1;
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		scr.in = stdin;
		scr.out = stdout;
	} else {
		int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

		if (fd < 0)
			return errf(err, "no terminal: stdin/stdout are not a tty and /dev/tty: %s", strerror(errno));
		scr.in = fdopen(fd, "r");
		scr.out = scr.in ? fdopen(dup(fd), "w") : NULL;
		if (!scr.in || !scr.out) {
			if (scr.in)
				fclose(scr.in);
			else
				close(fd);
			scr.in = scr.out = NULL;
			return errf(err, "/dev/tty: %s", strerror(errno));
		}
		scr.own_files = true;
	}
	scr.in_fd = fileno(scr.in);
	scr.saved_tio = tcgetattr(scr.in_fd, &scr.tio) == 0;
	ESCDELAY = 25;
	scr.scr = newterm(NULL, scr.out, scr.in);
	if (!scr.scr) {
		errf(err, "unknown terminal type \"%s\" (no terminfo entry); try TERM=xterm-256color", getenv("TERM"));
		goto fail;
	}
	set_term(scr.scr);
	{
		char *cup = tigetstr("cup");

		if (!cup || cup == (char *)-1) {
			endwin();
			delscreen(scr.scr);
			scr.scr = NULL;
			errf(err, "terminal \"%s\" cannot address the cursor; pagetty needs a full-screen terminal", getenv("TERM"));
			goto fail;
		}
	}
	scr.up = true;
	cs = nl_langinfo(CODESET);
	scr.utf8 = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	timeout(0);
	curs_set(0);
	scr.color = !getenv("NO_COLOR") && has_colors() && start_color() == OK;
	if (scr.color)
		use_default_colors();
	tui_roles();
	scr.fatal_len = 0;
	tui_fatal_seq_add("sgr0");
	tui_fatal_seq_add("cnorm");
	tui_fatal_seq_add("rmcup");
	if (!scr.atexit_done) {
		atexit(tui_restore);
		scr.atexit_done = true;
	}
	for (i = 0; i < ARRAY_LEN(fatal); i++)
		signal(fatal[i], tui_fatal);
	scr.loop = l;
	if (h)
		scr.h = *h;
	if (loop_add_fd(l, scr.in_fd, LOOP_READ, tui_on_stdin, NULL) < 0) {
		tui_restore();
		return errf(err, "cannot watch the terminal input");
	}
	/* After initscr, so ours replace the handlers ncurses installed. */
	for (i = 0; i < ARRAY_LEN(sigs); i++)
		loop_watch_signal(l, sigs[i], tui_on_signal, NULL);
	return 0;
fail:
	if (scr.own_files) {
		fclose(scr.in);
		fclose(scr.out);
	}
	scr.in = scr.out = NULL;
	scr.own_files = false;
	if (scr.saved_tio)
		tcsetattr(scr.in_fd, TCSANOW, &scr.tio);
	scr.in_fd = -1;
	return -1;
}

void tui_begin(void)
{
	if (!scr.up)
		return;
	erase();
	scr.cur_y = scr.cur_x = -1;
}

void tui_end(void)
{
	if (!scr.up)
		return;
	if (scr.cur_y >= 0) {
		leaveok(stdscr, FALSE);
		move(scr.cur_y, scr.cur_x);
		curs_set(1);
	} else {
		/* hidden: leave it where the last change put it, rather than
		 * move it back after every small update (9 bytes a frame) */
		leaveok(stdscr, TRUE);
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void tui_force_repaint(void)
{
	if (scr.up)
		clearok(curscr, TRUE);
}

void tui_cursor(int y, int x)
{
	scr.cur_y = y;
	scr.cur_x = x;
}

/* Columns free at (y, x), at most maxcols (-1: to the edge); 0 when
 * nothing can be drawn there. */
static int tui_room(int y, int x, int maxcols)
{
	int room;

	if (!scr.up || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	room = COLS - x;
	if (maxcols >= 0 && maxcols < room)
		room = maxcols;
	return room > 0 ? room : 0;
}

/* text as the screen can show it: itself, or (the locale is not UTF-8) an
 * ASCII copy in *ascii, which the caller frees. */
static const char *tui_shown(const char *text, char **ascii)
{
	const char *s = text ? text : "";

	*ascii = NULL;
	if (!scr.utf8) {
		*ascii = xstrdup(s);
		text_asciify(*ascii);
		s = *ascii;
	}
	return s;
}

int tui_put(int y, int x, enum tui_role role, const char *text, int maxcols)
{
	int room = tui_room(y, x, maxcols);
	size_t n, w;
	char *ascii;
	const char *s;

	if (!room)
		return 0;
	s = tui_shown(text, &ascii);
	n = text_fit(s, (size_t)room);
	w = 0;
	if (n) {
		char *tmp = xstrndup(s, n);

		w = text_width(tmp);
		attrset(role_attr[role < TUI_ROLE_COUNT ? role : TUI_NORMAL]);
		mvaddnstr(y, x, tmp, (int)n);
		attrset(A_NORMAL);
		free(tmp);
	}
	free(ascii);
	return (int)w;
}

/* What a put function (tui_put, tui_put_cut) does with the text it is given. */
typedef int tui_put_fn(int y, int x, enum tui_role role, const char *text, int maxcols);

/* The core of tui_putf and tui_putf_cut: format, then hand the text to put. */
static int tui_vputf(tui_put_fn *put, int y, int x, enum tui_role role, int maxcols,
		     const char *fmt, va_list ap)
{
	struct buf b = {0};
	int w;

	buf_vprintf(&b, fmt, ap);
	w = put(y, x, role, b.data ? b.data : "", maxcols);
	buf_free(&b);
	return w;
}

int tui_putf(int y, int x, enum tui_role role, int maxcols, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = tui_vputf(tui_put, y, x, role, maxcols, fmt, ap);
	va_end(ap);
	return w;
}

int tui_put_cut(int y, int x, enum tui_role role, const char *text, int maxcols)
{
	int room = tui_room(y, x, maxcols), w;
	char *ascii, *cut;
	const char *s;

	if (!room)
		return 0;
	s = tui_shown(text, &ascii);
	if (text_width(s) <= (size_t)room) {
		w = tui_put(y, x, role, s, room);
	} else {
		cut = text_trunc(s, (size_t)room, false, scr.utf8);
		w = tui_put(y, x, role, cut, room);
		free(cut);
	}
	free(ascii);
	return w;
}

int tui_putf_cut(int y, int x, enum tui_role role, int maxcols, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = tui_vputf(tui_put_cut, y, x, role, maxcols, fmt, ap);
	va_end(ap);
	return w;
}

void tui_fill(int y, int x, int w, enum tui_role role)
{
	int i;

	if (!scr.up || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	if (w < 0 || x + w > COLS)
		w = COLS - x;
	attrset(role_attr[role < TUI_ROLE_COUNT ? role : TUI_NORMAL]);
	for (i = 0; i < w; i++)
		mvaddch(y, x + i, ' ');
	attrset(A_NORMAL);
}

void tui_hline(int y, int x, int w, enum tui_role role)
{
	int i;

	if (!scr.up || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	if (w < 0 || x + w > COLS)
		w = COLS - x;
	for (i = 0; i < w; i++)
		tui_put(y, x + i, role, scr.utf8 ? "\u2500" : "-", 1);
}

void tui_box(int y, int x, int h, int w, enum tui_role role, const char *title)
{
	int i;
	const char *v = scr.utf8 ? "\u2502" : "|";

	if (h < 2 || w < 2)
		return;
	for (i = 0; i < h; i++)
		tui_fill(y + i, x, w, TUI_NORMAL);
	tui_put(y, x, role, scr.utf8 ? "\u250c" : "+", 1);
	tui_hline(y, x + 1, w - 2, role);
	tui_put(y, x + w - 1, role, scr.utf8 ? "\u2510" : "+", 1);
	for (i = 1; i < h - 1; i++) {
		tui_put(y + i, x, role, v, 1);
		tui_put(y + i, x + w - 1, role, v, 1);
	}
	tui_put(y + h - 1, x, role, scr.utf8 ? "\u2514" : "+", 1);
	tui_hline(y + h - 1, x + 1, w - 2, role);
	tui_put(y + h - 1, x + w - 1, role, scr.utf8 ? "\u2518" : "+", 1);
	if (title && *title) {
		int tw = tui_put(y, x + 2, TUI_TITLE, " ", 1);
		tw += tui_put(y, x + 2 + tw, TUI_TITLE, title, w - 6);
		tui_put(y, x + 2 + tw, TUI_TITLE, " ", 1);
	}
}

void tui_edit_draw(const struct tui_edit *e, int y, int x, int w, enum tui_role role, bool focus)
{
	const char *s = tui_edit_text(e);
	size_t start = 0, curw;
	char *before;

	if (w <= 0)
		return;
	tui_fill(y, x, w, role);
	/* scroll so the cursor fits: drop leading code points while too wide */
	for (;;) {
		before = xstrndup(s + start, e->cur >= start ? e->cur - start : 0);
		curw = text_width(before);
		free(before);
		if ((int)curw < w || start >= e->cur)
			break;
		start++;
		while (start < e->cur && ((unsigned char)s[start] & 0xc0) == 0x80)
			start++;
	}
	tui_put(y, x, role, s + start, w);
	if (focus)
		tui_cursor(y, x + (int)curw);
}

static enum tui_role tui_seg_role(int style, enum tui_role base)
{
	if (style & RBS_WARN)
		return TUI_WARNING;
	if (style & RBS_BADGE)
		return TUI_BADGE;
	if (style & RBS_HEADING)
		return TUI_TITLE;
	if (style & (RBS_CODE | RBS_CODEBLOCK))
		return TUI_CODE;
	if (style & RBS_DIM)
		return TUI_DIM;
	if (style & (RBS_STRONG | RBS_LINK))
		return TUI_BOLD;
	return base;
}

int tui_put_rb_text(int y, int x, int w, const struct rb_text *t, enum tui_role base)
{
	int used = 0;
	size_t i;

	for (i = 0; t && i < t->n && used < w; i++)
		used += tui_put(y, x + used, tui_seg_role(t->v[i].style, base), t->v[i].text, w - used);
	return used;
}

const char *tui_key_name(int key, char *buf, size_t n)
{
	static const struct { int key; const char *name; } names[] = {
		{ TUI_KEY_UP, "Up" }, { TUI_KEY_DOWN, "Down" }, { TUI_KEY_LEFT, "Left" },
		{ TUI_KEY_RIGHT, "Right" }, { TUI_KEY_PGUP, "PgUp" }, { TUI_KEY_PGDN, "PgDn" },
		{ TUI_KEY_HOME, "Home" }, { TUI_KEY_END, "End" }, { TUI_KEY_ENTER, "Enter" },
		{ TUI_KEY_ESC, "Esc" }, { TUI_KEY_BACKSPACE, "Backspace" },
		{ TUI_KEY_DELETE, "Delete" }, { TUI_KEY_TAB, "Tab" }, { TUI_KEY_BTAB, "S-Tab" },
		{ ' ', "Space" }, { TUI_KEY_CTRL_C, "Ctrl-C" }, { TUI_KEY_CTRL_Z, "Ctrl-Z" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].key == key)
			return names[i].name;
	if (key > 0 && key < 32)
		snprintf(buf, n, "Ctrl-%c", 'A' + key - 1);
	else if (key > 32 && key < 127)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "U+%04X", (unsigned)key);
	return buf;
}
