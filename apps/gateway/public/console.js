// The shelfwise console: plain JS over the same /v1 API every client uses (no build step, no framework).
// URLs are relative, so the console works wherever the gateway is mounted.

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const POLL_MS = 500;
const $ = (id) => document.getElementById(id);

/** An element with attributes and children; text goes in as text, never as HTML. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function say(text, isError = false) {
  const box = $('message');
  box.textContent = text;
  box.classList.toggle('error', isError);
  box.hidden = false;
}

// The API key lives in sessionStorage: it is gone when the tab closes, and never sits in a URL or cookie.
const KEY_ITEM = 'shelfwise-api-key';
const apiKey = () => sessionStorage.getItem(KEY_ITEM) ?? '';
const withKey = (options) => ({
  ...options,
  headers: { ...(options.headers ?? {}), authorization: `Bearer ${apiKey()}` },
});

/** Calls the API; an error answer becomes an Error carrying the API's own message. */
async function api(path, options = {}) {
  const response = await fetch(path, withKey(options));
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  if (!response.ok) {
    const reason = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    throw new Error(reason);
  }
  return body;
}

const postJson = (path, body) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const percent = (value) => `${Math.round(value * 100)}%`;
const figure = (value) => (typeof value === 'number' ? value.toFixed(3) : '—');
const when = (iso) => new Date(iso).toLocaleString();

/** The gateway accepts letters, digits, `.`, `_` and `-`, ending in .csv. */
function uploadName(fileName) {
  const base = fileName
    .replace(/\.csv$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return `${base.slice(0, 190) || 'upload'}.csv`;
}

async function upload(event) {
  event.preventDefault();
  const file = $('upload-file').files[0];
  if (!file) return;
  const button = $('upload-button');
  button.disabled = true;
  say(`Uploading ${file.name} (${Math.ceil(file.size / 1024)} KB)…`);
  try {
    const answer = await api(`v1/uploads?name=${encodeURIComponent(uploadName(file.name))}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: file,
    });
    $('upload-uri').textContent = answer.uri;
    $('job-uri').value = answer.uri;
    say(`Uploaded to ${answer.uri}`);
  } catch (error) {
    say(`Upload failed: ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

/**
 * The folder "Retrain on feedback" trains on: the URI itself when it names a folder, else the whole bucket
 * of the file, where feedback/ collects the verified rows of every prediction beside the training files.
 */
function trainingFolder(uri) {
  if (uri.endsWith('/')) return uri;
  const bucket = /^s3:\/\/([^/]+)\//.exec(uri)?.[1];
  return bucket ? `s3://${bucket}/` : uri;
}

const training = () => ({ epoch_num: Number($('epochs').value), best_model_metric: $('metric').value });

/** What each start button sends: the endpoint, the body, and how the job is named in messages. */
const JOB_KINDS = {
  predict: (uri) => ({ path: 'v1/predict/csv', body: { input_file_s3: uri }, name: 'predict' }),
  train: (uri) => ({ path: 'v1/train/csv', body: { train_file_s3: uri, ...training() }, name: 'train' }),
  retrain: (uri) => ({
    path: 'v1/train/human_feedback',
    body: { train_dir_s3: trainingFolder(uri), ...training() },
    name: `retrain (on ${trainingFolder(uri)})`,
  }),
};

async function start(kind) {
  const { path, body, name } = JOB_KINDS[kind]($('job-uri').value.trim());
  try {
    const job = await postJson(path, body);
    say(`Started ${name} job ${job.job_id}`);
    watch(job.job_id);
  } catch (error) {
    say(`Could not start the ${name} job: ${error.message}`, true);
  }
}

let watched = null;

/** Polls one job until it ends; a later call watches the new job instead. */
async function watch(jobId) {
  watched = jobId;
  $('job-none').hidden = true;
  $('job-panel').hidden = false;
  $('job-output').replaceChildren();
  // Cleared at once, so the previous job's status is never shown as this one's.
  $('job-id').textContent = jobId;
  $('job-type').textContent = '';
  $('job-status').textContent = 'waiting for the first answer';
  $('job-status').className = '';
  $('job-progress').value = 0;
  $('job-detail').textContent = '';
  $('job-epochs').hidden = true;
  $('job-promotion').textContent = '';
  while (watched === jobId) {
    let job;
    try {
      job = await api(`v1/jobs/${jobId}`);
    } catch (error) {
      say(`Could not read job ${jobId}: ${error.message}`, true);
      return;
    }
    showJob(job);
    if (TERMINAL.has(job.status)) {
      await Promise.all([refreshJobs(), refreshModels(), refreshChart()]);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function showJob(job) {
  $('job-type').textContent = job.type;
  $('job-id').textContent = job.job_id;
  const status = $('job-status');
  status.textContent = `${job.status} ${percent(job.progress)}`;
  status.className = `status-${job.status}`;
  $('job-progress').value = job.progress;
  const detail = job.error
    ? `${job.error.code}: ${job.error.message}`
    : job.result?.model_version
      ? `model version ${job.result.model_version}`
      : '';
  $('job-detail').textContent = detail;
  showReport(job.report);
  const hasOutput = job.type === 'PREDICT_CSV' && job.status === 'SUCCEEDED';
  const details = job.result?.details ?? {};
  const files = [
    ['predictions', 'job-download', 'Download predictions'],
    details.feedback_uri && ['feedback', 'job-feedback', `feedback (${details.labelled_rows} verified rows)`],
    // Rows to label: fill in HUMAN_VERIFIED_Category, upload the file and predict it to keep them as feedback.
    details.review_uri && ['review', 'job-review', `review (${details.review_rows} unsure rows to label)`],
  ].filter(Boolean);
  const links = files.map(([file, id, text]) => {
    const link = el('a', { id, href: '#' }, text);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      download(job.job_id, file).catch((error) => say(error.message, true));
    });
    return link;
  });
  const separated = links.flatMap((link, i) => (i === 0 ? [link] : [' · ', link]));
  $('job-output').replaceChildren(...(hasOutput ? separated : []));
}

/** A training job's epochs as they finish, then its promotion decision and the reason. */
function showReport(report) {
  const epochs = report?.epochs ?? [];
  $('job-epochs').hidden = epochs.length === 0;
  $('job-epochs').tBodies[0].replaceChildren(
    ...epochs.map((e) =>
      el(
        'tr',
        {},
        el('td', {}, `${e.epoch} / ${e.epochs}`),
        el('td', {}, figure(e.eval_f1)),
        el('td', {}, figure(e.eval_f1_min)),
      ),
    ),
  );
  const promotion = report?.promotion;
  $('job-promotion').textContent = promotion
    ? `${promotion.promoted ? 'Promoted' : 'Not promoted'}: ${promotion.reason}`
    : '';
}

async function refreshJobs() {
  const { items } = await api('v1/jobs?limit=10');
  const rows = items.map((job) => {
    const link = el(
      'button',
      { type: 'button', class: 'link', title: 'watch this job' },
      job.job_id.slice(0, 8),
    );
    link.addEventListener('click', () => watch(job.job_id));
    return el(
      'tr',
      {},
      el('td', {}, when(job.created_at)),
      el('td', {}, job.type),
      el('td', { class: `status-${job.status}` }, job.status),
      el('td', {}, percent(job.progress)),
      el('td', {}, link),
    );
  });
  $('jobs').tBodies[0].replaceChildren(...rows);
}

async function promote(version) {
  try {
    await postJson(`v1/models/${version}/promote`, {});
    say(`Model version ${version} now serves`);
  } catch (error) {
    say(`Could not promote version ${version}: ${error.message}`, true);
  }
  await refreshModels();
}

async function refreshModels() {
  const { items } = await api('v1/models');
  const serving = items.find((model) => model.stage === 'PRODUCTION');
  const badge = $('serving');
  badge.textContent = serving ? `serving v${serving.version}` : 'no model serving';
  badge.className = `badge ${serving ? 'serving' : 'none'}`;
  // Shown only once the API answered with this key: before that nothing is known about what serves.
  badge.hidden = false;
  const rows = items.map((model) => {
    const action = el('td');
    if (model.status === 'READY' && model.stage !== 'PRODUCTION') {
      const button = el('button', { type: 'button', class: 'promote' }, 'Promote');
      button.addEventListener('click', () => promote(model.version));
      action.append(button);
    }
    return el(
      'tr',
      { 'data-version': String(model.version), 'data-stage': model.stage },
      el('td', {}, `v${model.version}`),
      el('td', {}, model.status),
      el('td', { class: 'stage' }, model.stage),
      el('td', {}, figure(model.metrics?.eval_f1)),
      el('td', {}, figure(model.metrics?.eval_f1_min)),
      el('td', {}, when(model.created_at)),
      el('td', { class: 'promotion' }, model.promotion?.reason ?? ''),
      action,
    );
  });
  $('model-table').tBodies[0].replaceChildren(...rows);
}

const SERIES = [
  { key: 'weighted_f1', label: 'F1', color: '#2563eb' },
  { key: 'min_f1', label: 'min F1', color: '#ea580c' },
];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A time axis label, as fine as the span needs: seconds for a few minutes, dates past two days. */
function timeLabel(time, span) {
  const date = new Date(time);
  if (span > 2 * DAY) return date.toLocaleDateString([], { month: 'short', day: 'numeric' });
  const seconds = span < 10 * MINUTE ? { second: '2-digit' } : {};
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', ...seconds });
}

/** Where each model version's points begin: the first point of a version after another one's. */
function versionStarts(points) {
  return points.filter((p, i) => i === 0 || points[i - 1].model_version !== p.model_version);
}

/** F1 and min F1 over time as an inline SVG line chart: y from 0 to 1, a time axis, model versions marked. */
function drawChart(points, boxWidth) {
  // As wide as its box, so text keeps its size on a phone and the chart does not tower on a wide screen.
  const width = Math.max(300, Math.round(boxWidth || 640));
  const height = 270;
  const pad = { left: 40, right: 16, top: 22, bottom: 56 };
  const bottom = height - pad.bottom;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'monitored F1' });
  const times = points.map((p) => Date.parse(p.created_at));
  const first = Math.min(...times);
  const span = Math.max(...times) - first;
  const x = (time) =>
    span === 0
      ? (pad.left + width - pad.right) / 2
      : pad.left + ((time - first) / span) * (width - pad.left - pad.right);
  const y = (value) => pad.top + (1 - value) * (bottom - pad.top);
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(
      svg('line', { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), stroke: '#e3e7ee' }),
    );
    chart.append(
      svg('text', { x: pad.left - 6, y: y(tick) + 4, 'text-anchor': 'end', 'font-size': 11 }, tick),
    );
  }
  // The time axis: ticks across the span (five, three on a narrow screen, one under a single point).
  chart.append(
    svg('line', {
      class: 'x-axis',
      x1: pad.left,
      x2: width - pad.right,
      y1: bottom,
      y2: bottom,
      stroke: '#8a93a3',
    }),
  );
  const fractions = width < 480 ? [0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1];
  const ticks = span === 0 ? [first] : fractions.map((f) => first + f * span);
  // Labels at the edges hang inwards, so they stay inside the chart.
  const anchorAt = (at) =>
    span === 0 ? 'middle' : at <= pad.left ? 'start' : at >= width - pad.right ? 'end' : 'middle';
  for (const time of ticks) {
    const anchor = anchorAt(x(time));
    chart.append(svg('line', { x1: x(time), x2: x(time), y1: bottom, y2: bottom + 4, stroke: '#8a93a3' }));
    chart.append(
      svg(
        'text',
        { class: 'x-tick', x: x(time), y: bottom + 16, 'text-anchor': anchor, 'font-size': 11 },
        timeLabel(time, span),
      ),
    );
  }
  // A dashed line where each model version's points begin, labelled with the version.
  for (const point of versionStarts(points)) {
    const at = x(Date.parse(point.created_at));
    const mark = svg('g', { class: 'version-mark', 'data-version': point.model_version });
    mark.append(
      svg('line', { x1: at, x2: at, y1: pad.top, y2: bottom, stroke: '#6b7280', 'stroke-dasharray': '4 3' }),
      svg(
        'text',
        { x: at, y: pad.top - 6, 'text-anchor': anchorAt(at), 'font-size': 11 },
        `v${point.model_version}`,
      ),
    );
    chart.append(mark);
  }
  for (const [index, series] of SERIES.entries()) {
    const coords = points.map((p, i) => `${x(times[i])},${y(p[series.key])}`);
    chart.append(
      svg('polyline', { points: coords.join(' '), fill: 'none', stroke: series.color, 'stroke-width': 2 }),
    );
    for (const [i, p] of points.entries()) {
      const dot = svg('circle', {
        class: `point point-${series.key}`,
        cx: x(times[i]),
        cy: y(p[series.key]),
        r: 4,
        fill: series.color,
      });
      dot.append(
        svg(
          'title',
          {},
          `${series.label} ${figure(p[series.key])}, v${p.model_version}, ${when(p.created_at)}`,
        ),
      );
      chart.append(dot);
    }
    const legendX = pad.left + index * 90;
    chart.append(svg('rect', { x: legendX, y: height - 16, width: 12, height: 12, fill: series.color }));
    chart.append(svg('text', { x: legendX + 16, y: height - 6, 'font-size': 12 }, series.label));
  }
  chart.append(
    svg('text', { x: width - pad.right, y: height - 6, 'text-anchor': 'end', 'font-size': 11 }, 'time →'),
  );
  return chart;
}

async function refreshChart() {
  const { items } = await api('v1/monitoring');
  showShadows(items);
  // A point whose every verified row the model trained on has no F1: nothing to draw.
  const scored = items.filter((point) => point.weighted_f1 !== null);
  const box = $('chart');
  if (scored.length === 0) {
    box.replaceChildren(
      el('p', { class: 'hint' }, 'No monitored predictions yet: predict a file with verified labels.'),
    );
    return;
  }
  box.replaceChildren(drawChart(scored, box.clientWidth));
}

/** The newest shadow score of each version, from the monitoring points (oldest first). */
function showShadows(points) {
  const latest = new Map();
  for (const point of points) {
    for (const score of point.shadow ?? [])
      latest.set(score.model_version, { ...score, job_id: point.job_id });
  }
  const rows = [...latest.values()]
    .sort((a, b) => b.model_version - a.model_version)
    .map((score) =>
      el(
        'tr',
        { 'data-version': String(score.model_version) },
        el('td', {}, `v${score.model_version}`),
        el('td', {}, figure(score.weighted_f1)),
        el('td', {}, figure(score.min_f1)),
        el('td', {}, String(score.scored_rows)),
        el('td', {}, score.job_id.slice(0, 8)),
      ),
    );
  $('shadow-table').tBodies[0].replaceChildren(...rows);
}

/** A plain link cannot send the key: fetch the file with it, then save the blob under the gateway's name. */
async function download(jobId, file) {
  const response = await fetch(`v1/jobs/${jobId}/output/${file}`, withKey({}));
  if (!response.ok) throw new Error(`download failed: HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const save = el('a', { href: url, download: `${file}-${jobId}.csv` });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const refreshAll = () =>
  Promise.all([refreshJobs(), refreshModels(), refreshChart()]).catch((error) =>
    say(`The API did not answer: ${error.message}`, true),
  );

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_ITEM, $('api-key').value.trim());
  $('api-key').value = '';
  say('API key set for this tab.');
  refreshAll();
});
$('upload-form').addEventListener('submit', upload);
$('predict-button').addEventListener('click', () => start('predict'));
$('train-button').addEventListener('click', () => start('train'));
$('retrain-button').addEventListener('click', () => start('retrain'));
if (apiKey()) refreshAll();
else say('Enter an API key to use the console.', true);
