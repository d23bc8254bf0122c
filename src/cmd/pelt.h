/* What schedtap pelt reads of the kernel: the struct members and bare
 * tracepoints an offsets file must describe (`schedtap btf offsets`). */
#ifndef SCHEDTAP_CMD_PELT_H
#define SCHEDTAP_CMD_PELT_H

extern const char *const pelt_paths[];		/* NULL-terminated */
extern const char *const pelt_tracepoints[];	/* NULL-terminated */
#endif
