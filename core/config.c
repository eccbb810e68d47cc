/* config.c: the YAML configuration (DESIGN.md §3): loading (libyaml's
 * document API, so every node carries its line:col for messages), defaults,
 * the command-line additions, the default config path, warnings and the
 * message helpers, and URL display helpers that never show userinfo. The
 * schema itself (key tables, per-key handlers) is in config_schema.c. */
#include "config.h"

#include <ctype.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "config_int.h"

#define CONFIG_FILE_MAX     (1024 * 1024)   /* bytes read from a config file */
#define CONFIG_DEPTH_MAX    64              /* collection nesting */
#define CONFIG_WARNINGS_MAX 64

void config_http_opts_free(struct http_opts *h)
{
	labelset_free(&h->headers);
	free(h->bearer_token_env);
	free(h->bearer_token_file);
	free(h->basic_username);
	free(h->basic_password_env);
	free(h->basic_password_file);
	free(h->ca_file);
	free(h->cert_file);
	free(h->key_file);
	free(h->path_prefix);
	memset(h, 0, sizeof *h);
}

void config_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void config_strv_push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

void config_str_set(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/* Printable, bounded rendering of untrusted bytes for a message. */
void config_quote(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 8 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (o + 12 >= outlen && i + 1 < n) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
}

int config_error_at(struct cp *p, yaml_node_t *n, const char *where, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return errf(p->err, "%s:%zu:%zu: %s%s%s", p->name, n->start_mark.line + 1,
	            n->start_mark.column + 1, where, *where ? ": " : "", msg);
}

void config_warn(struct config *c, char *msg)
{
	if (c->n_warnings > CONFIG_WARNINGS_MAX) {
		free(msg);
		return;
	}
	if (c->n_warnings == CONFIG_WARNINGS_MAX) {
		free(msg);
		msg = xstrdup("too many warnings; the rest are not shown");
	}
	config_strv_push(&c->warnings, &c->n_warnings, msg);
}

void config_warn_at(struct cp *p, yaml_node_t *n, const char *where, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	config_warn(p->c, xasprintf("%s:%zu:%zu: %s%s%s", p->name, n->start_mark.line + 1,
	                            n->start_mark.column + 1, where, *where ? ": " : "", msg));
}

/* Validate and normalize an http(s) URL: scheme checked, a host present,
 * trailing '/' stripped. Returns malloced, or NULL with msg filled. */
char *config_url_check(const char *url, char *msg, size_t msglen)
{
	size_t len = strlen(url), skip = 0, i;
	const char *auth, *end, *at, *why = NULL;
	char shown[96], *r;

	if (!strncasecmp(url, "http://", 7))
		skip = 7;
	else if (!strncasecmp(url, "https://", 8))
		skip = 8;
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			break;
	auth = url + skip;
	end = auth + strcspn(auth, "/?#");
	at = memrchr(auth, '@', (size_t)(end - auth));
	if (at)
		auth = at + 1;
	if (!skip)
		why = "the scheme must be http:// or https://";
	else if (i < len)
		why = "spaces and control characters are not allowed";
	else if (auth == end)
		why = "no host";
	if (why) {
		r = url_redact(url);
		config_quote(r, strlen(r), shown, sizeof shown);
		free(r);
		snprintf(msg, msglen, "invalid URL \"%s\": %s", shown, why);
		return NULL;
	}
	while (len > skip && url[len - 1] == '/')
		len--;
	r = xstrndup(url, len);
	for (i = 0; i < skip; i++)
		r[i] = (char)tolower((unsigned char)r[i]);
	return r;
}


/* ---- parsing driver ---- */

/* libyaml's reader reports a byte offset rather than a mark. */
static void cp_offset_mark(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int cp_syntax_error(yaml_parser_t *yp, const char *text, size_t len, const char *name,
                           char err[ERR_MAX])
{
	const char *problem = yp->problem ? yp->problem : "unknown problem";
	size_t line, col;

	switch (yp->error) {
	case YAML_MEMORY_ERROR:
		return errf(err, "%s: out of memory while reading YAML", name);
	case YAML_READER_ERROR:
		cp_offset_mark(text, len, yp->problem_offset, &line, &col);
		return errf(err, "%s:%zu:%zu: invalid YAML: %s", name, line, col, problem);
	default:
		if (yp->context)
			return errf(err, "%s:%zu:%zu: invalid YAML: %s (%s at line %zu)", name,
			            yp->problem_mark.line + 1, yp->problem_mark.column + 1,
			            problem, yp->context, yp->context_mark.line + 1);
		return errf(err, "%s:%zu:%zu: invalid YAML: %s", name,
		            yp->problem_mark.line + 1, yp->problem_mark.column + 1, problem);
	}
}

/* A first pass over the events: syntax errors, and nesting bounded before
 * the document is built (libyaml's scanner is quadratic in flow depth, so
 * a 1 MiB "[[[[..." would otherwise take hours). */
static int cp_prescan(const char *text, size_t len, const char *name, char err[ERR_MAX])
{
	yaml_parser_t yp;
	yaml_event_t ev;
	int depth = 0, rc = -1;

	if (!yaml_parser_initialize(&yp))
		return errf(err, "%s: out of memory", name);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&yp, &ev)) {
			cp_syntax_error(&yp, text, len, name, err);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > CONFIG_DEPTH_MAX) {
				errf(err, "%s:%zu:%zu: nested deeper than %d levels", name,
				     ev.start_mark.line + 1, ev.start_mark.column + 1, CONFIG_DEPTH_MAX);
				yaml_event_delete(&ev);
				break;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			rc = 0;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	return rc;
}

static int config_parse_mark(struct config *c, const char *text, size_t len, const char *name,
                             char err[ERR_MAX], yaml_mark_t *secret_mark, bool *has_secret)
{
	yaml_parser_t yp;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	struct cp p = { .c = c, .doc = &doc, .name = name ? name : "config", .err = err };
	int rc = -1;

	if (cp_prescan(text, len, p.name, err) < 0)
		return -1;
	if (!yaml_parser_initialize(&yp))
		return errf(err, "%s: out of memory", p.name);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	if (!yaml_parser_load(&yp, &doc)) {
		cp_syntax_error(&yp, text, len, p.name, err);
		yaml_parser_delete(&yp);
		return -1;
	}
	if (config_schema_read(&p, yaml_document_get_root_node(&doc)) < 0)
		goto out;
	/* A second document is a mistake worth knowing about (or a syntax error). */
	if (!yaml_parser_load(&yp, &extra)) {
		cp_syntax_error(&yp, text, len, p.name, err);
		goto out;
	}
	root = yaml_document_get_root_node(&extra);
	if (root)
		config_warn_at(&p, root, "", "only the first YAML document is read");
	yaml_document_delete(&extra);
	if (secret_mark && p.has_secret) {
		*secret_mark = p.secret_mark;
		*has_secret = true;
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&yp);
	return rc;
}

int config_parse(struct config *c, const char *text, size_t len, const char *name, char err[ERR_MAX])
{
	return config_parse_mark(c, text ? text : "", text ? len : 0, name, err, NULL, NULL);
}

/* Warn about a secret file that others can read. */
static void config_check_secret_file(struct config *c, const char *file)
{
	struct stat st;

	if (file && stat(file, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		config_warn(c, xasprintf("%s: secret file is readable by group/other "
		                         "(mode %04o); chmod 600 it", file,
		                         (unsigned)(st.st_mode & 07777)));
}

static void config_check_http_files(struct config *c, const struct http_opts *h)
{
	config_check_secret_file(c, h->bearer_token_file);
	config_check_secret_file(c, h->basic_password_file);
	config_check_secret_file(c, h->key_file);
}

int config_load_file(struct config *c, const char *path, char err[ERR_MAX])
{
	char *text = NULL;
	size_t len = 0, i, n_am = c->n_am, n_prom = c->n_prom;
	yaml_mark_t mark = {0, 0, 0};
	bool has_secret = false;
	struct stat st;
	int rc;

	if (!path)
		return errf(err, "no config file given");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return errf(err, "%s: is a directory", path);
	if (read_file(path, CONFIG_FILE_MAX, &text, &len, err) < 0)
		return -1;
	rc = config_parse_mark(c, text, len, path, err, &mark, &has_secret);
	free(text);
	if (rc < 0)
		return -1;
	config_str_set(&c->path, xstrdup(path));
	if (has_secret && stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		config_warn(c, xasprintf("%s:%zu:%zu: the config names a secret file and is "
		                         "readable by group/other (mode %04o); chmod 600 %s",
		                         path, mark.line + 1, mark.column + 1,
		                         (unsigned)(st.st_mode & 07777), path));
	for (i = n_am; i < c->n_am; i++)
		config_check_http_files(c, &c->am[i].http);
	for (i = n_prom; i < c->n_prom; i++)
		config_check_http_files(c, &c->prom[i].http);
	return 0;
}

/* ---- defaults, flags ---- */

void config_init(struct config *c)
{
	const char *state = getenv("XDG_STATE_HOME");

	memset(c, 0, sizeof *c);
	c->refresh_ms = 15000;
	c->exec_shell = xstrdup("/bin/sh");
	c->exec_timeout_ms = 60000;
	c->exec_output_limit = 1024 * 1024;
	if (state && state[0] == '/')
		c->timeline_dir = xasprintf("%s/pagetty/incidents", state);
	else
		c->timeline_dir = path_expand("~/.local/state/pagetty/incidents");
}

void config_clear_alertmanagers(struct config *c)
{
	for (size_t i = 0; i < c->n_am; i++) {
		free(c->am[i].name);
		config_strv_free(c->am[i].urls, c->am[i].n_urls);
		config_http_opts_free(&c->am[i].http);
	}
	free(c->am);
	c->am = NULL;
	c->n_am = 0;
}

void config_free(struct config *c)
{
	size_t i;

	free(c->path);
	config_clear_alertmanagers(c);
	for (i = 0; i < c->n_prom; i++) {
		free(c->prom[i].name);
		free(c->prom[i].url);
		config_http_opts_free(&c->prom[i].http);
	}
	free(c->prom);
	config_strv_free(c->runbook_dirs, c->n_runbook_dirs);
	free(c->runbook_base_url);
	config_strv_free(c->slo_files, c->n_slo_files);
	free(c->slo_prometheus);
	for (i = 0; i < c->n_signals; i++)
		config_signal_clear(&c->signals[i]);
	free(c->signals);
	free(c->exec_shell);
	free(c->timeline_dir);
	config_strv_free(c->warnings, c->n_warnings);
	memset(c, 0, sizeof *c);
}

char *config_default_path(void)
{
	const char *env = getenv("PAGETTY_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (env && *env)
		return xstrdup(env);
	/* The XDG spec says a relative XDG_CONFIG_HOME is to be ignored. */
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/pagetty/config.yaml", xdg);
	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : ".";
	}
	return xasprintf("%s/.config/pagetty/config.yaml", home);
}

int config_add_alertmanager(struct config *c, const char *url, char err[ERR_MAX])
{
	char msg[ERR_MAX], *u;
	struct am_cluster *am;

	u = config_url_check(url ? url : "", msg, sizeof msg);
	if (!u)
		return errf(err, "%s", msg);
	c->am = xrealloc(c->am, (c->n_am + 1) * sizeof *c->am);
	am = &c->am[c->n_am++];
	memset(am, 0, sizeof *am);
	am->name = url_display_name(u);
	am->urls = xmalloc(sizeof *am->urls);
	am->urls[0] = u;
	am->n_urls = 1;
	return 0;
}

int config_add_prometheus(struct config *c, const char *url, char err[ERR_MAX])
{
	char msg[ERR_MAX], *u;
	struct prom_source *ps;

	u = config_url_check(url ? url : "", msg, sizeof msg);
	if (!u)
		return errf(err, "%s", msg);
	c->prom = xrealloc(c->prom, (c->n_prom + 1) * sizeof *c->prom);
	ps = &c->prom[c->n_prom++];
	memset(ps, 0, sizeof *ps);
	ps->name = url_display_name(u);
	ps->url = u;
	return 0;
}

void config_add_runbook_dir(struct config *c, const char *dir)
{
	if (dir && *dir)
		config_strv_push(&c->runbook_dirs, &c->n_runbook_dirs, path_expand(dir));
}

void config_add_slo_file(struct config *c, const char *file)
{
	if (file && *file)
		config_strv_push(&c->slo_files, &c->n_slo_files, path_expand(file));
}

/* ---- URL display ---- */

/* Split url into [scheme://][userinfo@]authority...: *auth is where the
 * authority starts after any userinfo, *ui where the userinfo starts. */
static void url_split(const char *url, const char **ui, const char **auth, const char **end)
{
	const char *s = strstr(url, "://"), *at;

	if (s && (size_t)(s - url) == strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."))
		s += 3;
	else if (s && !memchr(url, '@', strcspn(url, "/?#")))
		s += 3; /* "ht tp://u:pw@h": no scheme, but still redact after "://" */
	else
		s = url;
	*ui = s;
	*end = s + strcspn(s, "/?#");
	at = memrchr(s, '@', (size_t)(*end - s));
	*auth = at ? at + 1 : s;
}

char *url_display_name(const char *url)
{
	const char *ui, *auth, *end;

	if (!url)
		return NULL;
	url_split(url, &ui, &auth, &end);
	if (auth == end)
		return url_redact(url);
	return xstrndup(auth, (size_t)(end - auth));
}

char *url_redact(const char *url)
{
	const char *ui, *auth, *end;

	if (!url)
		return NULL;
	url_split(url, &ui, &auth, &end);
	if (auth == ui)
		return xstrdup(url);
	return xasprintf("%.*s***@%s", (int)(ui - url), url, auth);
}
