// SPDX-License-Identifier: MIT
/*
 * `pouch-init ctl [--socket PATH] COMMAND [ARGS]` (also as `pouchctl`):
 * one request line to the control socket, the response's body to stdout,
 * an error to stderr, and the server's status as our exit status.
 */
#include "run/ctlcli.h"
#include "init/log.h"
#include "run/state.h"
#include "config/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char usage[] =
	"usage: pouch-init ctl [--socket PATH] COMMAND\n"
	"  status [--json] [NAME]   start NAME   stop NAME   restart NAME\n"
	"  signal NAME SIG   reload   reopen   wait-ready [NAME] [--timeout D]\n"
	"  shutdown\n";

/* The server must be root or us: a socket another user made in a
 * directory we trusted by mistake gets no request and no belief. */
static int untrusted_server(int fd, const char *path)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 1;
	if (cred.uid == 0 || cred.uid == geteuid())
		return 0;
	log_errorx("ctl: %s is served by uid %u, not by root or us: not asking it",
		   path, (unsigned)cred.uid);
	errno = EPERM;
	return 1;
}

static int connect_quiet(const char *path, int quiet)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), e;

	if (strlen(path) >= sizeof(a.sun_path)) {
		if (!quiet)
			log_errorx("ctl: socket path too long: %s", path);
		if (fd >= 0)
			close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    untrusted_server(fd, path)) {
		e = errno;
		if (!quiet)
			log_error("ctl: unable to connect to %s", path);
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int connect_to(const char *path)
{
	return connect_quiet(path, 0);
}

static int send_request(int fd, int argc, char **argv)
{
	char line[4096];
	size_t n = 0;

	for (int i = 0; i < argc; i++) {
		int w = snprintf(line + n, sizeof(line) - n, "%s%s", i ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(line) - n - 1)
			return -1;
		n += (size_t)w;
	}
	line[n++] = '\n';
	return send(fd, line, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

static char *read_all(int fd, size_t *len)
{
	char *buf = NULL, *b;
	size_t cap = 0;
	ssize_t r;

	*len = 0;
	for (;;) {
		if (*len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			b = realloc(buf, cap);
			if (!b)
				break;
			buf = b;
		}
		r = read(fd, buf + *len, cap - *len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	if (buf)
		buf[*len] = '\0';
	return buf;
}

/* Where pid 1 put its socket: the config root's init.ini ([init]
 * control_socket or state_dir), else the state directory's places. */
static const char *socket_from_config(char *buf, size_t len)
{
	const char *dir = getenv("POUCH_CONFIG_DIR");
	char path[4096], *text;
	struct cfg cfg;
	int err;

	cfg_defaults(&cfg);
	snprintf(path, sizeof(path), "%s/init.ini", dir && *dir ? dir : "/etc/pouch");
	text = cfg_read_file(path, &err);
	if (text && cfg_load_init_string(&cfg, path, text) == 0 &&
	    cfg.init.control_socket)
		snprintf(buf, len, "%s", cfg.init.control_socket);
	else
		state_dir_find(state_dir_configured(cfg.init.state_dir),
			       "control.sock", buf, len);
	free(text);
	cfg_free(&cfg);
	return buf;
}

const char *ctl_socket_path(char *buf, size_t len)
{
	const char *path = getenv("POUCH_CONTROL_SOCKET");

	if (path && *path) {
		snprintf(buf, len, "%s", path);
		return buf;
	}
	return socket_from_config(buf, len);
}

int ctl_call(const char *path, const char *line, int *status, char **body)
{
	char found[512], *resp, *nl, *copy;
	size_t len;
	int fd, n = 0;
	char *words[16];

	*body = NULL;
	*status = 1;
	if (!path)
		path = ctl_socket_path(found, sizeof(found));
	fd = connect_quiet(path, 1);
	if (fd < 0)
		return -1;
	copy = strdup(line);
	if (!copy) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	for (char *save, *t = strtok_r(copy, " ", &save); t && n < 16;
	     t = strtok_r(NULL, " ", &save))
		words[n++] = t;
	if (send_request(fd, n, words) < 0 && errno != EPIPE &&
	    errno != ECONNRESET) {
		free(copy);
		close(fd);
		return -1;
	}
	free(copy);
	resp = read_all(fd, &len);
	close(fd);
	if (!resp || !len) {
		free(resp);
		errno = ECONNRESET;
		return -1;
	}
	nl = strchr(resp, '\n');
	if (nl)
		*nl++ = '\0';
	if (!strcmp(resp, "OK")) {
		*status = 0;
		*body = strdup(nl ? nl : "");
	} else if (!strncmp(resp, "ERR ", 4)) {
		char *msg;

		*status = (int)strtol(resp + 4, &msg, 10);
		*body = strdup(*msg == ' ' ? msg + 1 : msg);
		if (!*status)
			*status = 1;
	} else {
		*body = strdup(resp);
	}
	free(resp);
	return 0;
}

int ctl_main(int argc, char **argv)
{
	const char *path = getenv("POUCH_CONTROL_SOCKET");
	char *resp, *nl, found[512];
	size_t len;
	int i = 1, fd, code;

	log_set_prog("pouch-init ctl");
	if (!path || !*path)
		path = socket_from_config(found, sizeof(found));
	if (i < argc && !strcmp(argv[i], "--socket") && i + 1 < argc) {
		path = argv[i + 1];
		i += 2;
	} else if (i < argc && !strncmp(argv[i], "--socket=", 9)) {
		path = argv[i++] + 9;
	}
	if (i >= argc || !strcmp(argv[i], "--help")) {
		fputs(usage, i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	fd = connect_to(path);
	if (fd < 0)
		return 69;
	/* a refusal may come before we could send: read it all the same */
	if (send_request(fd, argc - i, argv + i) < 0 && errno != EPIPE &&
	    errno != ECONNRESET) {
		log_error("ctl: unable to send the request");
		close(fd);
		return 69;
	}
	resp = read_all(fd, &len);
	close(fd);
	if (!resp || !len) {
		log_errorx("ctl: no answer from %s", path);
		free(resp);
		return 69;
	}
	nl = strchr(resp, '\n');
	if (nl)
		*nl++ = '\0';
	if (!strcmp(resp, "OK")) {
		if (nl)
			fputs(nl, stdout);
		free(resp);
		return 0;
	}
	code = 1;
	if (!strncmp(resp, "ERR ", 4)) {
		char *msg;

		code = (int)strtol(resp + 4, &msg, 10);
		log_errorx("%s", *msg == ' ' ? msg + 1 : msg);
	} else {
		log_errorx("ctl: bad answer '%.60s'", resp);
	}
	if (nl)
		fputs(nl, stderr);
	free(resp);
	return code ? code : 1;
}
