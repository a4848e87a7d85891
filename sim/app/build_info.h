#ifndef TS_BUILD_INFO_H
#define TS_BUILD_INFO_H

/* What this binary is: build type, compiler and whether it was compiled with a training
 * profile, e.g. "Release, GNU 12.2.0, profile-guided". CMakeLists.txt writes its
 * definition (generated/build_info.c); `trustsim --version` and `trustsim bench` print it
 * so that a timing names the build it was taken with. */
extern const char ts_build_info[];

#endif
