// SPDX-License-Identifier: MIT
/*
 * What only `pouch-init check` looks at: the files that pid 1 reads when
 * a service starts rather than when it loads the configuration (env
 * files), so that an image can be checked before it runs.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PATH as seen from the tree being checked. */
static int in_tree(const struct cfg_sources *src, const char *path, char *out,
		   size_t len)
{
	const char *root = src && src->root ? src->root : "";

	return (size_t)snprintf(out, len, "%s%s", root, path) < len ? 0
								    : -ENAMETOOLONG;
}

static void check_env_file(struct cfg *cfg, const struct cfg_sources *src,
			   const struct cfg_service *s)
{
	const char *path = s->env_file + (s->env_file[0] == '-');
	char host[PATH_MAX];

	if (in_tree(src, path, host, sizeof(host)) < 0)
		return;
	(void)cfg_report_unsafe(cfg, src, host, CFG_PATH_HOLDER, NULL, 0);
}

/* Users are looked up when a service starts; one missing now may be
 * made by a prestart hook. */
static void check_user(struct cfg *cfg, const struct cfg_sources *src,
		       struct cfg_service *s)
{
	char why[PATH_MAX + 64];
	int r = cfg_resolve_user(src, s, why, sizeof(why));

	if (r == -ENOENT)
		cfg_warn(cfg, s->file,
			 strstr(why, "unknown user") ? s->user_line : s->group_line,
			 "%s; it is looked up again when the service starts",
			 why);
	else if (r < 0)
		cfg_error(cfg, s->file, 0, "%s", why);
}

void cfg_check_files(struct cfg *cfg, const struct cfg_sources *src)
{
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		struct cfg_service *s = &cfg->svcs[i];

		if (s->env_file)
			check_env_file(cfg, src, s);
		if (s->has_user || s->has_group)
			check_user(cfg, src, s);
	}
}
