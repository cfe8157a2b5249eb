"""Writes the fixtures of the compact feature types (float16, uint8, int8): numpy's answers.

float16_all.npy          <f2 (4096, 16): every float16 bit pattern, 0x0000 .. 0xffff in order
float16_all_f4.npy       <f4 (4096, 16): float16_all.astype(np.float32), numpy's conversion
features_<t>_gather.npy  (40, 3, 5) of type <t> in f2, u1, i1 (seed 20261125); f2 holds subnormals,
                         signed zeros, infinities and NaNs with payloads among normal values;
                         u1 and i1 hold each end of their range
expected_<t>_raw.npy     features[indices] in the stored type (indices: indices_gather.npy)
expected_<t>_f4.npy      features[indices].astype(np.float32)
expected_<t>_scaled.npy  features[indices].astype(np.float32) * (np.float32(1) / np.float32(255))
                         + np.float32(-0.5): float32 arithmetic, product rounded, then sum rounded
expected_f4_scaled.npy   the same map over features_gather.npy (float32)
"""
import numpy as np

bits = np.arange(65536, dtype=np.uint32).astype('<u2')
half = bits.view('<f2').reshape(4096, 16)
np.save('float16_all.npy', half)
np.save('float16_all_f4.npy', half.astype('<f4'))

rng = np.random.default_rng(20261125)
indices = np.load('indices_gather.npy')
scale = np.float32(1) / np.float32(255)
offset = np.float32(-0.5)

f2 = (rng.standard_normal((40, 3, 5)) * 300).astype('<f2')
special = np.array([0x0001, 0x03ff, 0x8001, 0x8000, 0x0000, 0x7c00, 0xfc00, 0x7c01, 0x7e00,
                    0xfe3f, 0x7bff, 0xfbff, 0x0400, 0x3c00, 0x7fff], dtype='<u2').view('<f2')
f2[17, 0, :] = special[:5]
f2[17, 1, :] = special[5:10]
f2[5, 2, :] = special[10:15]
u1 = rng.integers(0, 256, size=(40, 3, 5)).astype('|u1')
u1[17, 0, :2] = [0, 255]
i1 = rng.integers(-128, 128, size=(40, 3, 5)).astype('|i1')
i1[17, 0, :2] = [-128, 127]

for name, x in (('f2', f2), ('u1', u1), ('i1', i1)):
    np.save('features_%s_gather.npy' % name, x)
    picked = x[indices]
    np.save('expected_%s_raw.npy' % name, picked)
    np.save('expected_%s_f4.npy' % name, picked.astype('<f4'))
    with np.errstate(invalid='ignore', over='ignore'):
        np.save('expected_%s_scaled.npy' % name, picked.astype('<f4') * scale + offset)

f4 = np.load('features_gather.npy')
np.save('expected_f4_scaled.npy', f4[indices] * scale + offset)
