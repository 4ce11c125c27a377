/* What the wizard's screens share: the screen stack and its operation
 * table, key tables that drive the footer and the help, the wizard's state
 * (file, mapping, fixes, strategy, the dry run, the running import), and
 * background tasks. Screens live in tui-*.c, one per file; tui.c runs the
 * loop. Nothing here is used outside the wizard. */
#ifndef SLUICE_TUI_INT_H
#define SLUICE_TUI_INT_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"
#include "mapping.h"
#include "schema.h"
#include "settings.h"

/* What a key handler (or an update) changed, as bits. Handlers never draw;
 * the loop draws once per turn what these say. */
#define TUI_HANDLED 0x01 /* the key meant something here */
#define TUI_REDRAW 0x02	 /* draw the whole screen again */
#define TUI_DIRTY 0x04	 /* draw what the screen marked as changed */
#define TUI_NEXT 0x08	 /* the screen pushed the next step */
#define TUI_BACK 0x10	 /* pop this screen */
#define TUI_QUIT 0x20	 /* leave the wizard (asking first if needed) */

/* Keys: characters are their code points; curses' function keys are moved
 * above Unicode so that the two never meet. */
#define TUI_FKEY(k) (0x200000 + (k))
#define TUI_ESC 27
#define TUI_ENTER '\n'
#define TUI_TAB '\t'
#define TUI_CTRL(c) ((c)&0x1f)

/* Actions every screen understands; screens number theirs from
 * TUI_ACT_SCREEN. */
enum {
	TUI_ACT_NONE,
	TUI_ACT_HELP,
	TUI_ACT_QUIT,
	TUI_ACT_BACK,
	TUI_ACT_SEARCH,
	TUI_ACT_SEARCH_NEXT,
	TUI_ACT_SCREEN = 32,
};

/* One line of a screen's key table. label (short) goes in the footer when
 * set; help is the sentence ? shows. */
struct tui_key {
	int key;
	int action;
	const char *label;
	const char *help;
};

/* The keys every screen shares, to end its table with. */
#define TUI_KEYS_COMMON                                                                            \
	{ '/', TUI_ACT_SEARCH, NULL, N_("Search this screen's list.") },                           \
	    { TUI_CTRL('n'), TUI_ACT_SEARCH_NEXT, NULL,                                            \
		    N_("Find the next match of the last search.") },                               \
	    { '?', TUI_ACT_HELP, N_("keys"), N_("Show the keys of this screen.") },                \
	    { 'q', TUI_ACT_QUIT, N_("quit"),                                                       \
		    N_("Leave the wizard (it asks first when something would be lost).") },        \
	{                                                                                          \
		0, 0, NULL, NULL                                                                   \
	}

struct screen;
struct tui;

/* A wizard step or a dialog, as tmux describes a mode. */
struct screen_ops {
	const char *name;
	const struct tui_key *keys;
	int modal; /* drawn over the screen beneath */
	void (*init)(struct screen *s, void *arg);
	void (*free)(struct screen *s);
	/* The terminal changed size, or the screen above was popped. */
	void (*resize)(struct screen *s);
	/* action is the key table's action for key, or TUI_ACT_NONE. Returns
	 * TUI_* bits; without TUI_HANDLED the loop handles the common keys. */
	int (*key)(struct screen *s, int action, int key);
	/* Once per loop turn (about 10 times a second): reads what background
	 * work has published. Returns TUI_* bits. */
	int (*update)(struct screen *s);
	/* Draws the whole screen when full is set, else what it marked. */
	void (*draw)(struct screen *s, int full);
};

struct screen {
	const struct screen_ops *ops;
	void *data;
	struct tui *tui;
	struct screen *below;
};

/* Attributes chosen once: colours, or with NO_COLOR (or a terminal without
 * colours) reverse video, bold, underline and marker characters. */
struct tui_attrs {
	attr_t title, sel, error, warn, fail, dim, bold, ok;
	int color;
};

/* A task on its own thread; the screen that started it polls done. */
struct tui_task {
	pthread_t thread;
	atomic_int done;
	atomic_int cancel;
	void *(*fn)(struct tui_task *);
	void *arg;
	void *result;
	int joined;
};

struct tui_task *tui_task_start(void *(*fn)(struct tui_task *), void *arg);
/* Lets the task finish alone: it frees its handle then (fn frees its
 * argument). */
void tui_task_detach(struct tui_task *t);
/* 1 once fn returned (the thread is then joined). */
int tui_task_done(struct tui_task *t);
/* Asks fn to stop (it polls t->cancel), waits for it, frees t; returns
 * the result fn gave, for the caller to free. */
void *tui_task_finish(struct tui_task *t);

/* The dry run of the current choices, on the engine's worker thread,
 * started from a helper thread so that engine_start's setup (waiting for a
 * locked database) never holds the keys. */
struct tui_check {
	pthread_mutex_t lock;
	struct tui_task *task;
	unsigned generation; /* of the choices it checks */
	int finished;	     /* result is valid */
	int failed;	     /* could not start: cause says why */
	char *cause;
	struct engine_result result;
	char *map_file;
	struct progress_snapshot latest; /* from the dry run's thread; under lock */
	struct progress_snapshot snap;	 /* the screens' copy of it (tui_check_poll) */
};

/* The import, run as a child process (sluice wizard-import) in its own
 * session so that it survives the wizard and a dropped SSH session; its
 * progress comes as JSON lines on a pipe. */
struct tui_run {
	pid_t pid;
	int fd; /* read end of the progress pipe, or -1 */
	char buf[8192];
	size_t len;
	int exited; /* the child is gone (reaped) */
	int eof;
	int64_t id;		   /* the import's id, once known */
	enum import_status status; /* how it ended, once the child said;
					 * STATUS_NONE until then */
	int paused;
	int cancelling;
	int dry_run;
	char *start_error;	       /* it could not start: why */
	struct progress_snapshot snap; /* the latest; its status is STATUS_NONE
					 * while the import is starting */
	/* The log of events: kind and sentence, oldest first. */
	struct tui_run_event {
		enum progress_event_kind kind;
		char *text;
	} * events;
	size_t nevents;
	struct tui_follow *follow; /* an import of another process, read from
				    * the journal: nothing to pause or cancel */
	unsigned changed;	   /* bumped on every line read */
	uint64_t rows_known;	   /* rows the preview counted in the file, or 0 */
	double batch_started;	   /* when the batch in flight began (for its bar) */
	double batch_mean_s;	   /* mean time of a batch so far */
	uint64_t batch_seen;
};

/* What the wizard has chosen so far. */
/* Who is told when the wizard's import ends (tui-notify.c): the
 * settings' notices, turned off or mailed elsewhere for this import. */
struct tui_notify {
	struct settings settings;
	int loaded;   /* settings read */
	int off;      /* no notices for this import */
	char *emails; /* "a@x, b@y" for this import; "": no one; NULL: the settings' */
};

struct tui_wizard {
	char *db;
	char *file;
	char *sheet;	  /* workbooks: the chosen sheet's name */
	char *region;	  /* phone region chosen (upper case), or NULL: the schema's */
	char *date_order; /* "dmy" or "mdy" chosen, or NULL: as an import
			   * decides (engine_date_order_choose) */
	char *schema_name;
	struct schema *schema;
	char *format;	   /* "csv", "xlsx", "xls" */
	char *description; /* "CSV, delimiter ','" */
	size_t ncolumns;
	char **headers;
	char **samples;		 /* ncolumns × 3 sample values */
	struct mapping *mapping; /* with how each column came to its field */
	char *fingerprint;
	int remembered;		  /* a remembered mapping was applied */
	int remembered_settings;  /* and it brought the region and/or date order */
	struct engine_fix *fixes; /* strings owned */
	size_t nfixes;
	unsigned generation; /* bumped when the mapping or a fix changes */
	enum strategy strategy;
	enum key_conflict on_key_conflict;
	unsigned batch_size;
	int dry_run;
	struct engine_error_budget max_errors; /* --max-errors, offered on Confirm */
	struct tui_check check;
	struct tui_run *run;
	uint64_t rows_hint; /* rows of the file, once the preview read them */
	struct tui_notify notify;
};

struct tui {
	struct screen *top;
	struct tui_attrs a;
	struct tui_wizard w;
	char *exe; /* this program, to run the import */
	char *start_dir;
	char *message; /* one line under the title until the next key */
	int message_is_error;
	int too_small;
	int quit;
	char *after_exit; /* printed once the terminal is restored */
	char *last_search;
	int64_t announced[16]; /* imports whose end was announced, newest last */
	size_t nannounced;
};

/* The stack. push calls init; pop calls free and then resize on the
 * screen beneath. */
struct screen *tui_push(struct tui *t, const struct screen_ops *ops, void *arg);
void tui_pop(struct tui *t);
/* Pops until ops is on top (or only one screen is left). */
void tui_pop_to(struct tui *t, const struct screen_ops *ops);
/* Pops the top screen and pushes another in its place. */
struct screen *tui_replace(struct tui *t, const struct screen_ops *ops, void *arg);

/* A one-line message under the title, cleared at the next key. */
void tui_message(struct tui *t, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Leaving: asks what to do with a running import, or whether to lose the
 * choices made so far, then sets t->quit. */
void tui_request_quit(struct tui *t);

/* Screens. */
extern const struct screen_ops tui_home_ops;
extern const struct screen_ops tui_file_ops; /* arg: a directory or file, or NULL */
extern const struct screen_ops tui_mapping_ops;
extern const struct screen_ops tui_preview_ops;
extern const struct screen_ops tui_dupes_ops;
extern const struct screen_ops tui_confirm_ops;
extern const struct screen_ops tui_progress_ops;
extern const struct screen_ops tui_report_ops; /* arg: (intptr_t) import id */
/* A file of several tables (tui-restore.c): its plan, then the restore. */
struct tui_restore_arg {
	const char *path;
	int all_sheets; /* a workbook: every sheet a table */
};
extern const struct screen_ops tui_restore_ops; /* arg: struct tui_restore_arg * */

/* Dialogs (tui-dialog.c). Each pops itself and then calls done. */
struct tui_choice {
	int key;
	const char *label; /* translated */
};
/* A question with choices; done gets the index of the choice, or -1 for
 * Esc. */
void tui_ask(struct tui *t, const char *title, const char *text, const struct tui_choice *choices,
    size_t n, void (*done)(struct tui *t, void *ctx, int choice), void *ctx);
/* A sentence to read; any key closes it. */
void tui_tell(struct tui *t, const char *title, const char *text);
/* A line to edit, starting with initial; done gets the text, or NULL for
 * Esc. */
/* Who will be told, a sentence, new. */
char *tui_notify_describe(struct tui_notify *n);
/* Turns the notices of this import off or back on. */
void tui_notify_toggle(struct tui_notify *n);
/* Asks whom to mail when this import ends. */
void tui_notify_ask_mail(struct tui *t);
/* Adds "notify": {"off", "emails"} to the import process's job. */
void tui_notify_job(const struct tui_notify *n, json_t *job);
/* Forgets this import's changes; tui_notify_free also the settings. */
void tui_notify_reset(struct tui_notify *n);
void tui_notify_free(struct tui_notify *n);

void tui_prompt(struct tui *t, const char *title, const char *text, const char *initial,
    void (*done)(struct tui *t, void *ctx, const char *value), void *ctx);
/* The same for a path: Tab completes it from the names on the disk. */
void tui_prompt_path(struct tui *t, const char *title, const char *text, const char *initial,
    void (*done)(struct tui *t, void *ctx, const char *value), void *ctx);
/* A password to type: nothing of it is drawn (not even its length), and
 * the dialog wipes what was typed once done (value, or NULL for Esc) has
 * returned; done must copy it where it is to be kept (store.h). */
void tui_prompt_secret(struct tui *t, const char *title, const char *text,
    void (*done)(struct tui *t, void *ctx, const char *value), void *ctx);
/* A list to choose from (already translated labels); done gets the index,
 * or -1 for Esc. */
void tui_pick(struct tui *t, const char *title, const char *const *items, size_t n, size_t selected,
    void (*done)(struct tui *t, void *ctx, int index), void *ctx);
/* The keys of a screen. */
void tui_help(struct tui *t, const struct screen *s);

/* The wizard's state (tui-wizard.c). */
void tui_wizard_init(struct tui_wizard *w, const char *db);
void tui_wizard_free(struct tui_wizard *w);
/* Forgets the file and everything chosen for it. */
void tui_wizard_reset(struct tui_wizard *w);
/* Takes what tui_file_load found (headers, samples, mapping). */
struct tui_file_info;
void tui_wizard_take_file(struct tui_wizard *w, struct tui_file_info *info);
/* Changes the target schema: the mapping is suggested anew. */
void tui_wizard_schema(struct tui_wizard *w, const char *name);
/* Maps column c to field f (-1: none) as the person chose. The column that
 * fed f takes c's former field in exchange (none when c had none): ask
 * first (mapping_holder) when that leaves it out. */
void tui_wizard_map(struct tui_wizard *w, size_t c, int f);
/* Sets the phone region national numbers are read in ("" or NULL: the
 * schema's). Returns 0, or -1 with *cause when no such region is known. */
int tui_wizard_region(struct tui_wizard *w, const char *region, char **cause);
/* How the import will read dates such as 03/04/2024 (the choice, else as
 * engine_date_order_choose decides for the file's headers); *from and
 * *country as it says. */
enum date_order tui_wizard_date_order(const struct tui_wizard *w, const char **from,
    const char **country);
/* Chooses the date order ("dmy", "mdy"): the rows are checked again. */
void tui_wizard_set_date_order(struct tui_wizard *w, enum date_order order);
/* Sets (or with value equal to the file's, removes) a fix. */
void tui_wizard_fix(struct tui_wizard *w, uint64_t row, size_t column, const char *original,
    const char *value);
/* The fix of a cell, or NULL. */
const struct engine_fix *tui_wizard_fix_at(const struct tui_wizard *w, uint64_t row, size_t column);
/* Fields still needed: required ones without a column, and a match key
 * when none has one. A new translated sentence, or NULL when complete. */
char *tui_wizard_missing(const struct tui_wizard *w);
/* Remembers the mapping for this header in the journal (background). */
void tui_wizard_remember(struct tui_wizard *w);

/* The dry run (tui-wizard.c). ensure starts one for the current
 * generation unless one ran or runs; poll returns 1 while it runs. */
void tui_check_ensure(struct tui *t);
int tui_check_poll(struct tui *t);
void tui_check_stop(struct tui_wizard *w);

/* What a file holds, read on a background thread (tui-file.c). */
struct tui_file_info {
	char *path;
	char *sheet;
	char *format;
	char *description;
	char *error; /* it cannot be read: why */
	size_t ncolumns;
	char **headers;
	char **samples;	    /* ncolumns × 3 */
	char **sheet_names; /* workbooks */
	int *sheet_usable;
	size_t nsheets;
	char *remembered; /* a mapping remembered for this header, or NULL */
};
void tui_file_info_free(struct tui_file_info *fi);

/* The import child (tui-worker.c). */
/* Starts an import of the wizard's choices, or with resume_id a resume.
 * Returns NULL and sets *cause when it cannot start. */
struct tui_run *tui_run_start(struct tui *t, int64_t resume_id, char **cause);
/* Starts exe with argv (the import's or the restore's own process) in a
 * session of its own, so that no SIGHUP reaches it when the terminal goes:
 * standard input /dev/null, output to out and errors to err (-1:
 * /dev/null), the pause, resume and cancel signals held until it has its
 * handlers, and keep (-1: none) the one other descriptor that crosses the
 * exec. Its pid, or -1 with errno set. */
pid_t tui_spawn(const char *exe, char *const argv[], int out, int err, int keep);
/* Follows import id, which another process runs, through the journal;
 * its snapshots come as the child's do. */
struct tui_run *tui_run_follow(struct tui *t, int64_t id);
/* Reads what the child said; returns 1 when anything changed. */
int tui_run_poll(struct tui_run *r);
/* 1 while the child runs. */
int tui_run_active(const struct tui_run *r);
void tui_run_pause(struct tui_run *r, int paused);
void tui_run_cancel(struct tui_run *r);
/* Lets go of the child (it goes on by itself), or waits for it after a
 * cancel. */
void tui_run_free(struct tui_run *r);

/* What a strategy does, in one sentence (tui-confirm.c). */
const char *tui_strategy_sentence(enum strategy s);
/* What happens to a key conflict, in one sentence (tui-confirm.c). */
const char *tui_key_conflict_sentence(enum key_conflict k);

/* Once per import: a bell and a line under the title saying that import
 * id has ended and how (tui.c). 1 when said now, 0 when said before. */
int tui_announce_end(struct tui *t, int64_t id, enum import_status status);
/* Import id is one a screen shows as it ends (a restore's table): its
 * end is not announced. 1 when it was not yet marked. */
int tui_announce_quiet(struct tui *t, int64_t id);
/* Import id runs again (resumed): its next end is announced too. */
void tui_announce_forget(struct tui *t, int64_t id);

/* Seconds on a monotonic clock. */
double tui_now(void);

#endif
