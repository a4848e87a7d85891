/* Hiring: the traits people are drawn with, growth of the headcount, attrition,
 * placement in the tree, ramp-up and the mentoring drag of new hires (MODEL.md §2
 * "Agent" and §3 "The organisation and its growth"). Keys and checks only for now; the
 * behaviour arrives with the issue "Behaviour". */
#ifndef TS_MODELS_HIRING_H
#define TS_MODELS_HIRING_H

#include "module.h"

extern const ts_module ts_module_hiring;

#endif
