/* Looking up the country a row writes: the names of country-names.c,
 * folded as headers are (text_fold_header), sorted once, and searched; a
 * folded name two countries share names neither. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "text.h"
#include "xmalloc.h"

struct country_key {
	char *folded;
	const char *code; /* NULL: several countries are written so */
};

static struct country_key *country_keys;
static size_t country_nkeys;
static pthread_once_t country_once = PTHREAD_ONCE_INIT;

static int
country_key_order(const void *a, const void *b)
{
	const struct country_key *x = a, *y = b;
	int c = strcmp(x->folded, y->folded);
	return c != 0 ? c : strcmp(x->code, y->code);
}

static void
country_init(void)
{
	struct country_key *k = xcalloc(country_nnames, sizeof *k);
	size_t n = 0;

	for (size_t i = 0; i < country_nnames; i++)
		k[i] = (struct country_key){ text_fold_header(country_names[i].name),
			country_names[i].code };
	qsort(k, country_nnames, sizeof *k, country_key_order);
	/* One key per folded name; one shared by two codes names none. */
	for (size_t i = 0; i < country_nnames; i++) {
		if (n > 0 && strcmp(k[n - 1].folded, k[i].folded) == 0) {
			if (k[n - 1].code != NULL && strcmp(k[n - 1].code, k[i].code) != 0)
				k[n - 1].code = NULL;
			free(k[i].folded);
			continue;
		}
		k[n++] = k[i];
	}
	country_keys = k;
	country_nkeys = n;
}

static int
country_key_find(const void *key, const void *elem)
{
	return strcmp(key, ((const struct country_key *)elem)->folded);
}

const char *
country_code(const char *written)
{
	pthread_once(&country_once, country_init);
	char *folded = text_fold_header(written);
	const struct country_key *k = *folded == '\0' ?
	    NULL :
	    bsearch(folded, country_keys, country_nkeys, sizeof *country_keys, country_key_find);
	free(folded);
	return k != NULL ? k->code : NULL;
}
