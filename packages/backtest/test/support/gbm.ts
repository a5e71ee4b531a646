import type { Simulate } from "../../src/index.js"

/**
 * A seeded GBM path source for tests (xorshift64* + Box–Muller), zero drift: independent of `@hedgekit/paths`, so
 * the engine's tests do not rest on the generator they would otherwise share with it.
 */
export const gbmSource = (paths: number, steps: number, S0: number, vol: number, years: number, seed: number): Simulate.PathSource => {
  let x = BigInt(seed) | 1n
  const uniform = () => {
    x ^= x >> 12n; x ^= (x << 25n) & 0xffffffffffffffffn; x ^= x >> 27n
    return Number(((x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 11n) / 2 ** 53
  }
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  const dt = years / steps
  const now = new Float64Array(paths).fill(S0)
  return {
    paths, steps, times: Float64Array.from({ length: steps + 1 }, (_, k) => (k * years) / steps),
    read: (spot) => spot.set(now),
    step: (spot) => {
      for (let i = 0; i < paths; i++) now[i] = now[i]! * Math.exp(vol * Math.sqrt(dt) * normal() - 0.5 * vol * vol * dt)
      spot.set(now)
      return 0
    }
  }
}
