/* The wall clock the engine and the commands time themselves with. */
#ifndef TS_CLOCK_H
#define TS_CLOCK_H

/* Seconds on a monotonic clock (CLOCK_MONOTONIC: never steps back, unmoved by changes to
 * the date); only differences between two readings mean anything. */
double ts_clock_seconds(void);

#endif
