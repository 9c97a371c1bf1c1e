export {
  BACKEND_NAMES,
  BackendError,
  BackendUnavailableError,
  SlowBackendRefusedError,
  resolveBackendName,
  useBackend,
} from './backend.ts';
export type { BackendName, BackendPurpose, BackendChoice, UseBackendOptions } from './backend.ts';
export { installConv1x1AsMatMul } from './conv1x1-as-matmul.ts';
