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
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  };
  let fallbackReason: string | null = null;
  if (options.device === 'cuda') {
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
