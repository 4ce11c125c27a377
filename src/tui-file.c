/* File: a directory browser (name, size, date; the files sluice reads
 * first, all files on request), a path typed by hand, and for a workbook
 * the list of its sheets with their row counts. The file is opened on a
 * background thread; its header and first rows go to the Mapping screen. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "i18n.h"
#include "journal.h"
#include "mapping.h"
#include "source.h"
#include "store.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

enum {
	FILE_OPEN = TUI_ACT_SCREEN,
	FILE_ALL,
	FILE_PATH,
	FILE_UP,
	FILE_PANE,
	FILE_RESTORE,
};

static const struct tui_key file_keys[] = {
	{ TUI_ENTER, FILE_OPEN, N_("open"),
	    N_("Open the directory, or choose the file (or sheet) to import.") },
	{ TUI_FKEY(KEY_BACKSPACE), FILE_UP, N_("parent"), N_("Go to the parent directory.") },
	{ 'a', FILE_ALL, N_("all files"),
	    N_("Show all files, or only those sluice reads (CSV, TSV, TXT, XLSX, XLS, vCard, JSON).") },
	{ 'g', FILE_PATH, N_("type a path"),
	    N_("Type the path of a file or directory (Tab completes a name).") },
	{ '/', TUI_ACT_SEARCH, N_("filter"),
	    N_("Filter the list as you type: only the names holding what is typed stay (Enter opens, Esc shows all again).") },
	{ TUI_TAB, FILE_PANE, NULL, N_("Move between the files and the sheets of a workbook.") },
	{ 'A', FILE_RESTORE, NULL,
	    N_("A workbook: restore all its sheets, each as a table, instead of importing one.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("back"), N_("Go back to the Home screen.") },
	TUI_KEYS_COMMON,
};

struct tui_file_entry {
	char *name;
	int dir;
	int supported;
	off_t size;
	time_t mtime;
};

struct tui_file_count {
	char *path;
	size_t nsheets;
	char **sheets;
	atomic_llong *rows; /* -1 while counting, -2 when it cannot be read, -3 empty */
};

struct tui_file_screen {
	struct tui *t;
	char *dir;
	struct tui_file_entry *entries;
	size_t n;
	int show_all;
	struct tui_list list;
	struct tui_list sheets;
	int pane; /* 0 files, 1 sheets */
	struct tui_task *load;
	char *loading;		    /* the path being read */
	int go_on;		    /* go to the Mapping screen once read */
	struct tui_file_info *info; /* the workbook whose sheets are listed */
	struct tui_task *counter;
	struct tui_file_count *count;
	char *error;
	char *filter;  /* only names holding it (case ignored), or NULL */
	int filtering; /* keys go to the filter */
};

void
tui_file_info_free(struct tui_file_info *fi)
{
	if (fi == NULL)
		return;
	for (size_t c = 0; c < fi->ncolumns; c++) {
		free(fi->headers ? fi->headers[c] : NULL);
		for (int k = 0; k < 3 && fi->samples; k++)
			free(fi->samples[c * 3 + k]);
	}
	free(fi->headers);
	free(fi->samples);
	for (size_t i = 0; i < fi->nsheets; i++)
		free(fi->sheet_names[i]);
	free(fi->sheet_names);
	free(fi->sheet_usable);
	free(fi->path);
	free(fi->sheet);
	free(fi->format);
	free(fi->description);
	free(fi->error);
	free(fi->remembered);
	free(fi);
}

static int
tui_file_supported(const char *name)
{
	static const char *const exts[] = { ".csv", ".tsv", ".txt", ".xlsx", ".xls", ".vcf",
		".json", ".ndjson", ".jsonl" };
	size_t len = strlen(name);
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		size_t n = strlen(exts[i]);
		if (len > n && !strcasecmp(name + len - n, exts[i]))
			return 1;
	}
	return 0;
}

static int
tui_file_order(const void *a, const void *b)
{
	const struct tui_file_entry *x = a, *y = b;
	if (!strcmp(x->name, ".."))
		return -1;
	if (!strcmp(y->name, ".."))
		return 1;
	/* Supported files first, then directories, then the rest. */
	int rx = x->supported ? 0 : x->dir ? 1 : 2;
	int ry = y->supported ? 0 : y->dir ? 1 : 2;
	if (rx != ry)
		return rx - ry;
	return strcoll(x->name, y->name);
}

static void
tui_file_clear(struct tui_file_screen *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->entries[i].name);
	free(f->entries);
	f->entries = NULL;
	f->n = 0;
}

static void
tui_file_read_dir(struct tui_file_screen *f)
{
	tui_file_clear(f);
	free(f->error);
	f->error = NULL;
	DIR *d = opendir(f->dir);
	if (d == NULL) {
		f->error = xasprintf(_("Cannot read the directory %s: %s."), f->dir, strerror(errno));
		tui_list_set(&f->list, 0);
		return;
	}
	struct dirent *de;
	size_t cap = 0;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, "."))
			continue;
		if (!strcmp(de->d_name, "..") && !strcmp(f->dir, "/"))
			continue;
		if (de->d_name[0] == '.' && strcmp(de->d_name, "..") && !f->show_all)
			continue;
		char *path = xasprintf("%s/%s", f->dir, de->d_name);
		struct stat st;
		int ok = stat(path, &st) == 0;
		free(path);
		struct tui_file_entry e = {
			.dir = ok && S_ISDIR(st.st_mode),
			.size = ok ? st.st_size : 0,
			.mtime = ok ? st.st_mtime : 0,
		};
		e.supported = !e.dir && tui_file_supported(de->d_name);
		if (!e.dir && !e.supported && !f->show_all)
			continue;
		if (f->filter != NULL && *f->filter != '\0' && strcmp(de->d_name, "..") != 0 &&
		    strcasestr(de->d_name, f->filter) == NULL)
			continue;
		e.name = xstrdup(de->d_name);
		if (f->n == cap)
			f->entries =
			    xreallocarray(f->entries, cap = cap * 2 + 16, sizeof *f->entries);
		f->entries[f->n++] = e;
	}
	closedir(d);
	if (f->n > 0)
		qsort(f->entries, f->n, sizeof *f->entries, tui_file_order);
	f->list.sel = 0;
	f->list.top = 0;
	tui_list_set(&f->list, f->n);
	/* The first supported file is where a person most likely goes; with
	 * a filter, the first name it leaves. */
	int filtered = f->filter != NULL && *f->filter != '\0';
	for (size_t i = 0; i < f->n; i++)
		if (f->entries[i].supported || (filtered && strcmp(f->entries[i].name, ".."))) {
			tui_list_select(&f->list, i);
			break;
		}
}

static void
tui_file_draw_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct tui_file_screen *f = ctx;
	struct tui *t = f->t;
	struct tui_file_entry *e = &f->entries[i];
	attr_t a = selected && f->pane == 0 ? t->a.sel : e->supported ? A_NORMAL : t->a.dim;
	if (e->dir && !selected)
		a |= A_BOLD;
	int dated = width >= 60; /* narrow beside the sheets: no date */
	int name_w = width - (dated ? 30 : 11);
	char *name = xasprintf("%s%s", e->name, e->dir ? "/" : "");
	tui_put(w, y, x, name_w, name, a);
	free(name);
	char size[32] = "", date[32] = "";
	if (!e->dir)
		tui_text_size(size, sizeof size, (unsigned long long)e->size);
	tui_put_right(w, y, x + name_w, 11, size, a);
	if (dated) {
		tui_text_when(date, sizeof date, e->mtime, 1);
		tui_put(w, y, x + name_w + 11, 2, "", a);
		tui_put_right(w, y, x + name_w + 12, 17, date, a);
		tui_put(w, y, x + width - 1, 1, "", a);
	}
}

static char *
tui_file_row_text(void *ctx, size_t i)
{
	struct tui_file_screen *f = ctx;
	return xstrdup(f->entries[i].name);
}

static void
tui_file_sheet_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct tui_file_screen *f = ctx;
	struct tui *t = f->t;
	attr_t a = selected && f->pane == 1 ? t->a.sel : A_NORMAL;
	if (!f->info->sheet_usable[i] && !(selected && f->pane == 1))
		a = t->a.dim;
	char rows[48];
	long long n = f->count ? atomic_load(&f->count->rows[i]) : -1;
	if (!f->info->sheet_usable[i])
		snprintf(rows, sizeof rows, "%s", _("chart"));
	else if (n == -1)
		snprintf(rows, sizeof rows, "%s", _("counting…"));
	else if (n == -2)
		snprintf(rows, sizeof rows, "%s", _("unreadable"));
	else if (n == -3)
		snprintf(rows, sizeof rows, "%s", _("empty"));
	else {
		char num[32];
		tui_text_thousands(num, sizeof num, (unsigned long long)n);
		snprintf(rows, sizeof rows, ngettext("%s row", "%s rows", (unsigned long)n), num);
	}
	tui_put(w, y, x, width - 16, f->info->sheet_names[i], a);
	tui_put_right(w, y, x + width - 16, 16, rows, a);
}

/* --- Reading a file, in the background ------------------------------------ */

struct tui_file_load_job {
	char *path, *sheet, *db, *schema;
};

static void *
tui_file_load_task(struct tui_task *task)
{
	struct tui_file_load_job *job = task->arg;
	struct tui_file_info *fi = xcalloc(1, sizeof *fi);
	fi->path = job->path;
	struct source_options so = { .sheet = job->sheet };
	char *cause = NULL;
	struct source *s = source_open(job->path, &so, &cause);
	if (s == NULL) {
		fi->error = cause;
		goto out;
	}
	size_t n;
	const char *const *headers = source_header(s, &n);
	fi->ncolumns = n;
	fi->headers = xcalloc(n ? n : 1, sizeof *fi->headers);
	fi->samples = xcalloc(n ? n * 3 : 1, sizeof *fi->samples);
	for (size_t c = 0; c < n; c++)
		fi->headers[c] = xstrdup(headers[c] ? headers[c] : "");
	for (int k = 0; k < 3; k++) {
		struct row *row;
		char *why = NULL;
		if (source_next(s, &row, &why) != 1) {
			free(why);
			break;
		}
		for (size_t c = 0; c < n && c < row->ncells; c++)
			fi->samples[c * 3 + (size_t)k] = xstrdup(row->cells[c]);
	}
	fi->format = xstrdup(source_format(s));
	fi->description = xstrdup(source_describe(s));
	fi->sheet = source_sheet(s) ? xstrdup(source_sheet(s)) : NULL;
	size_t nsheets = 0;
	const struct source_sheet_info *sheets = source_sheets(s, &nsheets);
	if (sheets != NULL && nsheets > 0) {
		fi->nsheets = nsheets;
		fi->sheet_names = xcalloc(nsheets, sizeof *fi->sheet_names);
		fi->sheet_usable = xcalloc(nsheets, sizeof *fi->sheet_usable);
		for (size_t i = 0; i < nsheets; i++) {
			fi->sheet_names[i] = xstrdup(sheets[i].name ? sheets[i].name : "");
			fi->sheet_usable[i] = !sheets[i].chart;
		}
	}
	source_close(s);
	/* A mapping remembered for the same header. */
	if (store_target_exists(job->db)) {
		struct store *st = store_open(job->db, &cause);
		if (st != NULL) {
			struct journal *j = journal_open(st);
			char *fp =
			    mapping_fingerprint((const char *const *)fi->headers, fi->ncolumns);
			fi->remembered = journal_mapping_load(j, fp, job->schema);
			free(fp);
			journal_close(j);
			store_close(st);
		} else
			free(cause);
	}
out:
	free(job->sheet);
	free(job->db);
	free(job->schema);
	free(job);
	return fi;
}

static void *
tui_file_count_task(struct tui_task *task)
{
	struct tui_file_count *c = task->arg;
	for (size_t i = 0; i < c->nsheets && !atomic_load(&task->cancel); i++) {
		if (atomic_load(&c->rows[i]) != -1)
			continue;
		char num[24];
		snprintf(num, sizeof num, "%zu", i + 1);
		struct source_options so = { .sheet = num, .empty_ok = true };
		char *cause = NULL;
		struct source *s = source_open(c->path, &so, &cause);
		size_t ncolumns = 0;
		if (s == NULL) {
			free(cause);
			atomic_store(&c->rows[i], -2);
			continue;
		}
		if (source_header(s, &ncolumns) == NULL || ncolumns == 0) {
			source_close(s);
			atomic_store(&c->rows[i], -3); /* empty: no header */
			continue;
		}
		long long rows = 0;
		struct row *row;
		int rc;
		while ((rc = source_next(s, &row, &cause)) == 1 && !atomic_load(&task->cancel))
			rows++;
		if (rc < 0)
			free(cause);
		source_close(s);
		atomic_store(&c->rows[i], rc < 0 ? -2 : rows);
	}
	return NULL;
}

static void
tui_file_count_free(struct tui_file_count *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->rows);
	free(c);
}

static void
tui_file_stop_count(struct tui_file_screen *f)
{
	if (f->counter)
		tui_task_finish(f->counter);
	f->counter = NULL;
	tui_file_count_free(f->count);
	f->count = NULL;
}

static void
tui_file_start_load(struct tui_file_screen *f, const char *path, const char *sheet, int go_on)
{
	if (f->load != NULL)
		tui_file_info_free(tui_task_finish(f->load));
	struct tui_file_load_job *job = xcalloc(1, sizeof *job);
	job->path = xstrdup(path);
	job->sheet = sheet ? xstrdup(sheet) : NULL;
	job->db = xstrdup(f->t->w.db);
	job->schema = xstrdup(f->t->w.schema_name);
	free(f->loading);
	f->loading = xstrdup(path);
	f->go_on = go_on;
	f->load = tui_task_start(tui_file_load_task, job);
}

/* The file is chosen: its header goes to the wizard, then Mapping. */
static int
tui_file_chosen(struct tui_file_screen *f, struct tui_file_info *fi)
{
	struct tui *t = f->t;
	tui_wizard_take_file(&t->w, fi);
	tui_file_info_free(fi);
	if (t->w.schema == NULL) {
		tui_message(t, 1, _("The schema %s cannot be read; check SLUICE_SCHEMA_DIR."),
		    t->w.schema_name);
		return TUI_REDRAW;
	}
	if (t->w.ncolumns == 0) {
		tui_message(t, 1,
		    _("The file has no header row: sluice needs the first row to name the columns."));
		return TUI_REDRAW;
	}
	tui_push(t, &tui_mapping_ops, NULL);
	return TUI_NEXT;
}

/* A workbook's sheets all restored, each a table: refused while fewer
 * than two sheets are known to hold rows. */
static int
tui_file_restore_all(struct tui_file_screen *f)
{
	struct tui *t = f->t;
	size_t rows = 0, unknown = 0;
	for (size_t i = 0; i < f->info->nsheets; i++) {
		long long n = f->count ? atomic_load(&f->count->rows[i]) : -1;
		if (!f->info->sheet_usable[i])
			continue;
		if (n > 0)
			rows++;
		else if (n == -1)
			unknown++;
	}
	if (rows + unknown < 2) {
		tui_message(t, 1,
		    _("Only one sheet of this workbook holds rows: choose it and press Enter to import it."));
		return TUI_REDRAW;
	}
	char *path = xstrdup(f->info->path);
	tui_file_stop_count(f);
	tui_file_info_free(f->info);
	f->info = NULL;
	f->pane = 0;
	struct tui_restore_arg a = { path, 1 };
	tui_push(t, &tui_restore_ops, &a);
	free(path);
	return TUI_NEXT | TUI_REDRAW;
}

static void
tui_file_set_dir(struct tui_file_screen *f, const char *dir)
{
	char real[PATH_MAX];
	free(f->dir);
	f->dir = xstrdup(realpath(dir, real) ? real : dir);
	tui_file_read_dir(f);
}

/* Sets the filter (NULL: none) and reads the directory again with it. */
static void
tui_file_set_filter(struct tui_file_screen *f, const char *filter)
{
	char *copy = filter ? xstrdup(filter) : NULL;
	free(f->filter);
	f->filter = copy;
	if (filter == NULL)
		f->filtering = 0;
	tui_file_read_dir(f);
}

/* A key while filtering: a character narrows the list, Backspace widens
 * it (and leaves the filter once empty), Esc shows all again; Enter and
 * the arrows are the list's (0). */
static int
tui_file_filter_key(struct tui_file_screen *f, int key)
{
	size_t len = strlen(f->filter);
	if (key == TUI_ESC) {
		tui_file_set_filter(f, NULL);
		return TUI_HANDLED | TUI_REDRAW;
	}
	if (key == TUI_FKEY(KEY_BACKSPACE) || key == 127 || key == 8) {
		if (len == 0) {
			tui_file_set_filter(f, NULL);
			return TUI_HANDLED | TUI_REDRAW;
		}
		/* One character back, not one byte. */
		while (len > 0 && ((unsigned char)f->filter[--len] & 0xC0) == 0x80)
			;
		char *shorter = xstrndup(f->filter, len);
		tui_file_set_filter(f, shorter);
		free(shorter);
		return TUI_HANDLED | TUI_REDRAW;
	}
	if (key >= 32 && key < TUI_FKEY(0) && key != 127) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1)
			return TUI_HANDLED;
		mb[n] = '\0';
		char *longer = xasprintf("%s%s", f->filter, mb);
		tui_file_set_filter(f, longer);
		free(longer);
		return TUI_HANDLED | TUI_REDRAW;
	}
	return 0;
}

static void
tui_file_go(struct tui_file_screen *f, const char *path)
{
	struct stat st;
	char *p;
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && getenv("HOME"))
		p = xasprintf("%s%s", getenv("HOME"), path + 1);
	else if (path[0] == '/')
		p = xstrdup(path);
	else
		p = xasprintf("%s/%s", f->dir, path);
	if (stat(p, &st) != 0) {
		tui_message(f->t, 1, _("There is no file or directory %s."), p);
	} else if (S_ISDIR(st.st_mode)) {
		tui_file_set_dir(f, p);
	} else {
		char *slash = strrchr(p, '/');
		if (slash) {
			char *dir = xstrndup(p, (size_t)(slash - p));
			tui_file_set_dir(f, *dir ? dir : "/");
			free(dir);
			for (size_t i = 0; i < f->n; i++)
				if (!strcmp(f->entries[i].name, slash + 1))
					tui_list_select(&f->list, i);
		}
		tui_file_start_load(f, p, NULL, 1);
	}
	free(p);
}

static void
tui_file_init(struct screen *s, void *arg)
{
	struct tui_file_screen *f = xcalloc(1, sizeof *f);
	s->data = f;
	f->t = s->tui;
	f->list.ctx = f;
	f->list.draw_row = tui_file_draw_row;
	f->list.row_text = tui_file_row_text;
	f->sheets.ctx = f;
	f->sheets.draw_row = tui_file_sheet_row;
	tui_file_set_dir(f, s->tui->start_dir);
	if (arg != NULL)
		tui_file_go(f, arg);
}

static void
tui_file_free(struct screen *s)
{
	struct tui_file_screen *f = s->data;
	if (f->load)
		tui_file_info_free(tui_task_finish(f->load));
	tui_file_stop_count(f);
	tui_file_info_free(f->info);
	tui_file_clear(f);
	free(f->dir);
	free(f->loading);
	free(f->error);
	free(f->filter);
	free(f);
}

static void
tui_file_resize(struct screen *s)
{
	struct tui_file_screen *f = s->data;
	f->list.full = 1;
	f->sheets.full = 1;
}

static void
tui_file_path_done(struct tui *t, void *ctx, const char *value)
{
	(void)t;
	if (value != NULL && *value)
		tui_file_go(ctx, value);
}

static int
tui_file_key(struct screen *s, int action, int key)
{
	struct tui_file_screen *f = s->data;
	struct tui *t = s->tui;
	struct tui_list *l = f->pane == 1 && f->info ? &f->sheets : &f->list;
	if (f->filtering) {
		int k = tui_file_filter_key(f, key);
		if (k)
			return k;
		action = key == TUI_ENTER ? FILE_OPEN : TUI_ACT_NONE;
	}
	int r = tui_list_key(l, key);
	if (r)
		return r;
	switch (action) {
	case FILE_PANE:
		if (f->info != NULL) {
			f->pane = !f->pane;
			return TUI_HANDLED | TUI_REDRAW;
		}
		return TUI_HANDLED;
	case FILE_ALL:
		f->show_all = !f->show_all;
		tui_file_read_dir(f);
		return TUI_HANDLED | TUI_REDRAW;
	case FILE_UP: {
		/* The cursor goes to the directory just left. */
		const char *slash = strrchr(f->dir, '/');
		char *left = xstrdup(slash ? slash + 1 : "");
		char *up = xasprintf("%s/..", f->dir);
		tui_file_set_filter(f, NULL);
		tui_file_set_dir(f, up);
		for (size_t i = 0; i < f->n; i++)
			if (*left && !strcmp(f->entries[i].name, left))
				tui_list_select(&f->list, i);
		free(up);
		free(left);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case TUI_ACT_SEARCH:
		f->filtering = 1;
		tui_file_set_filter(f, "");
		return TUI_HANDLED | TUI_REDRAW;
	case FILE_PATH: {
		char *initial = xasprintf("%s/", f->dir);
		tui_prompt_path(t, _("Open a path"),
		    _("Type the path of a file or a directory (~ is your home directory; Tab completes a name):"),
		    initial, tui_file_path_done, f);
		free(initial);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case FILE_OPEN:
		if (f->pane == 1 && f->info != NULL) {
			size_t i = f->sheets.sel;
			if (!f->info->sheet_usable[i]) {
				tui_message(t, 1,
				    _("This sheet is a chart: it holds no cells to import."));
				return TUI_HANDLED | TUI_REDRAW;
			}
			if (f->info->sheet && !strcmp(f->info->sheet, f->info->sheet_names[i])) {
				struct tui_file_info *fi = f->info;
				f->info = NULL;
				tui_file_stop_count(f);
				f->pane = 0;
				return TUI_HANDLED | tui_file_chosen(f, fi);
			}
			char num[24];
			snprintf(num, sizeof num, "%zu", i + 1);
			tui_file_start_load(f, f->info->path, num, 2);
			return TUI_HANDLED | TUI_REDRAW;
		}
		if (f->n == 0)
			return TUI_HANDLED;
		struct tui_file_entry *e = &f->entries[f->list.sel];
		char *path = xasprintf("%s/%s", f->dir, e->name);
		int dir = e->dir;
		/* What the filter chose is opened; back here, all show again. */
		free(f->filter);
		f->filter = NULL;
		f->filtering = 0;
		if (dir) {
			tui_file_set_dir(f, path);
			tui_file_info_free(f->info);
			f->info = NULL;
			tui_file_stop_count(f);
		} else {
			tui_file_read_dir(f);
			tui_file_start_load(f, path, NULL, 1);
		}
		free(path);
		return TUI_HANDLED | TUI_REDRAW;
	case FILE_RESTORE:
		if (f->pane != 1 || f->info == NULL)
			return 0;
		return TUI_HANDLED | tui_file_restore_all(f);
	case TUI_ACT_SEARCH_NEXT:
		if (t->last_search && !tui_list_search(l, t->last_search))
			tui_message(t, 1, _("Nothing matches \"%s\"."), t->last_search);
		return TUI_HANDLED | TUI_REDRAW;
	}
	return 0;
}

static int
tui_file_update(struct screen *s)
{
	struct tui_file_screen *f = s->data;
	struct tui *t = s->tui;
	int r = 0;
	if (f->count != NULL)
		r |= TUI_DIRTY; /* row counts come in */
	if (f->load == NULL || !tui_task_done(f->load))
		return r;
	struct tui_file_info *fi = tui_task_finish(f->load);
	f->load = NULL;
	free(f->loading);
	f->loading = NULL;
	if (fi->error != NULL) {
		tui_message(t, 1, "%s", fi->error);
		tui_file_info_free(fi);
		return TUI_REDRAW;
	}
	/* A JSON backup, or NDJSON naming its tables: a restore. */
	if (fi->format != NULL && !strcmp(fi->format, "json")) {
		tui_file_stop_count(f);
		tui_file_info_free(f->info);
		f->info = NULL;
		f->pane = 0;
		struct tui_restore_arg a = { fi->path, 0 };
		tui_push(t, &tui_restore_ops, &a);
		tui_file_info_free(fi);
		return TUI_NEXT | TUI_REDRAW;
	}
	/* A workbook with several sheets: choose one first. */
	if (fi->nsheets > 1 && f->go_on == 1) {
		tui_file_stop_count(f);
		tui_file_info_free(f->info);
		f->info = fi;
		f->count = xcalloc(1, sizeof *f->count);
		f->count->path = xstrdup(fi->path);
		f->count->nsheets = fi->nsheets;
		f->count->rows = xcalloc(fi->nsheets, sizeof *f->count->rows);
		for (size_t i = 0; i < fi->nsheets; i++)
			atomic_store(&f->count->rows[i], fi->sheet_usable[i] ? -1 : 0);
		f->counter = tui_task_start(tui_file_count_task, f->count);
		tui_list_set(&f->sheets, fi->nsheets);
		for (size_t i = 0; i < fi->nsheets; i++)
			if (fi->sheet && !strcmp(fi->sheet, fi->sheet_names[i]))
				tui_list_select(&f->sheets, i);
		f->pane = 1;
		size_t usable = 0;
		for (size_t i = 0; i < fi->nsheets; i++)
			usable += fi->sheet_usable[i] != 0;
		if (usable > 1)
			tui_message(t, 0,
			    ngettext(
				"%zu sheets: Enter imports the one chosen; A restores them all, each a table.",
				"%zu sheets: Enter imports the one chosen; A restores them all, each a table.",
				fi->nsheets),
			    fi->nsheets);
		else
			tui_message(t, 0,
			    _("This workbook has %zu sheets: choose one and press Enter."),
			    fi->nsheets);
		return TUI_REDRAW;
	}
	tui_file_stop_count(f);
	tui_file_info_free(f->info);
	f->info = NULL;
	f->pane = 0;
	return tui_file_chosen(f, fi) | TUI_REDRAW;
}

static void
tui_file_draw(struct screen *s, int full)
{
	struct tui_file_screen *f = s->data;
	struct tui *t = s->tui;
	int sheets_w = f->info ? (COLS >= 120 ? 50 : 36) : 0;
	int files_w = COLS - 2 - (sheets_w ? sheets_w + 2 : 0);
	if (full) {
		char *db = store_target_shown(t->w.db);
		tui_draw_title(t, _("Choose a file"), db);
		free(db);
		tui_put(stdscr, 2, 1, files_w, f->dir, t->a.bold);
		if (f->filter != NULL)
			tui_putf(stdscr, 3, 1, files_w, t->a.bold, _("Filter: %s%s"), f->filter,
			    f->filtering ? _("_   (Esc shows all)") : "");
		else
			tui_putf(stdscr, 3, 1, files_w, t->a.dim, "%s",
			    f->show_all ? _("All files (a: only the files sluice reads)") :
					  _("CSV, TSV, XLSX, XLS, vCard, JSON (a: all files)"));
		if (f->info) {
			tui_put(stdscr, 2, files_w + 3, sheets_w, _("Sheets"), t->a.bold);
			tui_put(stdscr, 3, files_w + 3, sheets_w, f->info->path, t->a.dim);
		}
		tui_draw_footer(t, file_keys);
	}
	int top = 4, height = LINES - top - 2;
	if (f->loading) {
		char *msg = xasprintf(_("Reading %s…"), f->loading);
		tui_put(stdscr, LINES - 2, 1, COLS - 2, msg, t->a.bold);
		free(msg);
	} else if (full)
		tui_put(stdscr, LINES - 2, 1, COLS - 2, "", A_NORMAL);
	if (f->error) {
		tui_put_wrapped(stdscr, top, 2, files_w - 2, 3, f->error, t->a.fail);
		return;
	}
	if (f->n == 0 && full)
		tui_put(stdscr, top, 2, files_w - 2,
		    _("No files here that sluice reads; press a to show all files."), A_NORMAL);
	f->list.height = height;
	tui_list_draw(t, &f->list, top, 1, files_w, full);
	if (f->info) {
		f->sheets.height = height;
		tui_list_draw(t, &f->sheets, top, files_w + 3, sheets_w - 1, 1);
	}
}

const struct screen_ops tui_file_ops = {
	.name = "file",
	.keys = file_keys,
	.init = tui_file_init,
	.free = tui_file_free,
	.resize = tui_file_resize,
	.key = tui_file_key,
	.update = tui_file_update,
	.draw = tui_file_draw,
};
