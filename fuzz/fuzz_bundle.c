// SPDX-License-Identifier: MIT
/*
 * Fuzz what pouch-runc reads from a bundle: the JSON scanner, the rich
 * request (annotations, process.env), its check against an administrator's
 * configuration, and the text rewrite. The first byte picks the mode of a
 * forced rewrite and whether it has a config directory and a host hook;
 * the rest is config.json, any bytes. What must hold: every node lies in
 * the text, a rewrite parses again and starts with pouch-init, and in the
 * modes that only insert, every byte of the input is kept in order.
 */
#include "fuzz.h"

#include "launcher/lch.h"

static const char conf_text[] =
	"[runtime]\nmodes = pouch dumb-init systemd sbin-init\n"
	"[config web]\npath = /srv/pouch/web\n"
	"[initscript net]\npath = /usr/local/lib/pouch/net-setup\ntimeout = 5s\n";
static const char *const modes[] = { "pouch", "dumb-init", "systemd", "sbin-init" };

static void check_nodes(const struct lch_json *j)
{
	for (int i = 0; i < j->nn; i++) {
		const struct lch_jnode *n = &j->n[i];

		if (n->start >= n->end || n->end > j->len)
			abort();
		if (n->type == LCH_J_STRING &&
		    (j->text[n->start] != '"' || j->text[n->end - 1] != '"'))
			abort();
	}
}

static int subsequence(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0;

	for (size_t k = 0; k < blen && i < alen; k++)
		if (b[k] == a[i])
			i++;
	return i == alen;
}

static void rewrite(const struct lch_json *j, const struct lch_rich *r)
{
	struct lch_request rq;
	struct lch_json again;
	char why[512], *out;
	size_t len;

	if (lch_make_rich(j, r, &out, &len, why, sizeof(why)) < 0) {
		if (!why[0])
			abort(); /* a refusal says why */
		return;
	}
	if (lch_json_parse(&again, out, len) < 0)
		abort();
	check_nodes(&again);
	if (lch_request_read(&again, &rq, why, sizeof(why)) == 0 && !rq.already)
		abort();
	lch_request_free(&rq);
	if ((!strcmp(r->mode, "pouch") || !strcmp(r->mode, "dumb-init")) &&
	    !subsequence(j->text, j->len, out, len))
		abort();
	lch_json_free(&again);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lch_conf conf;
	static int loaded;
	struct lch_rich r = { .init_binary = "/usr/local/sbin/pouch-init" }, asked = r;
	struct lch_request rq;
	struct lch_json j;
	char why[512];

	if (!loaded && lch_conf_parse(&conf, "/fuzz/pouch-runc.conf", conf_text) == 0)
		loaded = 1;
	if (size < 1 || !loaded)
		return 0;
	r.mode = modes[data[0] & 3];
	r.config_dir = data[0] & 4 ? "/srv/pouch/web" : NULL;
	r.config_rro = !!(data[0] & 8);
	r.initscript = data[0] & 16 ? "/usr/local/lib/pouch/net-setup" : NULL;
	r.initscript_timeout_s = 5;
	if (lch_json_parse(&j, (const char *)data + 1, size - 1) < 0) {
		(void)lch_mentions_rich((const char *)data + 1, size - 1);
		lch_json_free(&j);
		return 0;
	}
	check_nodes(&j);
	why[0] = '\0';
	if (lch_request_read(&j, &rq, why, sizeof(why)) == 0) {
		why[0] = '\0';
		if (lch_request_check(&rq, &conf, &asked, why, sizeof(why)) == 0 &&
		    asked.mode)
			rewrite(&j, &asked);
		else if (why[0] == '\0' && (rq.config || rq.initscript))
			abort(); /* a name without a mode is refused, saying why */
		lch_request_free(&rq);
	}
	why[0] = '\0';
	rewrite(&j, &r);
	lch_json_free(&j);
	return 0;
}
