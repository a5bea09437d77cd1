import { mkdtempSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Chromium, launchChromium } from '../support/launch-chromium';
import { pixelStats } from '../support/pixel-stats';
import { type RunningSystem, startSystem } from '../support/start-system';

// Globals of the page that evaluate() callbacks use, typed here (the tests compile without the DOM lib).
declare const getComputedStyle: (element: unknown) => { backgroundColor: string };
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

// Screenshots stay here after the run (outside the repository), for people to look at.
const SHOTS = mkdtempSync(join(tmpdir(), 'shelfwise-console-'));
const JOB_TIMEOUT_MS = 120_000;

// The console in a real browser against the real system: upload, train, promote, predict, download, chart.
describe('the web console in headless Chromium', () => {
  let system: RunningSystem;
  let browser: Chromium;
  let page: Page;
  let trainFile: string;
  let predictFile: string;

  beforeAll(async () => {
    // What the page shows comes from API answers and jobs: on a busy machine a poll needs more than 1 s.
    vi.setConfig({ expect: { poll: { timeout: 15_000 } } });
    browser = await launchChromium('http://127.0.0.1:');
    // A second model must wait for a manual promote: the test promotes through the page.
    // Every unlabelled row below confidence 1 goes to review: the page has a review file to link.
    system = await startSystem('e2e_console', { AUTO_PROMOTE: 'never', REVIEW_CONFIDENCE: '1' });
    page = await browser.context.newPage();
    const train = labelledProducts(2_000);
    trainFile = join(SHOTS, 'train.csv');
    await writeFile(
      trainFile,
      toCsv(
        ['product_description', 'Category'],
        train.map((r) => [r.text, r.label]),
      ),
    );
    const held = labelledProducts(100, 3);
    predictFile = join(SHOTS, 'incoming products.csv');
    await writeFile(
      predictFile,
      toCsv(
        ['product_description', 'HUMAN_VERIFIED_Category'],
        held.map((r, i) => [r.text, i % 2 === 0 ? r.label : '']),
      ),
    );
  });

  afterAll(async () => {
    vi.resetConfig();
    await browser?.close();
    await system?.stop();
  });

  const uploadThroughPage = async (file: string): Promise<string> => {
    const previous = await page.locator('#upload-uri').textContent();
    await page.locator('#upload-file').setInputFiles(file);
    await page.locator('#upload-button').click();
    await expect.poll(() => page.locator('#upload-uri').textContent()).not.toBe(previous);
    const uri = (await page.locator('#upload-uri').textContent()) ?? '';
    expect(uri).toMatch(new RegExp(`^s3://${system.s3.buckets.dataset}/uploads/[0-9a-f-]{36}-`));
    expect(await page.locator('#job-uri').inputValue()).toBe(uri);
    return uri;
  };

  /** Clicks `button`, then waits for the job it started (a new id in the panel) to end; its id. */
  const runJob = async (button: string): Promise<string> => {
    const previous = (await page.locator('#job-id').textContent()) ?? '';
    await page.locator(button).click();
    await expect.poll(() => page.locator('#job-id').textContent()).not.toBe(previous);
    const status = page.locator('#job-status');
    await status.filter({ hasText: /SUCCEEDED|FAILED|CANCELLED/ }).waitFor({ timeout: JOB_TIMEOUT_MS });
    const text = (await status.textContent()) ?? '';
    expect(text, (await page.locator('#job-detail').textContent()) ?? '').toBe('SUCCEEDED 100%');
    expect(
      await page.locator('#job-progress').evaluate((bar) => (bar as unknown as { value: number }).value),
    ).toBe(1);
    return (await page.locator('#job-id').textContent()) ?? '';
  };

  const screenshot = async (name: string, on: Page = page) => {
    const path = join(SHOTS, `${name}.png`);
    const png = await on.screenshot({ path, fullPage: true });
    const stats = await pixelStats(on, png);
    // A rendered page has text, borders and colours; a blank one is a single flat colour (deviation 0).
    expect((await stat(path)).size, name).toBeGreaterThan(15_000);
    expect(stats.stdDev, name).toBeGreaterThan(5);
    expect(stats.colours, name).toBeGreaterThan(20);
    return stats;
  };

  const badgeColour = () =>
    page.locator('#serving').evaluate((badge) => getComputedStyle(badge).backgroundColor);
  const GREEN = 'rgb(47, 125, 79)';

  it('uploads, trains, promotes, predicts, retrains, downloads and charts, all from the page', async () => {
    await page.goto(`${system.api}/`);
    // Without a key the page asks for one and says nothing about models; it loads once a key is entered.
    await expect.poll(() => page.locator('#message').textContent()).toContain('Enter an API key');
    expect(await page.locator('#serving').isVisible()).toBe(false);
    await page.locator('#api-key').fill(system.adminKey);
    await page.locator('#key-button').click();
    await expect.poll(() => page.locator('#serving').textContent()).toBe('no model serving');
    expect(await page.locator('#serving').isVisible()).toBe(true);
    // Nothing serves: a warning colour, not the green of a serving model.
    expect(await badgeColour()).not.toBe(GREEN);
    await expect.poll(() => page.locator('#chart').textContent()).toContain('No monitored predictions yet');

    const trainUri = await uploadThroughPage(trainFile);
    expect(await system.s3.store.size(trainUri)).toBe((await stat(trainFile)).size);
    await page.locator('#epochs').fill('3');
    const trainJob = await runJob('#train-button');
    await expect.poll(() => page.locator('#job-detail').textContent()).toBe('model version 1');
    expect(trainJob).toMatch(/^[0-9a-f-]{36}$/);
    // Every epoch's validation figures, and the promotion decision with its reason.
    expect(await page.locator('#job-epochs tbody tr td:first-child').allTextContents()).toEqual([
      '1 / 3',
      '2 / 3',
      '3 / 3',
    ]);
    expect(
      Number(await page.locator('#job-epochs tbody tr').nth(2).locator('td').nth(1).textContent()),
    ).toBeGreaterThan(0.5);
    expect(await page.locator('#job-promotion').textContent()).toBe('Promoted: first model: promoted');
    // The first version serves at once: nothing served before it.
    await expect.poll(() => page.locator('#serving').textContent()).toBe('serving v1');
    expect(await badgeColour()).toBe(GREEN);
    const first = page.locator('#model-table tr[data-version="1"]');
    expect(Number(await first.locator('td').nth(3).textContent())).toBeGreaterThan(0.5);

    const predictUri = await uploadThroughPage(predictFile);
    expect(predictUri).toMatch(/-incoming-products\.csv$/);
    const predictJob = await runJob('#predict-button');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#job-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`predictions-${predictJob}.csv`);
    const saved = join(SHOTS, download.suggestedFilename());
    await download.saveAs(saved);
    const lines = (await readFile(saved, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('product_description,HUMAN_VERIFIED_Category,predicted_category,confidence');
    expect(lines).toHaveLength(101);
    // The feedback and review files of the job are linked beside it.
    const saveFile = async (link: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.locator(link).click()]);
      const path = join(SHOTS, file.suggestedFilename());
      await file.saveAs(path);
      return { name: file.suggestedFilename(), lines: (await readFile(path, 'utf8')).trim().split('\n') };
    };
    const feedback = await saveFile('#job-feedback');
    expect(feedback.name).toBe(`feedback-${predictJob}.csv`);
    expect(feedback.lines).toHaveLength(51);
    const review = await saveFile('#job-review');
    expect(review.name).toBe(`review-${predictJob}.csv`);
    expect(review.lines[0]).toBe('product_description,HUMAN_VERIFIED_Category');
    expect(await page.locator('#job-review').textContent()).toBe(
      `review (${review.lines.length - 1} unsure rows to label)`,
    );

    // The prediction had verified labels: a monitoring point, drawn as one dot per series.
    await expect.poll(() => page.locator('#chart circle.point-weighted_f1').count()).toBe(1);
    await expect.poll(() => page.locator('#chart circle.point-min_f1').count()).toBe(1);
    const dot = await page.locator('#chart circle.point-weighted_f1 title').textContent();
    expect(dot).toMatch(/^F1 0\.\d{3}, v1, /);

    // A second version waits for a manual promote (AUTO_PROMOTE=never): train it, promote it from the table.
    await page.locator('#job-uri').fill(trainUri);
    await page.locator('#epochs').fill('2');
    await page.locator('#metric').selectOption('eval_f1_min');
    await runJob('#train-button');
    await expect.poll(() => page.locator('#job-detail').textContent()).toBe('model version 2');
    expect(await page.locator('#job-epochs tbody tr').count()).toBe(2);
    expect(await page.locator('#job-promotion').textContent()).toBe(
      'Not promoted: AUTO_PROMOTE=never: an admin promotes by hand',
    );
    const second = page.locator('#model-table tr[data-version="2"]');
    await expect
      .poll(() => second.locator('td.promotion').textContent())
      .toBe('AUTO_PROMOTE=never: an admin promotes by hand');
    await expect.poll(() => second.getAttribute('data-stage')).toBe('NONE');
    await second.locator('button.promote').click();
    await expect.poll(() => second.getAttribute('data-stage')).toBe('PRODUCTION');
    await expect.poll(() => first.getAttribute('data-stage')).toBe('ARCHIVED');
    await expect.poll(() => page.locator('#serving').textContent()).toBe('serving v2');
    expect(await second.locator('button.promote').count()).toBe(0);
    expect(await first.locator('button.promote').count()).toBe(1);

    // A second prediction, by v2: the chart's time axis spans both points and marks where each version starts.
    await page.locator('#job-uri').fill(predictUri);
    await runJob('#predict-button');
    await expect.poll(() => page.locator('#chart circle.point-weighted_f1').count()).toBe(2);
    expect(await page.locator('#chart .version-mark').allTextContents()).toEqual(['v1', 'v2']);
    const ticks = await page.locator('#chart text.x-tick').allTextContents();
    expect(ticks).toHaveLength(5);
    for (const tick of ticks) expect(tick).toMatch(/\d{1,2}:\d{2}/);

    // Retrain on feedback: the uploaded file's bucket, training file and verified rows alike.
    const bucket = `s3://${system.s3.buckets.dataset}/`;
    await page.locator('#epochs').fill('1');
    const retrainJob = await runJob('#retrain-button');
    expect(await page.locator('#job-type').textContent()).toBe('TRAIN_FEEDBACK');
    expect(await page.locator('#message').textContent()).toBe(
      `Started retrain (on ${bucket}) job ${retrainJob}`,
    );
    await expect.poll(() => page.locator('#job-detail').textContent()).toBe('model version 3');
    expect((await system.client.job(retrainJob)).result?.details).toMatchObject({ promoted: false });
    expect(await system.database.db.job.findUnique({ where: { id: retrainJob } })).toMatchObject({
      input: { train_dir_s3: bucket, epoch_num: 1, best_model_metric: 'eval_f1_min' },
    });
    await expect.poll(() => page.locator('#jobs tbody tr').count()).toBe(5);

    // v3 is READY and newer than the serving v2: the next prediction also scores it, as a shadow.
    await page.locator('#job-uri').fill(predictUri);
    await runJob('#predict-button');
    const shadow = page.locator('#shadow-table tr[data-version="3"]');
    await shadow.waitFor();
    // v3 trained on most of these verified rows (they were feedback): it is scored only on the others.
    expect(await shadow.locator('td').nth(3).textContent()).toMatch(/^\d+$/);

    await screenshot('console');
    expect(browser.foreignRequests).toEqual([]);
  }, 180_000);

  it('fits a 390 px wide phone screen: nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('#model-table tr[data-version="3"]').waitFor();
    await expect.poll(() => page.locator('#chart circle.point-weighted_f1').count()).toBe(3);
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const root = document.documentElement;
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
    });
    expect(clientWidth).toBe(390);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await screenshot('console-390px');
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('serves the API docs from the gateway alone', async () => {
    await page.goto(`${system.api}/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'shelfwise' }).waitFor();
    await page.locator('.opblock-summary-path', { hasText: '/v1/uploads' }).first().waitFor();
    await screenshot('api-docs');
    expect(browser.foreignRequests).toEqual([]);
  });

  it('opens bull-board from the login prompt with the admin key, finished jobs at 100%, nothing external', async () => {
    // A fresh browser: the first answer is a 401, and Chromium answers its Basic challenge with what a user
    // would type into the prompt (any user name, the admin key as the password).
    const admin = await launchChromium('http://127.0.0.1:', {
      httpCredentials: { username: 'admin', password: system.adminKey },
    });
    try {
      const board = await admin.context.newPage();
      const first = await board.goto(`${system.api}/admin/queues`);
      expect(first?.status()).toBe(200);
      for (const queue of ['inference', 'training', 'online']) {
        await board.getByText(queue, { exact: true }).first().waitFor();
      }
      await board.getByText('Loading...').waitFor({ state: 'detached' });
      // The page's own API calls carry the same credentials: the finished training jobs, as it lists them.
      const completed = await board.evaluate(async () => {
        const answer = await fetch('api/queues?activeQueue=training&status=completed');
        const { queues } = (await answer.json()) as {
          queues: { name: string; jobs: { progress: unknown }[] }[];
        };
        return queues.find((queue) => queue.name === 'training')?.jobs.map((job) => job.progress);
      });
      expect(completed).toEqual([100, 100, 100]);
      await board.goto(`${system.api}/admin/queues/queue/training?status=completed`);
      await board.getByText('Loading...').waitFor({ state: 'detached' });
      await screenshot('bull-board', board);
      expect(admin.foreignRequests).toEqual([]);
    } finally {
      await admin.close();
    }
  });
});
