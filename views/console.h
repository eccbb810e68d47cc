/* console.h: the interactive console's entry point (main.c calls it). */
#ifndef PAGETTY_CONSOLE_H
#define PAGETTY_CONSOLE_H

#include <stdbool.h>

#include "../core/config.h"

/* Build the loop, http, the sources (one per cfg->am[i], or the demo
 * scenario only), start the screen and run until quit. The terminal is
 * always restored. Returns the exit code: 0 normal quit, 2 when the
 * terminal cannot run a full-screen console, 128+signal on SIGTERM/SIGHUP. */
int console_run(struct config *cfg, bool demo);

#endif
