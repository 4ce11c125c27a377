/* The wizard: `sluice [FILE] [--db PATH]` walks a person through an import
 * on an ncurses screen (Home, File, Mapping, Preview, Duplicates, Confirm,
 * Progress, Report). The import itself runs as a child process,
 * `sluice wizard-import JOB` (cli_wizard_import), in its own session, so
 * that it finishes even when the wizard is left or the SSH session drops. */
#ifndef SLUICE_TUI_H
#define SLUICE_TUI_H

/* Runs the wizard on the terminal. file (or NULL) is preselected; db (or
 * NULL: $SLUICE_DB, else sluice.db in the current directory) is the
 * database. Returns the exit code: 0, or 2 when there is no terminal to
 * run on. */
int tui_main(const char *file, const char *db);

#endif
