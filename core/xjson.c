/* xjson.c: OOM-aborting cJSON builders. */
#include "xjson.h"

#include <stdio.h>
#include <stdlib.h>

void xjson_oom(void)
{
	fputs("pagetty: out of memory (cJSON)\n", stderr);
	abort();
}

cJSON *xjson(cJSON *j)
{
	if (!j)
		xjson_oom();
	return j;
}

void xjson_add(cJSON *obj, const char *name, cJSON *item)
{
	if (!cJSON_AddItemToObject(obj, name, item))
		xjson_oom();
}

void xjson_push(cJSON *arr, cJSON *item)
{
	if (!cJSON_AddItemToArray(arr, item))
		xjson_oom();
}
