/* schedtap exporter: the scheduler's metrics for Prometheus, served over
 * HTTP from counters the programs keep in the kernel between scrapes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bpf/runqlat.h"
#include "bpf/top.h"
#include "btf/koffsets.h"
#include "cmd/commands.h"
#include "cmd/pelt.h"
#include "cmd/session.h"
#include "core/cli.h"
#include "core/help.h"
#include "core/metrics.h"
#include "core/msg.h"
#include "core/sig.h"
#include "exporter/collect.h"
#include "exporter/pins.h"
#include "http/server.h"
#include "kernel/features.h"

#define DEFAULT_LISTEN "127.0.0.1:9469"
#define PAGE_MAX (4u << 20)	/* a page: ~6 KiB with 2 CPUs and 10 tasks */

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap exporter [options]\n"
	"       schedtap exporter unload\n\n"
	"Serves the scheduler's metrics to Prometheus: GET /metrics in the text\n"
	"exposition format, or OpenMetrics when the scraper asks for it. The\n"
	"counters are kept in the kernel between scrapes; a scrape reads them.\n\n"
	"options:\n"
	"      --listen ADDR:PORT  where to listen (default " DEFAULT_LISTEN ", loopback;\n"
	"                          :9469 for every address, [::1]:9469 for IPv6)\n"
	"      --collectors LIST   comma-separated: cpu, runqlat, tasks, pelt, lottery\n"
	"                          (default: all that this kernel offers)\n"
	"      --top N             tasks with series of their own (default 10, at most\n"
	"                          100); the rest are summed as pid=\"other\"\n"
	"      --per-cpu           run-queue latency per CPU too (label cpu)\n"
	"      --pin               keep the programs counting in the kernel after exit\n"
	"                          (pinned under " EXPORTER_PIN_DIR "): the next\n"
	"                          --pin exporter goes on from their counts;\n"
	"                          `schedtap exporter unload` removes them\n"
	"      --offsets FILE      kernel struct offsets for the pelt collector on a\n"
	"                          kernel without BTF (`schedtap btf offsets VMLINUX`)\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C or SIGTERM)\n"
	"      --dump              print the BPF programs as assembly, exit\n"
	"  -h, --help              this help\n"
	"\ncollectors:\n"
	"  cpu      schedtap_cpu_context_switches_total{cpu}\n"
	"  runqlat  schedtap_runqueue_latency_seconds (histogram)\n"
	"  tasks    schedtap_task_cpu_seconds_total{pid,comm}, voluntary and involuntary\n"
	"           switches, migrations, wait seconds (schedstat's run_delay)\n"
	"  pelt     schedtap_cpu_util_avg{cpu}, load, runnable, util_est, capacity,\n"
	"           nr_running (needs BTF or --offsets)\n"
	"  lottery  the pinned lottery monitor's tickets and shares, while it is loaded\n"
	"\nexamples:\n"
	"  schedtap exporter                       scrape http://127.0.0.1:9469/metrics\n"
	"  schedtap exporter --listen :9469 --top 20\n";

static const char index_page[] =
	"schedtap exporter: the scheduler's metrics are at /metrics\n";

static const char *const collector_names[] = { "cpu", "runqlat", "tasks", "pelt", "lottery" };
#define NCOLLECTORS 5

struct exporter_opts {
	struct cli_common cli;
	const char *listen;
	unsigned collectors;
	int collectors_given;
	long top;
	int per_cpu;
	int pin;
	const char *offsets;
};

struct exporter_run {
	struct collect col;
	struct metrics page;
};

static int parse(struct exporter_opts *o, int argc, char **argv)
{
	enum { OPT_LISTEN = OPT_OWN, OPT_COLLECTORS, OPT_TOP, OPT_PER_CPU, OPT_OFFSETS, OPT_PIN };
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "duration", required_argument, 0, 'd' },
		{ "dump", no_argument, 0, OPT_DUMP },
		{ "listen", required_argument, 0, OPT_LISTEN },
		{ "collectors", required_argument, 0, OPT_COLLECTORS },
		{ "top", required_argument, 0, OPT_TOP },
		{ "per-cpu", no_argument, 0, OPT_PER_CPU },
		{ "offsets", required_argument, 0, OPT_OFFSETS },
		{ "pin", no_argument, 0, OPT_PIN },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	int opt, bad = 0, idx[NCOLLECTORS], n;

	cli_init(c, "exporter");
	o->listen = DEFAULT_LISTEN;
	o->collectors = COLLECT_ALL;
	o->top = 10;
	while (!bad && (opt = cli_next_opt(c, argc, argv, "hd:", longopts, help)) >= 0) {
		switch (opt) {
		case OPT_LISTEN: o->listen = optarg; break;
		case OPT_TOP: bad = cli_long(c, optarg, 1, TASK_TOP_MAX, &o->top); break;
		case OPT_PER_CPU: o->per_cpu = 1; break;
		case OPT_OFFSETS: o->offsets = optarg; break;
		case OPT_PIN: o->pin = 1; break;
		case OPT_COLLECTORS:
			n = cli_choice_list(c, optarg, collector_names, NCOLLECTORS, idx, NCOLLECTORS);
			bad = n < 0;
			o->collectors = 0;
			for (int i = 0; i < n; i++)
				o->collectors |= 1u << idx[i];
			o->collectors_given = 1;
			break;
		}
	}
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
}

/* The struct offsets that pelt reads with: BTF's, or where the kernel has
 * none, the file's (BTF's stay: the BTF-typed programs need its ids). */
static int pelt_offsets(const struct exporter_opts *o, struct session *s)
{
	char err[200];

	if (s->own_ko_loaded || !o->offsets)
		return 0;
	if (koff_from_file(&s->own_ko, o->offsets, err, sizeof(err))) {
		msg_err("kernel struct offsets: %s", err);
		return -EINVAL;
	}
	s->own_ko_loaded = 1;
	return 0;
}

/* The programs of the collectors asked for, each family with its params;
 * pelt where BTF or an offsets file tells where struct sched_avg's
 * fields are. */
static int choose_programs(struct exporter_opts *o, struct session *s,
			   const struct tap_prog_def **progs, const void **params)
{
	static struct runq_params runq = { RUNQ_KEY_NONE, 0, -1 };
	static struct top_params top;
	static struct pelt_params pelt = { .pid = -1, .cpu = -1 };
	const struct tap_prog_def *pp[PELT_CPU_PROGS];
	int btf = session_btf_typed(s), n = 0, np;

	if (o->collectors & COLLECT_CPU)
		params[n] = NULL, progs[n++] = &prog_cpu_switches;
	if (o->collectors & COLLECT_RUNQLAT) {
		params[n] = &runq, progs[n++] = btf ? &prog_runq_wakeup_btf : &prog_runq_wakeup;
		params[n] = &runq, progs[n++] = btf ? &prog_runq_wakeup_new_btf : &prog_runq_wakeup_new;
		params[n] = &runq, progs[n++] = btf ? &prog_runq_switch_btf : &prog_runq_switch;
	}
	if (o->collectors & COLLECT_TASKS) {
		top.slice_timing = !feat_runtime_all_classes();
		params[n] = &top, progs[n++] = btf ? &prog_top_switch_btf : &prog_top_switch;
		if (!top.slice_timing)
			params[n] = &top, progs[n++] = btf ? &prog_top_runtime_btf : &prog_top_runtime;
		params[n] = &top, progs[n++] = &prog_top_migrate;
		params[n] = &top, progs[n++] = &prog_top_free;
	}
	if (o->collectors & COLLECT_PELT) {
		if (pelt_offsets(o, s))
			return -EINVAL;
		if (!s->own_ko_loaded) {
			if (o->collectors_given) {
				msg_err("the pelt collector needs the kernel's BTF (/sys/kernel/btf/"
					"vmlinux) to find struct sched_avg: give --offsets FILE "
					"(`schedtap btf offsets VMLINUX` on a build host), or leave "
					"pelt out of --collectors");
				return -ENOENT;
			}
			feat_note_once(&(int){ 0 }, "no BTF: the pelt collector is left out "
				       "(--offsets FILE brings it)");
			o->collectors &= ~(unsigned)COLLECT_PELT;
		} else {
			s->ko = &s->own_ko;
			np = pelt_cpu_programs(s->ko, pp);
			/* The root run queue, capacity and nr_running: rt, dl, irq
			 * and overutilized fire at every tick for values not served. */
			for (int i = 0; i < np; i++)
				if (pp[i] == &prog_pelt_cfs || pp[i] == &prog_pelt_cap ||
				    pp[i] == &prog_pelt_nr)
					params[n] = &pelt, progs[n++] = pp[i];
		}
	}
	return n;
}

static void handle(void *ctx, const struct http_request *req, struct http_reply *rep)
{
	struct exporter_run *r = ctx;

	if (!strcmp(req->path, "/")) {
		*rep = (struct http_reply){ 200, "text/plain; charset=utf-8", index_page,
					    sizeof(index_page) - 1 };
		return;
	}
	if (strcmp(req->path, "/metrics")) {
		rep->status = 404;
		return;
	}
	metrics_reset(&r->page);
	r->page.openmetrics = req->openmetrics;
	if (collect_render(&r->col, &r->page)) {
		if (r->page.err == -E2BIG)
			msg_err("a page of metrics passed %u bytes: lower --top", PAGE_MAX);
		rep->status = 500;
		return;
	}
	*rep = (struct http_reply){ 200,
				    req->openmetrics ? "application/openmetrics-text; version=1.0.0; "
						       "charset=utf-8"
						     : "text/plain; version=0.0.4; charset=utf-8",
				    r->page.buf, r->page.len };
}

/* Our programs attached (and pinned with --pin), or with --pin a pinned
 * set's maps in place of ours, its programs counting since it was pinned. */
static int attach_or_take(const struct exporter_opts *o, struct session *s)
{
	int err = o->pin ? exporter_pins_take(&s->obj) : 0;

	if (err > 0) {
		msg_err("note: counting on in the pinned set at %s", EXPORTER_PIN_DIR);
		return 0;
	}
	if (!err)
		err = tap_obj_attach(&s->obj);
	if (!err && o->pin)
		err = exporter_pins_save(&s->obj);
	return err;
}

static int serve(struct exporter_opts *o, struct exporter_run *r, struct session *s)
{
	int lfd = http_listen(o->listen), err;

	if (lfd < 0)
		return lfd;
	r->col.obj = &s->obj;
	r->col.cpu_ids = s->cpu_ids;
	r->col.ncpus = s->ncpus;
	r->col.on = o->collectors;
	r->col.per_cpu = o->per_cpu;
	r->col.proc = "/proc";
	metrics_init(&r->page, 0, PAGE_MAX);
	err = collect_init(&r->col, (int)o->top);
	if (err)
		msg_errno(err, "the exporter's buffers");
	if (!err)
		err = attach_or_take(o, s);
	if (!err) {
		help_unpack();
		fprintf(stderr, "schedtap: serving http://%s/metrics\n", o->listen);
		err = http_serve(lfd, handle, r,
				 o->cli.duration > 0 ? sig_now_ns() + (unsigned long long)(o->cli.duration * 1e9)
						     : 0);
	}
	close(lfd);
	metrics_free(&r->page);
	collect_free(&r->col);
	return err;
}

static const char unload_help[] CLI_HELP_TEXT =
	"usage: schedtap exporter unload\n\n"
	"Detaches the programs that `exporter --pin` left counting and removes\n"
	"every pin under " EXPORTER_PIN_DIR ". Says so when nothing was\n"
	"pinned (exit 0).\n";

static int run_unload(int argc, char **argv)
{
	return session_run_pins_cmd(argc, argv, "exporter unload", unload_help, exporter_unload);
}

int cmd_exporter(int argc, char **argv)
{
	const struct tap_prog_def *progs[TAP_MAX_PROGS];
	const void *params[TAP_MAX_PROGS];
	static struct exporter_opts o;
	static struct session s;
	static struct exporter_run r;
	int err, n;

	if (argc > 1 && !strcmp(argv[1], "unload"))
		return run_unload(argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	if ((n = parse(&o, argc, argv)) >= 0)
		return n;
	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	n = choose_programs(&o, &s, progs, params);
	if (n < 0)
		return session_close(&s, n);
	s.params_each = params;
	err = session_open(&s, &o.cli, progs, n, NULL);
	if (!err)
		err = serve(&o, &r, &s);
	return session_close(&s, err > 0 ? 0 : err);
}
