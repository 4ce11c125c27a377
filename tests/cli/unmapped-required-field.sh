#!/bin/bash
# A file that has no column for a required field (or for any match key)
# cannot be imported: exit code 2, a message naming the field and the
# headers found, and nothing written — no table, no import in the journal.
. "$(dirname "$0")/lib.sh"

cat >products.csv <<'CSV'
Name,Price,Stock
Widget,9.99,3
CSV
run_sluice import products.csv --db new.db --schema products
assert_exit 2 "products without a SKU column: exit code 2"
assert_match "$(cat err)" "sku|SKU" "the message names the missing field"
assert_match "$(cat err)" "Name" "the message names the headers found"
if [ -f new.db ]; then
	assert_eq "$(sq new.db "SELECT count(*) FROM sqlite_master WHERE name = 'products'")" 0 "no products table is created"
	assert_eq "$(sq new.db "SELECT count(*) FROM sqlite_master WHERE name = 'sluice_imports'")" 0 "no import is journaled"
else
	pass "no products table is created"
	pass "no import is journaled"
fi

# The same into a database that already has imports: it stays as it was.
cat >good.csv <<'CSV'
SKU,Name,Price,Stock,Category
W-1,Widget,"1,234.50",3,Tools
G-2,Gadget,12.5,40,
CSV
run_sluice import good.csv --db shop.db --schema products
assert_exit 0 "with the SKU column the products import works"
assert_eq "$(sq shop.db "SELECT sku, name, price, stock, category FROM products ORDER BY sku")" \
	"G-2|Gadget|12.5|40|
W-1|Widget|1234.5|3|Tools" "numbers are stored in canonical form"
before=$(sq shop.db 'SELECT count(*) FROM sluice_imports; SELECT count(*) FROM products')
run_sluice import products.csv --db shop.db --schema products
assert_exit 2 "a SKU-less file into an existing database: exit code 2"
assert_eq "$(sq shop.db 'SELECT count(*) FROM sluice_imports; SELECT count(*) FROM products')" "$before" \
	"no import row and no product are added"

# Contacts need at least one match key: a file with neither phone nor email.
cat >names.csv <<'CSV'
First Name,Last Name,Company
Ann,Lee,Acme
CSV
run_sluice import names.csv --db contacts.db
assert_exit 2 "contacts without a phone or email column: exit code 2"
assert_match "$(cat err)" "phone|email|Phone|Email" "the message names the match keys"
if [ -f contacts.db ]; then
	assert_eq "$(sq contacts.db "SELECT count(*) FROM sqlite_master WHERE name IN ('contacts', 'sluice_imports')")" 0 \
		"nothing is written"
else
	pass "nothing is written"
fi

# An unknown schema is a usage error too.
run_sluice import good.csv --db other.db --schema no-such-schema
assert_exit 2 "an unknown schema: exit code 2"
assert_match "$(cat err)" "no-such-schema" "the message names the schema"

done_testing
