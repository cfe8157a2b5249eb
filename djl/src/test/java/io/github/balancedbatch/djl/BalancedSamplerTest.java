package io.github.balancedbatch.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class BalancedSamplerTest extends EngineTest {
    private static List<List<Long>> drain(Iterator<List<Long>> it) {
        List<List<Long>> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static ArrayDataset dataset(int rows, BalancedSampler sampling) {
        float[] x = new float[rows];
        for (int i = 0; i < rows; i++) {
            x[i] = i;
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(rows, 1)))
                .optLabels(manager.create(x, new Shape(rows)))
                .setSampling(sampling)
                .build();
    }

    @Test
    void eachCallYieldsTheNextEpochOfTheCursorsBatches() {
        BalancedBatchSampler sampler = Fixtures.sampler(11);
        BalancedSampler sampling = new BalancedSampler(sampler);
        ArrayDataset data = dataset(Fixtures.N, sampling);
        int per = sampler.batchesPerEpoch();
        List<List<Long>> expected = Fixtures.cursorBatches(sampler, 0, 0, 3 * per);
        for (int e = 0; e < 3; e++) {
            assertEquals(expected.subList(e * per, (e + 1) * per), drain(sampling.sample(data)), "epoch " + e);
        }
        assertEquals(12, sampling.getBatchSize());
    }

    @Test
    void djlsOwnDataIterableFetchesTheSampledRows() throws Exception {
        BalancedBatchSampler sampler = Fixtures.sampler(5);
        BalancedSampler sampling = new BalancedSampler(sampler);
        ArrayDataset data = dataset(Fixtures.N, sampling);
        List<List<Long>> expected = Fixtures.cursorBatches(sampler, 0, 0, sampler.batchesPerEpoch());
        List<List<Long>> seen = new ArrayList<>();
        for (Batch batch : data.getData(manager)) {
            try (batch) {
                assertEquals(DataType.FLOAT32, batch.getData().head().getDataType());
                float[] x = batch.getData().head().toFloatArray();
                List<Long> rows = new ArrayList<>();
                for (float v : x) {
                    rows.add((long) v); // row i holds the value i
                }
                assertEquals(batch.getIndices(), rows);
                seen.add(rows);
            }
        }
        assertEquals(expected, seen);
    }

    @Test
    void seekResumesInsideAnEpochThenGoesOnWithWholeEpochs() {
        BalancedBatchSampler sampler = Fixtures.sampler(7);
        BalancedSampler sampling = new BalancedSampler(sampler);
        ArrayDataset data = dataset(Fixtures.N, sampling);
        int per = sampler.batchesPerEpoch();
        sampling.seek(2, 5);
        List<List<Long>> all = Fixtures.cursorBatches(sampler, 2, 0, 2 * per);
        assertEquals(all.subList(5, per), drain(sampling.sample(data)));
        assertEquals(all.subList(per, 2 * per), drain(sampling.sample(data)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sampling.seek(0, per));
        assertEquals("batch must be in [0, " + per + ") for an epoch of " + per + " batches, got " + per, e.getMessage());
    }

    @Test
    void refusesADatasetOfAnotherSize() {
        BalancedBatchSampler sampler = Fixtures.sampler(1);
        BalancedSampler sampling = new BalancedSampler(sampler);
        ArrayDataset data = dataset(Fixtures.N - 1, sampling);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sampling.sample(data));
        assertEquals("the dataset has 229 samples but the sampler has 230 labels: they must be the same samples",
                e.getMessage());
        assertEquals(Fixtures.cursorBatches(sampler, 0, 0, 1).get(0), sampling.sample(dataset(Fixtures.N, sampling)).next(),
                "the refusal used up no epoch");
    }
}
