/* scenario_canned.c: the demo's canned answers to the shipped runbooks'
 * commands (runbooks/demo-canned.yaml, a drill `canned:` list, see
 * docs/drills.md) compiled into the binary, so `pagetty --demo` answers
 * every step with no file beside it. The assembler includes the file's
 * bytes (.incbin, path relative to the top of the tree, where make runs the
 * compiler) followed by a NUL; the Makefile rebuilds this object when the
 * YAML changes. */
#include "source.h"

__asm__(".section .rodata\n"
        ".global scenario_canned_bytes\n"
        ".hidden scenario_canned_bytes\n"
        ".type scenario_canned_bytes, @object\n"
        "scenario_canned_bytes:\n"
        ".incbin \"runbooks/demo-canned.yaml\"\n"
        ".byte 0\n"
        ".size scenario_canned_bytes, . - scenario_canned_bytes\n"
        ".previous\n");

extern const char scenario_canned_bytes[];

const char *scenario_canned_yaml(void)
{
	return scenario_canned_bytes;
}
