/* Integration checks that need the library rather than the binary: every
 * built-in program passes the real verifier, a rejected program is shown
 * with the log and our disassembly, and the assembler's macros compute
 * what they claim when the kernel runs them (BPF_PROG_TEST_RUN). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel/bpf_sys.h"
#include "kernel/features.h"
#include "kernel/loader.h"
#include "asm/macros.h"
#include "bpf/pelt.h"
#include "bpf/runqlat.h"
#include "btf/koffsets.h"
#include "cmd/pelt.h"
#include "bpf/trace.h"

static int failures;

static void result(int ok, const char *name, const char *why)
{
	printf("%s verifier/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
	       ok ? "" : why);
	failures += !ok;
}

/* 32-bit kernels only have sys_enter_futex_time32: here its program loads
 * against sys_enter_futex, whose fields are the same (the armhf e2e guest
 * loads it for real). */
static const struct tap_prog_def *stand_in(const struct tap_prog_def *d,
					   struct tap_prog_def *copy)
{
	if (strcmp(d->tp_event, "sys_enter_futex_time32") ||
	    !access("/sys/kernel/tracing/events/syscalls/sys_enter_futex_time32", F_OK))
		return d;
	*copy = *d;
	copy->tp_event = "sys_enter_futex";
	return copy;
}

static void check_builtin_programs(void)
{
	for (int i = 0; tap_programs[i]; i++) {
		struct tap_prog_def copy;
		const struct tap_prog_def *defs[] = { stand_in(tap_programs[i], &copy) };
		struct tap_obj o;
		char name[96];
		int err;

		snprintf(name, sizeof(name), "loads_and_attaches/%s%s", tap_programs[i]->name,
			 defs[0] == &copy ? " (on sys_enter_futex)" : "");
		err = tap_obj_open(&o, defs, 1, NULL, NULL);
		if (!err)
			err = tap_obj_load(&o);
		if (!err)
			err = tap_obj_attach(&o);
		result(!err, name, strerror(-err));
		tap_obj_close(&o);
	}
}

/* The programs of bare tracepoints, with offsets from this kernel's BTF
 * and again from an offsets file written from it; -p adds a filter, and
 * the event programs' fourth variant goes to perf buffers, -C 0 -p 1;
 * -g learns task groups. */
static void check_pelt_programs(void)
{
	static const struct tap_prog_def *const pelt[] = {
		&prog_pelt_cfs, &prog_pelt_rt, &prog_pelt_dl, &prog_pelt_irq, &prog_pelt_cap,
		&prog_pelt_nr, &prog_pelt_ovu, &prog_pelt_se, &prog_pelt_est_se,
		&prog_pev_cfs, &prog_pev_rt, &prog_pev_dl, &prog_pev_irq, &prog_pev_se,
		&prog_pev_ovu, &prog_pev_nr, &prog_pev_ecfs, &prog_pev_ese, &prog_pev_cap,
	};
	struct pelt_params variants[] = {
		{ .pid = -1, .cpu = -1 }, { .pid = -1, .cpu = -1 }, { .pid = 1, .cpu = -1 },
		{ .pid = 1, .cpu = 0, .perfbuf = 1 }, { .pid = -1, .cpu = -1, .groups = 1 },
	};
	static const char *const names[] = { "BTF", "offsets file", "BTF, -p 1",
					     "BTF, perf buffer, -C 0 -p 1", "BTF, -g" };
	struct koffsets btf, file;
	char err[200], *text = NULL;
	size_t len = 0;
	FILE *f;

	if (koff_from_btf(&btf, NULL, err, sizeof(err))) {
		result(0, "pelt/btf", err);
		return;
	}
	f = open_memstream(&text, &len);
	koff_write(&btf, pelt_paths, pelt_tracepoints, f);
	fclose(f);
	result(!koff_parse(&file, text, err, sizeof(err)), "pelt/offsets_file_reads_back", err);
	free(text);
	for (unsigned i = 0; i < sizeof(pelt) / sizeof(pelt[0]); i++)
		for (int v = 0; v < 5; v++) {
			const struct tap_prog_def *defs[] = { pelt[i] };
			struct tap_obj o;
			char name[96];
			int e;

			if (v == 3 && pelt[i]->maps != prog_pev_cfs.maps)
				continue;
			snprintf(name, sizeof(name), "loads_and_attaches/%s (%s)", pelt[i]->name,
				 names[v]);
			e = tap_obj_open(&o, defs, 1, &variants[v], v == 1 ? &file : &btf);
			if (!e)
				e = tap_obj_load(&o);
			if (!e)
				e = tap_obj_attach(&o);
			result(!e, name, strerror(-e));
			tap_obj_close(&o);
		}
	koff_free(&file);
	koff_free(&btf);
}

/* trace's programs change shape with their options: the perf-buffer
 * variant and the in-kernel filters must pass the verifier too. */
static void check_trace_variants(void)
{
	const struct tap_prog_def *defs[] = {
		&prog_trace_switch, &prog_trace_wakeup, &prog_trace_wakeup_new,
		&prog_trace_migrate, &prog_trace_fork, &prog_trace_exit,
	};
	struct trace_params variants[] = {
		{ .perfbuf = 1, .pid = -1, .cpu = -1 },
		{ .perfbuf = 0, .pid = 1, .cpu = 0, .comm = "systemd" },
		{ .perfbuf = 1, .pid = 42, .cpu = 1, .comm = "a,b\"c" },
	};

	for (unsigned v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		struct tap_obj o;
		char name[64];
		int err;

		snprintf(name, sizeof(name), "trace_variant_%u", v);
		err = tap_obj_open(&o, defs, 6, &variants[v], NULL);
		if (!err)
			err = tap_obj_load(&o);
		result(!err, name, strerror(-err));
		tap_obj_close(&o);
	}
}

/* runqlat's histogram keys and units change its switch program. */
static void check_runqlat_variants(void)
{
	const struct tap_prog_def *defs[] = { &prog_runq_wakeup, &prog_runq_wakeup_new,
					      &prog_runq_switch };
	struct runq_params variants[] = {
		{ RUNQ_KEY_TID, 0, -1 }, { RUNQ_KEY_CPU, 1, -1 }, { RUNQ_KEY_NONE, 1, 1 },
	};

	for (unsigned v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		struct tap_obj o;
		char name[64];
		int err;

		snprintf(name, sizeof(name), "runqlat_variant_%u", v);
		err = tap_obj_open(&o, defs, 3, &variants[v], NULL);
		if (!err)
			err = tap_obj_load(&o);
		result(!err, name, strerror(-err));
		tap_obj_close(&o);
	}
}

/* Run stderr into a file while fn runs; return what was written. */
static char *capture_stderr(int (*fn)(void))
{
	char path[] = "/tmp/schedtap-itest.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	static char buf[1 << 16];
	ssize_t n;

	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	return buf;
}

static int load_bad_program(void)
{
	struct asm_prog p;
	int fd;

	asm_init(&p);
	asm_comment(&p, "r0 is never written: the verifier must refuse");
	asm_label(&p, "bad");
	asm_exit(&p);
	asm_finalize(&p);
	fd = tap_prog_load("tap_bad", &p, BPF_PROG_TYPE_TRACEPOINT);
	asm_free(&p);
	if (fd >= 0)
		close(fd);
	return fd;
}

static void check_rejection_report(void)
{
	const char *err = capture_stderr(load_bad_program);
	int ok = strstr(err, "verifier rejected program tap_bad") &&
		 strstr(err, "R0 !read_ok") && strstr(err, "; r0 is never written") &&
		 strstr(err, "bad:") && strstr(err, "(95) exit");

	result(ok, "rejection_shows_log_and_disassembly", err);
}

/* A socket filter that returns f(input) so the kernel runs our macro. */
static int run_filter(struct asm_prog *p, uint32_t *retval)
{
	unsigned char data[64] = { 0 };
	union bpf_attr a;
	int fd, err;

	if (asm_finalize(p))
		return p->err;
	fd = tap_prog_load("tap_test", p, BPF_PROG_TYPE_SOCKET_FILTER);
	if (fd < 0)
		return fd;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = fd;
	a.test.data_in = (uint64_t)(uintptr_t)data;
	a.test.data_size_in = sizeof(data);
	a.test.repeat = 1;
	err = sys_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a));
	*retval = a.test.retval;
	close(fd);
	return err;
}

static void check_log2_macro(void)
{
	static const uint64_t inputs[] = { 0, 1, 2, 3, 4, 7, 8, 1000, 65535, 65536,
		(1ull << 31), (1ull << 32) - 1, (1ull << 32), (1ull << 40) + 5,
		~0ull };
	char why[128] = "";

	for (unsigned i = 0; i < sizeof(inputs) / sizeof(inputs[0]) && !*why; i++) {
		uint64_t v = inputs[i];
		uint32_t want = 0, got = 0;
		struct asm_prog p;
		int err;

		while (want < 63 && v >> (want + 1))
			want++;
		asm_init(&p);
		asm_ld_imm64(&p, R6, inputs[i]);
		asm_log2(&p, R0, R6, R7);
		asm_exit(&p);
		err = run_filter(&p, &got);
		asm_free(&p);
		if (err || got != want)
			snprintf(why, sizeof(why), "log2(%llu) = %u, want %u (err %d)",
				 (unsigned long long)inputs[i], got, want, err);
	}
	result(!*why, "log2_macro_in_kernel", why);
}

static int fd_for(void *ctx, const char *name)
{
	(void)name;
	return *(int *)ctx;
}

/* lookup_or_init: the first run creates a zeroed slot, each run adds one
 * to it; after two runs the slot must hold 2. */
static int run_counter(int map, uint32_t key, uint32_t *ret)
{
	struct asm_prog p;
	int err;

	asm_init(&p);
	asm_st(&p, BPF_W, FP, -4, (int32_t)key);
	asm_map_lookup_or_init(&p, "m", -4, -16, 8, "fail");
	asm_inc_u64(&p, R0, 0, R1, 1);
	asm_return(&p, 1);
	asm_label(&p, "fail");
	asm_return(&p, 0);
	err = asm_bind_maps(&p, fd_for, &map);
	if (!err)
		err = run_filter(&p, ret);
	asm_free(&p);
	return err;
}

static void check_lookup_or_init(void)
{
	int map = bpf_map_create(BPF_MAP_TYPE_HASH, "tap_test", 4, 8, 4, 0);
	uint32_t key = 7, ret = 0;
	uint64_t val = 0;
	int err = map < 0 ? map : 0;

	for (int run = 0; run < 2 && !err; run++) {
		err = run_counter(map, key, &ret);
		if (!err && ret != 1)
			err = -EINVAL;
	}
	if (!err)
		err = bpf_map_lookup(map, &key, &val);
	if (map >= 0)
		close(map);
	result(!err && val == 2, "lookup_or_init_macro_in_kernel",
	       "slot not created or not incremented twice");
}

/* The probes must be able to say no: a helper id no kernel has, and a
 * helper the program type may not call. */
static void check_probes_can_refuse(void)
{
	int bogus = feat_helper(BPF_PROG_TYPE_TRACEPOINT, 100000);
	int ok = feat_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_map_lookup_elem);

	result(!bogus && ok, "helper_probe_refuses_unknown_helper",
	       bogus ? "helper 100000 reported callable" : "map_lookup_elem reported missing");
}

/* The ring-buffer and perf-buffer readers (itest_readers.h lists their files). */
void itest_readers(int *failures);

int main(void)
{
	if (geteuid() != 0) {
		printf("FAIL verifier/root: the verifier suite must run as root\n");
		return 1;
	}
	check_builtin_programs();
	check_pelt_programs();
	check_trace_variants();
	check_runqlat_variants();
	check_rejection_report();
	check_log2_macro();
	check_lookup_or_init();
	check_probes_can_refuse();
	itest_readers(&failures);
	return failures ? 1 : 0;
}
