// `npm run keys:create -- <source>`: a new API key for one source. Prints the
// key (give it to the upstream service; it is not stored anywhere) and the
// line to add to the API_KEYS secret (only the hash).
// `npm run keys:create -- --admin`: a new admin token and its ADMIN_TOKEN_SHA256,
// and a console session secret. `npm run keys:create -- --console`: only a new
// console session secret (putting it ends every console session).
import { generateApiKey, generateSecret } from "../src/shared/auth/api-keys.ts";
import { sha256Hex } from "../src/shared/auth/sha256.ts";
import { SOURCE_PATTERN } from "../src/shared/events/fields.ts";

const source = process.argv[2];
const consoleSecret = () =>
  console.log(
    `Value for the CONSOLE_SESSION_SECRET secret (npx wrangler secret put CONSOLE_SESSION_SECRET --env consumer; a secret: it signs console sessions, and putting a new one ends them all):\n  ${generateSecret()}`,
  );
if (source === "--admin") {
  const token = generateApiKey().replace(/^evl_/, "evla_");
  console.log(`Admin token (shown once; operators use it as EVENTLINE_ADMIN_TOKEN):\n  ${token}\n`);
  console.log(
    `Value for the ADMIN_TOKEN_SHA256 secret (npx wrangler secret put ADMIN_TOKEN_SHA256 --env consumer; a hash, not a key: it opens nothing):\n  ${await sha256Hex(token)}\n`,
  );
  consoleSecret();
  process.exit(0);
}
if (source === "--console") {
  consoleSecret();
  process.exit(0);
}
if (!source || !SOURCE_PATTERN.test(source)) {
  console.error("usage: npm run keys:create -- <source>   (source: ^[a-z0-9][a-z0-9_.:-]{0,63}$)");
  process.exit(2);
}
const key = generateApiKey();
console.log(`API key for source "${source}" (shown once, store it in the upstream service's secrets):\n  ${key}\n`);
console.log(`Add this line to the API_KEYS secret (npx wrangler secret put API_KEYS):\n  ${source}:${await sha256Hex(key)}`);
