#!/usr/bin/env python3
"""Writes the .npy test fixtures of io.github.balancedbatch.npy into this directory.

Run from anywhere: python3 make_fixtures.py  (needs numpy; written with numpy 2.4).
The outputs are committed; tests never run Python. Expected contents, which the Java
tests recompute independently:

Labels, 1-D, one file per type, values = CANDIDATES filtered to what the type can hold,
followed by the type's minimum and maximum clipped to the int32 range:
  labels_i1.npy |i1   labels_u1.npy |u1   labels_i2.npy <i2   labels_u2.npy <u2
  labels_i4.npy <i4   labels_u4.npy <u4   labels_i8.npy <i8
labels_i4_v2.npy, labels_i4_v3.npy: <i4 [3, 1, 4, 1, 5, 9, 2, 6] as format 2.0 / 3.0.
labels_i8_out_of_range.npy: <i8, 20 rows, value i % 3 except row 12 = 4294967296.
labels_u4_out_of_range.npy: <u4 [0, 1, 2, 4294967295, 4].
labels_empty.npy: <i4 shape (0,).
labels_f4_1d.npy: <f4 [0, 1, 2] (1-D floats are not labels).

One-hot (row r has its single 1 in column Y[r]):
  onehot_f4.npy            <f4 (6, 4), Y = [0, 2, 1, 2, 0, 3]   (Keras to_categorical style)
  onehot_f8_empty_col.npy  <f8 (6, 5), Y = [0, 1, 4, 2, 0, 1]   (column 3 never used)
  onehot_i4_empty_col.npy  <i4 (5, 6), Y = [4, 0, 0, 2, 1]      (columns 3, 5 never used)
  onehot_f4_two_hot.npy    as onehot_f4 but row 3 also has a 1 in column 0
  onehot_f4_zero_row.npy   as onehot_f4 but row 1 is all zeros
  onehot_f4_nan.npy        as onehot_f4 but row 2, column 3 is NaN
  onehot_f4_half.npy       as onehot_f4 but row 4, column 0 is 0.5
  onehot_f4_no_cols.npy    <f4 shape (3, 0)

Multi-hot (row r has a 1 in each column of M[r]), M = [[0, 2], [1], [0, 1, 2, 3], [3], [1, 3]]:
  multihot_u1.npy  |u1 (5, 4)          multihot_b1.npy  |b1 (5, 4)

Features:
  features_f4_6x4.npy    <f4 (6, 4),    element i (C order) = i * 0.25
  features_f4_5x2x3.npy  <f4 (5, 2, 3), element i (C order) = (i - 7) * 0.5
  arange_i4_3x4.npy      <i4 (3, 4),    element i = i * 3 - 5

Refused (unsupported) files:
  fortran_f4.npy   <f4 (2, 3) Fortran-ordered     bigendian_i4.npy  >i4 [0..4]
  float16.npy      <f2 [0..3]                     bool.npy          |b1 [True, False, True]
  object.npy       |O  [1, 'a', None] (pickle)    uint64.npy        <u8 [0, 1, 2]
  scalar_0d.npy    <i4 shape () value 42
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CANDIDATES = [-5, 7, 1000000, 0, 3, 7, 2]
INT32 = np.iinfo(np.int32)


def save(name, arr, **kw):
    np.save(os.path.join(HERE, name), arr, **kw)


def write_version(name, arr, version):
    with open(os.path.join(HERE, name), "wb") as f:
        np.lib.format.write_array(f, arr, version=version)


def one_hot(y, width, dtype):
    out = np.zeros((len(y), width), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


for code in ["i1", "u1", "i2", "u2", "i4", "u4", "i8"]:
    dt = np.dtype("<" + code)
    info = np.iinfo(dt)
    vals = [v for v in CANDIDATES if info.min <= v <= info.max]
    vals += [max(int(info.min), int(INT32.min)), min(int(info.max), int(INT32.max))]
    save("labels_%s.npy" % code, np.array(vals, dtype=dt))

write_version("labels_i4_v2.npy", np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype="<i4"), (2, 0))
write_version("labels_i4_v3.npy", np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype="<i4"), (3, 0))

big = np.arange(20, dtype="<i8") % 3
big[12] = 4294967296
save("labels_i8_out_of_range.npy", big)
save("labels_u4_out_of_range.npy", np.array([0, 1, 2, 4294967295, 4], dtype="<u4"))
save("labels_empty.npy", np.zeros(0, dtype="<i4"))
save("labels_f4_1d.npy", np.array([0, 1, 2], dtype="<f4"))

Y = [0, 2, 1, 2, 0, 3]
save("onehot_f4.npy", one_hot(Y, 4, "<f4"))
save("onehot_f8_empty_col.npy", one_hot([0, 1, 4, 2, 0, 1], 5, "<f8"))
save("onehot_i4_empty_col.npy", one_hot([4, 0, 0, 2, 1], 6, "<i4"))
m = one_hot(Y, 4, "<f4"); m[3, 0] = 1; save("onehot_f4_two_hot.npy", m)
m = one_hot(Y, 4, "<f4"); m[1, :] = 0; save("onehot_f4_zero_row.npy", m)
m = one_hot(Y, 4, "<f4"); m[2, 3] = np.nan; save("onehot_f4_nan.npy", m)
m = one_hot(Y, 4, "<f4"); m[4, 0] = 0.5; save("onehot_f4_half.npy", m)
save("onehot_f4_no_cols.npy", np.zeros((3, 0), dtype="<f4"))

M = [[0, 2], [1], [0, 1, 2, 3], [3], [1, 3]]


def multi_hot(m, width, dtype):
    out = np.zeros((len(m), width), dtype=dtype)
    for r, cols in enumerate(m):
        out[r, cols] = 1
    return out


save("multihot_u1.npy", multi_hot(M, 4, "|u1"))
save("multihot_b1.npy", multi_hot(M, 4, "|b1"))

save("features_f4_6x4.npy", (np.arange(24) * 0.25).astype("<f4").reshape(6, 4))
save("features_f4_5x2x3.npy", ((np.arange(30) - 7) * 0.5).astype("<f4").reshape(5, 2, 3))
save("arange_i4_3x4.npy", (np.arange(12) * 3 - 5).astype("<i4").reshape(3, 4))

save("fortran_f4.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
save("bigendian_i4.npy", np.arange(5, dtype=">i4"))
save("float16.npy", np.arange(4, dtype="<f2"))
save("bool.npy", np.array([True, False, True]))
save("object.npy", np.array([1, "a", None], dtype=object), allow_pickle=True)
save("uint64.npy", np.arange(3, dtype="<u8"))
save("scalar_0d.npy", np.array(42, dtype="<i4"))
