/* schedtap btf: what BTF says of kernel structs, for people and for boards
 * without BTF: `offsets` writes the offsets file that `pelt --offsets`
 * reads, made on a build host from the target's vmlinux (its .BTF
 * section) or raw BTF; `member` prints where struct members are. */
#include <errno.h>
#include <stdio.h>
#include "core/help.h"
#include "btf/koffsets.h"
#include "cmd/commands.h"
#include "cmd/pelt.h"
#include "core/cli.h"
#include "core/msg.h"
#include "core/output.h"

static const char offsets_help[] CLI_HELP_TEXT =
	"usage: schedtap btf offsets [VMLINUX|BTF] [-o FILE]\n\n"
	"Writes the kernel struct offsets schedtap pelt needs, from a vmlinux\n"
	"(its .BTF section), a raw BTF file, or this kernel's\n"
	"/sys/kernel/btf/vmlinux by default: for `schedtap pelt --offsets FILE`\n"
	"on a device whose kernel has no BTF. Members the kernel lacks are left\n"
	"out; pelt then says which.\n\n"
	"options:\n"
	"  -o, --output FILE       write to FILE\n"
	"  -h, --help              this help\n";

static const char member_help[] CLI_HELP_TEXT =
	"usage: schedtap btf member [--btf FILE] STRUCT.MEMBER[.MEMBER...]...\n\n"
	"Prints each member's offset, size and type, as BTF gives them (nested\n"
	"and anonymous members, bitfields), from this kernel's BTF or FILE.\n\n"
	"options:\n"
	"      --btf FILE          a vmlinux or raw BTF instead of this kernel's\n"
	"      --csv, --json       machine-readable rows\n"
	"  -h, --help              this help\n";

static int open_btf(struct koffsets *k, const char *path)
{
	char err[200];
	int r = koff_from_btf(k, path, err, sizeof(err));

	if (r)
		msg_err("%s", err);
	return r;
}

static int run_offsets(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "output", required_argument, 0, 'o' },
		{ 0, 0, 0, 0 },
	};
	struct cli_common c;
	struct koffsets k;
	FILE *f;
	int opt, r;

	cli_init(&c, "btf offsets");
	opt = cli_next_opt(&c, argc, argv, "ho:", longopts, offsets_help);
	if ((r = cli_operands_done(&c, opt, argc, argv, 0, 1, NULL)) >= 0)
		return r;
	if (open_btf(&k, optind < argc ? argv[optind] : NULL))
		return EXIT_RUNTIME;
	f = cli_open_output(&c);
	r = f ? koff_write(&k, pelt_paths, pelt_tracepoints, f) : -EIO;
	if (f && !r)
		r = out_file_flush(f);
	if (f && f != stdout && fclose(f) && !r)
		r = -EIO;
	koff_free(&k);
	if (r && f)
		msg_errno(r, "writing the offsets");
	return r ? EXIT_RUNTIME : EXIT_OK;
}

enum { M_PATH, M_OFF, M_SIZE, M_BITS, M_TYPE, NMCOLS };

static const struct out_col member_cols[NMCOLS] = {
	[M_PATH] = { "member", "MEMBER", OUT_STR, 36, 0, 1, 0 },
	[M_OFF] = { "offset", "OFFSET", OUT_U64, 6, 0, 0, 0 },
	[M_SIZE] = { "size", "SIZE", OUT_U64, 5, 0, 0, 0 },
	[M_BITS] = { "bits", "BITS", OUT_STR, 6, 0, 0, 0 },
	[M_TYPE] = { "type", "TYPE", OUT_STR, 0, 0, 1, 0 },
};

static int run_member(int argc, char **argv)
{
	enum { OPT_BTF = OPT_OWN };
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "btf", required_argument, 0, OPT_BTF },
		{ "csv", no_argument, 0, OPT_CSV },
		{ "json", no_argument, 0, OPT_JSON },
		{ 0, 0, 0, 0 },
	};
	struct cli_common c;
	struct koffsets k;
	const char *path = NULL;
	struct out o;
	int opt, failed = 0, r;

	cli_init(&c, "btf member");
	while ((opt = cli_next_opt(&c, argc, argv, "h", longopts, member_help)) >= 0)
		path = optarg;
	if ((r = cli_operands_done(&c, opt, argc, argv, 1, -1, "which STRUCT.MEMBER?")) >= 0)
		return r;
	if (open_btf(&k, path))
		return EXIT_RUNTIME;
	out_init(&o, stdout, c.fmt, member_cols, NMCOLS);
	for (int i = optind; i < argc; i++) {
		struct koff_field f;
		struct out_val v[NMCOLS];
		char err[200], bits[16];

		if (koff_field(&k, argv[i], &f, err, sizeof(err))) {
			msg_err("%s", err);
			failed = 1;
			continue;
		}
		snprintf(bits, sizeof(bits), "%u:%u", f.f.bit_offset, f.f.bits);
		v[M_PATH] = (struct out_val){ .str = argv[i], .len = -1 };
		v[M_OFF] = (struct out_val){ .u = f.f.offset };
		v[M_SIZE] = (struct out_val){ .u = f.f.size };
		v[M_BITS] = (struct out_val){ .str = f.f.bits ? bits : NULL, .len = -1 };
		v[M_TYPE] = (struct out_val){ .str = f.type, .len = -1 };
		out_row(&o, v);
	}
	r = out_flush(&o);
	koff_free(&k);
	if (r)
		return msg_errno(r, "writing to stdout"), EXIT_RUNTIME;
	return failed ? EXIT_RUNTIME : EXIT_OK;
}

static const struct command btf_cmds[] = {
	{ "offsets", "the offsets file pelt --offsets reads, from a vmlinux or BTF", run_offsets },
	{ "member", "where struct members are: offset, size, bits, type", run_member },
	{ NULL, NULL, NULL },
};

static const struct cli_group btf_group = {
	.name = "schedtap btf",
	.item = "command",
	.head = "usage: schedtap btf offsets|member [options]\n\n"
		"What the kernel's BTF says of its structs, read by schedtap's own\n"
		"reader (no libbpf, no pahole).\n\ncommands:\n",
	.foot = "\n'schedtap btf COMMAND --help' for its options.\n",
	.cmds = btf_cmds,
};

int cmd_btf(int argc, char **argv)
{
	return cli_dispatch(&btf_group, argc, argv);
}
