// wasiprog: a small WASI command written against plain POSIX and built with
// wasi-libc, to exercise plugwit's WASI 0.2 host through the preview1
// adapter the way real programs do. See ../README.md.
//
//   wasiprog echo ARG...          print the arguments, space-separated
//   wasiprog args                 print argc and every argv[i] in brackets
//   wasiprog env [NAME]           print the environment (or one variable;
//                                 exit 1 when it is unset)
//   wasiprog cat                  copy stdin to stdout
//   wasiprog ls DIR               list DIR, sorted, "/" after directories
//   wasiprog read FILE            print FILE
//   wasiprog write FILE TEXT      create or truncate FILE and write TEXT
//   wasiprog append FILE TEXT     append TEXT to FILE
//   wasiprog mkdir DIR            create DIR
//   wasiprog rm PATH              remove a file or an empty directory
//   wasiprog mv FROM TO           rename
//   wasiprog stat PATH            print "file SIZE" or "dir"
//   wasiprog sleep MS             nanosleep MS milliseconds, print the
//                                 monotonic time that passed
//   wasiprog clock                print the monotonic and realtime clocks
//   wasiprog exit CODE            exit(CODE)
//
// A failure prints "wasiprog: OP PATH: strerror" to stderr and exits 1.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int fail(const char *op, const char *path) {
	fprintf(stderr, "wasiprog: %s %s: %s\n", op, path, strerror(errno));
	return 1;
}

static int usage(void) {
	fprintf(stderr, "usage: wasiprog echo|args|env|cat|ls|read|write|append|mkdir|rm|mv|stat|sleep|clock|exit ...\n");
	return 2;
}

static int copy(int in, int out) {
	static char buf[64 * 1024];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				return -1;
			off += w;
		}
	}
}

static int cmpstr(const void *a, const void *b) {
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ls(const char *dir) {
	DIR *d = opendir(dir);
	if (!d)
		return fail("ls", dir);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *s = malloc(strlen(e->d_name) + 2);
		strcpy(s, e->d_name);
		if (e->d_type == DT_DIR)
			strcat(s, "/");
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = s;
	}
	if (errno != 0)
		return fail("ls", dir);
	closedir(d);
	qsort(names, n, sizeof *names, cmpstr);
	for (size_t i = 0; i < n; i++)
		printf("%s\n", names[i]);
	return 0;
}

static int writefile(const char *path, const char *text, int flags) {
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	if (fd < 0)
		return fail("open", path);
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len)
		return fail("write", path);
	if (close(fd) != 0)
		return fail("close", path);
	return 0;
}

static int64_t nanos(clockid_t id) {
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv) {
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];
	char **a = argv + 2;
	int n = argc - 2;

	if (strcmp(cmd, "echo") == 0) {
		for (int i = 0; i < n; i++)
			printf("%s%s", i ? " " : "", a[i]);
		printf("\n");
		return 0;
	}
	if (strcmp(cmd, "args") == 0) {
		printf("%d", argc);
		for (int i = 0; i < argc; i++)
			printf(" [%s]", argv[i]);
		printf("\n");
		return 0;
	}
	if (strcmp(cmd, "env") == 0) {
		if (n == 1) {
			const char *v = getenv(a[0]);
			if (!v)
				return 1;
			printf("%s\n", v);
			return 0;
		}
		for (char **e = environ; e && *e; e++)
			printf("%s\n", *e);
		return 0;
	}
	if (strcmp(cmd, "cat") == 0) {
		if (copy(0, 1) != 0)
			return fail("cat", "stdin");
		return 0;
	}
	if (strcmp(cmd, "ls") == 0 && n == 1)
		return ls(a[0]);
	if (strcmp(cmd, "read") == 0 && n == 1) {
		int fd = open(a[0], O_RDONLY);
		if (fd < 0)
			return fail("open", a[0]);
		if (copy(fd, 1) != 0)
			return fail("read", a[0]);
		close(fd);
		return 0;
	}
	if (strcmp(cmd, "write") == 0 && n == 2)
		return writefile(a[0], a[1], O_TRUNC);
	if (strcmp(cmd, "append") == 0 && n == 2)
		return writefile(a[0], a[1], O_APPEND);
	if (strcmp(cmd, "mkdir") == 0 && n == 1)
		return mkdir(a[0], 0755) == 0 ? 0 : fail("mkdir", a[0]);
	if (strcmp(cmd, "rm") == 0 && n == 1)
		return remove(a[0]) == 0 ? 0 : fail("rm", a[0]);
	if (strcmp(cmd, "mv") == 0 && n == 2)
		return rename(a[0], a[1]) == 0 ? 0 : fail("mv", a[0]);
	if (strcmp(cmd, "stat") == 0 && n == 1) {
		struct stat st;
		if (stat(a[0], &st) != 0)
			return fail("stat", a[0]);
		if (S_ISDIR(st.st_mode))
			printf("dir\n");
		else
			printf("file %lld\n", (long long)st.st_size);
		return 0;
	}
	if (strcmp(cmd, "sleep") == 0 && n == 1) {
		long ms = strtol(a[0], NULL, 10);
		struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
		int64_t start = nanos(CLOCK_MONOTONIC);
		if (nanosleep(&ts, NULL) != 0)
			return fail("sleep", a[0]);
		printf("slept %lld ms\n", (long long)((nanos(CLOCK_MONOTONIC) - start) / 1000000));
		return 0;
	}
	if (strcmp(cmd, "clock") == 0) {
		int64_t m1 = nanos(CLOCK_MONOTONIC), m2 = nanos(CLOCK_MONOTONIC);
		struct timespec res;
		clock_getres(CLOCK_MONOTONIC, &res);
		printf("monotonic %s\n", m1 >= 0 && m2 >= m1 ? "ok" : "bad");
		printf("resolution %lld\n", (long long)res.tv_sec * 1000000000 + res.tv_nsec);
		printf("realtime %lld\n", (long long)(nanos(CLOCK_REALTIME) / 1000000000));
		printf("time %lld\n", (long long)time(NULL));
		return 0;
	}
	if (strcmp(cmd, "exit") == 0 && n == 1) {
		fflush(stdout);
		exit(atoi(a[0]));
	}
	return usage();
}
