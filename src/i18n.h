/* Translation macros: every string a person reads goes through _(). */
#ifndef SLUICE_I18N_H
#define SLUICE_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
