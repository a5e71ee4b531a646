/**
 * Text for failure messages: numbers in full (a counterexample must be replayable as printed), values with
 * their units, thrown values by their tag.
 */

const labels = new WeakMap<object, string>()

/**
 * Gives a function a readable description for failure messages (a generated `deltaAtVolScale`, say), which
 * would otherwise print as `[function]`. Returns the function itself.
 */
export const label = <F extends (...args: never) => unknown>(fn: F, text: string): F => {
  labels.set(fn, text)
  return fn
}

/** Every digit of a number, so that it can be pasted back: `-0`, `NaN` and `Infinity` spelled out. */
export const exact = (x: number): string => (Object.is(x, -0) ? "-0" : String(x))

/** A number for reading, to 12 significant digits (observed and expected values). */
export const short = (x: number): string => {
  if (!Number.isFinite(x)) return String(x)
  if (x === 0) return exact(x)
  const a = Math.abs(x)
  return a < 1e-6 || a >= 1e12 ? x.toExponential(11).replace(/\.?0+e/, "e") : String(Number(x.toPrecision(12)))
}

/** A difference or a tolerance: 3 significant digits. */
export const small = (x: number): string => {
  if (!Number.isFinite(x)) return String(x)
  if (x === 0) return "0"
  const a = Math.abs(x)
  return a < 1e-3 || a >= 1e6 ? x.toExponential(2).replace(/\.?0+e/, "e") : String(Number(x.toPrecision(3)))
}

/** Any plain value as JavaScript-like text: strings quoted, numbers exact, objects and arrays inline. */
export const value = (v: unknown, depth = 0): string => {
  if (typeof v === "number") return exact(v)
  if (typeof v === "string") return JSON.stringify(v)
  if (typeof v === "bigint") return `${v}n`
  if (v === undefined) return "undefined"
  if (v === null) return "null"
  if (typeof v === "function") return labels.get(v) ?? `[function${v.name ? ` ${v.name}` : ""}]`
  if (typeof v !== "object") return String(v)
  if (depth > 4) return "{…}"
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return `[${Array.from(v as unknown as ArrayLike<number>, (x) => value(x, depth + 1)).join(", ")}]`
  }
  if (Array.isArray(v)) return `[${v.map((x) => value(x, depth + 1)).join(", ")}]`
  const entries = Object.entries(v as Record<string, unknown>)
  return `{${entries.map(([k, x]) => `${k}: ${value(x, depth + 1)}`).join(", ")}}`
}

/** A record of numbers with units: `{expiry: 0.5 (years), rate: 0 (decimal)}`. Fields without a unit print bare. */
export const withUnits = (
  record: Readonly<Record<string, unknown>>,
  units: Readonly<Record<string, string>>
): string =>
  `{${
    Object.entries(record)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => (units[k] !== undefined && typeof v === "number" ? `${k}: ${exact(v)} (${units[k]})` : `${k}: ${value(v)}`))
      .join(", ")
  }}`

/** A thrown value as `InvalidInput: invalid forward: got 0, …`, or what it is when it is not an error. */
export const thrown = (e: unknown): string => {
  if (typeof e === "object" && e !== null) {
    const tag = "_tag" in e && typeof e._tag === "string" ? e._tag : e instanceof Error ? e.name : undefined
    const message = e instanceof Error ? e.message : "message" in e && typeof e.message === "string" ? e.message : value(e)
    return tag === undefined ? message : `${tag}: ${message}`
  }
  return `the ${typeof e} ${value(e)}`
}

/** Whether a thrown value is a tagged error: an object with a string `_tag` (the SDK's `InvalidInput`, …). */
export const isTagged = (e: unknown): e is { readonly _tag: string } =>
  typeof e === "object" && e !== null && "_tag" in e && typeof e._tag === "string" && e._tag.length > 0
