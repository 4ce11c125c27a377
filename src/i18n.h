/* Translation macros: every string a person reads goes through _(). */
#ifndef SLUICE_I18N_H
#define SLUICE_I18N_H

#include <libintl.h>
#include <locale.h>
#include <string.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* A message whose English says two things, told apart by a context
 * (C_("key", "Home"): the key, not the screen); xgettext takes it with
 * --keyword=C_:1c,2 and files it with msgctxt. NC_ marks one for a table,
 * translated later with i18n_context(). */
#define C_(ctx, s) i18n_context(ctx "\004" s)
#define NC_(ctx, s) (ctx "\004" s)

/* The translation of "context\004message", or the message. */
static inline const char *
i18n_context(const char *ctxt_id)
{
	const char *t = gettext(ctxt_id);
	if (t != ctxt_id)
		return t;
	const char *eot = strchr(ctxt_id, '\004');
	return eot != NULL ? eot + 1 : ctxt_id;
}

#endif
