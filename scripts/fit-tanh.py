#!/usr/bin/env python3
"""Derives core/simd.hpp's tanh: tanh(x) ~ x P(x^2) / Q(x^2) with P and Q of degree 4 in x^2,
P(0) = Q(0) = 1, and the clamp that makes it saturate exactly. Pure Python (no numpy):

1. A near-minimax fit of the relative error on [0, 9]: linearised least squares
   (P - f Q, divided by the previous Q) solved by Householder QR, reweighted by Lawson's rule
   towards equal ripples. Exact arithmetic error about 2e-8.
2. The coefficients rounded to float, and the result evaluated exactly as the C++ does it
   (Horner in x^2, every operation rounded to float).
3. The clamp C: the largest float below the first input whose result exceeds 1, among those
   whose result is exactly 1.0f. Then |tanh| <= 1 everywhere and tanh(+-C) = +-1 exactly.

Usage: python3 scripts/fit-tanh.py   (about half a minute; prints the constants)
"""
import math
import struct


def f32(v):
    return struct.unpack('f', struct.pack('f', v))[0]


def bits(x):
    return struct.unpack('I', struct.pack('f', x))[0]


def from_bits(i):
    return struct.unpack('f', struct.pack('I', i))[0]


def lstsq(A, b):
    """min |A c - b| by Householder QR."""
    m, n = len(A), len(A[0])
    A = [row[:] for row in A]
    b = b[:]
    for k in range(n):
        norm = math.sqrt(sum(A[i][k] ** 2 for i in range(k, m)))
        if A[k][k] > 0:
            norm = -norm
        v = [0.0] * m
        v[k] = A[k][k] - norm
        for i in range(k + 1, m):
            v[i] = A[i][k]
        vv = sum(v[i] ** 2 for i in range(k, m))
        for j in range(k, n):
            s = 2 * sum(v[i] * A[i][j] for i in range(k, m)) / vv
            for i in range(k, m):
                A[i][j] -= s * v[i]
        s = 2 * sum(v[i] * b[i] for i in range(k, m)) / vv
        for i in range(k, m):
            b[i] -= s * v[i]
    c = [0.0] * n
    for k in reversed(range(n)):
        c[k] = (b[k] - sum(A[k][j] * c[j] for j in range(k + 1, n))) / A[k][k]
    return c


def fit(X=9.0, deg=4, n=3000, iterations=40):
    """P, Q (constant term first, P[0] = Q[0] = 1) with P/Q ~ tanh(x)/x for x in [0, X]."""
    xs = [X * (0.5 - 0.5 * math.cos(math.pi * (i + 0.5) / n)) for i in range(n)]
    xs = [x for x in xs if x > 1e-4]
    S = X * X  # fit in v = x^2 / S, in [0, 1], for conditioning
    f = [math.tanh(x) / x for x in xs]
    vs = [x * x / S for x in xs]
    w = [1.0] * len(xs)
    qprev = [1.0] * len(xs)

    def poly(c, v):
        r = 0.0
        for a in reversed(c):
            r = r * v + a
        return r

    for _ in range(iterations):
        A, b = [], []
        for v, fx, wi, qp in zip(vs, f, w, qprev):
            s = math.sqrt(wi) / (fx * qp)  # relative error, linearised around the last Q
            A.append([s * v ** j for j in range(1, deg + 1)] + [-s * fx * v ** j for j in range(1, deg + 1)])
            b.append(s * (fx - 1.0))
        c = lstsq(A, b)
        P, Q = [1.0] + c[:deg], [1.0] + c[deg:]
        errs = []
        for i, (v, fx) in enumerate(zip(vs, f)):
            qprev[i] = poly(Q, v)
            errs.append(abs(poly(P, v) / qprev[i] / fx - 1))
        total = sum(wi * e for wi, e in zip(w, errs))
        w = [wi * e / total * len(w) for wi, e in zip(w, errs)]
    print(f'fit on [0, {X}]: max relative error {max(errs):.3g} (exact arithmetic)')
    return [a / S ** j for j, a in enumerate(P)], [a / S ** j for j, a in enumerate(Q)]


def main():
    P, Q = fit()
    P, Q = [f32(a) for a in P], [f32(a) for a in Q]

    def tanh32(x):  # as core/simd.hpp evaluates it, before the clamp
        x2 = f32(x * x)
        p = P[-1]
        for a in reversed(P[:-1]):
            p = f32(f32(x2 * p) + a)
        p = f32(x * p)
        q = Q[-1]
        for a in reversed(Q[:-1]):
            q = f32(f32(x2 * q) + a)
        return f32(p / q)

    i = bits(f32(7.0))
    while tanh32(from_bits(i)) <= 1.0:
        i += 1
    i -= 1
    while tanh32(from_bits(i)) != 1.0:
        i -= 1
    C = from_bits(i)
    worst = max(abs(tanh32(min(max(f32(x), -C), C)) - math.tanh(f32(x)))
                for x in (-12 + 24 * k / 200000 for k in range(200001)))
    print(f'clamp {C!r}: tanh(C) = {tanh32(C)!r}; max abs error on [-12, 12] in float: {worst:.3g}')
    print('P (x^0 .. x^8):', ', '.join(f'{a!r}f' for a in P))
    print('Q (x^0 .. x^8):', ', '.join(f'{a!r}f' for a in Q))


if __name__ == '__main__':
    main()
