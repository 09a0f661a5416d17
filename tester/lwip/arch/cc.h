/*
 * tester/lwip/arch/cc.h: lwIP's platform header for tcpconform-lwip (Linux, glibc,
 * C99 types from <stdint.h>).
 */
#ifndef TCL_LWIP_ARCH_CC_H
#define TCL_LWIP_ARCH_CC_H

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

/* glibc has struct timeval, errno.h and the byte-order functions. */
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

/* Random numbers (the first local port) and diagnostics (to stderr: stdout may be
 * the control channel): tester/lwip/lwip_netif.c. */
unsigned int tcl_lwip_rand(void);
void tcl_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LWIP_RAND() ((u32_t)tcl_lwip_rand())
#define LWIP_PLATFORM_DIAG(x) do { tcl_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { fprintf(stderr, \
		"tcpconform-lwip: lwIP assertion \"%s\" failed at %s:%d\n", \
		(x), __FILE__, __LINE__); fflush(NULL); abort(); } while (0)

#endif /* TCL_LWIP_ARCH_CC_H */
