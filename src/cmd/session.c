#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/cpus.h"
#include "kernel/features.h"
#include "core/msg.h"
#include "core/output.h"
#include "cmd/session.h"
#include "core/sig.h"

int session_btf_typed(struct session *s)
{
	char err[160];

	s->own_ko_loaded = 0;
	if (feat_forced("FORCE_TRACEPOINT") || feat_btf() <= 0)
		return 0;
	if (koff_from_btf(&s->own_ko, NULL, err, sizeof(err)))
		return 0;
	s->own_ko_loaded = 1;
	if (feat_tp_btf_storage(&s->own_ko.btf) <= 0)
		return 0;
	s->ko = &s->own_ko;
	return 1;
}

int session_open(struct session *s, const struct cli_common *cli,
		 const struct tap_prog_def *const *defs, int n, const void *params)
{
	int err;

	s->cli = cli;
	s->out = NULL;
	s->ncpus = 0;
	sig_setup();
	/* --dump loads nothing: students may read the programs unprivileged
	 * wherever tracefs lets them. */
	if (!cli->dump && (err = feat_require_privileges(cli->cmd)))
		return err;
	err = s->params_each ? tap_obj_open_each(&s->obj, defs, n, s->params_each, s->ko) :
			       tap_obj_open(&s->obj, defs, n, params, s->ko);
	if (err)
		return err;
	if (cli->dump) {
		tap_obj_dump(&s->obj, stdout);
		return 1;
	}
	/* On the heap: a static session per command, each with this array
	 * in .bss, was 0.4 MiB of aarch64's 1 MiB tiny code model. */
	s->cpu_ids = calloc(SESSION_MAX_CPUS, sizeof(*s->cpu_ids));
	if (!s->cpu_ids)
		return msg_errno(-ENOMEM, "the possible CPUs");
	s->ncpus = cpus_possible(s->cpu_ids, SESSION_MAX_CPUS);
	if (s->ncpus <= 0)
		return msg_errno(s->ncpus ? s->ncpus : -EINVAL,
				 "reading /sys/devices/system/cpu/possible");
	s->out = cli_open_output(cli);
	if (!s->out)
		return -EIO;
	return tap_obj_load(&s->obj);
}

int session_close(struct session *s, int err)
{
	int werr;

	tap_obj_close(&s->obj);
	free(s->cpu_ids);
	s->cpu_ids = NULL;
	if (s->own_ko_loaded)
		koff_free(&s->own_ko);
	s->own_ko_loaded = 0;
	/* What no flush along the way reported (stdout a full disk). */
	werr = s->out ? out_file_flush(s->out) : 0;
	if (werr && err >= 0)
		err = msg_errno(werr, "writing %s", s->out == stdout ? "to stdout" : s->cli->output);
	if (s->out && s->out != stdout && fclose(s->out) && err >= 0)
		err = msg_errno(-errno, "closing %s", s->cli->output);
	s->out = NULL;
	return err < 0 ? EXIT_RUNTIME : EXIT_OK;
}

int session_run_pins_cmd(int argc, char **argv, const char *cmd, const char *help,
			 int (*run)(FILE *out))
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct cli_common cli;
	int opt, err;

	cli_init(&cli, cmd);
	opt = cli_next_opt(&cli, argc, argv, "h", longopts, help);
	if ((err = cli_opts_done(&cli, opt, argc, argv, CLI_NO_ARGS)) >= 0)
		return err;
	if (feat_require_privileges(cli.cmd))
		return EXIT_RUNTIME;
	err = run(stdout);
	if ((opt = out_file_flush(stdout)) && err >= 0)
		err = msg_errno(opt, "writing to stdout");
	return err < 0 ? EXIT_RUNTIME : EXIT_OK;
}
