// Builds the console into apps/api/console/ (embedded by the api binary), or with
// --check, builds it in memory and fails when the committed files differ: a fresh
// build must reproduce them byte for byte.
import { readFile, writeFile } from "node:fs/promises";
import { build } from "esbuild";

const here = new URL(".", import.meta.url);
const out = new URL("../../../apps/api/console/", import.meta.url);
const check = process.argv.includes("--check");

const script = await build({
  entryPoints: [new URL("src/main.tsx", here).pathname],
  tsconfig: new URL("../tsconfig.json", here).pathname,
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  legalComments: "eof",
  define: { "process.env.NODE_ENV": '"production"' },
  write: false,
  logLevel: "warning",
});
const style = await build({
  entryPoints: [new URL("console.css", here).pathname],
  bundle: true,
  minify: true,
  write: false,
  logLevel: "warning",
});
const files = {
  "console.js": script.outputFiles[0].contents,
  "console.css": style.outputFiles[0].contents,
  "index.html": await readFile(new URL("index.html", here)),
};

let stale = [];
for (const [name, contents] of Object.entries(files)) {
  const target = new URL(name, out);
  if (check) {
    const committed = await readFile(target).catch(() => Buffer.alloc(0));
    if (!Buffer.from(contents).equals(committed)) stale.push(name);
  } else {
    await writeFile(target, contents);
    console.log(`wrote apps/api/console/${name} (${contents.length} bytes)`);
  }
}
if (stale.length) {
  console.error(`apps/api/console/ is not what clients/js/console builds: ${stale.join(", ")} differ. Run: cd clients/js && npm run build`);
  process.exit(1);
}
if (check) console.log("apps/api/console/ matches a fresh build of clients/js/console");
