/* The wizard's loop and screen stack: keys in (with a 100 ms timeout that
 * lets screens read the engine's progress), one draw per turn of what the
 * screens flagged, resizes, signals, and leaving with the terminal
 * restored. The screens themselves live in tui-*.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fatal.h"
#include "i18n.h"
#include "store.h"
#include "tui.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24

/* Signals only set flags; the loop acts on them. */
static volatile sig_atomic_t tui_got_term; /* SIGTERM, SIGINT */
static volatile sig_atomic_t tui_got_hup;  /* the terminal is gone */

/* For a fatal end (fatal() before its message, a crash): the terminal as
 * it was, restored once, with async-signal-safe calls only. Set once
 * restored, or when endwin() has done it. */
static struct termios tui_saved_termios;
static int tui_saved_ok;
static atomic_flag tui_restored = ATOMIC_FLAG_INIT;

static void
tui_on_signal(int sig)
{
	if (sig == SIGHUP)
		tui_got_hup = 1;
	else
		tui_got_term = 1;
}

/* Leaves the alternate screen, shows the cursor, resets the attributes and
 * puts the terminal modes back, the first time only: the fatal() hook.
 * Standard output goes to /dev/null first, so that the loop, drawing on
 * while another thread dies, cannot draw over the message to come. */
static void
tui_restore_terminal(void)
{
	/* The mouse's reports too (X10, normal, SGR), so that clicks in the
	 * shell do not print escape sequences. */
	static const char reset[] =
	    "\033[?1000l\033[?1002l\033[?1006l\033[?1049l\033[?25h\033[0m\r\n";
	if (atomic_flag_test_and_set(&tui_restored))
		return;
	int tty = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	if (tty >= 0 && null >= 0)
		dup2(null, STDOUT_FILENO);
	else if (tty < 0)
		tty = STDOUT_FILENO;
	if (null >= 0)
		close(null);
	if (tui_saved_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &tui_saved_termios);
	if (write(tty, reset, sizeof reset - 1) < 0) {
		/* Nothing more can be done for the terminal. */
	}
}

static void
tui_on_fatal(int sig)
{
	tui_restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
tui_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = tui_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = tui_on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

double
tui_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- The stack ------------------------------------------------------------ */

struct screen *
tui_push(struct tui *t, const struct screen_ops *ops, void *arg)
{
	struct screen *s = xcalloc(1, sizeof *s);
	s->ops = ops;
	s->tui = t;
	s->below = t->top;
	t->top = s;
	if (ops->init)
		ops->init(s, arg);
	return s;
}

static void
tui_free_top(struct tui *t)
{
	struct screen *s = t->top;
	t->top = s->below;
	if (s->ops->free)
		s->ops->free(s);
	free(s);
}

void
tui_pop(struct tui *t)
{
	if (t->top == NULL)
		return;
	tui_free_top(t);
	if (t->top && t->top->ops->resize)
		t->top->ops->resize(t->top);
}

void
tui_pop_to(struct tui *t, const struct screen_ops *ops)
{
	while (t->top && t->top->below && t->top->ops != ops)
		tui_free_top(t);
	if (t->top && t->top->ops->resize)
		t->top->ops->resize(t->top);
}

struct screen *
tui_replace(struct tui *t, const struct screen_ops *ops, void *arg)
{
	if (t->top)
		tui_free_top(t);
	return tui_push(t, ops, arg);
}

void
tui_message(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(t->message);
	t->message = xvasprintf(fmt, ap);
	t->message_is_error = error;
	va_end(ap);
}

/* --- An import that ends ------------------------------------------------------------ */

void
tui_announce_forget(struct tui *t, int64_t id)
{
	for (size_t i = 0; i < t->nannounced; i++)
		if (t->announced[i] == id) {
			memmove(t->announced + i, t->announced + i + 1,
			    (t->nannounced - i - 1) * sizeof *t->announced);
			t->nannounced--;
			return;
		}
}

int
tui_announce_quiet(struct tui *t, int64_t id)
{
	for (size_t i = 0; i < t->nannounced; i++)
		if (t->announced[i] == id)
			return 0;
	if (t->nannounced == sizeof t->announced / sizeof *t->announced) {
		memmove(t->announced, t->announced + 1, (t->nannounced - 1) * sizeof *t->announced);
		t->nannounced--;
	}
	t->announced[t->nannounced++] = id;
	return 1;
}

int
tui_announce_end(struct tui *t, int64_t id, enum import_status status)
{
	if (!tui_announce_quiet(t, id))
		return 0;
	beep();
	tui_message(t, status_is_alarming(status), _("Import %lld has ended: %s."), (long long)id,
	    status_label(status));
	return 1;
}

/* --- Leaving ----------------------------------------------------------------- */

static void
tui_quit_running(struct tui *t, void *ctx, int choice)
{
	(void)ctx;
	struct tui_run *r = t->w.run;
	if (choice == 0) {
		/* Let it finish: the child runs in its own session. A paused
		 * import would wait for nobody: it goes on. */
		if (r != NULL && r->paused)
			tui_run_pause(r, 0);
		char *db = store_target_shown(t->w.db);
		if (r != NULL && r->id > 0)
			t->after_exit = xasprintf(
			    _("Import %lld goes on in the background; follow it with: sluice watch %lld --db %s\n"),
			    (long long)r->id, (long long)r->id, db);
		else
			t->after_exit = xasprintf(
			    _("The import goes on in the background; sluice history --db %s shows it.\n"),
			    db);
		free(db);
		t->quit = 1;
	} else if (choice == 1) {
		if (r != NULL)
			tui_run_cancel(r);
		t->quit = 2; /* waits for the cancel in tui_main */
	}
}

static void
tui_quit_lose(struct tui *t, void *ctx, int choice)
{
	(void)ctx;
	if (choice == 0)
		t->quit = 1;
}

void
tui_request_quit(struct tui *t)
{
	if (t->w.run != NULL && tui_run_active(t->w.run)) {
		static struct tui_choice choices[3];
		choices[0] = (struct tui_choice){ 'b', _("Let it finish in the background") };
		choices[1] = (struct tui_choice){ 'c',
			_("Cancel the import (the batch in flight is rolled back)") };
		choices[2] = (struct tui_choice){ TUI_ESC, _("Stay in the wizard") };
		tui_ask(t, _("An import is running"),
		    _("The import keeps running after you leave, and the next sluice shows it on the Home screen. What should happen to it?"),
		    choices, 3, tui_quit_running, NULL);
		return;
	}
	if (t->w.file != NULL && t->w.mapping != NULL) {
		static struct tui_choice choices[2];
		choices[0] = (struct tui_choice){ 'y', _("Quit") };
		choices[1] = (struct tui_choice){ TUI_ESC, _("Stay") };
		char *text = t->w.nfixes > 0 ?
		    xasprintf(
			_("Nothing has been imported yet. The mapping chosen for this file and the %zu cell fixes are lost if you quit now."),
			t->w.nfixes) :
		    xstrdup(_(
			"Nothing has been imported yet. The choices made for this file are lost if you quit now."));
		tui_ask(t, _("Quit the wizard?"), text, choices, 2, tui_quit_lose, NULL);
		free(text);
		return;
	}
	t->quit = 1;
}

/* --- Drawing ------------------------------------------------------------------ */

static void
tui_attrs(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	int color = has_colors() && (nc == NULL || *nc == '\0');
	memset(&t->a, 0, sizeof t->a);
	t->a.bold = A_BOLD;
	t->a.title = A_REVERSE;
	t->a.sel = A_REVERSE;
	if (color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_RED);	/* invalid cell */
		init_pair(2, COLOR_YELLOW, -1);		/* retry */
		init_pair(3, COLOR_RED, -1);		/* failure */
		init_pair(4, COLOR_BLACK, COLOR_GREEN); /* bar */
		init_pair(5, COLOR_GREEN, -1);		/* ok */
		t->a.color = 1;
		t->a.error = COLOR_PAIR(1);
		t->a.warn = COLOR_PAIR(2) | A_BOLD;
		t->a.fail = COLOR_PAIR(3) | A_BOLD;
		t->a.ok = COLOR_PAIR(4);
		t->a.dim = A_DIM;
	} else {
		/* Without colour: invalid cells underlined with a marker, retry
		 * notices bold, failures in reverse video. */
		t->a.error = A_UNDERLINE;
		t->a.warn = A_BOLD;
		t->a.fail = A_BOLD | A_REVERSE;
		t->a.ok = A_NORMAL;
		t->a.dim = A_NORMAL;
	}
}

/* Draws the stack from the lowest screen a modal dialog covers. */
static void
tui_draw_stack(struct tui *t, struct screen *s, int full)
{
	if (s->ops->modal && s->below != NULL) {
		if (full)
			tui_draw_stack(t, s->below, 1);
		s->ops->draw(s, 1);
		return;
	}
	s->ops->draw(s, full);
}

static void
tui_draw(struct tui *t, int full)
{
	if (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS) {
		t->too_small = 1;
		erase();
		char *msg = xasprintf(
		    _("The terminal is %d\xc3\x97%d; sluice needs at least %d\xc3\x97%d. Make the window larger (q quits)."),
		    COLS, LINES, TUI_MIN_COLS, TUI_MIN_LINES);
		tui_put_wrapped(stdscr, 0, 0, COLS, LINES, msg, A_BOLD);
		free(msg);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	if (t->too_small) {
		t->too_small = 0;
		full = 1;
	}
	if (full)
		erase();
	tui_draw_stack(t, t->top, full);
	if (!t->top->ops->modal)
		wnoutrefresh(stdscr);
	doupdate();
}

/* --- Keys --------------------------------------------------------------------- */

static int
tui_read_key(void)
{
	wint_t wc;
	int rc = get_wch(&wc);
	if (rc == ERR)
		return -1;
	if (rc == KEY_CODE_YES) {
		if (wc == KEY_ENTER)
			return TUI_ENTER;
		if (wc == KEY_MOUSE) {
			/* The wheel moves as the arrows do; a click is passed
			 * on with where it was (tui_list_key selects the row). */
			MEVENT ev;
			if (getmouse(&ev) != OK)
				return -1;
			if (ev.bstate & BUTTON4_PRESSED)
				return TUI_FKEY(KEY_UP);
			if (ev.bstate & BUTTON5_PRESSED)
				return TUI_FKEY(KEY_DOWN);
			if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
				tui_mouse_at(ev.y, ev.x);
				return TUI_FKEY(KEY_MOUSE);
			}
			return -1;
		}
		if (wc == KEY_BTAB)
			return TUI_FKEY(KEY_BTAB);
		return TUI_FKEY((int)wc);
	}
	if (wc == '\r')
		return TUI_ENTER;
	if (wc == 127 || wc == 8)
		return TUI_FKEY(KEY_BACKSPACE);
	return (int)wc;
}

static const struct tui_key *
tui_find_key(const struct tui_key *keys, int key)
{
	for (const struct tui_key *k = keys; k && k->key != 0; k++)
		if (k->key == key)
			return k;
	return NULL;
}

static void
tui_search_done(struct tui *t, void *ctx, const char *value)
{
	(void)ctx;
	if (value == NULL || *value == '\0')
		return;
	free(t->last_search);
	t->last_search = xstrdup(value);
	/* The screen beneath the prompt gets the search as a key press of
	 * its own: TUI_ACT_SEARCH_NEXT with last_search set. */
	struct screen *s = t->top;
	if (s && s->ops->key)
		s->ops->key(s, TUI_ACT_SEARCH_NEXT, TUI_CTRL('n'));
}

/* One key: the screen's handler first, then the common keys. Returns
 * TUI_* bits. */
static int
tui_key(struct tui *t, int key)
{
	struct screen *s = t->top;
	if (key == TUI_FKEY(KEY_RESIZE)) {
		for (struct screen *x = s; x; x = x->below)
			if (x->ops->resize)
				x->ops->resize(x);
		return TUI_REDRAW;
	}
	if (key == TUI_CTRL('l')) {
		clearok(curscr, TRUE);
		return TUI_REDRAW;
	}
	if (t->too_small) {
		if (key == 'q')
			tui_request_quit(t);
		return TUI_REDRAW;
	}
	if (t->message != NULL && !s->ops->modal) {
		free(t->message);
		t->message = NULL;
		t->message_is_error = 0;
	}
	const struct tui_key *k = tui_find_key(s->ops->keys, key);
	int action = k ? k->action : TUI_ACT_NONE;
	int r = s->ops->key ? s->ops->key(s, action, key) : 0;
	if (r & TUI_HANDLED)
		return r;
	switch (action) {
	case TUI_ACT_HELP: tui_help(t, s); return TUI_REDRAW;
	case TUI_ACT_QUIT: tui_request_quit(t); return TUI_REDRAW;
	case TUI_ACT_BACK: return TUI_BACK;
	case TUI_ACT_SEARCH:
		tui_prompt(t, _("Search"),
		    _("Find text in this screen's list (Enter searches, Ctrl-N finds the next match):"),
		    t->last_search ? t->last_search : "", tui_search_done, NULL);
		return TUI_REDRAW;
	}
	if (key == TUI_ESC && s->below != NULL)
		return TUI_BACK;
	return r;
}

/* --- The program ------------------------------------------------------------ */

static char *
tui_self(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return xstrdup("sluice");
	buf[n] = '\0';
	return xstrdup(buf);
}

int
tui_main(const char *file, const char *db)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr,
		    _("sluice: the wizard needs a terminal; for scripts use sluice import FILE --db PATH.\n"));
		return 2;
	}
	if (db == NULL)
		db = getenv("SLUICE_DB");
	if (db == NULL || *db == '\0')
		db = "sluice.db";

	struct tui t;
	memset(&t, 0, sizeof t);
	tui_wizard_init(&t.w, db);
	t.exe = tui_self();
	char cwd[PATH_MAX];
	t.start_dir = xstrdup(getcwd(cwd, sizeof cwd) ? cwd : ".");

	if (tcgetattr(STDIN_FILENO, &tui_saved_termios) == 0)
		tui_saved_ok = 1;
	tui_signals();
	set_escdelay(25);
	if (initscr() == NULL) {
		fprintf(stderr, _("sluice: this terminal cannot run the wizard (TERM=%s).\n"),
		    getenv("TERM") ? getenv("TERM") : "");
		return 2;
	}
	fatal_set_hook(tui_restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(100);
	/* Keys stay the primary way; a click selects, the wheel scrolls. */
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	tui_attrs(&t);

	tui_push(&t, &tui_home_ops, NULL);
	if (file != NULL)
		tui_push(&t, &tui_file_ops, (void *)file);

	int redraw = TUI_REDRAW;
	while (!t.quit) {
		if (tui_got_hup)
			break;
		if (tui_got_term) {
			/* Ctrl-C or SIGTERM: leave as q does, without asking; a
			 * running import goes on by itself. */
			tui_got_term = 0;
			if (t.w.run != NULL && tui_run_active(t.w.run) && t.w.run->id > 0) {
				char *db = store_target_shown(t.w.db);
				t.after_exit = xasprintf(
				    _("Import %lld goes on in the background; follow it with: sluice watch %lld --db %s\n"),
				    (long long)t.w.run->id, (long long)t.w.run->id, db);
				free(db);
			}
			break;
		}
		if (redraw & TUI_REDRAW)
			tui_draw(&t, 1);
		else if (redraw & TUI_DIRTY)
			tui_draw(&t, 0);
		redraw = 0;

		int key = tui_read_key();
		if (key >= 0) {
			int r = tui_key(&t, key);
			if (r & TUI_BACK) {
				if (t.top->below != NULL)
					tui_pop(&t);
				r |= TUI_REDRAW;
			}
			if (r & TUI_QUIT)
				tui_request_quit(&t);
			if (r & (TUI_NEXT | TUI_QUIT))
				r |= TUI_REDRAW;
			redraw |= r;
		}
		/* Background work, for every screen on the stack. */
		if (t.w.run != NULL) {
			tui_run_poll(t.w.run); /* the child's pipe never fills */
			if (!tui_run_active(t.w.run) && t.w.run->id > 0 &&
			    t.w.run->start_error == NULL &&
			    tui_announce_end(&t, t.w.run->id, t.w.run->status))
				redraw |= TUI_REDRAW;
		}
		struct screen *top = t.top;
		for (struct screen *s = top; s; s = s->below)
			if (s->ops->update) {
				int u = s->ops->update(s);
				if (t.top != top) {
					redraw |= TUI_REDRAW;
					break; /* the stack changed */
				}
				if (s != top && (u & (TUI_DIRTY | TUI_REDRAW)))
					u = top->ops->modal ? TUI_REDRAW : 0;
				redraw |= u;
			}
		if (redraw & TUI_NEXT)
			redraw |= TUI_REDRAW;
	}

	if (t.quit == 2 && t.w.run != NULL) {
		/* Cancelled on the way out: wait for the rollback of the batch
		 * in flight, saying so. */
		erase();
		tui_put_wrapped(stdscr, 1, 1, COLS - 2, 3,
		    _("Cancelling the import: the batch being written is rolled back…"), A_BOLD);
		refresh();
		while (tui_run_active(t.w.run)) {
			tui_run_poll(t.w.run);
			struct timespec ts = { 0, 100 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	fatal_set_hook(NULL);
	atomic_flag_test_and_set(&tui_restored);
	if (!tui_got_hup)
		endwin();
	while (t.top)
		tui_free_top(&t);
	tui_wizard_free(&t.w);
	store_password_forget();
	if (t.after_exit && !tui_got_hup)
		fputs(t.after_exit, stdout);
	free(t.after_exit);
	free(t.message);
	free(t.exe);
	free(t.start_dir);
	free(t.last_search);
	return 0;
}
