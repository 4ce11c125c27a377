# Source formats beyond CSV (XLSX, XLS) and encodings: sources of libsluice.a
# and their tests, added here.
