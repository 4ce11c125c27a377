#!/bin/bash
# Every language sluice ships (po/LINGUAS) translates every message of the
# current sources, none fuzzy, each checked by msgfmt --check (formats,
# plural forms, headers), and has its glossary (po/glossary-LL.txt). A
# message added without its translations fails here.
. "$(dirname "$0")/lib.sh"

for tool in xgettext msgmerge msgfmt msgattrib; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool (gettext) is not installed"
done

# The messages of the sources, as po/Makefile extracts them.
(cd "$top_srcdir" && xgettext --default-domain=sluice --add-comments=TRANSLATORS: \
	--keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --from-code=UTF-8 --files-from=po/POTFILES.in \
	-o "$T/sluice.pot") 2>xgettext.err
assert_eq "$?" 0 "the messages are extracted from the sources ($(head -c 300 xgettext.err))"
messages=$(grep -c '^msgid ' "$T/sluice.pot")

languages=$(sed 's/#.*//' "$top_srcdir/po/LINGUAS" | tr -s ' \n' ' ')
for want in de es fr; do
	case " $languages " in
	*" $want "*) pass "po/LINGUAS ships $want" ;;
	*) fail "po/LINGUAS ships $want" "it has: $languages" ;;
	esac
done

for ll in $languages; do
	msgmerge --quiet --no-fuzzy-matching "$top_srcdir/po/$ll.po" "$T/sluice.pot" \
		-o "$T/$ll.po" 2>"$ll.err"
	stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$T/$ll.po" 2>&1)
	rc=$?
	assert_eq "$rc" 0 "$ll: msgfmt --check accepts the translation ($(head -c 400 <<<"$stats"))"
	missing=$(msgattrib --untranslated --no-obsolete "$T/$ll.po" 2>/dev/null |
		grep -A1 '^msgid ' | grep -v '^msgid ""$' | head -n 8 | tr '\n' ' ')
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$T/$ll.po" 2>/dev/null |
		grep -A1 '^msgid ' | grep -v '^msgid ""$' | head -n 8 | tr '\n' ' ')
	case $stats in
	*untranslated* | *fuzzy*)
		fail "$ll: all $messages messages are translated, none fuzzy" \
			"$stats; untranslated: ${missing:-none}; fuzzy: ${fuzzy:-none}" ;;
	*) pass "$ll: all $messages messages are translated, none fuzzy ($stats)" ;;
	esac
	if [ -s "$top_srcdir/po/glossary-$ll.txt" ]; then
		pass "$ll: has its glossary"
	else
		fail "$ll: has its glossary" "po/glossary-$ll.txt is missing or empty"
	fi
done
done_testing
