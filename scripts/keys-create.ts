// `npm run keys:create -- <source>`: a new API key for one source. Prints the
// key (give it to the upstream service; it is not stored anywhere) and the
// line to add to the API_KEYS secret (only the hash).
import { generateApiKey } from "../src/auth/api-keys.ts";
import { sha256Hex } from "../src/auth/sha256.ts";
import { SOURCE_PATTERN } from "../src/events/event-schema.ts";

const source = process.argv[2];
if (!source || !SOURCE_PATTERN.test(source)) {
  console.error("usage: npm run keys:create -- <source>   (source: ^[a-z0-9][a-z0-9_.:-]{0,63}$)");
  process.exit(2);
}
const key = generateApiKey();
console.log(`API key for source "${source}" (shown once, store it in the upstream service's secrets):\n  ${key}\n`);
console.log(`Add this line to the API_KEYS secret (npx wrangler secret put API_KEYS):\n  ${source}:${await sha256Hex(key)}`);
