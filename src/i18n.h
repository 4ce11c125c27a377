/* Translation macros: every string a person reads goes through _(). */
#ifndef SLUICE_I18N_H
#define SLUICE_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* A message whose English says two things, told apart by a context
 * (C_("key", "Home"): the key, not the screen); xgettext takes it with
 * --keyword=C_:1c,2 and files it with msgctxt. */
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)

static inline const char *
i18n_pgettext(const char *ctxt_id, const char *msgid)
{
	const char *t = gettext(ctxt_id);
	return t == ctxt_id ? msgid : t;
}

#endif
