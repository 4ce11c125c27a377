# Reports (XLSX, rejected-rows CSV, JSON): sources of libsluice.a and
# their tests, added here.
