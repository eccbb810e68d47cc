/* http_auth.c: the Authorization header of a request, resolved at request
 * time from where the config says the secret lives (an env var or a file):
 * bearer tokens and basic auth. Secrets are trimmed, checked for line breaks
 * (header injection), wiped from memory after use, and never put in an
 * error message or a log. */
#include "http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SECRET_MAX 65536

static char *http_trim_dup(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* Read a secret from an env var or a file (trimmed). Malloced or NULL with
 * err; what says which secret, never its value. */
static char *http_secret(const char *env, const char *file, const char *what,
                         char err[ERR_MAX])
{
	char *v = NULL, *raw = NULL, *path;
	size_t len = 0;

	if (env) {
		const char *e = getenv(env);
		if (!e) {
			errf(err, "%s: environment variable %s is not set", what, env);
			return NULL;
		}
		v = http_trim_dup(e, strlen(e));
	} else if (file) {
		char ferr[ERR_MAX];
		path = path_expand(file);
		if (read_file(path, HTTP_SECRET_MAX, &raw, &len, ferr) < 0) {
			errf(err, "%s: %s", what, ferr);
			free(path);
			return NULL;
		}
		free(path);
		if (memchr(raw, '\0', len)) {
			errf(err, "%s: the file holds a NUL byte", what);
			explicit_bzero(raw, len);
			free(raw);
			return NULL;
		}
		v = http_trim_dup(raw, len);
		explicit_bzero(raw, len);
		free(raw);
	} else {
		return xstrdup("");
	}
	if (!*v || strpbrk(v, "\r\n")) {
		errf(err, "%s is empty or holds a line break", what);
		free(v);
		return NULL;
	}
	return v;
}

static char *http_base64(const char *s, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc(4 * ((n + 2) / 3) + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8 |
		             (unsigned char)s[i + 2];
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = tab[v >> 6 & 63];
		*o++ = tab[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

char *http_auth_header(const struct http_opts *opts, char err[ERR_MAX])
{
	char *tok, *pass, *pair, *enc, *out;

	if (err)
		err[0] = '\0';
	if (!opts)
		return NULL;
	if (opts->bearer_token_env || opts->bearer_token_file) {
		tok = http_secret(opts->bearer_token_env, opts->bearer_token_file,
		                  "bearer token", err);
		if (!tok)
			return NULL;
		out = xasprintf("Bearer %s", tok);
		explicit_bzero(tok, strlen(tok));
		free(tok);
		return out;
	}
	if (opts->basic_username) {
		if (strpbrk(opts->basic_username, ":\r\n")) {
			errf(err, "basic auth username holds ':' or a line break");
			return NULL;
		}
		pass = http_secret(opts->basic_password_env, opts->basic_password_file,
		                   "basic auth password", err);
		if (!pass)
			return NULL;
		pair = xasprintf("%s:%s", opts->basic_username, pass);
		enc = http_base64(pair, strlen(pair));
		out = xasprintf("Basic %s", enc);
		explicit_bzero(pass, strlen(pass));
		explicit_bzero(pair, strlen(pair));
		free(pass);
		free(pair);
		free(enc);
		return out;
	}
	return NULL;
}
