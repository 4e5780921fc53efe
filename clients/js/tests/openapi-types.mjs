// The REST types of @imagegen/client come from the api's own OpenAPI document:
// `node tests/openapi-types.mjs <spec.json | http://api/openapi.json>` writes
// client/src/openapi.ts; the integration tests render it again from a running api
// and compare, so the types cannot drift from the server silently.
import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";

export const TYPES_FILE = new URL("../client/src/openapi.ts", import.meta.url);

const HEADER = `// Generated from the api's GET /openapi.json by clients/js/tests/openapi-types.mjs.
// Do not edit: the integration tests fail when it differs from the server's document.
/* eslint-disable */
`;

/** The TypeScript text for an OpenAPI document (an object). */
export async function render(spec) {
  const ast = await openapiTS(spec, { alphabetize: true });
  return HEADER + astToString(ast);
}

async function load(source) {
  if (/^https?:/.test(source)) {
    const answer = await fetch(source);
    if (!answer.ok) throw new Error(`${source}: ${answer.status}`);
    return answer.json();
  }
  return JSON.parse(await readFile(source, "utf8"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const source = process.argv[2];
  if (!source) {
    console.error("usage: node tests/openapi-types.mjs <spec.json | url>");
    process.exit(2);
  }
  await writeFile(TYPES_FILE, await render(await load(source)));
  console.log(`wrote ${TYPES_FILE.pathname}`);
}
