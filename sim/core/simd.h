/* Hot loops over blocks of models compiled for several vector widths, the widest the
 * processor has picked when the program starts (GCC's target_clones, an ifunc). Every
 * clone computes the same numbers: the loops are element by element (additions,
 * multiplications, divisions and square roots, each correctly rounded whatever the width),
 * no sum is reordered, and no multiply-add is fused (-ffp-contract=off; the targets named
 * here do not include FMA). Only GCC on x86-64 with glibc; elsewhere, and in the sanitizer
 * trees, one plain build. */
#ifndef TS_SIM_CORE_SIMD_H
#define TS_SIM_CORE_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) &&       \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && !defined(TS_NO_CLONES)
#define TS_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TS_VECTOR_CLONES
#endif

#endif
