/* Offsites: regular days away where people meet others of their department (MODEL.md
 * §6.11). On when its section `tactics.offsites` is present unless it says enabled:
 * false. Keys only for now; the behaviour arrives with the issue "Trust-building
 * tactics". */
#ifndef TS_MODELS_OFFSITES_H
#define TS_MODELS_OFFSITES_H

#include "module.h"

extern const ts_module ts_module_offsites;

#endif
