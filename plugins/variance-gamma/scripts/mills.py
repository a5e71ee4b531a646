#!/usr/bin/env python3
"""Chebyshev coefficients of the normal Mills ratio used by src/internal/normal.ts.

The Mills ratio R(z) = (1 - Phi(z)) / phi(z) = sqrt(pi/2) e^(z^2/2) erfc(z/sqrt 2), z >= 0, falls from sqrt(pi/2) at 0
to 1/z at infinity. Mapped to t = (z - C)/(z + C) in [-1, 1), the function y(t) = (z + C) R(z) is smooth on [-1, 1]
(y -> 1 as t -> 1) and its Chebyshev coefficients fall below 1e-17 after about 25 terms with C = 5 (y >= 1, so that
is a relative accuracy). The coefficients are computed at 40 digits from 160 Chebyshev nodes (interpolation), and
printed as a TypeScript array together with the sum of the magnitudes of the ones left out.

Run:  python3 plugins/variance-gamma/scripts/mills.py
"""

import mpmath
from mpmath import mp, mpf

mp.dps = 40
C = mpf(5)
NODES = 160
KEEP_BELOW = mpf("1e-18")


def mills(z):
    return mpmath.sqrt(mpmath.pi / 2) * mpmath.exp(z * z / 2) * mpmath.erfc(z / mpmath.sqrt(2))


def y(t):
    if t == 1:
        return mpf(1)
    z = C * (1 + t) / (1 - t)
    return (z + C) * mills(z)


def main():
    ts = [mpmath.cos(mpmath.pi * (k + mpf(1) / 2) / NODES) for k in range(NODES)]
    values = [y(t) for t in ts]
    coefficients = []
    for j in range(NODES):
        s = mpmath.fsum(values[k] * mpmath.cos(mpmath.pi * j * (k + mpf(1) / 2) / NODES) for k in range(NODES))
        coefficients.append(2 * s / NODES)
    coefficients[0] /= 2  # y = sum_j c_j T_j(t), no halved first term
    n = max(j for j in range(NODES) if abs(coefficients[j]) > KEEP_BELOW) + 1
    dropped = mpmath.fsum(abs(c) for c in coefficients[n:])
    print(f"// {n} coefficients, C = {C}; sum of |dropped| = {mpmath.nstr(dropped, 3)}")
    print("[")
    for c in coefficients[:n]:
        print(f"  {mpmath.nstr(c, 20, min_fixed=-3, max_fixed=3)},")
    print("]")


if __name__ == "__main__":
    main()
