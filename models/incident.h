/* Incident: crunch time. A scheduled event that pulls responders off their work, splits
 * the work into streams led by trusted people and shows how trust limits parallel work
 * (MODEL.md §7, "Crunch time: an incident"). Event kind and checks only for now; the
 * behaviour arrives with the issue "Behaviour". */
#ifndef TS_MODELS_INCIDENT_H
#define TS_MODELS_INCIDENT_H

#include "module.h"

extern const ts_module ts_module_incident;

#endif
