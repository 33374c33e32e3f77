/**
 * A DuckDB value as a JSON value without losing digits: JSON numbers are IEEE doubles, exact for
 * integers only up to 2^53 (Number.MAX_SAFE_INTEGER). BIGINT, HUGEINT, UBIGINT and DECIMAL values
 * within that are numbers; beyond it they are strings of their exact digits (`"9007199254740993"`).
 * Text, numbers and booleans are themselves; anything else (timestamps, lists, structs) its DuckDB text.
 */
export function jsonValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return safe(value) ? Number(value) : value.toString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (isDecimal(value)) return safe(value.value) ? value.toDouble() : value.toString();
  return String(value);
}

const safe = (n: bigint) => n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER);

/** DuckDBDecimalValue: an unscaled bigint `value` and a `scale`; its text keeps every digit. */
function isDecimal(v: unknown): v is { value: bigint; toDouble(): number; toString(): string } {
  return typeof v === 'object' && v !== null && 'scale' in v && 'value' in v && typeof (v as { value: unknown }).value === 'bigint';
}
