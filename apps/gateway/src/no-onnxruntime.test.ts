import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The gateway never runs a model, so neither do its tests: the gateway, its test support and the light
// test-kit entry load no onnxruntime-node (its native binding alone costs a gateway test process memory).
describe('a gateway test process', () => {
  it('loads onnxruntime-node neither as a module nor as a native binding', async () => {
    const opened: string[] = [];
    const dlopen = process.dlopen;
    process.dlopen = (module, filename, ...rest) => {
      opened.push(filename);
      return dlopen(module, filename, ...rest);
    };
    try {
      await import('./create-app');
      await import('../test/list-routes');
      await import('../test/test-gateway');
      await import('../test/test-services');
      await import('@shelfwise/test-kit');
    } finally {
      process.dlopen = dlopen;
    }
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.filter((path) => path.includes('onnxruntime'))).toEqual([]);
    expect(opened.filter((path) => path.includes('onnxruntime'))).toEqual([]);
  });
});
