/* Ask for help: a person unsure of itself in a task's domain asks the teammate it trusts
 * most there; asking raises the success chance and builds trust both ways (MODEL.md
 * §6.9). On when its section `tactics.ask_for_help` is present unless it says enabled:
 * false. Keys only for now; the behaviour arrives with the issue "Trust-building
 * tactics". */
#ifndef TS_MODELS_ASK_FOR_HELP_H
#define TS_MODELS_ASK_FOR_HELP_H

#include "module.h"

extern const ts_module ts_module_ask_for_help;

#endif
