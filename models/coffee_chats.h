/* Coffee chats: informal meetings with random people of other teams, which turn
 * strangers into acquaintances (MODEL.md §6.7). On when its section
 * `tactics.coffee_chats` is present unless it says enabled: false. Keys only for now;
 * the behaviour arrives with the issue "Trust-building tactics". */
#ifndef TS_MODELS_COFFEE_CHATS_H
#define TS_MODELS_COFFEE_CHATS_H

#include "module.h"

extern const ts_module ts_module_coffee_chats;

#endif
