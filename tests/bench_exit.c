/* make bench: from a command's last byte of output (stdout or stderr) to
 * its exit, in ms: what its teardown costs the user waiting at a prompt.
 *   bench_exit COMMAND [ARGS...]
 * prints "MS EXITCODE". */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	double last = 0;
	char buf[65536];
	int fds[2], status;
	pid_t pid;

	if (argc < 2 || pipe(fds))
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (!pid) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	close(fds[1]);
	/* The pipe ends when the child's last copy of it closes: at exit. */
	for (;;) {
		ssize_t n = read(fds[0], buf, sizeof(buf));

		if (n <= 0)
			break;
		last = now_ms();
	}
	waitpid(pid, &status, 0);
	printf("%.1f %d\n", now_ms() - last, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}
