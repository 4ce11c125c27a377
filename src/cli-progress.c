/* Progress line, durations: the headless face of progress (its JSON lines
 * are progress-jsonl.c's). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "cli-progress.h"
#include "i18n.h"

int
cli_progress_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return CLI_PROGRESS_AUTO;
	if (!strcmp(s, "jsonl"))
		return CLI_PROGRESS_JSONL;
	if (!strcmp(s, "none"))
		return CLI_PROGRESS_NONE;
	return -1;
}

double
cli_duration_parse(const char *s)
{
	double total = 0;
	const char *p = s;
	if (*p == '\0')
		return -1;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		if (end == p || v < 0)
			return -1;
		switch (*end) {
		case 'd':
			v *= 86400;
			end++;
			break;
		case 'h':
			v *= 3600;
			end++;
			break;
		case 'm':
			v *= 60;
			end++;
			break;
		case 's': end++; break;
		case '\0': break;
		default: return -1;
		}
		total += v;
		p = end;
	}
	return total > 0 ? total : -1;
}

/* 1234567 → "1,234,567" */
static void
cli_thousands(char *buf, size_t n, unsigned long long v)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%llu", v);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

static void
cli_clock(char *buf, size_t n, double s)
{
	if (s < 0) {
		snprintf(buf, n, "--:--");
		return;
	}
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%lu:%02lu", t / 60, t % 60);
}

void
cli_progress_draw(FILE *fp, const struct progress_snapshot *s)
{
	struct winsize ws;
	int width = 80;
	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		width = ws.ws_col;
	char done[32], total[32], eta[48], text[200];
	cli_thousands(done, sizeof done, s->rows_done);
	cli_thousands(total, sizeof total, s->rows_total);
	cli_clock(eta, sizeof eta, s->eta_s);
	snprintf(text, sizeof text, _(" %5.1f%%  %s/%s%s rows  %.0f rows/s  ETA %s  %s"),
	    s->percent, done, s->total_exact ? "" : "~", total, s->rows_per_s, eta,
	    s->status != STATUS_RUNNING ? status_label(s->status) : "");
	int bar = width - (int)strlen(text) - 3;
	if (bar > 30)
		bar = 30;
	fputs("\r", fp);
	if (bar >= 5) {
		int fill = (int)(s->percent / 100.0 * bar + 0.5);
		fputc('[', fp);
		for (int i = 0; i < bar; i++)
			fputc(i < fill ? '#' : '.', fp);
		fputc(']', fp);
	}
	fprintf(fp, "%.*s\033[K", width - (bar >= 5 ? bar + 3 : 1), text);
	fflush(fp);
}

void
cli_progress_clear(FILE *fp)
{
	fputs("\r\033[K", fp);
	fflush(fp);
}
