#include "modules.h"

#include "keys.h"

#include "accountability.h"
#include "ai.h"
#include "alignment.h"
#include "ask_for_help.h"
#include "broadcast.h"
#include "coffee_chats.h"
#include "departments.h"
#include "commiserate.h"
#include "declare_limits.h"
#include "defensiveness.h"
#include "decisions.h"
#include "feedback.h"
#include "hated_tasks.h"
#include "hiring.h"
#include "incident.h"
#include "inspection_forums.h"
#include "leader_vulnerability.h"
#include "offsites.h"
#include "openness.h"
#include "onboarding.h"
#include "one_on_ones.h"
#include "overview_listening.h"
#include "repair.h"
#include "shared_goals.h"
#include "status_updates.h"
#include "transitive_trust.h"
#include "trenches.h"
#include "trial_tasks.h"
#include "trust.h"
#include "understanding.h"
#include "work.h"

const ts_module *const ts_modules[] = {
    &ts_module_trust,
    &ts_module_work,
    &ts_module_repair,
    &ts_module_hiring,
    &ts_module_incident,
    &ts_module_alignment,
    &ts_module_one_on_ones,
    &ts_module_feedback,
    &ts_module_broadcast,
    &ts_module_trial_tasks,
    &ts_module_status_updates,
    &ts_module_inspection_forums,
    &ts_module_coffee_chats,
    &ts_module_transitive_trust,
    &ts_module_ask_for_help,
    &ts_module_onboarding,
    &ts_module_offsites,
    &ts_module_decisions,
    &ts_module_accountability,
    &ts_module_leader_vulnerability,
    &ts_module_departments,
    &ts_module_understanding,
    &ts_module_shared_goals,
    &ts_module_openness,
    &ts_module_trenches,
    &ts_module_hated_tasks,
    &ts_module_overview_listening,
    &ts_module_commiserate,
    &ts_module_declare_limits,
    &ts_module_defensiveness,
    &ts_module_ai,
};
const size_t ts_n_modules = sizeof ts_modules / sizeof ts_modules[0];

/* Room for the assembled schema; generous, since the tests check the actual counts. */
enum { MODULES_MAX_SECTIONS = 64, MODULES_MAX_EVENT_KINDS = 16, MODULES_MAX_VALIDATORS = 32 };

/* The schema is a pure function of constant tables, so it is built once and then only
 * read. This is the one piece of lazily initialised static state in the schema code;
 * the first call must come from the main thread before any parallel region. */
static struct {
    int built;
    int failed;
    const ts_section *sections[MODULES_MAX_SECTIONS];
    const ts_event_kind *event_kinds[MODULES_MAX_EVENT_KINDS];
    ts_validate_fn validators[MODULES_MAX_VALIDATORS];
    ts_schema schema;
} modules_schema;

static void modules_build_schema(void) {
    size_t ns = 0;
    size_t ne = 0;
    size_t nv = 0;
    int ok = 1;
    for (size_t i = 0; i < ts_keys_n_sections && ok; i++) {
        ok = ns < MODULES_MAX_SECTIONS;
        if (ok) {
            modules_schema.sections[ns++] = ts_keys_sections[i];
        }
    }
    modules_schema.validators[nv++] = ts_keys_validate;
    for (size_t m = 0; m < ts_n_modules && ok; m++) {
        const ts_module *mod = ts_modules[m];
        for (size_t i = 0; i < mod->n_sections && ok; i++) {
            ok = ns < MODULES_MAX_SECTIONS;
            if (ok) {
                modules_schema.sections[ns++] = mod->sections[i];
            }
        }
        for (size_t i = 0; i < mod->n_event_kinds && ok; i++) {
            ok = ne < MODULES_MAX_EVENT_KINDS;
            if (ok) {
                modules_schema.event_kinds[ne++] = mod->event_kinds[i];
            }
        }
        if (mod->validate != NULL && ok) {
            ok = nv < MODULES_MAX_VALIDATORS;
            if (ok) {
                modules_schema.validators[nv++] = mod->validate;
            }
        }
    }
    modules_schema.schema = (ts_schema){
        .sections = modules_schema.sections,
        .n_sections = ns,
        .event_kinds = modules_schema.event_kinds,
        .n_event_kinds = ne,
        .validators = modules_schema.validators,
        .n_validators = nv,
    };
    modules_schema.failed = !ok;
    modules_schema.built = 1;
}

const ts_schema *ts_modules_schema(void) {
    if (!modules_schema.built) {
        modules_build_schema();
    }
    return modules_schema.failed ? NULL : &modules_schema.schema;
}
