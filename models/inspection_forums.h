/* Inspection forums: leaders regularly review the work in their part of the tree with
 * the managers who present it, which finds concealed defects (MODEL.md §6.6). On when
 * its section `tactics.inspection_forums` is present unless it says enabled: false. Keys
 * only for now; the behaviour arrives with the issue "Trust-building tactics". */
#ifndef TS_MODELS_INSPECTION_FORUMS_H
#define TS_MODELS_INSPECTION_FORUMS_H

#include "module.h"

extern const ts_module ts_module_inspection_forums;

#endif
