import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';

export type Device = 'cpu' | 'cuda';

export interface SessionOptions {
  readonly device?: Device;
  /** Threads onnxruntime may use inside one run; defaults to onnxruntime's choice (all cores). */
  readonly intraOpNumThreads?: number;
}

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  /** The device the session runs on, which is CPU when CUDA was asked for but could not be set up. */
  readonly device: Device;
  /** Why CUDA was not used, when it was asked for. */
  readonly fallbackReason: string | null;
}

/** Creates the session on the requested device; a CUDA failure (no GPU, no CUDA build) falls back to CPU. */
export async function openSession(onnx: Uint8Array, options: SessionOptions = {}): Promise<OpenedSession> {
  const common: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    // onnxruntime's pool threads spin between runs by default. A worker runs small graphs between stretches
    // of JavaScript (featurizing, a queue round trip): spinning threads would burn the very cores the
    // featurizer, the gateway or a second worker on the host are waiting for.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  };
  let fallbackReason: string | null = null;
  if (options.device === 'cuda') fallbackReason = missingCudaProvider();
  if (options.device === 'cuda' && fallbackReason === null) {
    try {
      // Only CUDA is listed so that a failure surfaces here instead of a silent CPU session.
      const session = await ort.InferenceSession.create(onnx, { ...common, executionProviders: ['cuda'] });
      return { session, device: 'cuda', fallbackReason };
    } catch (error) {
      fallbackReason = error instanceof Error ? error.message : String(error);
    }
  }
  const session = await ort.InferenceSession.create(onnx, { ...common, executionProviders: ['cpu'] });
  return { session, device: 'cpu', fallbackReason };
}

/**
 * Why CUDA cannot work with this onnxruntime-node install, or null when it may. The npm package ships the
 * CPU build; its CUDA provider libraries are added by its install script with ONNXRUNTIME_NODE_INSTALL_CUDA
 * (the GPU image does). Asking for CUDA without them only makes onnxruntime print an error about
 * libonnxruntime_providers_shared.so to stderr before the fallback, on every CPU host. An unknown layout
 * of the package is no reason to skip the attempt.
 */
function missingCudaProvider(): string | null {
  const bin = join(
    dirname(createRequire(import.meta.url).resolve('onnxruntime-node')),
    `../bin/napi-v6/${process.platform}/${process.arch}`,
  );
  if (!existsSync(join(bin, 'onnxruntime_binding.node'))) return null;
  if (existsSync(join(bin, 'libonnxruntime_providers_cuda.so'))) return null;
  return `this onnxruntime-node install has no CUDA provider (no libonnxruntime_providers_cuda.so in ${bin}; install it with ONNXRUNTIME_NODE_INSTALL_CUDA=v12)`;
}
