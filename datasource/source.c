/* source.c: what every alert source shares: freeing one. The ops' free
 * releases the kind-specific part (priv, in-flight requests and timers);
 * the common members are released here. */
#include "source.h"

#include <stdlib.h>

void source_free(struct source *s)
{
	if (!s)
		return;
	if (s->ops && s->ops->free)
		s->ops->free(s);
	alert_list_free(&s->alerts);
	silence_list_free(&s->silences);
	free(s->name);
	free(s);
}
