/* runbook_resolve.c: which runbook belongs to an alert (DESIGN.md §5).
 * The runbook_url (or runbook) annotation first: http(s) URL, file:// URL
 * or absolute path, or a path relative to runbooks.base_url / a runbook
 * dir; else a file in a runbook dir named after the alertname as written,
 * kebab-case, snake_case or in any case. Every place tried is recorded so
 * a missing runbook can say where pagetty looked. Annotations and labels
 * are untrusted: only http, https and file schemes are followed, relative
 * paths may not climb out with "..", and an alertname is never a path. */
#include "runbook.h"
#include "runbook_int.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "text.h"

/* Record a place tried (takes msg; stored sanitized: it is only ever shown,
 * and annotations are untrusted). */
static void rb_looked(struct rb_where *w, char *msg)
{
	rb_grow(&w->looked, w->n_looked, sizeof *w->looked);
	w->looked[w->n_looked++] = text_clean(msg);
	free(msg);
}

static bool rb_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void rb_found(struct rb_where *w, enum rb_loc kind, char *location)
{
	w->kind = kind;
	w->location = location;
}

/* dir + "/" + name, without doubling the '/'. Malloced. */
static char *rb_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

/* A relative path that stays where it is put: no "..", no NUL tricks. */
static bool rb_rel_safe(const char *rel)
{
	const char *p = rel;
	size_t n;

	if (!*rel || *rel == '/')
		return false;
	while (*p) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

/* The scheme of a URL, lowercased into out, or "" when there is none. */
static void rb_scheme(const char *s, char *out, size_t n)
{
	size_t i = 0;

	out[0] = '\0';
	if (!isalpha((unsigned char)s[0]))
		return;
	while (s[i] && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	if (s[i] != ':' || i + 1 > n || i < 2)   /* "C:" is not a scheme we know */
		return;
	for (size_t j = 0; j < i; j++)
		out[j] = (char)tolower((unsigned char)s[j]);
	out[i] = '\0';
}

/* file://[localhost]/path, percent-decoded; NULL when it names another host. */
static char *rb_file_url_path(const char *url)
{
	const char *p = url + strlen("file://");
	struct buf b = {0};
	unsigned v;

	if (strncasecmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return NULL;
	for (; *p && *p != '?' && *p != '#'; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]) &&
		    sscanf(p + 1, "%2x", &v) == 1 && v != 0) {
			buf_putc(&b, (char)v);
			p += 2;
		} else {
			buf_putc(&b, *p);
		}
	}
	return buf_steal(&b);
}

/* HighErrorRate -> high<sep>error<sep>rate; HTTPErrors -> http<sep>errors. */
static char *rb_split_words(const char *name, char sep)
{
	struct buf b = {0};
	size_t i;
	unsigned char c, prev, next;

	for (i = 0; name[i]; i++) {
		c = (unsigned char)name[i];
		prev = i ? (unsigned char)name[i - 1] : 0;
		next = (unsigned char)name[i + 1];
		if (c == '-' || c == '_' || c == ' ') {
			if (b.len && b.data[b.len - 1] != sep)
				buf_putc(&b, sep);
			continue;
		}
		if (isupper(c) && i > 0 && b.len && b.data[b.len - 1] != sep &&
		    (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next))))
			buf_putc(&b, sep);
		buf_putc(&b, (char)tolower(c));
	}
	return buf_steal(&b);
}

/* Look for name (case-insensitively) among dir's entries. Malloced path or NULL. */
static char *rb_scan_dir(const char *dir, char *const *names, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL, *path;
	size_t i;

	if (!d)
		return NULL;
	while (!found && (e = readdir(d))) {
		for (i = 0; i < n; i++) {
			if (strcasecmp(e->d_name, names[i]) != 0)
				continue;
			path = rb_join(dir, e->d_name);
			if (rb_is_file(path)) {
				found = path;
				break;
			}
			free(path);
		}
	}
	closedir(d);
	return found;
}

static bool rb_name_safe(const char *name)
{
	return *name && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\') &&
	       strlen(name) < 200;
}

/* By alertname in each runbook dir. */
static void rb_by_name(const char *name, const struct config *cfg, struct rb_where *w)
{
	char *names[3], *path, *kebab, *snake;
	size_t d, i, n = 0;

	if (!rb_name_safe(name)) {
		rb_looked(w, xasprintf("alertname \"%s\": not usable as a file name", name));
		return;
	}
	if (!cfg || cfg->n_runbook_dirs == 0) {
		rb_looked(w, xstrdup("no runbook dirs configured (runbooks.dirs, --runbooks DIR)"));
		return;
	}
	kebab = rb_split_words(name, '-');
	snake = rb_split_words(name, '_');
	names[n++] = xasprintf("%s.md", name);
	if (strcmp(kebab, name) != 0)
		names[n++] = xasprintf("%s.md", kebab);
	if (strcmp(snake, name) != 0 && strcmp(snake, kebab) != 0)
		names[n++] = xasprintf("%s.md", snake);
	free(kebab);
	free(snake);
	for (d = 0; d < cfg->n_runbook_dirs && w->kind == RB_LOC_NONE; d++) {
		for (i = 0; i < n && w->kind == RB_LOC_NONE; i++) {
			path = rb_join(cfg->runbook_dirs[d], names[i]);
			rb_looked(w, xstrdup(path));
			if (rb_is_file(path))
				rb_found(w, RB_LOC_FILE, path);
			else
				free(path);
		}
		if (w->kind != RB_LOC_NONE)
			break;
		rb_looked(w, xasprintf("%s (any case)", cfg->runbook_dirs[d]));
		path = rb_scan_dir(cfg->runbook_dirs[d], names, n);
		if (path)
			rb_found(w, RB_LOC_FILE, path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
}

/* A runbook_url annotation. Returns true when it settled the lookup. */
static bool rb_by_url(const char *key, const char *url, const struct config *cfg, struct rb_where *w)
{
	char scheme[16], *path, *rel;
	size_t d, n;

	while (isspace((unsigned char)*url))
		url++;
	n = strlen(url);
	while (n && isspace((unsigned char)url[n - 1]))
		n--;
	if (n == 0)
		return false;
	rel = xstrndup(url, n);
	rb_scheme(rel, scheme, sizeof scheme);
	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) {
		rb_looked(w, xasprintf("annotation %s: %s", key, rel));
		rb_found(w, RB_LOC_URL, rel);
		return true;
	}
	if (strcmp(scheme, "file") == 0 || rel[0] == '/') {
		path = rel[0] == '/' ? xstrdup(rel) : rb_file_url_path(rel);
		rb_looked(w, xasprintf("annotation %s: %s%s", key, rel,
		                       !path ? " (not a local file URL)" :
		                       rb_is_file(path) ? "" : " (no such file)"));
		if (path && rb_is_file(path)) {
			rb_found(w, RB_LOC_FILE, path);
			free(rel);
			return true;
		}
		free(path);
		free(rel);
		return false;
	}
	if (scheme[0]) {
		rb_looked(w, xasprintf("annotation %s: %s (scheme %s: not followed)", key, rel, scheme));
		free(rel);
		return false;
	}
	if (!rb_rel_safe(rel)) {
		rb_looked(w, xasprintf("annotation %s: %s (relative path with \"..\": not followed)", key, rel));
		free(rel);
		return false;
	}
	path = rel;
	if (str_has_prefix(path, "./"))
		path += 2;
	if (cfg && cfg->runbook_base_url && *cfg->runbook_base_url) {
		const char *base = cfg->runbook_base_url;
		size_t bl = strlen(base);

		rb_found(w, RB_LOC_URL, xasprintf("%s%s%s", base,
		                                  bl && base[bl - 1] == '/' ? "" : "/", path));
		rb_looked(w, xasprintf("annotation %s: %s", key, w->location));
		free(rel);
		return true;
	}
	path[strcspn(path, "#?")] = '\0';
	for (d = 0; cfg && d < cfg->n_runbook_dirs && *path; d++) {
		char *full = rb_join(cfg->runbook_dirs[d], path);

		rb_looked(w, xasprintf("annotation %s: %s", key, full));
		if (rb_is_file(full)) {
			rb_found(w, RB_LOC_FILE, full);
			free(rel);
			return true;
		}
		free(full);
	}
	if (!cfg || cfg->n_runbook_dirs == 0)
		rb_looked(w, xasprintf("annotation %s: %s (relative, and no runbooks.base_url or dirs)",
		                       key, rel));
	free(rel);
	return false;
}

void runbook_resolve(const struct alert *a, const struct config *cfg, struct rb_where *w)
{
	static const char *const keys[] = { "runbook_url", "runbook" };
	const char *v;
	size_t i;

	memset(w, 0, sizeof *w);
	for (i = 0; i < ARRAY_LEN(keys); i++) {
		v = labelset_get(&a->annotations, keys[i]);
		if (v && *v && rb_by_url(keys[i], v, cfg, w))
			return;
	}
	rb_by_name(alert_name(a), cfg, w);
}

void runbook_resolve_name(const char *name_or_file, const struct config *cfg, struct rb_where *w)
{
	char scheme[16];
	size_t n;

	memset(w, 0, sizeof *w);
	if (!name_or_file || !*name_or_file) {
		rb_looked(w, xstrdup("no name given"));
		return;
	}
	rb_scheme(name_or_file, scheme, sizeof scheme);
	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
	    strcmp(scheme, "file") == 0) {
		rb_by_url("argument", name_or_file, cfg, w);
		return;
	}
	if (rb_is_file(name_or_file)) {
		rb_looked(w, xstrdup(name_or_file));
		rb_found(w, RB_LOC_FILE, xstrdup(name_or_file));
		return;
	}
	n = strlen(name_or_file);
	if (strchr(name_or_file, '/') || (n > 3 && strcasecmp(name_or_file + n - 3, ".md") == 0)) {
		rb_looked(w, xasprintf("%s (no such file)", name_or_file));
		return;
	}
	rb_by_name(name_or_file, cfg, w);
}

void rb_where_free(struct rb_where *w)
{
	size_t i;

	if (!w)
		return;
	free(w->location);
	for (i = 0; i < w->n_looked; i++)
		free(w->looked[i]);
	free(w->looked);
	memset(w, 0, sizeof *w);
}
