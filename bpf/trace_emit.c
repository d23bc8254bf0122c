/* What every trace program shares: the record header, the in-kernel
 * filters, and the copy to the ring buffer or perf buffer (with a count
 * of what could not be written). */
#include <string.h>
#include "bpf/program.h"
#include "bpf/trace.h"

const struct tap_map_def trace_maps[TRACE_NMAPS] = { TRACE_MAP_DEFS };

void trace_begin(struct asm_prog *p, const struct trace_params *tp, uint32_t kind)
{
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_get_smp_processor_id);
	asm_mov64_reg(p, R8, R0);
	if (tp && tp->cpu >= 0) {
		asm_comment(p, "-C %ld", tp->cpu);
		asm_jne_imm(p, R8, (int32_t)tp->cpu, "out");
	}
	asm_comment(p, "record on the stack, zeroed");
	for (int off = TR_STACK; off < 0; off += 8)
		asm_st(p, BPF_DW, FP, (int16_t)off, 0);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	asm_stx(p, BPF_DW, FP, R7, TR_STACK + TR_OFF(ts_ns));
	asm_st(p, BPF_W, FP, TR_STACK + TR_OFF(kind), (int32_t)kind);
	asm_stx(p, BPF_W, FP, R8, TR_STACK + TR_OFF(cpu));
}

/* Compare the 16 comm bytes at rec_off with -c NAME; jump to hit if equal. */
static void comm_equals(struct asm_prog *p, const char *name, int16_t rec_off,
			const char *hit)
{
	const char *miss = asm_new_label(p, "comm");
	uint64_t w[2] = { 0, 0 };

	memcpy(w, name, TRACE_COMM_LEN);
	for (int i = 0; i < 2; i++) {
		asm_ldx(p, BPF_DW, R1, FP, (int16_t)(TR_STACK + rec_off + 8 * i));
		asm_ld_imm64(p, R2, w[i]);
		asm_jmp_reg(p, BPF_JMP, BPF_JNE, R1, R2, miss);
	}
	asm_ja(p, hit);
	asm_label(p, miss);
}

void trace_filter(struct asm_prog *p, const struct trace_params *tp, const char *skip)
{
	const char *pass = asm_new_label(p, "pass");

	if (!tp || (tp->pid < 0 && !tp->comm[0]))
		return;
	if (tp->pid >= 0) {
		asm_comment(p, "-p %ld: either task, or the current thread group", tp->pid);
		asm_ldx(p, BPF_W, R1, FP, TR_STACK + TR_OFF(pid));
		asm_jeq_imm(p, R1, (int32_t)tp->pid, pass);
		asm_ldx(p, BPF_W, R1, FP, TR_STACK + TR_OFF(pid2));
		asm_jeq_imm(p, R1, (int32_t)tp->pid, pass);
		asm_call(p, BPF_FUNC_get_current_pid_tgid);
		asm_alu_imm(p, BPF_ALU64, BPF_RSH, R0, 32);
		asm_jeq_imm(p, R0, (int32_t)tp->pid, pass);
	}
	if (tp->comm[0]) {
		asm_comment(p, "-c %.16s", tp->comm);
		comm_equals(p, tp->comm, TR_OFF(comm), pass);
		comm_equals(p, tp->comm, TR_OFF(comm2), pass);
	}
	asm_ja(p, skip);
	asm_label(p, pass);
}

void trace_submit(struct asm_prog *p, const struct trace_params *tp)
{
	trace_output(p, tp && tp->perfbuf, R6, TR_STACK, sizeof(struct trace_rec));
}

void trace_output(struct asm_prog *p, int perfbuf, int ctx_reg, int16_t stack_off,
		  uint32_t size)
{
	if (perfbuf) {
		asm_comment(p, "perf_event_output(ctx, events_pb, BPF_F_CURRENT_CPU, rec)");
		asm_mov64_reg(p, R1, ctx_reg);
		asm_ld_map_fd(p, R2, "events_pb");
		asm_ld_imm64(p, R3, BPF_F_CURRENT_CPU);
		asm_mov64_reg(p, R4, FP);
		asm_add64_imm(p, R4, stack_off);
		asm_mov64_imm(p, R5, (int32_t)size);
		asm_call(p, BPF_FUNC_perf_event_output);
	} else {
		const char *quiet = asm_new_label(p, "quiet");

		/* Waking the reader per record would make every record cost a
		 * wakeup and a context switch of its own (and records of
		 * those): wake it only once the ring is a quarter full; it
		 * also polls on a short timeout. */
		asm_comment(p, "wake the reader only past a quarter of the ring");
		asm_ld_map_fd(p, R1, "events");
		asm_mov64_imm(p, R2, BPF_RB_AVAIL_DATA);
		asm_call(p, BPF_FUNC_ringbuf_query);
		asm_mov64_imm(p, R4, BPF_RB_NO_WAKEUP);
		asm_jmp_imm(p, BPF_JMP, BPF_JLT, R0, TRACE_RINGBUF_SIZE / 4, quiet);
		asm_mov64_imm(p, R4, BPF_RB_FORCE_WAKEUP);
		asm_label(p, quiet);
		asm_comment(p, "ringbuf_output(events, rec, flags)");
		asm_ld_map_fd(p, R1, "events");
		asm_mov64_reg(p, R2, FP);
		asm_add64_imm(p, R2, stack_off);
		asm_mov64_imm(p, R3, (int32_t)size);
		asm_call(p, BPF_FUNC_ringbuf_output);
	}
	asm_jmp_imm(p, BPF_JMP, BPF_JSGE, R0, 0, "out");
	asm_comment(p, "no room: count the loss on this CPU, never silently");
	asm_map_lookup_slot0(p, "trace_lost", (int16_t)(stack_off - 4), "out");
	asm_inc_u64(p, R0, 0, R1, 0);
}

void trace_copy_comm(struct asm_prog *p, const struct tp_format *fmt, const char *field,
		     int16_t rec_off)
{
	const struct tp_field *f = tracefs_field(fmt, field);

	if (!f || !f->is_data_loc) {
		tp_copy_field(p, fmt, FP, (int16_t)(TR_STACK + rec_off), R6, field, R1,
			      TRACE_COMM_LEN);
		return;
	}
	/* Newer kernels keep comm as a __data_loc string: (len << 16 | off)
	 * from the record's start. Context reads need constant offsets, so
	 * the bytes come through probe_read_kernel_str. */
	asm_comment(p, "copy %s (__data_loc string)", field);
	asm_ldx(p, BPF_W, R3, R6, (int16_t)f->offset);
	asm_alu_imm(p, BPF_ALU64, BPF_AND, R3, 0xffff);
	asm_add64_reg(p, R3, R6);
	asm_mov64_reg(p, R1, FP);
	asm_add64_imm(p, R1, TR_STACK + rec_off);
	asm_mov64_imm(p, R2, TRACE_COMM_LEN);
	asm_call(p, BPF_FUNC_probe_read_kernel_str);
}

void trace_put(struct asm_prog *p, const struct tp_format *fmt, const char *field,
	       int16_t rec_off)
{
	tp_ld_field_sx(p, fmt, R1, R6, field);
	asm_stx(p, BPF_W, FP, R1, TR_STACK + rec_off);
}

void trace_put_switch(struct asm_prog *p, const struct tp_format *fmt)
{
	trace_put(p, fmt, "prev_pid", TR_OFF(pid));
	trace_put(p, fmt, "prev_prio", TR_OFF(prio));
	tp_ld_field(p, fmt, R1, R6, "prev_state");
	asm_stx(p, BPF_DW, FP, R1, TR_STACK + TR_OFF(state));
	trace_put(p, fmt, "next_pid", TR_OFF(pid2));
	trace_put(p, fmt, "next_prio", TR_OFF(prio2));
}

void trace_slice_runtime(struct asm_prog *p, const char *next)
{
	asm_comment(p, "runtime = now - this CPU's previous switch; then remember now");
	asm_map_lookup_slot0(p, "trace_last", TR_STACK - 4, next);
	asm_ldx(p, BPF_DW, R1, R0, 0);
	asm_stx(p, BPF_DW, R0, R7, 0);
	asm_jeq_imm(p, R1, 0, next);
	asm_mov64_reg(p, R2, R7);
	asm_sub64_reg(p, R2, R1);
	asm_stx(p, BPF_DW, FP, R2, TR_STACK + TR_OFF(runtime_ns));
}
