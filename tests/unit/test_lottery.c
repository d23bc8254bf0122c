/* schedtap lottery's arithmetic: tickets, shares by CPU group, Jain's
 * index, the simulator's spread, and the CSV reader on hostile input. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "lottery/cmd.h"
#include "lottery/csv.h"
#include "lottery/share.h"
#include "lottery/sim.h"
#include "lottery/tickets.h"
#include "unit.h"
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN 1
#endif

static void tickets_follow_cfs_weights(void)
{
	CHECK(lottery_tickets_of_nice(0, LOTTERY_TICKETS_WEIGHT) == 1024);
	CHECK(lottery_tickets_of_nice(5, LOTTERY_TICKETS_WEIGHT) == 335);
	CHECK(lottery_tickets_of_nice(10, LOTTERY_TICKETS_WEIGHT) == 110);
	CHECK(lottery_tickets_of_nice(-20, LOTTERY_TICKETS_WEIGHT) == 88761);
	CHECK(lottery_tickets_of_nice(19, LOTTERY_TICKETS_WEIGHT) == 15);
	CHECK(lottery_tickets_of_nice(20, LOTTERY_TICKETS_WEIGHT) == 0);
	/* Each step is about 1.25x (the table's design: ~10% of CPU per step). */
	for (int n = -20; n < 19; n++) {
		double r = (double)lottery_tickets_of_nice(n, LOTTERY_TICKETS_WEIGHT) /
			   lottery_tickets_of_nice(n + 1, LOTTERY_TICKETS_WEIGHT);

		CHECK(r > 1.18 && r < 1.33);
	}
	CHECK(lottery_tickets_of_nice(-20, LOTTERY_TICKETS_LINEAR) == 40);
	CHECK(lottery_tickets_of_nice(0, LOTTERY_TICKETS_LINEAR) == 20);
	CHECK(lottery_tickets_of_nice(19, LOTTERY_TICKETS_LINEAR) == 1);
}

static void nice_only_for_cfs_prios(void)
{
	int nice = 99;

	CHECK(lottery_nice_of_prio(120, &nice) && nice == 0);
	CHECK(lottery_nice_of_prio(100, &nice) && nice == -20);
	CHECK(lottery_nice_of_prio(139, &nice) && nice == 19);
	CHECK(!lottery_nice_of_prio(99, &nice));	/* real-time */
	CHECK(!lottery_nice_of_prio(-1, &nice));	/* deadline */
	CHECK(!lottery_nice_of_prio(140, &nice));
}

static struct lot_row row(uint32_t pid, uint32_t tickets, uint64_t delta, uint64_t cpus)
{
	struct lot_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.t.tickets = tickets;
	r.delta_ns = delta;
	r.cpus = cpus;
	return r;
}

static int near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

static void shares_by_cpu_group(void)
{
	/* CPU 0: 1024 vs 335 tickets; CPU 1: one task alone; a task that
	 * barely ran (a kernel thread) is left out; an RT task too. */
	struct lot_row r[5] = {
		row(1, 1024, 700, 0x1), row(2, 335, 300, 0x1), row(3, 1024, 1000, 0x2),
		row(4, 1024, 1, 0x1), row(5, 0, 900, 0x1),
	};
	struct lot_share_summary s;

	lot_share_compute(r, 5, 1000, 0.01, &s);
	CHECK(s.tasks == 3 && s.groups == 2);
	CHECK(r[0].competing && r[1].competing && r[2].competing);
	CHECK(!r[3].competing && !r[4].competing);
	CHECK(r[0].group == r[1].group && r[2].group != r[0].group);
	CHECK(near(r[0].expected, 1024.0 / 1359) && near(r[0].actual, 0.7));
	CHECK(near(r[2].expected, 1) && near(r[2].actual, 1));
	CHECK(s.worst_pid == 1 || s.worst_pid == 2);
	CHECK(s.worst_pp > 5.3 && s.worst_pp < 5.4);
}

static void groups_join_through_a_shared_cpu(void)
{
	/* 1 ran on CPU 0, 3 on CPU 1, 2 on both: one lottery of three. */
	struct lot_row r[3] = { row(1, 100, 10, 0x1), row(2, 100, 10, 0x3), row(3, 100, 10, 0x2) };
	struct lot_share_summary s;

	lot_share_compute(r, 3, 10, 0.01, &s);
	CHECK(s.groups == 1 && s.tasks == 3);
	CHECK(near(s.jain, 1) && near(s.worst_pp, 0));
}

static void jain_bounds(void)
{
	double fair[4] = { 1, 1, 1, 1 }, hog[4] = { 4, 0, 0, 0 };

	CHECK(near(jain_index(fair, 4), 1));
	CHECK(near(jain_index(hog, 4), 0.25));
	CHECK(near(jain_index(NULL, 0), 1));
}

static void simulation_within_its_spread(void)
{
	uint32_t t[3] = { 1024, 335, 110 };
	uint64_t wins[3], again[3], draws = 200000;

	CHECK(lot_simulate(t, 3, draws, 1, wins) == 0);
	for (int i = 0; i < 3; i++) {
		double p = t[i] / 1469.0, got = (double)wins[i] / (double)draws;
		double sd = lot_spread(p, draws);

		CHECK(got - p < 4 * sd && p - got < 4 * sd);
	}
	CHECK(wins[0] + wins[1] + wins[2] == draws);
	CHECK(lot_simulate(t, 3, draws, 1, again) == 0 && !memcmp(wins, again, sizeof(wins)));
	CHECK(near(lot_spread(0.5, 100), 0.05));
	t[0] = t[1] = t[2] = 0;
	CHECK(lot_simulate(t, 3, 10, 1, wins) < 0);
}

static void csv_rows_strict(void)
{
	struct lot_csv_row r;

	CHECK(lot_csv_parse_row("1795333386.241,614,6210828409,6210.828,950,0,1024", &r) == 0);
	CHECK(r.pid == 614 && r.runtime_ns == 6210828409ull && r.switches == 950);
	CHECK(r.has_nice && r.nice == 0 && r.tickets == 1024);
	CHECK(lot_csv_parse_row("1.5,7,1,0.000,1,,0", &r) == 0 && !r.has_nice);
	CHECK(lot_csv_parse_row("1.5,7,1,0.000,1,-20,88761", &r) == 0 && r.nice == -20);
	CHECK(lot_csv_parse_row("1.5,7,1,0.000,1,-21,1", &r) < 0);
	CHECK(lot_csv_parse_row("1.5,7,1,0.000,1,0", &r) < 0);		/* 6 fields */
	CHECK(lot_csv_parse_row("1.5,7,1,0.000,1,0,1,9", &r) < 0);	/* 8 fields */
	CHECK(lot_csv_parse_row("1.5,-7,1,0.000,1,0,1", &r) < 0);
	CHECK(lot_csv_parse_row("1.5,4294967296,1,0.000,1,0,1", &r) < 0);
	CHECK(lot_csv_parse_row("1.5,7,99999999999999999999,0.000,1,0,1", &r) < 0);
	CHECK(lot_csv_parse_row("1.5,7,1x,0.000,1,0,1", &r) < 0);
	CHECK(lot_csv_parse_row("nan,7,1,0.000,1,0,1", &r) < 0);
	CHECK(lot_csv_parse_row("", &r) < 0);
	/* Timestamps are Unix seconds that fit a u64 as nanoseconds: a
	 * 19-digit one made simulate's conversion undefined (UBSan). */
	CHECK(lot_csv_parse_row("9999999999.999,7,1,0.000,1,0,1", &r) == 0);
	CHECK(lot_csv_parse_row("10000000000,7,1,0.000,1,0,1", &r) < 0);
	CHECK(lot_csv_parse_row("179615889248.5,7,1,0.000,1,0,1", &r) < 0);
}

static int read_text(const char *text, struct lot_csv_window *w, char *why, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	if (!f)
		return -1;
	err = lot_csv_read(f, w, why, len);
	fclose(f);
	return err;
}

static void csv_window_first_and_last(void)
{
	const char *text = LOTTERY_CSV_HEADER "\n"
		"10.000,1,100,0.000,1,0,1024\n10.000,2,50,0.000,1,5,335\n"
		"11.000,1,200,0.000,2,0,1024\n"
		"12.000,1,400,0.000,3,0,1024\n12.000,2,150,0.000,2,5,335\n12.000,3,5,0.000,1,,0\n";
	struct lot_csv_window w;
	char why[128];

	CHECK(read_text(text, &w, why, sizeof(why)) == 0);
	CHECK(w.samples == 3 && w.nfirst == 2 && w.nlast == 3);
	CHECK(w.first[1].pid == 2 && w.last[2].pid == 3 && w.last[0].runtime_ns == 400);
	lot_csv_window_free(&w);
}

static void csv_hostile_files(void)
{
	struct lot_csv_window w;
	char why[128], *long_line;
	size_t n = 4096;

	CHECK(read_text("", &w, why, sizeof(why)) < 0);
	CHECK(read_text("pid,comm\n1,2\n", &w, why, sizeof(why)) < 0 && strstr(why, "line 1"));
	CHECK(read_text(LOTTERY_CSV_HEADER "\n", &w, why, sizeof(why)) < 0);
	CHECK(read_text(LOTTERY_CSV_HEADER "\n1,2,3\n", &w, why, sizeof(why)) < 0 &&
	      strstr(why, "line 2"));
	lot_csv_window_free(&w);
	long_line = malloc(n + 64);
	CHECK(long_line);
	snprintf(long_line, n + 64, "%s\n", LOTTERY_CSV_HEADER);
	memset(long_line + strlen(long_line), '1', n - strlen(long_line));
	long_line[n] = '\n';
	long_line[n + 1] = 0;
	CHECK(read_text(long_line, &w, why, sizeof(why)) < 0 && strstr(why, "longer"));
	lot_csv_window_free(&w);
	free(long_line);
}

/* A file that goes bad after some rows: the rows already read must not
 * outlive the error (simulate's read_csv returned without freeing them). */
static const char csv_bad_after_rows[] = LOTTERY_CSV_HEADER "\n"
	"10.000,1,100,0.000,1,0,1024\n10.000,2,50,0.000,1,5,335\n"
	"11.000,1,200,0.000,2,0,1024\n"
	"11.000,2,oops\n";

static void csv_error_leaves_window_empty(void)
{
	struct lot_csv_window w;
	char why[128];

	CHECK(read_text(csv_bad_after_rows, &w, why, sizeof(why)) == -EINVAL);
	CHECK(strstr(why, "line 5"));
	CHECK(!w.first && !w.last && !w.nfirst && !w.nlast);
}

#ifdef HAVE_LSAN
/* lottery simulate --from on that file fails, and frees what it read:
 * LeakSanitizer, asked now, finds nothing. */
static void simulate_bad_csv_frees_rows(void)
{
	char path[] = "/tmp/schedtap-unit-XXXXXX";
	char *argv[] = { "simulate", "--from", path, NULL };
	int fd = mkstemp(path), r, leaks;
	sigset_t mask;
	ssize_t n;

	CHECK(fd >= 0);
	n = write(fd, csv_bad_after_rows, strlen(csv_bad_after_rows));
	close(fd);
	CHECK(n == (ssize_t)strlen(csv_bad_after_rows));
	sigprocmask(SIG_SETMASK, NULL, &mask);	/* simulate blocks SIGINT/SIGTERM */
	optind = 0;
	r = lottery_simulate(3, argv);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	leaks = __lsan_do_recoverable_leak_check();
	unlink(path);
	CHECK(r != 0);
	CHECK(leaks == 0);
}
#endif

/* The default draw count is the switches the file claims: 2^64 of them
 * drew for ever (SIGTERM blocked meanwhile). Bounded now, the run ends in
 * a child given 60 s, and says how many draws it made. */
static void simulate_default_draws_bounded(void)
{
	static const char text[] = LOTTERY_CSV_HEADER "\n"
		"1.000,1,0,0.000,0,0,1024\n"
		"2.000,1,1000000000,1000.000,18446744073709551615,0,1024\n";
	char in[] = "/tmp/schedtap-unit-XXXXXX", out[] = "/tmp/schedtap-unit-XXXXXX";
	char *argv[] = { "simulate", "--from", in, "--json", NULL }, buf[1024];
	int fd = mkstemp(in), ofd = mkstemp(out), status = -1;
	ssize_t n = -1;
	pid_t pid;

	if (fd >= 0) {
		n = write(fd, text, strlen(text));
		close(fd);
	}
	CHECK(n == (ssize_t)strlen(text) && ofd >= 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(60);
		dup2(ofd, 1);
		optind = 0;
		_exit(lottery_simulate(4, argv));
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	n = pread(ofd, buf, sizeof(buf) - 1, 0);
	close(ofd);
	unlink(in);
	unlink(out);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(strstr(buf, "\"draws_max\":100000000,"));
}

static void csv_append_header_once(void)
{
	char path[] = "/tmp/schedtap-unit-XXXXXX", buf[512];
	int fd = mkstemp(path);
	FILE *f;
	size_t n;

	CHECK(fd >= 0);
	close(fd);
	CHECK(lot_csv_append(path, "1.000,1,2,0.000,3,0,1024\n", 25) == 0);
	CHECK(lot_csv_append(path, "2.000,1,2,0.000,3,0,1024\n", 25) == 0);
	f = fopen(path, "r");
	CHECK(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	CHECK_STR(buf, LOTTERY_CSV_HEADER "\n1.000,1,2,0.000,3,0,1024\n2.000,1,2,0.000,3,0,1024\n");
	/* A file that is not ours is left alone. */
	f = fopen(path, "w");
	CHECK(f);
	fputs("a,b\n", f);
	fclose(f);
	CHECK(lot_csv_append(path, "x\n", 2) == -EPROTO);
	CHECK(lot_csv_append("/dev/full", "x\n", 2) < 0);
	unlink(path);
}

UNIT_SUITE(lottery_tests) = {
	UNIT(tickets_follow_cfs_weights),
	UNIT(nice_only_for_cfs_prios),
	UNIT(shares_by_cpu_group),
	UNIT(groups_join_through_a_shared_cpu),
	UNIT(jain_bounds),
	UNIT(simulation_within_its_spread),
	UNIT(csv_rows_strict),
	UNIT(csv_window_first_and_last),
	UNIT(csv_hostile_files),
	UNIT(csv_error_leaves_window_empty),
#ifdef HAVE_LSAN
	UNIT(simulate_bad_csv_frees_rows),
#endif
	UNIT(simulate_default_draws_bounded),
	UNIT(csv_append_header_once),
	UNIT_END,
};
