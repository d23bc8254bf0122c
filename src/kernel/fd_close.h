/* Closing many BPF links and perf events at once. */
#ifndef SCHEDTAP_FD_CLOSE_H
#define SCHEDTAP_FD_CLOSE_H

/* Close every fd >= 0 in fds[0..n) and set it to -1; returns when all are
 * closed. Concurrently where threads can be made, one after another
 * otherwise. */
void fd_close_all(int *fds, int n);
#endif
