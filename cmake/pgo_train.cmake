# The training run of the profile-guided build (CMakeLists.txt, TRUSTSIM_PGO): runs the
# instrumented trustsim on work like the benchmarks' and leaves its profile in DATA.
# Usage: cmake -DBIN=instrumented-trustsim -DSRC=source-dir -DDATA=profile-dir
#              -DWORK=scratch-dir -DSTAMP=file -P pgo_train.cmake
# A profile left by an earlier training is removed first: counts of old code would be
# merged into the new ones. The stamp is written last, only when every step succeeded.
foreach(v BIN SRC DATA WORK STAMP)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "pgo_train.cmake: -D${v}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${DATA}")
file(REMOVE "${STAMP}")
file(MAKE_DIRECTORY "${WORK}")

# Every tactic that scenarios/tactics.yaml compares, switched on at once.
file(READ "${SRC}/scenarios/tactics.yaml" tactics_yaml)
string(REGEX MATCHALL "tactics\\.[a-z_]+:" tactic_keys "${tactics_yaml}")
list(REMOVE_DUPLICATES tactic_keys)
set(every_tactic "")
foreach(key IN LISTS tactic_keys)
  string(REGEX REPLACE ":$" "" key "${key}")
  string(APPEND every_tactic " --set ${key}={}")
endforeach()

# One thread: the counters are not atomic (-fprofile-update=single).
# 1. The sweep benchmark: default scenario runs written as `trustsim run` writes them.
# 2. A larger organisation (blocks of agents, full model stores) with every tactic on.
set(steps
    "bench --sweep 8 --threads 1"
    "bench --agents 3000 --days 60 --threads 1${every_tactic}")
foreach(step IN LISTS steps)
  separate_arguments(args UNIX_COMMAND "${step}")
  execute_process(COMMAND "${BIN}" ${args} WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "profile-guided build: the training step `trustsim ${step}` failed "
                        "(exit ${rc}): ${err}\nConfigure with -DTRUSTSIM_PGO=OFF to build "
                        "without a profile.")
  endif()
endforeach()
file(TOUCH "${STAMP}")
