/* Looking up the country a row writes: the names of country-names.c,
 * folded as headers are (text_fold_header), sorted once, and searched; a
 * folded name two countries share names neither. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "i18n.h"
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

/* Headers as Outlook, Google and the spreadsheets of each language write
 * them (folded: lower case, no accents, spaces or punctuation), and the
 * country whose national numbers a file so written most likely holds. */
static const struct {
	const char *code;
	const char *adjective; /* "412 phone numbers look German" */
	const char *words[24];
} country_languages[] = {
	{ "DE", N_("German"),
	    { "vorname", "nachname", "weiterevornamen", "firma", "abteilung", "anrede", "telefon",
		"telefongeschaftlich", "telefonprivat", "mobiltelefon", "handy", "weiterestelefon",
		"geburtstag", "emailadresse", "landregiongeschaftlich", "landregionprivat", "land",
		"strassegeschaftlich", "ortgeschaftlich", "postleitzahlgeschaftlich", "kategorien",
		"notizen", NULL } },
	{ "FR", N_("French"),
	    { "prenom", "nom", "deuxiemeprenom", "societe", "service", "fonction", "titre",
		"telephone", "telephonebureau", "telephonedomicile", "telmobile", "telephonemobile",
		"autretelephone", "anniversaire", "adressedemessagerie", "paysregionbureau",
		"paysregiondomicile", "pays", "villebureau", "codepostalbureau", "courriel", NULL } },
	{ "ES", N_("Spanish"),
	    { "nombre", "segundonombre", "apellidos", "apellido", "organizacion", "empresa",
		"departamento", "puesto", "tratamiento", "telefono", "telefonodeltrabajo",
		"particular", "movil", "otrotelefono", "cumpleanos", "direcciondecorreoelectronico",
		"paisoregiondeltrabajo", "paisoregiondeldomicilio", "pais", "ciudaddetrabajo",
		"notas", NULL } },
	{ "IT", N_("Italian"),
	    { "nome", "cognome", "secondonome", "azienda", "societa", "reparto", "qualifica",
		"telefono", "telefonoufficio", "telefonoabitazione", "cellulare", "altrotelefono",
		"compleanno", "indirizzoemail", "paese", "citta", "note", NULL } },
};

/* How many of the folded headers are words of language l. */
static size_t
country_language_score(size_t l, char *const *folded, size_t n)
{
	size_t score = 0;

	for (size_t c = 0; c < n; c++)
		for (size_t w = 0; country_languages[l].words[w] != NULL; w++)
			if (strcmp(folded[c], country_languages[l].words[w]) == 0) {
				score++;
				break;
			}
	return score;
}

const char *
country_of_headers(const char *const *headers, size_t n)
{
	size_t nl = sizeof country_languages / sizeof *country_languages;
	size_t best = nl, best_score = 1, second = 0;
	char **folded = xcalloc(n ? n : 1, sizeof *folded);

	for (size_t c = 0; c < n; c++)
		folded[c] = text_fold_header(headers[c] != NULL ? headers[c] : "");
	for (size_t l = 0; l < nl; l++) {
		size_t score = country_language_score(l, folded, n);
		if (score > best_score) {
			second = best_score;
			best = l;
			best_score = score;
		} else if (score > second)
			second = score;
	}
	for (size_t c = 0; c < n; c++)
		free(folded[c]);
	free(folded);
	/* Two words at least, and more than any other language has. */
	return best < nl && best_score > second ? country_languages[best].code : NULL;
}

int
country_day_first(const char *code)
{
	static const char *const month_first[] = { "US", "PH", "FM", "MH", "PW", "CA" };

	if (code == NULL)
		return 0;
	for (size_t i = 0; i < sizeof month_first / sizeof *month_first; i++)
		if (strcmp(code, month_first[i]) == 0)
			return 0;
	return 1;
}

/* The adjectives of the other countries whose numbers sluice guesses
 * (validate_guess_region). */
static const struct {
	const char *code;
	const char *adjective;
} country_adjectives[] = {
	{ "AT", N_("Austrian") },
	{ "CH", N_("Swiss") },
	{ "BE", N_("Belgian") },
	{ "GB", N_("British") },
	{ "IE", N_("Irish") },
	{ "NL", N_("Dutch") },
	{ "PT", N_("Portuguese") },
	{ "PL", N_("Polish") },
	{ "SE", N_("Swedish") },
	{ "DK", N_("Danish") },
	{ "NO", N_("Norwegian") },
	{ "FI", N_("Finnish") },
	{ "US", N_("American") },
	{ "CA", N_("Canadian") },
	{ "AU", N_("Australian") },
	{ "MX", N_("Mexican") },
	{ "AR", N_("Argentinian") },
	{ "BR", N_("Brazilian") },
};

const char *
country_adjective(const char *code)
{
	if (code == NULL)
		return NULL;
	for (size_t l = 0; l < sizeof country_languages / sizeof *country_languages; l++)
		if (strcmp(code, country_languages[l].code) == 0)
			return _(country_languages[l].adjective);
	for (size_t a = 0; a < sizeof country_adjectives / sizeof *country_adjectives; a++)
		if (strcmp(code, country_adjectives[a].code) == 0)
			return _(country_adjectives[a].adjective);
	return NULL;
}
