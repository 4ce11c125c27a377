/* Temporary directories for unit tests: one per test case, made and removed
 * by Check's parent process (so it goes even when a test fails), and one
 * per test inside it. */
#ifndef SLUICE_TESTDIR_H
#define SLUICE_TESTDIR_H

extern char case_dir[64];
extern char tmp_dir[96];

/* Makes case_dir, /tmp/sluice-test-NAME-XXXXXX. */
void testdir_case_setup(const char *name);
/* Removes case_dir and all it holds. */
void case_teardown(void);
/* Makes a fresh tmp_dir inside case_dir. */
void make_tmp_dir(void);
/* Removes dir and all it holds. */
void remove_tree(const char *dir);

#endif
