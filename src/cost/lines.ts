/** One priced line of the estimate, and the arithmetic every line shares. */
import type { Price } from './prices';

export interface CostLine {
  /** What is priced, in AWS's terms (`Fargate vCPU (on-demand)`, `NAT gateway hours`). */
  readonly item: string;
  /** How much of `unit` a month. */
  readonly quantity: number;
  readonly unit: string;
  /** USD per `unit` (per 1,000 or per million where the unit says so). */
  readonly unitPrice: number;
  /** USD a month, rounded to the cent: the total is the sum of these. */
  readonly monthly: number;
  /** The unit price could not be checked on the price table's date (prices.ts). */
  readonly unverified?: true;
}

/** Rounded to the cent, so that sums of lines are exact in cents. */
export function cents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

/** The sum of lines' `monthly`, itself rounded to the cent (floating point would leave 0.30000000000000004). */
export function sum(values: readonly number[]): number {
  return cents(values.reduce((a, b) => a + b, 0));
}

/**
 * A line: `quantity` in the price's unit, divided by `per` when the price is per 1,000 or per
 * million of something (`quantity` stays in plain units so that the reader sees the count).
 */
export function line(item: string, quantity: number, price: Price, per = 1): CostLine {
  const unit = per === 1 ? price.unit : price.unit.replace(/^(1,000|million) /, '');
  const made: CostLine = {
    item,
    quantity: round(quantity),
    unit,
    unitPrice: unitPrice(price.usd / per),
    monthly: cents((quantity / per) * price.usd),
    ...(price.unverified ? { unverified: true as const } : {}),
  };
  priced.set(made, price);
  return made;
}

/** The price each line was made from, for the estimate's list of unverified prices. */
const priced = new WeakMap<CostLine, Price>();

export function priceOf(made: CostLine): Price | undefined {
  return priced.get(made);
}

/**
 * A unit price to 12 significant digits: dividing a per-million price by a million leaves binary
 * noise (0.4 / 1e6 = 4.0000000000000003e-7) that --json would print; no table price has more than
 * 6 significant digits, so the figure keeps its value.
 */
function unitPrice(usd: number): number {
  return Number(usd.toPrecision(12));
}

/** Quantities printed with at most 4 decimals (730 × 0.25 = 182.5 stays as it is). */
function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
