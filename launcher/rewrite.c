// SPDX-License-Identifier: MIT
/*
 * What a bundle asks for, whether the administrator allows it, and the
 * config.json of a rich container; see lch.h. The rewrite only inserts
 * text (and, for the systemd modes, turns the cgroup mount's "ro" into
 * "rw"): every byte of config.json it does not change reaches runc as it
 * was.
 */
#include "lch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A_MODE "io.pouch.rich-mode"
#define A_CONFIG "io.pouch.config"
#define A_INITSCRIPT "io.pouch.initscript"
#define ENV_MODE "POUCH_RICH_MODE"

const char *lch_printable(const char *s, size_t len)
{
	static char buf[1024];
	size_t o = 0, i;

	for (i = 0; i < len && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
	}
	if (i < len)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "...");
	buf[o] = '\0';
	return buf;
}

static int say(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int lch_mentions_rich(const char *text, size_t len)
{
	return memmem(text, len, "io.pouch.", 9) || memmem(text, len, ENV_MODE, 15);
}

/* member name of obj; a name given twice is an error (Go would take the
 * last, or merge: either way not what we looked at) */
static int member(const struct lch_json *j, int obj, const char *name,
		  char *why, size_t whylen, int *v)
{
	*v = lch_json_member(j, obj, name);
	if (*v == -2)
		return say(why, whylen, "config.json: '%s' is given twice", name);
	return 0;
}

/* an annotation's string value, or NULL (none, or empty) */
static int annotation(const struct lch_json *j, int ann, const char *key,
		      char **val, size_t *len, char *why, size_t whylen)
{
	int v = lch_json_key(j, ann, key);

	*val = NULL;
	if (v == -2)
		return say(why, whylen, "annotation %s is given twice", key);
	if (v < 0)
		return 0;
	if (j->n[v].type != LCH_J_STRING)
		return say(why, whylen, "annotation %s is not a string", key);
	*val = lch_json_string(j, v, len);
	if (!*val)
		return say(why, whylen, "out of memory");
	if (!*len) {
		free(*val);
		*val = NULL;
	}
	return 0;
}

static int is_sandbox(const struct lch_json *j, int ann)
{
	return lch_json_is(j, lch_json_key(j, ann, "io.kubernetes.cri.container-type"),
			   "sandbox") ||
	       lch_json_is(j, lch_json_key(j, ann, "io.kubernetes.cri-o.ContainerType"),
			   "sandbox");
}

/* POUCH_RICH_MODE=... in process.env: the value; two different ones are
 * an error */
static int env_mode(const struct lch_json *j, int env, struct lch_request *rq,
		    char *why, size_t whylen)
{
	size_t len, plen = strlen(ENV_MODE "=");

	if (env < 0 || j->n[env].type != LCH_J_ARRAY)
		return 0;
	for (int e = j->n[env].first; e >= 0; e = j->n[e].next) {
		char *s = lch_json_string(j, e, &len);

		if (!s || len < plen || memcmp(s, ENV_MODE "=", plen)) {
			free(s);
			continue;
		}
		if (rq->mode && (rq->mode_len != len - plen ||
				 memcmp(rq->mode, s + plen, len - plen))) {
			free(s);
			return say(why, whylen, "process.env: " ENV_MODE " is given twice, with different values");
		}
		if (!rq->mode) {
			rq->mode = s;
			rq->mode_len = len - plen;
			memmove(s, s + plen, len - plen + 1);
		} else {
			free(s);
		}
	}
	if (rq->mode && !rq->mode_len) {
		free(rq->mode);
		rq->mode = NULL;
	}
	if (rq->mode)
		rq->mode_from = "process.env " ENV_MODE;
	return 0;
}

int lch_request_read(const struct lch_json *j, struct lch_request *rq,
		     char *why, size_t whylen)
{
	int ann, proc, env, args;

	memset(rq, 0, sizeof(*rq));
	if (j->n[0].type != LCH_J_OBJECT)
		return 0; /* runc will say what it thinks of it */
	if (member(j, 0, "annotations", why, whylen, &ann) < 0 ||
	    member(j, 0, "process", why, whylen, &proc) < 0 ||
	    member(j, proc, "env", why, whylen, &env) < 0 ||
	    member(j, proc, "args", why, whylen, &args) < 0)
		return -1;
	if (ann >= 0 && is_sandbox(j, ann)) {
		rq->sandbox = 1;
		return 0;
	}
	if (annotation(j, ann, A_MODE, &rq->mode, &rq->mode_len, why, whylen) < 0 ||
	    annotation(j, ann, A_CONFIG, &rq->config, &rq->config_len, why, whylen) < 0 ||
	    annotation(j, ann, A_INITSCRIPT, &rq->initscript, &rq->initscript_len,
		       why, whylen) < 0 ||
	    (!rq->mode && env_mode(j, env, rq, why, whylen) < 0)) {
		lch_request_free(rq);
		return -1;
	}
	if (rq->mode && !rq->mode_from)
		rq->mode_from = "annotation " A_MODE;
	if (args >= 0 && j->n[args].type == LCH_J_ARRAY)
		rq->already = lch_json_is(j, j->n[args].first, LCH_INIT_PATH);
	return 0;
}

void lch_request_free(struct lch_request *rq)
{
	free(rq->mode);
	free(rq->config);
	free(rq->initscript);
	memset(rq, 0, sizeof(*rq));
}

int lch_request_check(const struct lch_request *rq, const struct lch_conf *c,
		      struct lch_rich *r, char *why, size_t whylen)
{
	const struct lch_entry *e;
	unsigned bit;

	if (!rq->mode && (rq->config || rq->initscript))
		return say(why, whylen, "annotation %s: no rich mode is asked for (annotation " A_MODE
			   " or " ENV_MODE " in process.env)",
			   rq->config ? A_CONFIG : A_INITSCRIPT);
	if (!rq->mode)
		return 0;
	bit = lch_mode_bit(rq->mode, rq->mode_len);
	if (!bit)
		return say(why, whylen, "%s: unknown rich mode '%s' (%s)", rq->mode_from,
			   lch_printable(rq->mode, rq->mode_len), LCH_MODE_NAMES);
	if (!(c->modes & bit))
		return say(why, whylen, "%s: rich mode '%s' is not allowed here (allowed: %s; "
			   "the administrator allows modes with [runtime] modes in %s%s)",
			   rq->mode_from, rq->mode, lch_mode_list(c->modes), c->file,
			   c->found ? "" : ", which does not exist");
	r->mode = rq->mode;
	if (rq->config) {
		e = lch_conf_entry(c->configs, c->nconfigs, rq->config, rq->config_len);
		if (!e)
			return say(why, whylen, "annotation " A_CONFIG ": '%s' is not a [config NAME] entry of %s "
				   "(a bundle names an entry, never a host path)",
				   lch_printable(rq->config, rq->config_len), c->file);
		r->config_dir = e->path;
	}
	if (rq->initscript) {
		e = lch_conf_entry(c->scripts, c->nscripts, rq->initscript,
				   rq->initscript_len);
		if (!e)
			return say(why, whylen, "annotation " A_INITSCRIPT ": '%s' is not an [initscript NAME] entry of %s "
				   "(a bundle names an entry, never a host path)",
				   lch_printable(rq->initscript, rq->initscript_len), c->file);
		r->initscript = e->path;
		r->initscript_timeout_s = e->timeout_s;
	}
	return 0;
}

/* ---- the rewrite */

struct rw {
	const struct lch_json *j;
	struct lch_edits e;
	int *added; /* per node: elements or members appended */
	char *why;
	size_t whylen;
	char *mounts; /* ours, when config.json has no mounts array */
};

/* add text as the last element or member of node */
static void append(struct rw *w, int node, const char *text)
{
	const struct lch_jnode *n = &w->j->n[node];

	lch_edit(&w->e, n->end - 1, 0, "%s%s",
		 n->count + w->added[node] ? "," : "", text);
	w->added[node]++;
}

static void insert_before(struct rw *w, int node, const char *text)
{
	lch_edit(&w->e, w->j->n[node].start, 0, "%s,", text);
}

/* elem in the array obj.name: appended, or the array made */
static int add_to_array(struct rw *w, int obj, const char *name, const char *elem)
{
	int v;

	if (member(w->j, obj, name, w->why, w->whylen, &v) < 0)
		return -1;
	if (v >= 0 && w->j->n[v].type == LCH_J_ARRAY)
		append(w, v, elem);
	else if (v >= 0 && w->j->n[v].type == LCH_J_NULL)
		lch_edit(&w->e, w->j->n[v].start, 4, "[%s]", elem);
	else if (v == -1)
		lch_edit(&w->e, w->j->n[obj].end - 1, 0, "%s\"%s\":[%s]",
			 w->j->n[obj].count + w->added[obj]++ ? "," : "", name, elem);
	else
		return say(w->why, w->whylen, "config.json: '%s' is not an array", name);
	return 0;
}

/* elem in the array obj.outer.inner */
static int add_to_nested(struct rw *w, int obj, const char *outer,
			 const char *inner, const char *elem)
{
	int o;

	if (member(w->j, obj, outer, w->why, w->whylen, &o) < 0)
		return -1;
	if (o >= 0 && w->j->n[o].type == LCH_J_OBJECT)
		return add_to_array(w, o, inner, elem);
	if (o >= 0 && w->j->n[o].type == LCH_J_NULL)
		lch_edit(&w->e, w->j->n[o].start, 4, "{\"%s\":[%s]}", inner, elem);
	else if (o == -1)
		lch_edit(&w->e, w->j->n[obj].end - 1, 0, "%s\"%s\":{\"%s\":[%s]}",
			 w->j->n[obj].count + w->added[obj]++ ? "," : "", outer,
			 inner, elem);
	else
		return say(w->why, w->whylen, "config.json: '%s' is not an object", outer);
	return 0;
}

/* a mount's destination, cleaned as a path ("/a/./b/../c//" is "/a/c"),
 * in buf; "" when it has none */
static const char *destination(const struct lch_json *j, int m, char *buf,
			       size_t size)
{
	int d = lch_json_member(j, m, "destination");
	size_t len, o = 0;
	char *s = lch_json_string(j, d, &len), *p, *save, *tok;

	buf[0] = '\0';
	if (!s || len >= size) {
		free(s);
		return buf;
	}
	for (tok = strtok_r(s, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			p = strrchr(buf, '/');
			o = p ? (size_t)(p - buf) : 0;
			buf[o] = '\0';
			continue;
		}
		o += (size_t)snprintf(buf + o, size - o, "/%s", tok);
	}
	if (!o)
		snprintf(buf, size, "/");
	free(s);
	return buf;
}

static int has_mount(const struct lch_json *j, int mounts, const char *dst)
{
	char d[4096];

	if (mounts < 0 || j->n[mounts].type != LCH_J_ARRAY)
		return 0;
	for (int m = j->n[mounts].first; m >= 0; m = j->n[m].next)
		if (!strcmp(destination(j, m, d, sizeof(d)), dst))
			return 1;
	return 0;
}

/* a is dst or a directory above it */
static int above(const char *a, const char *dst)
{
	size_t n = strlen(a), m = strlen(dst);

	return !strcmp(a, "/") ||
	       (m >= n && !memcmp(a, dst, n) && (m == n || dst[n] == '/'));
}

static char *mount_json(const char *dst, const char *type, const char *src,
			const char *opts)
{
	char *d = lch_json_quote(dst), *s = lch_json_quote(src), *o = strdup(opts);
	char *out = NULL, *list = NULL, *tok, *save, *q;
	size_t n = 0;
	FILE *f;
	int first = 1;

	if (!d || !s || !o || !(f = open_memstream(&list, &n)))
		goto out;
	for (tok = strtok_r(o, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		q = lch_json_quote(tok);
		fprintf(f, "%s%s", first ? "" : ",", q ? q : "\"\"");
		first = 0;
		free(q);
	}
	if (fclose(f) != 0 || !list)
		goto out;
	if (asprintf(&out, "{\"destination\":%s,\"type\":\"%s\",\"source\":%s,\"options\":[%s]}",
		     d, type, s, list) < 0)
		out = NULL;
out:
	free(d);
	free(s);
	free(o);
	free(list);
	return out;
}

/* A mount of ours goes after the last mount of the bundle that is above
 * it (/run before our /run/lock) and before the first one after that
 * which lies beneath it, so that every mount the bundle has beneath it
 * (/run/secrets under /run, also through /var/run) stays visible; a
 * "last" one goes at the end, over whatever the bundle has there. With no
 * mounts array yet, they are kept in w->mounts for end_mounts. */
static int add_mount(struct rw *w, int mounts, const char *dst, const char *type,
		     const char *src, const char *opts, int last)
{
	const struct lch_json *j = w->j;
	char *m = mount_json(dst, type, src, opts), d[4096] = "", *more;
	int at = -1;

	if (!m)
		return say(w->why, w->whylen, "out of memory");
	if (mounts < 0 || j->n[mounts].type != LCH_J_ARRAY) {
		if (asprintf(&more, "%s%s%s", w->mounts ? w->mounts : "",
			     w->mounts ? "," : "", m) < 0) {
			free(m);
			return say(w->why, w->whylen, "out of memory");
		}
		free(w->mounts);
		w->mounts = more;
		free(m);
		return 0;
	}
	for (int e = j->n[mounts].first; e >= 0 && !last; e = j->n[e].next) {
		const char *de = destination(j, e, d, sizeof(d));

		if (above(de, dst))
			at = -1; /* ours must come after this one */
		else if (at < 0 && above(dst, de))
			at = e; /* the first beneath ours since then */
	}
	if (at >= 0)
		insert_before(w, at, m);
	else
		append(w, mounts, m);
	free(m);
	return 0;
}

/* the mounts array, when config.json had none (or null) */
static void end_mounts(struct rw *w, int mounts)
{
	const struct lch_json *j = w->j;

	if (!w->mounts)
		return;
	if (mounts >= 0)
		lch_edit(&w->e, j->n[mounts].start, 4, "[%s]", w->mounts);
	else
		lch_edit(&w->e, j->n[0].end - 1, 0, "%s\"mounts\":[%s]",
			 j->n[0].count + w->added[0]++ ? "," : "", w->mounts);
}

/* A bind mount, as runc (and crun) decide it: "bind" or "rbind" among
 * its options, whatever its "type" says (runc then ignores the type). */
static int is_bind(const struct lch_json *j, int m)
{
	int o = lch_json_member(j, m, "options");

	if (o < 0 || j->n[o].type != LCH_J_ARRAY)
		return 0;
	for (int e = j->n[o].first; e >= 0; e = j->n[e].next)
		if (lch_json_is(j, e, "bind") || lch_json_is(j, e, "rbind"))
			return 1;
	return 0;
}

/* systemd's cgroup tree must be writable: "ro" becomes "rw" on the
 * runtime's own cgroup mount, never on another kind of mount that a
 * bundle put there: a bind of a host directory stays read-only, also
 * when its "type" says cgroup */
static void cgroup_rw(struct rw *w, int mounts)
{
	const struct lch_json *j = w->j;
	char d[4096];

	if (mounts < 0 || j->n[mounts].type != LCH_J_ARRAY)
		return;
	for (int m = j->n[mounts].first; m >= 0; m = j->n[m].next) {
		int o;

		if (strcmp(destination(j, m, d, sizeof(d)), "/sys/fs/cgroup") ||
		    !(lch_json_is(j, lch_json_member(j, m, "type"), "cgroup") ||
		      lch_json_is(j, lch_json_member(j, m, "type"), "cgroup2")) ||
		    is_bind(j, m))
			continue;
		o = lch_json_member(j, m, "options");
		if (o < 0 || j->n[o].type != LCH_J_ARRAY)
			continue;
		for (int e = j->n[o].first; e >= 0; e = j->n[e].next)
			if (lch_json_is(j, e, "ro"))
				lch_edit(&w->e, j->n[e].start, j->n[e].end - j->n[e].start,
					 "\"rw\"");
	}
}

/* A cgroup namespace of its own for the systemd modes: *asked when the
 * bundle asks for one (else it is added). One the bundle joins by path is
 * another process's (the host's, say): made writable, its whole tree
 * would be the container's, so it is refused (-1, why said) rather than
 * left read-only, where systemd could not run as it should. */
static int own_cgroup_ns(struct rw *w, int arr, const char *mode, int *asked)
{
	const struct lch_json *j = w->j;
	char *path;
	size_t len;
	int t, p;

	*asked = 0;
	if (arr < 0 || j->n[arr].type != LCH_J_ARRAY)
		return 0;
	for (int n = j->n[arr].first; n >= 0; n = j->n[n].next) {
		if (member(j, n, "type", w->why, w->whylen, &t) < 0)
			return -1;
		if (!lch_json_is(j, t, "cgroup"))
			continue;
		if (member(j, n, "path", w->why, w->whylen, &p) < 0)
			return -1;
		if (p == -1) {
			*asked = 1;
			continue;
		}
		path = lch_json_string(j, p, &len);
		say(w->why, w->whylen, "rich mode '%s': linux.namespaces joins the cgroup "
		    "namespace '%s' by path; this mode needs one of its own (it makes "
		    "/sys/fs/cgroup writable)", mode,
		    path ? lch_printable(path, len) : "(not a string)");
		free(path);
		return -1;
	}
	return 0;
}

/* a pid namespace of its own: one asked for, and none joined by path
 * (runc refuses a type given twice; we do not rely on it) */
static int own_pid_ns(const struct lch_json *j, int arr)
{
	int own = 0;

	if (arr < 0 || j->n[arr].type != LCH_J_ARRAY)
		return 0;
	for (int n = j->n[arr].first; n >= 0; n = j->n[n].next) {
		if (!lch_json_is(j, lch_json_member(j, n, "type"), "pid"))
			continue;
		if (lch_json_member(j, n, "path") != -1)
			return 0;
		own = 1;
	}
	return own;
}

static int has_prefix(const struct lch_json *j, int arr, const char *prefix)
{
	size_t len, n = strlen(prefix);

	if (arr < 0 || j->n[arr].type != LCH_J_ARRAY)
		return 0;
	for (int e = j->n[arr].first; e >= 0; e = j->n[e].next) {
		char *s = lch_json_string(j, e, &len);
		int yes = s && len >= n && !memcmp(s, prefix, n);

		free(s);
		if (yes)
			return 1;
	}
	return 0;
}

/* What systemd needs in a container (and the sbin-init inits): tmpfs on
 * /run, /run/lock and /tmp, a cgroup namespace of its own with a writable
 * /sys/fs/cgroup, container= in the environment. */
static int systemd_needs(struct rw *w, int proc, int mounts, const char *mode)
{
	static const char *const tmpfs[][2] = {
		{ "/run", "nosuid,nodev,mode=755" },
		{ "/run/lock", "nosuid,nodev,noexec,mode=1777" },
		{ "/tmp", "nosuid,nodev,mode=1777" },
	};
	const struct lch_json *j = w->j;
	int linux, ns, env, asked;

	if (member(j, 0, "linux", w->why, w->whylen, &linux) < 0 ||
	    member(j, linux, "namespaces", w->why, w->whylen, &ns) < 0 ||
	    member(j, proc, "env", w->why, w->whylen, &env) < 0 ||
	    own_cgroup_ns(w, ns, mode, &asked) < 0)
		return -1;
	for (size_t k = 0; k < 3; k++)
		if (!has_mount(j, mounts, tmpfs[k][0]) &&
		    add_mount(w, mounts, tmpfs[k][0], "tmpfs", "tmpfs", tmpfs[k][1], 0) < 0)
			return -1;
	cgroup_rw(w, mounts);
	if (!asked &&
	    add_to_nested(w, 0, "linux", "namespaces", "{\"type\":\"cgroup\"}") < 0)
		return -1;
	if (!has_prefix(j, env, "container=") &&
	    add_to_array(w, proc, "env", "\"container=pouch\"") < 0)
		return -1;
	return 0;
}

/* sbin-init mode: the image's init shuts the container down with
 * reboot(2), which needs CAP_SYS_BOOT. In a pid namespace of its own that
 * ends the namespace, nothing more; without one it would reboot the host,
 * so then the capability is not given. */
static int sbin_init_needs(struct rw *w, int proc)
{
	static const char *const sets[] = { "bounding", "effective", "permitted" };
	const struct lch_json *j = w->j;
	int linux, ns, caps, a;

	if (member(j, 0, "linux", w->why, w->whylen, &linux) < 0 ||
	    member(j, linux, "namespaces", w->why, w->whylen, &ns) < 0 ||
	    member(j, proc, "capabilities", w->why, w->whylen, &caps) < 0)
		return -1;
	if (!own_pid_ns(j, ns) || caps < 0 || j->n[caps].type != LCH_J_OBJECT)
		return 0;
	for (size_t k = 0; k < sizeof(sets) / sizeof(*sets); k++) {
		if (member(j, caps, sets[k], w->why, w->whylen, &a) < 0)
			return -1;
		if (a >= 0 && j->n[a].type == LCH_J_ARRAY) {
			int has = 0;

			for (int e = j->n[a].first; e >= 0; e = j->n[e].next)
				has |= lch_json_is(j, e, "CAP_SYS_BOOT");
			if (has)
				continue;
		}
		if (add_to_array(w, caps, sets[k], "\"CAP_SYS_BOOT\"") < 0)
			return -1;
	}
	return 0;
}

static int hook(struct rw *w, const struct lch_rich *r)
{
	char *p = lch_json_quote(r->initscript), *h = NULL;
	int rc;

	if (!p || asprintf(&h, "{\"path\":%s,\"args\":[%s],\"timeout\":%d}", p, p,
			   r->initscript_timeout_s > 0 ? r->initscript_timeout_s : 30) < 0) {
		free(p);
		return say(w->why, w->whylen, "out of memory");
	}
	rc = add_to_nested(w, 0, "hooks", "prestart", h);
	free(p);
	free(h);
	return rc;
}

static int process_args(struct rw *w, const struct lch_rich *r, int *proc)
{
	const struct lch_json *j = w->j;
	int args;
	char *mode;

	if (member(j, 0, "process", w->why, w->whylen, proc) < 0 ||
	    member(j, *proc, "args", w->why, w->whylen, &args) < 0)
		return -1;
	if (*proc < 0 || j->n[*proc].type != LCH_J_OBJECT || args < 0 ||
	    j->n[args].type != LCH_J_ARRAY || !j->n[args].count)
		return say(w->why, w->whylen, "config.json has no process.args");
	for (int e = j->n[args].first; e >= 0; e = j->n[e].next)
		if (j->n[e].type != LCH_J_STRING)
			return say(w->why, w->whylen, "process.args holds a non-string");
	mode = lch_json_quote(r->mode);
	if (!mode)
		return say(w->why, w->whylen, "out of memory");
	lch_edit(&w->e, j->n[args].start + 1, 0, "\"%s\",\"--mode\",%s,\"--\",",
		 LCH_INIT_PATH, mode);
	free(mode);
	return 0;
}

static int edits(struct rw *w, const struct lch_rich *r)
{
	const struct lch_json *j = w->j;
	int proc, mounts, sd;

	if (j->n[0].type != LCH_J_OBJECT)
		return say(w->why, w->whylen, "config.json is not an object");
	if (process_args(w, r, &proc) < 0 ||
	    member(j, 0, "mounts", w->why, w->whylen, &mounts) < 0)
		return -1;
	if (mounts >= 0 && j->n[mounts].type != LCH_J_ARRAY &&
	    j->n[mounts].type != LCH_J_NULL)
		return say(w->why, w->whylen, "config.json: 'mounts' is not an array");
	if (r->config_dir && has_mount(j, mounts, LCH_CONFIG_PATH))
		return say(w->why, w->whylen, "annotation io.pouch.config: the bundle mounts "
			   LCH_CONFIG_PATH " itself");
	sd = !strcmp(r->mode, "systemd") || !strcmp(r->mode, "sbin-init");
	if (sd && systemd_needs(w, proc, mounts, r->mode) < 0)
		return -1;
	if (r->config_dir &&
	    add_mount(w, mounts, LCH_CONFIG_PATH, "bind", r->config_dir,
		      r->config_rro ? "rbind,ro,rro,nosuid,nodev" : "bind,ro,nosuid,nodev",
		      0) < 0)
		return -1;
	if (add_mount(w, mounts, LCH_INIT_PATH, "bind", r->init_binary,
		      "bind,ro,nosuid,nodev", 1) < 0)
		return -1;
	end_mounts(w, mounts);
	if (!strcmp(r->mode, "sbin-init") && sbin_init_needs(w, proc) < 0)
		return -1;
	if (r->initscript && hook(w, r) < 0)
		return -1;
	return 0;
}

static int starts_rich(const struct lch_json *j)
{
	int args = lch_json_member(j, lch_json_member(j, 0, "process"), "args");

	return args >= 0 && j->n[args].type == LCH_J_ARRAY &&
	       lch_json_is(j, j->n[args].first, LCH_INIT_PATH);
}

int lch_make_rich(const struct lch_json *j, const struct lch_rich *r,
		  char **out, size_t *out_len, char *why, size_t whylen)
{
	struct rw w = { .j = j, .why = why, .whylen = whylen };
	struct lch_json check;
	int rc = -1;

	*out = NULL;
	if (!lch_mode_bit(r->mode, strlen(r->mode)))
		return say(why, whylen, "unknown rich mode '%s' (%s)",
			   lch_printable(r->mode, strlen(r->mode)), LCH_MODE_NAMES);
	w.added = calloc((size_t)j->nn, sizeof(*w.added));
	if (!w.added)
		return say(why, whylen, "out of memory");
	if (edits(&w, r) < 0)
		goto out;
	*out = lch_edits_apply(&w.e, j->text, j->len, out_len);
	if (!*out) {
		say(why, whylen, "out of memory");
		goto out;
	}
	/* what runc gets must parse, and start with pouch-init */
	if (lch_json_parse(&check, *out, *out_len) < 0 || !starts_rich(&check)) {
		say(why, whylen, "internal error: the rewritten config.json does not hold");
		free(*out);
		*out = NULL;
	} else {
		rc = 0;
	}
	lch_json_free(&check);
out:
	lch_edits_free(&w.e);
	free(w.added);
	free(w.mounts);
	return rc;
}
