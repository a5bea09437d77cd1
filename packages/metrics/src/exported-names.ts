import type { Registry } from 'prom-client';

// Prometheus writes a histogram (and a summary) as these series; a query may name any of them.
const SERIES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** Every series name a registry exposes (histograms also as their _bucket/_sum/_count series). */
export function exportedNames(registry: Registry): Set<string> {
  const names = new Set<string>();
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    for (const suffix of SERIES[type] ?? []) names.add(`${name}${suffix}`);
  }
  return names;
}
