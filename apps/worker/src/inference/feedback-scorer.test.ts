import { fileURLToPath } from 'node:url';
import { exportModel, loadModel, readModelFiles, train } from '@shelfwise/classifier';
import { labelledProducts } from '@shelfwise/test-kit';
import { describe, expect, it } from 'vitest';
import { combineScores, FeedbackScorer } from './feedback-scorer';

const FORMAT_1 = fileURLToPath(
  new URL('../../../../packages/classifier/src/fixtures/embedding-bag-v1/', import.meta.url),
);

describe('FeedbackScorer', () => {
  it('leaves the rows the model trained on out of its score and counts them as seen', async () => {
    const trainedRows = labelledProducts(1_000);
    const predictor = await loadModel(exportModel(await train(trainedRows, { epochs: 2, refit: true })));
    try {
      const fresh = labelledProducts(200, 9).filter((r) => !trainedRows.some((t) => t.text === r.text));
      const rows = [...trainedRows.slice(0, 100), ...fresh];
      const predictions = await predictor.predict(rows.map((r) => r.text));
      const scorer = new FeedbackScorer(predictor.manifest, []);
      await scorer.add(rows.map((r, i) => ({ ...r, predicted: predictions[i]?.label ?? '' })));
      const { serving } = scorer.scores();
      // A Bloom filter never calls a trained row unseen; it may call ~0.1% of fresh rows seen.
      expect(serving.seenRows).toBeGreaterThanOrEqual(100);
      expect(serving.seenRows).toBeLessThanOrEqual(102);
      expect(serving.scoredRows).toBe(rows.length - (serving.seenRows ?? 0));
      expect(serving.weightedF1).toBeGreaterThan(0.5);
    } finally {
      await predictor.release();
    }
  });

  it('scores every row of a format-1 model, whose manifest does not say what it trained on', async () => {
    const predictor = await loadModel(await readModelFiles(FORMAT_1));
    try {
      const rows = labelledProducts(50, 4).map((r) => ({ ...r, predicted: r.label }));
      const scorer = new FeedbackScorer(predictor.manifest, []);
      await scorer.add(rows);
      expect(scorer.scores().serving).toMatchObject({ seenRows: null, scoredRows: 50 });
    } finally {
      await predictor.release();
    }
  });

  it('gives from the tallies of the chunks of a file the scores one scorer over the whole file gives', async () => {
    const trainedRows = labelledProducts(600);
    const predictor = await loadModel(exportModel(await train(trainedRows, { epochs: 1 })));
    try {
      const rows = [...trainedRows.slice(0, 50), ...labelledProducts(300, 12)];
      const predictions = await predictor.predict(rows.map((r) => r.text));
      const verified = rows.map((r, i) => ({ ...r, predicted: predictions[i]?.label ?? '' }));
      const whole = new FeedbackScorer(predictor.manifest, []);
      await whole.add(verified);
      const parts = [];
      for (const [from, to] of [
        [0, 120],
        [120, 121],
        [121, 350],
      ]) {
        const part = new FeedbackScorer(predictor.manifest, []);
        await part.add(verified.slice(from, to));
        // As stored with a chunk: plain JSON.
        parts.push(JSON.parse(JSON.stringify(part.data())));
      }
      expect(combineScores(predictor.manifest.labels, parts)).toEqual(whole.scores());
      expect(whole.scores().serving.scoredRows).toBeGreaterThan(250);
    } finally {
      await predictor.release();
    }
  });
});
