// SPDX-License-Identifier: MIT
/*
 * Users and groups from the container's own /etc/passwd and /etc/group,
 * read with fgetpwent/fgetgrent: a static pid 1 must not call NSS. They
 * are looked up when a service starts (a prestart hook may create the
 * user), not when the configuration is loaded.
 */
#include "config-internal.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where src says to read name (passwd or group) from: src's own path, or
 * etc/NAME under its root, or /etc/NAME. */
static const char *source(const struct cfg_sources *src, const char *own,
			  const char *name, char *buf, size_t len)
{
	if (own)
		return own;
	snprintf(buf, len, "%s/etc/%s", src && src->root ? src->root : "", name);
	return buf;
}

const char *cfg_passwd_path(const struct cfg_sources *src, char *buf,
			    size_t len)
{
	return source(src, src ? src->passwd : NULL, "passwd", buf, len);
}

const char *cfg_group_path(const struct cfg_sources *src, char *buf, size_t len)
{
	return source(src, src ? src->group : NULL, "group", buf, len);
}

static int numeric(const char *s, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && !*end && *v < 0xffffffffUL;
}

static int set_user(struct cfg_service *s, const struct passwd *pw)
{
	free(s->user_name);
	free(s->home);
	free(s->shell);
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	s->user_name = strdup(pw->pw_name);
	s->home = strdup(pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/");
	s->shell = strdup(pw->pw_shell && *pw->pw_shell ? pw->pw_shell
							 : "/bin/sh");
	return s->user_name && s->home && s->shell ? 0 : -ENOMEM;
}

int cfg_lookup_user(const struct cfg_sources *src, const char *name,
		    struct cfg_service *s, const char **why)
{
	char buf[PATH_MAX];
	FILE *f = fopen(cfg_passwd_path(src, buf, sizeof(buf)), "re");
	struct passwd *pw, num;
	unsigned long v;
	int isnum = numeric(name, &v), r = -ENOENT;

	*why = "no such user in /etc/passwd";
	while (f && (pw = fgetpwent(f))) {
		if (strcmp(pw->pw_name, name) == 0 ||
		    (isnum && pw->pw_uid == (uid_t)v)) {
			r = set_user(s, pw);
			break;
		}
	}
	if (f)
		fclose(f);
	if (r == -ENOENT && isnum) {
		memset(&num, 0, sizeof(num));
		num.pw_name = (char *)name;
		num.pw_uid = (uid_t)v;
		num.pw_gid = (gid_t)v;
		r = set_user(s, &num);
	}
	return r;
}

int cfg_lookup_group(const struct cfg_sources *src, const char *name,
		     gid_t *gid)
{
	char buf[PATH_MAX];
	FILE *f = fopen(cfg_group_path(src, buf, sizeof(buf)), "re");
	struct group *gr;
	unsigned long v;
	int isnum = numeric(name, &v), r = -ENOENT;

	while (f && (gr = fgetgrent(f))) {
		if (strcmp(gr->gr_name, name) == 0 ||
		    (isnum && gr->gr_gid == (gid_t)v)) {
			*gid = gr->gr_gid;
			r = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	if (r == -ENOENT && isnum) {
		*gid = (gid_t)v;
		r = 0;
	}
	return r;
}

static int add_gid(struct cfg_service *s, gid_t g)
{
	gid_t *n;

	for (size_t i = 0; i < s->ngroups; i++)
		if (s->groups[i] == g)
			return 0;
	n = realloc(s->groups, (s->ngroups + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	n[s->ngroups++] = g;
	s->groups = n;
	return 0;
}

/* The groups that list the user as a member, and its primary group
 * (none of them for a service with neither user nor group: it keeps
 * pid 1's, plus its supp_groups). */
int cfg_user_groups(const struct cfg_sources *src, struct cfg_service *s)
{
	char buf[PATH_MAX];
	FILE *f;
	struct group *gr;
	int r = s->has_user || s->has_group ? add_gid(s, s->gid) : 0;

	if (r < 0 || !s->has_user)
		return r;
	f = fopen(cfg_group_path(src, buf, sizeof(buf)), "re");
	while (f && (gr = fgetgrent(f)) && r == 0)
		for (char **m = gr->gr_mem; m && *m; m++)
			if (strcmp(*m, s->user_name) == 0)
				r = add_gid(s, gr->gr_gid);
	if (f)
		fclose(f);
	return r;
}

int cfg_resolve_user(const struct cfg_sources *src, struct cfg_service *s,
		     char *why, size_t len)
{
	char buf[PATH_MAX];
	const char *ignored;
	int r = 0;

	free(s->groups);
	s->groups = NULL;
	s->ngroups = 0;
	s->uid = 0;
	s->gid = 0;
	s->ids_resolved = 0;
	if (s->has_user) {
		r = cfg_lookup_user(src, s->user, s, &ignored);
		if (r == -ENOENT)
			snprintf(why, len, "unknown user '%s' (not in %s)", s->user,
				 cfg_passwd_path(src, buf, sizeof(buf)));
	}
	if (r == 0 && s->has_group) {
		r = cfg_lookup_group(src, s->group, &s->gid);
		if (r == -ENOENT)
			snprintf(why, len, "unknown group '%s' (not in %s)",
				 s->group, cfg_group_path(src, buf, sizeof(buf)));
	}
	if (r == 0)
		r = cfg_user_groups(src, s);
	for (char **g = s->supp_groups; r == 0 && g && *g; g++) {
		gid_t gid;

		r = cfg_lookup_group(src, *g, &gid);
		if (r == -ENOENT)
			snprintf(why, len, "unknown group '%s' (not in %s)", *g,
				 cfg_group_path(src, buf, sizeof(buf)));
		else if (r == 0)
			r = add_gid(s, gid);
	}
	if (r == -ENOMEM)
		snprintf(why, len, "out of memory");
	s->ids_resolved = r == 0;
	return r;
}

static int dup_str(char **to, const char *from)
{
	free(*to);
	*to = from ? strdup(from) : NULL;
	return from && !*to ? -ENOMEM : 0;
}

int cfg_copy_ids(struct cfg_service *to, const struct cfg_service *from)
{
	gid_t *g = NULL;

	to->ids_resolved = 0;
	if (from->ngroups &&
	    !(g = malloc(from->ngroups * sizeof(*g))))
		return -ENOMEM;
	if (g)
		memcpy(g, from->groups, from->ngroups * sizeof(*g));
	free(to->groups);
	to->groups = g;
	to->ngroups = from->ngroups;
	to->uid = from->uid;
	to->gid = from->gid;
	if (dup_str(&to->user_name, from->user_name) < 0 ||
	    dup_str(&to->home, from->home) < 0 ||
	    dup_str(&to->shell, from->shell) < 0)
		return -ENOMEM;
	to->ids_resolved = from->ids_resolved;
	return 0;
}
