#!/bin/sh
# Compiles docs/openapi.json (the OpenAPI document, edited by hand) into the server:
# writes Sources/SuanliServer/OpenAPI/OpenAPIDocument+Text.swift, which holds it as a raw
# string literal (SwiftPM's embedInCode turns a 100 KB file into an array literal that takes
# the compiler most of a minute). OpenAPIDocumentTests fails when the two differ.
set -eu
cd "$(dirname "$0")/.."
source=docs/openapi.json
target=Sources/SuanliServer/OpenAPI/OpenAPIDocument+Text.swift
if grep -q '"""##' "$source"; then
    echo "$source contains '\"\"\"##', which would end the string literal" >&2
    exit 1
fi
{
    printf '// Generated from docs/openapi.json by scripts/openapi-embed.sh; edit that file, then run the script.\n\n'
    printf 'extension OpenAPIDocument {\n'
    printf '    /// The document exactly as docs/openapi.json has it, without its final newline.\n'
    printf '    static let text = ##"""\n'
    cat "$source"
    printf '"""##\n'
    printf '}\n'
} > "$target"
echo "wrote $target from $source"
