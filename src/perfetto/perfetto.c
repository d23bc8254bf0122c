#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "perfetto/perfetto.h"
#include "core/decimal.h"

/* Every packet is on one sequence: a writer that is one process. */
#define PF_SEQUENCE 1
/* A process or thread's encoding, at most: /proc's 1023 bytes of
 * cmdline in one-byte arguments take 3 bytes for each 2. */
#define PF_TASK_BYTES 2048
#define PF_TREE_BYTES (64 * 1024)

void pf_init(struct pf_writer *w, struct out *out, uint64_t max_bytes)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->max_bytes = max_bytes;
	w->next_uuid = 1;
}

/* TracePacket{field: body, timestamp, sequence} as Trace.packet. */
static int write_packet2(struct pf_writer *w, uint32_t field, const uint8_t *body, size_t n,
			 const uint8_t *body2, size_t n2, uint64_t ts_ns, uint32_t flags);

static int write_packet(struct pf_writer *w, uint32_t field, const uint8_t *body, size_t n,
			uint64_t ts_ns, uint32_t flags)
{
	return write_packet2(w, field, body, n, NULL, 0, ts_ns, flags);
}

/* The field's body in two pieces (a bundle's events and its compact_sched). */
static int write_packet2(struct pf_writer *w, uint32_t field, const uint8_t *body, size_t n1,
			 const uint8_t *body2, size_t n2, uint64_t ts_ns, uint32_t flags)
{
	uint8_t head[24], inner[16], tail[32];
	struct pb h, in, t;
	size_t n = n1 + n2;

	if (w->err || w->capped)
		return w->err;
	pb_init(&in, inner, sizeof(inner));
	pb_len_prefix(&in, field, n);
	pb_init(&t, tail, sizeof(tail));
	if (ts_ns)
		pb_uint(&t, PF_TIMESTAMP, ts_ns);
	pb_uint(&t, PF_SEQUENCE_ID, PF_SEQUENCE);
	if (flags)
		pb_uint(&t, PF_SEQUENCE_FLAGS, flags);
	pb_init(&h, head, sizeof(head));
	pb_len_prefix(&h, PF_PACKET, in.len + n + t.len);
	if (w->max_bytes && w->bytes + h.len + in.len + n + t.len > w->max_bytes) {
		w->capped = 1;
		return 0;
	}
	out_raw(w->out, head, h.len);
	out_raw(w->out, inner, in.len);
	out_raw(w->out, body, n1);
	if (n2)
		out_raw(w->out, body2, n2);
	out_raw(w->out, tail, t.len);
	if (w->out->err)
		return w->err = w->out->err;
	w->bytes += h.len + in.len + n + t.len;
	return 0;
}

int pf_system_info(struct pf_writer *w, const struct utsname *u, unsigned ncpus)
{
	uint8_t buf[1024];
	struct pb b;
	size_t m;

	pb_init(&b, buf, sizeof(buf));
	m = pb_open(&b, 1); /* utsname */
	pb_str(&b, 1, u->sysname, sizeof(u->sysname));
	pb_str(&b, 2, u->version, sizeof(u->version));
	pb_str(&b, 3, u->release, sizeof(u->release));
	pb_str(&b, 4, u->machine, sizeof(u->machine));
	pb_close(&b, m);
	if (ncpus)
		pb_uint(&b, 8, ncpus); /* num_cpus */
	return write_packet(w, PF_SYSTEM_INFO, buf, b.len, 0, 0);
}

/* A small /proc file into buf (NUL-terminated); its length or -errno. */
static long read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* ProcessTree.Process{pid 1, ppid 2, cmdline 3...}. The comm in stat is
 * in parentheses and may hold any byte: ppid is after the last ')'. */
static void encode_process(struct pb *b, const char *proc, long pid)
{
	char path[64], buf[1024], *p;
	long long ppid;
	long n;
	size_t m;

	snprintf(path, sizeof(path), "%s/%ld/stat", proc, pid);
	if (read_small(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return;
	m = pb_open(b, 1);
	pb_int(b, 1, pid);
	pb_int(b, 2, decimal_int(p + 3, 0, INT32_MAX, &ppid) ? ppid : 0);
	snprintf(path, sizeof(path), "%s/%ld/cmdline", proc, pid);
	n = read_small(path, buf, sizeof(buf));
	/* Kernel threads have none: their comm, as perfetto's own probes do. */
	if (n <= 0) {
		snprintf(path, sizeof(path), "%s/%ld/comm", proc, pid);
		if ((n = read_small(path, buf, sizeof(buf))) > 0 && buf[n - 1] == '\n')
			buf[--n] = '\0';
	}
	for (long i = 0; i < n; i += (long)strlen(buf + i) + 1)
		pb_str(b, 3, buf + i, (size_t)(n - i));
	pb_close(b, m);
}

static void encode_thread(struct pb *b, const char *proc, long pid, long tid)
{
	char path[80], name[64];
	long n;
	size_t m;

	snprintf(path, sizeof(path), "%s/%ld/task/%ld/comm", proc, pid, tid);
	if ((n = read_small(path, name, sizeof(name))) < 0)
		return;
	if (n && name[n - 1] == '\n')
		name[n - 1] = '\0';
	m = pb_open(b, 2);
	pb_int(b, 1, tid);
	pb_str(b, 2, name, sizeof(name));
	pb_int(b, 3, pid);
	pb_close(b, m);
}

static long dir_number(const struct dirent *d)
{
	const char *end;
	long long v;

	if (d->d_name[0] < '0' || d->d_name[0] > '9')
		return -1;
	end = decimal_int(d->d_name, 0, INT32_MAX, &v);
	return !end || *end ? -1 : (long)v;
}

/* One task's encoding into the tree's packet, which goes out first when
 * the task does not fit. */
static int add_to_tree(struct pf_writer *w, struct pb *tree, const struct pb *one, uint64_t ts)
{
	int err = 0;

	if (one->full)
		return 0;
	if (one->len > tree->cap - tree->len) {
		err = write_packet(w, PF_PROCESS_TREE, tree->buf, tree->len, ts, 0);
		tree->len = 0;
	}
	pb_raw(tree, one->buf, one->len);
	return err;
}

int pf_process_tree(struct pf_writer *w, const char *proc, uint64_t ts_ns, unsigned max_tasks)
{
	uint8_t *tree_buf = malloc(PF_TREE_BYTES), one_buf[PF_TASK_BYTES];
	char path[64];
	struct pb tree, one;
	struct dirent *d, *t;
	unsigned tasks = 0;
	DIR *dir, *tdir;
	int err = 0;
	long pid, tid;

	if (!tree_buf)
		return -ENOMEM;
	if (!(dir = opendir(proc))) {
		free(tree_buf);
		return -errno;
	}
	pb_init(&tree, tree_buf, PF_TREE_BYTES);
	while (!err && tasks < max_tasks && (d = readdir(dir))) {
		if ((pid = dir_number(d)) <= 0)
			continue;
		pb_init(&one, one_buf, sizeof(one_buf));
		encode_process(&one, proc, pid);
		err = add_to_tree(w, &tree, &one, ts_ns);
		snprintf(path, sizeof(path), "%s/%ld/task", proc, pid);
		if (err || !(tdir = opendir(path)))
			continue;
		while (!err && tasks < max_tasks && (t = readdir(tdir))) {
			if ((tid = dir_number(t)) <= 0)
				continue;
			pb_init(&one, one_buf, sizeof(one_buf));
			encode_thread(&one, proc, pid, tid);
			err = add_to_tree(w, &tree, &one, ts_ns);
			tasks++;
		}
		closedir(tdir);
	}
	closedir(dir);
	if (!err && tree.len)
		err = write_packet(w, PF_PROCESS_TREE, tree.buf, tree.len, ts_ns, 0);
	free(tree_buf);
	return err;
}

/* The bundle's switches as one CompactSched into the writer's scratch:
 * its length. */
static size_t encode_compact(struct pf_writer *w, struct pf_compact *c)
{
	struct pb p;
	size_t m, col;

	if (!c || !c->n || !w->scratch)
		return 0;
	pb_init(&p, w->scratch, PF_COMPACT_BYTES);
	m = pb_open(&p, PF_BUNDLE_COMPACT);
	for (uint32_t i = 0; i < c->ncomms; i++)
		pb_str(&p, PF_CS_INTERN, c->comms[i], TRACE_COMM_LEN);
	col = pb_open(&p, PF_CS_TIMESTAMP);
	for (uint32_t i = 0; i < c->n; i++) {
		uint8_t v[10];

		pb_raw(&p, v, pb_varint(v, i ? c->ts[i] - c->ts[i - 1] : c->ts[0]));
	}
	pb_close(&p, col);
	col = pb_open(&p, PF_CS_PREV_STATE);
	for (uint32_t i = 0; i < c->n; i++) {
		uint8_t v[10];

		pb_raw(&p, v, pb_varint(v, (uint64_t)c->state[i]));
	}
	pb_close(&p, col);
	col = pb_open(&p, PF_CS_NEXT_PID);
	for (uint32_t i = 0; i < c->n; i++) {
		uint8_t v[10];

		pb_raw(&p, v, pb_varint(v, (uint64_t)(int64_t)c->pid[i]));
	}
	pb_close(&p, col);
	col = pb_open(&p, PF_CS_NEXT_PRIO);
	for (uint32_t i = 0; i < c->n; i++) {
		uint8_t v[10];

		pb_raw(&p, v, pb_varint(v, (uint64_t)(int64_t)c->prio[i]));
	}
	pb_close(&p, col);
	col = pb_open(&p, PF_CS_NEXT_COMM);
	for (uint32_t i = 0; i < c->n; i++) {
		uint8_t v[10];

		pb_raw(&p, v, pb_varint(v, c->comm[i]));
	}
	pb_close(&p, col);
	pb_close(&p, m);
	c->n = c->ncomms = 0;
	return p.full ? 0 : p.len;
}

static int flush_bundle(struct pf_writer *w, struct pf_bundle *b)
{
	size_t cn;
	int err;

	if (b->lost)
		pb_uint(&b->pb, PF_BUNDLE_LOST, 1);
	cn = encode_compact(w, b->compact);
	err = write_packet2(w, PF_FTRACE_EVENTS, b->buf, b->pb.len, w->scratch, cn, 0, 0);
	/* Counted as they go out: a capped file's last bundles do not. */
	if (!err && !w->capped)
		w->events += b->events;
	else
		w->dropped += b->events;
	b->events = 0;
	b->lost = 0;
	b->pb.len = 0;
	b->pb.full = 0;
	return err;
}

static struct pf_bundle *bundle_of(struct pf_writer *w, unsigned cpu)
{
	struct pf_bundle *b;

	if (cpu >= PF_MAX_CPUS)
		return NULL;
	if (!(b = w->cpus[cpu])) {
		if (!(b = w->cpus[cpu] = calloc(1, sizeof(*b))))
			return NULL;
		pb_init(&b->pb, b->buf, sizeof(b->buf));
		if (w->compact && ((!w->scratch && !(w->scratch = malloc(PF_COMPACT_BYTES))) ||
				   !(b->compact = calloc(1, sizeof(*b->compact))))) {
			free(b);
			w->cpus[cpu] = NULL;
			return NULL;
		}
	}
	if (!b->pb.len)
		pb_uint(&b->pb, PF_BUNDLE_CPU, cpu);
	return b;
}

/* FtraceEvent{timestamp, pid, one sched event}: the record's fields in
 * the event's own message (sched.proto). */
static void encode_event(struct pb *e, const struct trace_rec *r)
{
	size_t m;

	pb_uint(e, PF_EV_TIMESTAMP, r->ts_ns);
	switch (r->kind) {
	case TRACE_SWITCH:
		pb_uint(e, PF_EV_PID, (uint32_t)r->pid);
		m = pb_open(e, PF_EV_SCHED_SWITCH);
		pb_str(e, 1, r->comm, TRACE_COMM_LEN);
		pb_int(e, 2, r->pid);
		pb_int(e, 3, r->prio);
		pb_int(e, 4, (int64_t)r->state);
		pb_str(e, 5, r->comm2, TRACE_COMM_LEN);
		pb_int(e, 6, r->pid2);
		pb_int(e, 7, r->prio2);
		break;
	case TRACE_WAKEUP:
	case TRACE_WAKEUP_NEW:
		m = pb_open(e, r->kind == TRACE_WAKEUP ? PF_EV_SCHED_WAKEUP : PF_EV_SCHED_WAKEUP_NEW);
		pb_str(e, 1, r->comm, TRACE_COMM_LEN);
		pb_int(e, 2, r->pid);
		pb_int(e, 3, r->prio);
		pb_int(e, 4, 1); /* success: the tracepoint fires only then */
		pb_int(e, 5, r->arg);
		break;
	case TRACE_FORK:
		m = pb_open(e, PF_EV_SCHED_PROCESS_FORK);
		pb_str(e, 1, r->comm, TRACE_COMM_LEN);
		pb_int(e, 2, r->pid);
		pb_str(e, 3, r->comm2, TRACE_COMM_LEN);
		pb_int(e, 4, r->pid2);
		break;
	default: /* TRACE_EXIT */
		m = pb_open(e, PF_EV_SCHED_PROCESS_EXIT);
		pb_str(e, 1, r->comm, TRACE_COMM_LEN);
		pb_int(e, 2, r->pid);
		pb_int(e, 4, r->prio);
	}
	pb_close(e, m);
}

/* The comm's index in the bundle's intern table, added when new; -1
 * when the table is full. */
static int intern(struct pf_compact *c, const char *comm)
{
	for (uint32_t i = 0; i < c->ncomms; i++)
		if (!strncmp(c->comms[i], comm, TRACE_COMM_LEN))
			return (int)i;
	if (c->ncomms == PF_COMPACT_COMMS)
		return -1;
	memcpy(c->comms[c->ncomms], comm, TRACE_COMM_LEN);
	c->comms[c->ncomms][TRACE_COMM_LEN - 1] = '\0';
	return (int)c->ncomms++;
}

/* A switch into the bundle's columns; a full bundle, or a time before
 * the last one (deltas are unsigned), goes out first. */
static int compact_switch(struct pf_writer *w, struct pf_bundle *b, const struct trace_rec *r)
{
	struct pf_compact *c = b->compact;
	int idx = intern(c, r->comm2);

	if (c->n == PF_COMPACT_SWITCHES || idx < 0 || (c->n && r->ts_ns < c->ts[c->n - 1])) {
		if (flush_bundle(w, b))
			return w->err;
		bundle_of(w, r->cpu);
		idx = intern(c, r->comm2);
	}
	c->ts[c->n] = r->ts_ns;
	c->state[c->n] = (int64_t)r->state;
	c->pid[c->n] = r->pid2;
	c->prio[c->n] = r->prio2;
	c->comm[c->n] = (uint16_t)idx;
	c->n++;
	b->events++;
	return 0;
}

int pf_record(struct pf_writer *w, const struct trace_rec *r)
{
	uint8_t ev[256];
	struct pf_bundle *b;
	struct pb e;
	size_t m;

	if (r->kind != TRACE_SWITCH && r->kind != TRACE_WAKEUP && r->kind != TRACE_WAKEUP_NEW &&
	    r->kind != TRACE_FORK && r->kind != TRACE_EXIT)
		return 0;
	if (w->err || w->capped || !(b = bundle_of(w, r->cpu))) {
		w->dropped++;
		return w->err ? w->err : r->cpu >= PF_MAX_CPUS || w->capped ? 0 : -ENOMEM;
	}
	if (r->kind == TRACE_SWITCH && b->compact)
		return compact_switch(w, b, r);
	pb_init(&e, ev, sizeof(ev));
	m = pb_open(&e, PF_BUNDLE_EVENT);
	encode_event(&e, r);
	pb_close(&e, m);
	if (e.len > b->pb.cap - b->pb.len - 4) {
		if (flush_bundle(w, b))
			return w->err;
		bundle_of(w, r->cpu);
	}
	pb_raw(&b->pb, ev, e.len);
	b->events++;
	return 0;
}

uint64_t pf_counter_track(struct pf_writer *w, const char *name)
{
	uint8_t buf[256];
	uint64_t uuid = w->next_uuid++;
	struct pb b;
	size_t m;

	pb_init(&b, buf, sizeof(buf));
	pb_uint(&b, PF_TD_UUID, uuid);
	pb_str(&b, PF_TD_NAME, name, 128);
	m = pb_open(&b, PF_TD_COUNTER);
	pb_close(&b, m);
	/* The first packet of counters on the sequence starts its state. */
	if (write_packet(w, PF_TRACK_DESCRIPTOR, buf, b.len, 0, uuid == 1 ? 1 : 0) || w->capped)
		return 0;
	return uuid;
}

int pf_counter(struct pf_writer *w, uint64_t uuid, uint64_t ts_ns, double value)
{
	uint8_t buf[64];
	struct pb b;

	if (!uuid)
		return w->err;
	pb_init(&b, buf, sizeof(buf));
	pb_uint(&b, PF_TE_TYPE, PF_TE_TYPE_COUNTER);
	pb_uint(&b, PF_TE_TRACK_UUID, uuid);
	pb_double(&b, PF_TE_DOUBLE_VALUE, value);
	return write_packet(w, PF_TRACK_EVENT, buf, b.len, ts_ns, 0);
}

void pf_lost(struct pf_writer *w, unsigned cpu)
{
	struct pf_bundle *b = bundle_of(w, cpu);

	if (b)
		b->lost = 1;
}

int pf_finish(struct pf_writer *w)
{
	for (unsigned c = 0; c < PF_MAX_CPUS; c++) {
		struct pf_bundle *b = w->cpus[c];

		if (b && (b->events || b->lost))
			flush_bundle(w, b);
		if (b)
			free(b->compact);
		free(b);
		w->cpus[c] = NULL;
	}
	free(w->scratch);
	w->scratch = NULL;
	if (out_flush(w->out) && !w->err)
		w->err = w->out->err ? w->out->err : -EIO;
	return w->err;
}
