// The browser script as the Worker imports it: its text (wrangler.toml [[rules]]).
declare module "*/browser/console.js" {
  const text: string;
  export default text;
}
