#!/usr/bin/env python3
"""
Tables of the bracket points of "Let's Be Rational" as functions of the log-moneyness alone.

For an out-of-the-money call at x = -u^2 <= 0, with b_max = e^{x/2}, s_c = sqrt(2)·u, b_c = b(x, s_c),
v_c = b_max/sqrt(2π):

    s_l = s_c - b_c/v_c,  s_u = s_c + (b_max - b_c)/v_c,  b_l = b(x, s_l),  b_u = b(x, s_u)

and the vegas there, v = b_max·φ(x/s + s/2). The implied-vol solver needs b_l or b_u and the vega to pick its
branch and anchor its initial guess; evaluating b for them costs a full normalised-Black evaluation per
solve. These four bounded, smooth functions of z = u/(1+u) ∈ [0, 1) replace it:

    fl = (b_l/b_max)·(1+u²)/u²   gl = φ(h_l + t_l) = v_l/b_max   sl = s_l·(1+u)/u²
    fu = (b_max - b_u)/b_max     gu = φ(h_u + t_u) = v_u/b_max

(s_l itself is tabulated because s_c - b_c/v_c cancels as x → 0: in doubles it loses ~1/sqrt(-x) ulp, and
the solver must pair b_l with the s_l it belongs to.)

Each is interpolated on 32 equal pieces of z by a degree-7 polynomial through the Chebyshev nodes of the
piece (power basis in the piece's local variable t ∈ [-1, 1]), from 50-digit mpmath values; the fit is
within a few 1e-16 relative everywhere (checked below and by test/LbrBrackets.test.ts against independent
off-node points).

    python3 scripts/lbr-brackets.py    writes src/internal/lbrBrackets.generated.ts and
                                       test/fixtures/mpmath/lbr-brackets.json (needs mpmath)
"""
import json
import os
import random

import mpmath as mp

mp.mp.dps = 50
PIECES = 32
DEGREE = 7
FUNCTIONS = 5
LOWER_FUNCTIONS = 3  # fl, gl, sl; the rest (fu, gu) make the upper table
HERE = os.path.dirname(os.path.abspath(__file__))


def normalised_black_otm(x, s):
    return mp.e ** (x / 2) * mp.ncdf(x / s + s / 2) - mp.e ** (-x / 2) * mp.ncdf(x / s - s / 2)


def bracket_functions(u):
    """(fl, gl, sl, fu, gu) at u = sqrt(-x); u = +inf gives the limits."""
    u = mp.mpf(u)
    if 0 < u < 1:
        # b is a difference of two terms of size ~1 that agree to ~u² relative: carry the digits it cancels.
        with mp.workdps(50 + int(-2 * mp.log10(u))):
            return tuple(+v for v in _bracket_functions(u))
    return _bracket_functions(u)


def _bracket_functions(u):
    if mp.isinf(u):
        c = mp.sqrt(mp.pi / 2)  # s_c - s_l and s_u - s_c both tend to sqrt(pi/2)
        return (mp.ncdf(-c), mp.npdf(-c), mp.sqrt(2), mp.ncdf(-c), mp.npdf(c))
    x = -u * u
    b_max = mp.e ** (x / 2)
    s_c = mp.sqrt(2) * u
    b_c = normalised_black_otm(x, s_c) if u > 0 else mp.mpf(0)
    v_c = b_max / mp.sqrt(2 * mp.pi)
    s_u = s_c + (b_max - b_c) / v_c
    fu = (b_max - normalised_black_otm(x, s_u)) / b_max
    gu = mp.npdf(x / s_u + s_u / 2)
    if u == 0:
        # s_l → sqrt(pi/2)·|x|, h_l → -sqrt(2/pi), t_l → 0: b_l/|x| → sqrt(pi/2)·Y'(h_l)·φ(h_l), Y' = 1 + h·Φ(h)/φ(h)
        h = -mp.sqrt(2 / mp.pi)
        fl = mp.sqrt(mp.pi / 2) * (mp.npdf(h) + h * mp.ncdf(h))
        return (fl, mp.npdf(h), mp.sqrt(mp.pi / 2), fu, gu)
    s_l = s_c - b_c / v_c
    fl = normalised_black_otm(x, s_l) / b_max * (1 + u * u) / (u * u)
    gl = mp.npdf(x / s_l + s_l / 2)
    return (fl, gl, s_l * (1 + u) / (u * u), fu, gu)


def u_of_z(z):
    return mp.inf if z >= 1 else z / (1 - z)


def fit():
    """coefficients[piece][function][power]"""
    nodes = [mp.cos(mp.pi * (2 * j + 1) / (2 * (DEGREE + 1))) for j in range(DEGREE + 1)]
    vandermonde = mp.matrix([[t ** i for i in range(DEGREE + 1)] for t in nodes])
    table = []
    for p in range(PIECES):
        lo, hi = mp.mpf(p) / PIECES, mp.mpf(p + 1) / PIECES
        values = [bracket_functions(u_of_z((lo + hi) / 2 + (hi - lo) / 2 * t)) for t in nodes]
        piece = []
        for f in range(FUNCTIONS):
            c = mp.lu_solve(vandermonde, mp.matrix([v[f] for v in values]))
            piece.append([float(c[i]) for i in range(DEGREE + 1)])
        table.append(piece)
    return table


def evaluate(table, f, z):
    p = min(int(z * PIECES), PIECES - 1)
    t = (z * PIECES - p) * 2 - 1
    c = table[p][f]
    r = c[DEGREE]
    for i in range(DEGREE - 1, -1, -1):
        r = r * t + c[i]
    return r


def main():
    table = fit()
    rng = random.Random(20261125)
    points = [0.0, 1e-300, 1e-8] + [10 ** rng.uniform(-6, 4) for _ in range(300)] + [1e6]
    rows = []
    worst = 0.0
    for u in points:
        exact = bracket_functions(u)
        z = u / (1 + u)
        for f in range(FUNCTIONS):
            worst = max(worst, abs(evaluate(table, f, z) / float(exact[f]) - 1))
        rows.append([repr(float(-u * u))] + [mp.nstr(v, 30) for v in exact])
    assert worst < 1e-15, worst

    out = os.path.join(HERE, "..", "src", "internal", "lbrBrackets.generated.ts")
    lower = ",\n".join("  " + ", ".join(repr(c) for f in piece[:LOWER_FUNCTIONS] for c in f) for piece in table)
    upper = ",\n".join("  " + ", ".join(repr(c) for f in piece[LOWER_FUNCTIONS:] for c in f) for piece in table)
    with open(out, "w") as fh:
        fh.write(
            "// Generated by scripts/lbr-brackets.py (mpmath, 50 digits); do not edit.\n"
            f"// {PIECES} pieces of z = u/(1+u), u = sqrt(-x); per piece the {DEGREE + 1} power-basis coefficients in\n"
            "// t = 2·(z·PIECES − piece) − 1 of one function, then of the next.\n\n"
            f"export const PIECES = {PIECES}\n"
            f"export const COEFFICIENTS = {DEGREE + 1}\n\n"
            "/** fl = (b_l/b_max)·(1+u²)/u², gl = φ(h_l + t_l) = v_l/b_max, sl = s_l·(1+u)/u². */\n"
            f"export const LOWER = new Float64Array([\n{lower}\n])\n\n"
            "/** fu = (b_max − b_u)/b_max, then gu = φ(h_u + t_u) = v_u/b_max. */\n"
            f"export const UPPER = new Float64Array([\n{upper}\n])\n"
        )
    fixture = {
        "description": "LBR bracket functions fl, gl, sl, fu, gu (see scripts/lbr-brackets.py) at random log-moneyness x, 50-digit mpmath",
        "columns": ["x", "fl", "gl", "sl", "fu", "gu"],
        "rows": rows,
    }
    with open(os.path.join(HERE, "..", "test", "fixtures", "mpmath", "lbr-brackets.json"), "w") as fh:
        fh.write('{\n "description": %s,\n "columns": %s,\n "rows": [\n' % (
            json.dumps(fixture["description"], ensure_ascii=False), json.dumps(fixture["columns"])))
        fh.write(",\n".join("  " + json.dumps(row) for row in rows))
        fh.write("\n ]\n}\n")
    print(f"max relative fit error on {len(points)} off-node points: {worst:.2e}")


if __name__ == "__main__":
    main()
