/**
 * Whether a JSON number literal keeps its decimal value on the way to the
 * database: parsed into a double, then written out again (JSON.stringify,
 * shortest round-trip form), then stored by jsonb as a decimal. JSON.parse
 * turns `1e400` into Infinity (stored as null), `9007199254740993` into …992,
 * and even the exact double 2^60, sent as 1152921504606846976, is written as
 * 1152921504606847000. Formatting is not value: `1.50`, `1.5` and `15e-1`
 * are the same number. Pure.
 */
/** Up to 15 significant digits and no exponent: a double holds every such decimal and writes it back the same. */
const FIFTEEN_DIGITS = /^-?(?=(?:\.?\d){1,15}$)\d*\.?\d*$/;

export function isExactNumber(literal: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  // The common case (12, 12.5, -0.25) costs one regex test.
  if (FIFTEEN_DIGITS.test(literal)) return true;
  return decimalKey(literal) === decimalKey(String(value));
}

/** A canonical spelling of a decimal's value: digits without leading or trailing zeros, and the power of ten. */
function decimalKey(text: string): string {
  const negative = text.startsWith("-");
  const unsigned = negative || text.startsWith("+") ? text.slice(1) : text;
  const [mantissa = "", exponent = "0"] = unsigned.toLowerCase().split("e");
  const [whole = "", fraction = ""] = mantissa.split(".");
  let digits = (whole + fraction).replace(/^0+/, "");
  let power = Number(exponent) - fraction.length;
  if (digits === "") return "0";
  const trimmed = digits.replace(/0+$/, "");
  power += digits.length - trimmed.length;
  digits = trimmed;
  return `${negative ? "-" : ""}${digits}e${power}`;
}
