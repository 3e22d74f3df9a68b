#!/usr/bin/env node
// The `alpacare` CLI. It runs the compiled library in dist/ (built by `npm install` / `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const mainJs = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
if (!existsSync(mainJs)) {
  process.stderr.write("alpacare: the library is not built yet. Run `npm run build` (or `npm install`) in the project folder.\n");
  process.exit(1);
}
const { main } = await import(mainJs);
process.exit(await main(process.argv.slice(2)));
