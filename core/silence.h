/* silence.h: Alertmanager silences (API v2): decode the list, encode a new
 * silence, and decide which alerts a set of matchers would mute. Pure. */
#ifndef PAGETTY_SILENCE_H
#define PAGETTY_SILENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "alert.h"
#include "util.h"

struct silence_matcher {
	char *name;  /* owned */
	char *value; /* owned */
	bool is_regex;
	bool is_equal; /* false for != and !~ */
};

struct silence {
	char *id;          /* owned; NULL for a silence not yet created */
	struct silence_matcher *matchers; /* owned array */
	size_t n_matchers;
	double starts, ends; /* epoch seconds */
	char *created_by;  /* owned */
	char *comment;     /* owned */
	char *state;       /* owned: "active", "pending", "expired" */
	char *cluster;     /* owned: configured Alertmanager name */
};

struct silence_list {
	struct silence **v; /* owned */
	size_t n, cap;
};

/* Decode GET /api/v2/silences. Returns 0 or -1 with err. */
int silence_list_from_json(const char *buf, size_t len, const char *cluster,
                           struct silence_list *out, char err[ERR_MAX]);
/* Body for POST /api/v2/silences (no id). Returns malloced JSON. */
char *silence_to_json(const struct silence *s);
/* The new silence's id from the POST response {"silenceID": "..."}; malloced or NULL. */
char *silence_id_from_response(const char *buf, size_t len, char err[ERR_MAX]);

/* Matchers that mute exactly this alert's label set: every label, equality. */
void silence_from_alert(struct silence *s, const struct alert *a);
/* Does the silence's matcher set match these labels (regexes anchored, as
 * Alertmanager does)? Invalid regexes match nothing. */
bool silence_matches(const struct silence *s, const struct labelset *labels);
/* How many alerts of l (of s->cluster only, when s->cluster is set) it would mute. */
size_t silence_count_muted(const struct silence *s, const struct alert_list *l);

void silence_list_push(struct silence_list *l, struct silence *s); /* takes s */
void silence_list_clear(struct silence_list *l);
void silence_list_free(struct silence_list *l);
void silence_free(struct silence *s); /* frees members and s */
/* A deep copy (NULL members stay NULL; a matcher's NULL name or value
 * becomes ""). The demo and drill sources keep what they are given. */
struct silence *silence_dup(const struct silence *src);

#endif
