/**
 * JSON.stringify for JSON data (what JSON.parse returns), without recursion:
 * JSON.stringify throws RangeError a few thousand levels deep, and a dead
 * letter must keep any body it was given. Same output as JSON.stringify for
 * such data, including the escapes of NUL and unpaired surrogates. Pure.
 */
type Step = { text: string } | { value: unknown };

export function stringifyJson(value: unknown): string {
  const out: string[] = [];
  // A stack of steps, last first: literal text to emit, or a value to write.
  const steps: Step[] = [{ value }];
  for (let step = steps.pop(); step; step = steps.pop()) {
    if ("text" in step) {
      out.push(step.text);
      continue;
    }
    const v = step.value;
    if (Array.isArray(v)) {
      steps.push({ text: "]" });
      for (let i = v.length - 1; i >= 0; i--) {
        steps.push({ value: v[i] === undefined ? null : v[i] });
        if (i > 0) steps.push({ text: "," });
      }
      steps.push({ text: "[" });
    } else if (typeof v === "object" && v !== null) {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      steps.push({ text: "}" });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        steps.push({ value: x });
        steps.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(k)}:` });
      }
      steps.push({ text: "{" });
    } else {
      // Strings, numbers, booleans and null: JSON.stringify is not recursive for them.
      out.push(JSON.stringify(v) ?? "null");
    }
  }
  return out.join("");
}
