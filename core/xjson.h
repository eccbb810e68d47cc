/* xjson.h: cJSON builders that abort on out-of-memory, like the x-wrappers
 * of util.h (cJSON's own return NULL, which pagetty never handles twice). */
#ifndef PAGETTY_XJSON_H
#define PAGETTY_XJSON_H

#include <cJSON.h>

void xjson_oom(void) __attribute__((noreturn));
cJSON *xjson(cJSON *j);                                   /* j, or abort when NULL */
void xjson_add(cJSON *obj, const char *name, cJSON *item); /* takes item */
void xjson_push(cJSON *arr, cJSON *item);                  /* takes item */

#endif
