/* template.h: alert context for runbook commands, never as code
 * (DESIGN.md §5). The environment a step's command runs with, and the
 * expansion of `{{ $labels.name }}` placeholders into shell words or PromQL
 * string literals that no label value can break out of. Pure. */
#ifndef PAGETTY_TEMPLATE_H
#define PAGETTY_TEMPLATE_H

#include <stdbool.h>

#include "alert.h"
#include "labels.h"
#include "util.h"

/* Set the alert's context into env, a set holding each name once (entries
 * of the same name are replaced; nothing else in env is touched):
 *   PAGETTY_ALERTNAME, PAGETTY_FINGERPRINT, PAGETTY_CLUSTER,
 *   PAGETTY_STARTS_AT (as received, or formatted from a->starts; "" if unknown),
 *   PAGETTY_LABEL_<name> and PAGETTY_ANNOTATION_<name> for each one.
 * A name that is not a shell identifier has every byte outside [A-Za-z0-9_]
 * mapped to '_' (`app.kubernetes.io/name` -> `app_kubernetes_io_name`); when
 * two names map to one variable, a name that needed no mapping wins, else
 * the first. Empty names are skipped. Values are copied byte-exact. New
 * variables are appended in this order: the labels (mapped names first),
 * the annotations (likewise), the four above.
 * O(n log n) in the number of labels and annotations (template_env.c). */
void template_env(const struct alert *a, struct labelset *env);

/* Expand the placeholders in code (a runbook block's command) with a's values:
 *   {{ $labels.NAME }}  {{$labels.NAME}}    the label (NAME: [A-Za-z_][A-Za-z0-9_]*)
 *   {{ $annotations.NAME }}                 the annotation
 *   {{ $alertname }}                        the alertname label
 * (any blanks inside the braces). Anything else between {{ and }}, an
 * unterminated {{, and a {{ right after an escaping backslash are left as is.
 *
 * Shell (promql false): the value becomes ONE single-quoted word, ' written
 * as '\''. Where the placeholder sits decides the form: unquoted (also inside
 * $(...)) -> 'v'; inside "..." -> "'v'" (the double quotes are closed and
 * reopened, so the word stays one argument); inside '...' -> v with ' as
 * '\''; inside a # comment -> left as is. Where single quotes cannot be made
 * safe -- inside `...`, ${...}, $((...)), $'...', a here-document or its
 * delimiter, right after an unescaped '$', or anywhere after shell syntax
 * this scanner does not follow (a `case` inside $(...)) -- the expansion is
 * refused: -1, err names the placeholder and suggests "$PAGETTY_LABEL_NAME".
 * A leading '-' stays a value, not code; commands should still use "--".
 *
 * PromQL (promql true): inside "..." or '...' the value is string content
 * with \, the quote, control bytes (\n \t \r \xNN) and invalid UTF-8 (\xNN)
 * escaped; outside a string it becomes a whole "..." literal; inside a raw
 * `...` string it is copied, and refused if it holds a backtick; inside a
 * # comment it is left as is.
 *
 * A placeholder naming a label or annotation the alert does not have gives
 * '' (shell) or an empty string (PromQL), and counts as a warning, as does a
 * {{ ... }} that is left as is.
 *
 * Returns the number of warnings (0: clean; err holds the first warning
 * otherwise) with *out malloced, or -1 with err filled and *out NULL. Code
 * without placeholders always comes back unchanged. a may be NULL (every
 * placeholder is then unknown). */
int template_expand(const char *code, bool promql, const struct alert *a, char **out,
                    char err[ERR_MAX]);

/* s as one single-quoted POSIX shell word ("'" + s with ' as '\'' + "'").
 * NULL gives "''". Malloced. */
char *template_shell_quote(const char *s);

#endif
