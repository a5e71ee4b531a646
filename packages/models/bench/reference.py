#!/usr/bin/env python3
"""High-precision reference for bench/bench.ts (Black-76, r = 0).

Regenerates the first SAMPLE rows of the benchmark's seeded input stream (xoshiro128** seeded
through fmix32; every input is built from the uniforms with +, -, *, / only, so the doubles are
bit-identical to the ones bench.ts generates) and evaluates with mpmath at WORK_DPS digits, with a
second evaluation at CHECK_DPS digits that must agree:

  price, delta, gamma, vega (per 1.00 of vol), theta (dV/dt per year = -dV/dT)
  ivPrice  the Black-76 price rounded to the nearest double (the implied-vol test input)
  iv       the exact implied vol of that double price (None when the rounded price has no
           implied vol: at or below intrinsic, 0, or subnormal)
  quotable time value >= 1e-4 * F (at least one 0.0001-BTC tick of extrinsic value)

The inputs are written too, as exact decimal strings, and bench.ts refuses to run when its own
stream disagrees with them.

Run:  python3 packages/models/bench/reference.py     (writes bench/reference.json, ~1 minute)
"""

from __future__ import annotations

import json
import os
from multiprocessing import Pool

import mpmath
from mpmath import mp, mpf

SEED = 20240601
SAMPLE = 2000
WORK_DPS = 60
CHECK_DPS = 90
AGREE = mpf(10) ** -40
TICK = 1e-4
DBL_MIN = 2.2250738585072014e-308
HERE = os.path.dirname(os.path.abspath(__file__))
M32 = 0xFFFFFFFF


# --- seeded input stream (mirror of bench/rows.ts) ------------------------------------------


def fmix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


class Xoshiro128ss:
    def __init__(self, seed: int) -> None:
        self.s = [fmix32((seed + 0x9E3779B9 * (k + 1)) & M32) for k in range(4)]

    @staticmethod
    def rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (32 - k))) & M32

    def next32(self) -> int:
        s0, s1, s2, s3 = self.s
        result = (self.rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self.rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self) -> float:
        a = self.next32() >> 5
        b = self.next32() >> 6
        return (a * 67108864 + b) / 9007199254740992


def row(rng: Xoshiro128ss):
    forward = 20000 + 100000 * rng.uniform()
    z = 2 * rng.uniform() - 1
    moneyness = 1 + z if z >= 0 else 1 / (1 - z)
    strike = forward * moneyness
    u = rng.uniform()
    expiry = (1 + 17519 * (u * u * u)) / 8760
    vol = 0.2 + 1.3 * rng.uniform()
    is_call = rng.uniform() < 0.5
    return is_call, forward, strike, expiry, vol


# --- Black-76 at the current precision (r = 0) ----------------------------------------------


def ncdf(x):
    return mpmath.erfc(-x / mpmath.sqrt(2)) / 2


def npdf(x):
    return mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)


def black76(is_call, F, K, T, v):
    sq = mpmath.sqrt(T)
    s = v * sq
    d1 = mpmath.log(F / K) / s + s / 2
    d2 = d1 - s
    phi = npdf(d1)
    if is_call:
        price = F * ncdf(d1) - K * ncdf(d2)
        delta = ncdf(d1)
    else:
        price = K * ncdf(-d2) - F * ncdf(-d1)
        delta = -ncdf(-d1)
    gamma = phi / (F * s)
    vega = F * phi * sq
    theta = -F * phi * v / (2 * sq)
    return [price, delta, gamma, vega, theta]


def otm_price(is_call, F, K, T, v):
    """Time value (price minus intrinsic) as a function of vol: by put-call parity, the price of
    the out-of-the-money option of the same strike, so nothing is subtracted."""
    return black76(F <= K, F, K, T, v)[0]


def implied(is_call, F, K, T, target, v0):
    """Vol with otm_price(v) == target (> 0): Newton on log(time value), bisection fallback."""
    lo, hi = mpf(0), mpf(100)
    v = mpf(v0)
    for _ in range(200):
        tv = otm_price(is_call, F, K, T, v)
        if tv > target:
            hi = min(hi, v)
        else:
            lo = max(lo, v)
        vega = black76(is_call, F, K, T, v)[3]
        if tv > 0 and vega > 0:
            step = (mpmath.log(tv) - mpmath.log(target)) * tv / vega
            nxt = v - step
        else:
            nxt = (lo + hi) / 2
        if not (lo < nxt < hi):
            nxt = (lo + hi) / 2
        if abs(nxt - v) <= abs(v) * mpf(10) ** (-(mp.dps - 8)):
            return nxt
        v = nxt
    raise RuntimeError("implied vol did not converge")


def to_double(x) -> float:
    return float(mpmath.nstr(mpf(x), 40, min_fixed=1, max_fixed=0))


def text(x) -> str:
    return mpmath.nstr(mpf(x), 25, min_fixed=1, max_fixed=0)


def exact(x: float) -> str:
    return repr(x)  # shortest round-trip decimal; Number() in JS parses it to the same double


def evaluate(args):
    i, is_call, F, K, T, v = args
    out = {}
    with mp.workdps(CHECK_DPS):
        check = black76(is_call, mpf(F), mpf(K), mpf(T), mpf(v))
    with mp.workdps(WORK_DPS):
        vals = black76(is_call, mpf(F), mpf(K), mpf(T), mpf(v))
        for a, b in zip(vals, check):
            if abs(a - b) > AGREE * abs(b):
                raise RuntimeError(f"row {i}: precision check failed")
        names = ["price", "delta", "gamma", "vega", "theta"]
        for name, val in zip(names, vals):
            out[name] = text(val)
        p = to_double(vals[0])
        intrinsic = max((F - K) if is_call else (K - F), 0.0)  # exact: F/2 <= K <= 2F (Sterbenz)
        tv = mpf(p) - mpf(intrinsic)
        out["ivPrice"] = exact(p)
        upper = F if is_call else K
        if p >= DBL_MIN and tv > 0 and p < upper:
            out["iv"] = text(implied(is_call, mpf(F), mpf(K), mpf(T), tv, v))
        else:
            out["iv"] = None
        out["quotable"] = bool(otm_price(is_call, mpf(F), mpf(K), mpf(T), mpf(v)) >= TICK * F)
    return out


def main() -> None:
    rng = Xoshiro128ss(SEED)
    rows = [row(rng) for _ in range(SAMPLE)]
    jobs = [(i, *r) for i, r in enumerate(rows)]
    with Pool(min(2, os.cpu_count() or 1)) as pool:
        results = pool.map(evaluate, jobs, chunksize=50)
    data = {
        "seed": SEED,
        "sample": SAMPLE,
        "workDps": WORK_DPS,
        "inputs": {
            "isCall": [1 if r[0] else 0 for r in rows],
            "forward": [exact(r[1]) for r in rows],
            "strike": [exact(r[2]) for r in rows],
            "expiry": [exact(r[3]) for r in rows],
            "vol": [exact(r[4]) for r in rows],
        },
        "reference": {k: [res[k] for res in results] for k in results[0]},
    }
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    solvable = sum(1 for r in results if r["iv"] is not None)
    quotable = sum(1 for r in results if r["quotable"])
    print(f"wrote reference.json: {SAMPLE} rows, {solvable} with an implied vol, {quotable} quotable")


if __name__ == "__main__":
    main()
