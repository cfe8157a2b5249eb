"""Writes the gather fixture: features, labels, a batch of row indices, and the rows numpy selects.

features_gather.npy  float32 (40, 3, 5), random normal values (seed 20261124)
labels_gather.npy    int32 (40,), 6 classes with labels -5, 7, 1000000, 3, 4, 9
indices_gather.npy   int32 (12,), row indices (with a repeat) to gather
expected_gather.npy  float32 (12, 3, 5) = features[indices], computed by numpy
"""
import numpy as np

rng = np.random.default_rng(20261124)
features = rng.standard_normal((40, 3, 5)).astype('<f4')
labels = rng.choice(np.array([-5, 7, 1000000, 3, 4, 9], dtype='<i4'), size=40)
indices = np.array([39, 0, 17, 17, 5, 22, 31, 8, 1, 38, 12, 26], dtype='<i4')
np.save('features_gather.npy', features)
np.save('labels_gather.npy', labels)
np.save('indices_gather.npy', indices)
np.save('expected_gather.npy', features[indices])
