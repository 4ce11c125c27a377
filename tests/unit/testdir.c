/* Temporary directories for unit tests (testdir.h). */
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testdir.h"

char case_dir[64];
char tmp_dir[96];

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void
testdir_case_setup(const char *name)
{
	snprintf(case_dir, sizeof case_dir, "/tmp/sluice-test-%s-XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(case_dir));
}

void
case_teardown(void)
{
	remove_tree(case_dir);
}

void
make_tmp_dir(void)
{
	snprintf(tmp_dir, sizeof tmp_dir, "%s/test-XXXXXX", case_dir);
	ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
}
